package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
