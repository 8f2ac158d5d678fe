package docs

import (
	"context"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// loaded is set once the test database holds the seed and the reference
// data; the package's tests only read, so they load it once.
var loaded bool

// loadTestData resets the test database and loads what researchers query:
// the seed graph, then the reference data as `lysoen import` does.
func loadTestData(t *testing.T) *store.Store {
	t.Helper()
	if loaded {
		return testdb.Open(t)
	}
	s := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), s, data.FS, refimport.Options{}); err != nil {
		t.Fatalf("import reference data: %v", err)
	}
	loaded = true
	return s
}
