package docs

import (
	"context"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/coalition"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// loaded is set once the test database holds what `make run` loads; the
// package's tests only read (the curl examples of writing.md remove what
// they write), so they load it once.
var loaded bool

// loadTestData resets the test database and loads what `make run` loads:
// the seed (lysoen seed), then the reference data and the coalition
// datasets (lysoen import). Every answer the documents show is checked on
// this database.
func loadTestData(t *testing.T) *store.Store {
	t.Helper()
	if loaded {
		return testdb.Open(t)
	}
	s := testdb.Seeded(t)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, s, data.FS, refimport.Options{}); err != nil {
		t.Fatalf("import reference data: %v", err)
	}
	if _, err := coalition.Run(ctx, s, data.FS, coalition.Options{}); err != nil {
		t.Fatalf("import the coalition datasets: %v", err)
	}
	loaded = true
	return s
}
