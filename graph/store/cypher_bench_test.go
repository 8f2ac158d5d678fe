package store_test

import (
	"context"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

const benchQuery = "MATCH (a:Actor)-[p:PARTICIPATED_IN]->(:Event {id: 'event:human-security-luncheon-1998'}) RETURN a.name AS actor, p.role AS role ORDER BY role, actor"

// benchStore is the seed plus the reference data, loaded once.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	s := testdb.Seeded(b)
	if _, err := refimport.Run(context.Background(), s, data.FS, refimport.Options{}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkReadCypher is the guarded path (EXPLAIN, plan check, read
// transaction, rollback); BenchmarkPlainRead the same query run directly,
// for the guards' cost.
func BenchmarkReadCypher(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.Run("guarded", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.ReadCypher(ctx, benchQuery, nil, store.CypherOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := neo4j.ExecuteQuery(ctx, s.Driver(), benchQuery, nil, neo4j.EagerResultTransformer,
				neo4j.ExecuteQueryWithReadersRouting()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("graphModel", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.ReadGraphModel(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
