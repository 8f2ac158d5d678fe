package voting_test

// A cached bloc partition is answered with one statement (the data's
// version and the member states' nodes together), and still names the
// states as they are now.

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

func TestBlocsCachedIsOneStatement(t *testing.T) {
	fixture(t)
	var n atomic.Int64
	st := testdb.Open(t, func(o *store.Options) { o.OnQuery = func(context.Context) { n.Add(1) } })
	a := freshAPI(t, st)
	const q = `{ blocs(from: "1995", to: "2004") { states rollCalls blocs { size members { id name } } } }`
	type answer struct {
		Blocs struct {
			States, RollCalls int
			Blocs             []struct {
				Size    int
				Members []struct{ ID, Name string }
			}
		}
	}
	names := func(d answer) (map[string]string, int) {
		out, sum := map[string]string{}, 0
		for _, b := range d.Blocs.Blocs {
			sum += b.Size
			for _, m := range b.Members {
				out[m.ID] = m.Name
			}
		}
		return out, sum
	}
	var first, cached answer
	a.ok(q, nil, &first)
	n.Store(0)
	a.ok(q, nil, &cached)
	if got := n.Load(); got != 1 {
		t.Errorf("the cached answer took %d statements, want 1", got)
	}
	m1, size1 := names(first)
	m2, size2 := names(cached)
	if len(m1) == 0 || len(m1) != len(m2) || size1 != size2 || size1 != first.Blocs.States || cached.Blocs.RollCalls != first.Blocs.RollCalls {
		t.Fatalf("cached: %d members (sizes %d), computed: %d (sizes %d, %d states)", len(m2), size2, len(m1), size1, first.Blocs.States)
	}

	// A member renamed after the partition was computed is named as it is now.
	old := m1["country:CAN"]
	if old == "" {
		t.Fatalf("Canada is in no bloc of 1995-2004")
	}
	testdb.Exec(t, `MATCH (c:Country {id: 'country:CAN'}) SET c.name = $name`, map[string]any{"name": old + " (renamed)"})
	t.Cleanup(func() {
		testdb.Exec(t, `MATCH (c:Country {id: 'country:CAN'}) SET c.name = $name`, map[string]any{"name": old})
	})
	var renamed answer
	n.Store(0)
	a.ok(q, nil, &renamed)
	if m, _ := names(renamed); m["country:CAN"] != old+" (renamed)" || n.Load() != 1 {
		t.Errorf("after the rename: %q in %d statements", m["country:CAN"], n.Load())
	}
}
