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

func TestCountEdgesGroupedRefusesUnknownKeys(t *testing.T) {
	st := testdb.Open(t)
	for _, c := range []struct {
		spec store.EdgeSpec
		key  store.GroupKey
	}{
		{store.InitiativeMembers, store.GroupKind},                                 // a node key, not a membership's
		{store.ActorMemberships, "r.role) RETURN 1 //"},                            // not a key at all
		{store.ActorParticipations, store.GroupRole},                               // no group keys for PARTICIPATED_IN
		{store.ActorIssueAreas, store.GroupRole},                                   // derived: never aggregated
		{store.EdgeSpec{From: "Secret", Type: store.RelMemberOf}, store.GroupRole}, // a label outside the model
	} {
		if _, err := st.CountEdgesGrouped(context.Background(), c.spec, "initiative:lysoen-partnership", store.EdgeQuery{}, []store.GroupKey{c.key}); err == nil {
			t.Errorf("%v by %q: no error, want a refusal", c.spec, c.key)
		}
	}
}
