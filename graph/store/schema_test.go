package store_test

import (
	"context"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// A database whose full-text index was made before agreements had
// aliases gets the index again, with them, from EnsureSchema; and
// SchemaMissing reports nothing missing afterwards.
func TestEnsureSchemaRebuildsAnOutdatedFullTextIndex(t *testing.T) {
	s := testdb.Open(t)
	testdb.Reset(t, s)
	testdb.Exec(t, "DROP INDEX "+store.FullTextIndex, nil)
	testdb.Exec(t, "CREATE FULLTEXT INDEX "+store.FullTextIndex+" FOR (n:Country|Organization|IssueArea|Initiative|Event|Agreement) ON EACH [n.name, n.acronym]", nil)
	testdb.Exec(t, "CREATE (:Agreement {id: 'agreement:probe', name: 'Convention on the Prohibition of Probes', aliases: ['Probe Ban Treaty']})", nil)
	ctx := context.Background()
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if missing, err := s.SchemaMissing(ctx); err != nil || len(missing) > 0 {
		t.Errorf("missing after EnsureSchema: %v %v", missing, err)
	}
	hits, err := s.Search(ctx, "probe ban", 5)
	if err != nil || len(hits) != 1 || hits[0].Node.ID() != "agreement:probe" {
		t.Errorf("search by alias: %+v %v", hits, err)
	}
	// Applied again, the schema is left as it is and still finds aliases.
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if hits, err := s.Search(ctx, "probe ban", 5); err != nil || len(hits) != 1 {
		t.Errorf("search by alias after a second EnsureSchema: %+v %v", hits, err)
	}
}
