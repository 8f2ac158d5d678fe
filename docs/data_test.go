package docs

import (
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// loadTestData resets the test database and loads what researchers query:
// the seed graph (and, once `lysoen import` exists, the reference data).
func loadTestData(t *testing.T) *store.Store {
	t.Helper()
	return testdb.Seeded(t)
}
