package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

func TestCountNodesGroupedRefusesUnknownKeys(t *testing.T) {
	st := testdb.Open(t)
	for _, c := range []struct {
		label store.Label
		key   store.GroupKey
	}{{store.LabelCountry, store.GroupKind}, {store.LabelIssueArea, store.GroupKind}, {store.LabelEvent, "n.name) RETURN 1 //"}, {"Secret", store.GroupKind}} {
		if _, err := st.CountNodesGrouped(context.Background(), c.label, store.Filter{}, []store.GroupKey{c.key}); err == nil ||
			!strings.Contains(err.Error(), "group") && !strings.Contains(err.Error(), "label") {
			t.Errorf("%s by %q: err %v, want a refusal", c.label, c.key, err)
		}
	}
}
