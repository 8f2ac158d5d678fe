package store_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// planText plans cypher with EXPLAIN and returns the plan as Neo4j prints
// it. The text, not the driver's Plan tree: the driver's Children() hands
// back the last child for every child (a loop-variable alias), so nested
// unions lose their branches.
func planText(t *testing.T, s *store.Store, cypher string) string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), s.Driver(), "EXPLAIN "+cypher,
		map[string]any{"id": "changeset:x", "first": 10}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := res.Summary.Plan().Arguments()["string-representation"].(string)
	if text == "" {
		t.Fatal("the plan has no string-representation")
	}
	return text
}

// A change-set review seeks the changeSetId indexes, one per label and
// relationship type, instead of scanning every node and relationship.
func TestChangeSetUsesTheIndexes(t *testing.T) {
	s := testdb.Open(t)
	testdb.Reset(t, s)
	nodes, rels := store.ChangeSetStatementsForTest()
	nodePlan, relPlan := planText(t, s, nodes), planText(t, s, rels)
	for _, l := range store.PrimaryLabels {
		if want := fmt.Sprintf("RANGE INDEX n:%s(changeSetId)", l); !strings.Contains(nodePlan, want) {
			t.Errorf("the nodes' plan has no %q:\n%s", want, nodePlan)
		}
	}
	for rt := range store.RelTypes {
		if want := fmt.Sprintf("[r:%s(changeSetId)]", rt); !strings.Contains(relPlan, want) {
			t.Errorf("the relationships' plan has no %q:\n%s", want, relPlan)
		}
	}
	for _, plan := range []string{nodePlan, relPlan} {
		if strings.Contains(plan, "Scan ") {
			t.Errorf("a change-set review scans:\n%s", plan)
		}
	}
}

// Change-set ids are short, distinct within a microsecond, and sort in
// the order of their times.
func TestNewChangeSetID(t *testing.T) {
	base := time.Date(2026, 12, 5, 8, 30, 12, 123456000, time.UTC)
	var prev string
	var prevAt time.Time
	seen := map[string]bool{}
	for i, at := range []time.Time{time.Unix(0, 0), base, base, base.Add(time.Microsecond), base.Add(time.Hour), time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC)} {
		id := store.NewChangeSetID(at)
		if !regexp.MustCompile(`^changeset:[0-9a-z]{16}$`).MatchString(id) {
			t.Fatalf("%v: id %q, want changeset: and 16 base-36 digits", at, id)
		}
		if seen[id] {
			t.Fatalf("%v: id %q given twice", at, id)
		}
		seen[id] = true
		stamp, err := strconv.ParseInt(id[len("changeset:"):len("changeset:")+10], 36, 64)
		if err != nil || stamp != at.UnixMicro() {
			t.Fatalf("%v: id %q carries %d (%v), want %d", at, id, stamp, err, at.UnixMicro())
		}
		if i > 0 && at.After(prevAt) && id <= prev {
			t.Fatalf("id %q for %v sorts before %q for %v", id, at, prev, prevAt)
		}
		prev, prevAt = id, at
	}
}
