package store_test

import (
	"context"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestStatementsPlan: Neo4j plans every fixed statement of the store (the
// embedded .cypher files) on a database with the model's schema: each
// parses, and names functions, procedures and clauses Neo4j 5.26 has.
// (Unknown labels or properties only warn, and a database without votes
// has never seen RollCall, so warnings are not checked.)
func TestStatementsPlan(t *testing.T) {
	s := testdb.Seeded(t)
	files, err := store.StatementFilesForTest()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("%d statement files, want at least 8", len(files))
	}
	for name, cypher := range files {
		t.Run(name, func(t *testing.T) {
			res, err := neo4j.ExecuteQuery(context.Background(), s.Driver(), "EXPLAIN "+cypher, nil,
				neo4j.EagerResultTransformer)
			if err != nil {
				t.Fatalf("EXPLAIN %s: %v", name, err)
			}
			if res.Summary.Plan() == nil {
				t.Fatalf("EXPLAIN %s: no plan", name)
			}
		})
	}
}
