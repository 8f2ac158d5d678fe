package graph

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/synth"
)

// relayWindow is the Relay Cursor Connections specification's algorithm
// over a whole list, written out independently of the store: the cursors
// narrow the list, first keeps its first items, last the last of those;
// hasPreviousPage and hasNextPage as the specification defines them (a
// cursor is taken to prove that items exist on its other side).
func relayWindow(all []string, first, last *int, after, before string) (page []string, hasPrev, hasNext bool) {
	edges := all
	if after != "" {
		edges = edges[slices.Index(edges, after)+1:]
	}
	if before != "" {
		edges = edges[:slices.Index(edges, before)]
	}
	narrowed := len(edges)
	if first != nil && len(edges) > *first {
		edges = edges[:*first]
	}
	if last != nil && len(edges) > *last {
		edges = edges[len(edges)-*last:]
	}
	if last != nil {
		hasPrev = narrowed > *last
	} else {
		hasPrev = after != ""
	}
	if first != nil {
		hasNext = narrowed > *first
	} else {
		hasNext = before != ""
	}
	return edges, hasPrev, hasNext
}

// TestRelayPagingBothWays pages the countries and organizations with
// every combination of first, last, after and before (relay-runtime sends
// first together with last) through the resolvers, and compares each page
// with the specification's algorithm applied to the whole list (package
// graph/directread answers the same combinations byte for byte).
func TestRelayPagingBothWays(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := synth.Load(context.Background(), st, 1, synth.ScaleTiny, nil); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)
	type page struct {
		Conn struct {
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
		}
	}
	fetch := func(root string, vars map[string]any) page {
		t.Helper()
		q := `query($first: Int, $last: Int, $after: String, $before: String) { conn: ` + root + `(first: $first, last: $last, after: $after, before: $before) {
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`
		var p page
		a.ok(q, vars, &p)
		return p
	}
	ip := func(n int) *int { return &n }
	for _, root := range []string{"countries", "organizations"} {
		whole := fetch(root, map[string]any{"first": MaxPageSize})
		if whole.Conn.PageInfo.HasNextPage || len(whole.Conn.Edges) < 12 {
			t.Fatalf("%s: the test needs a whole list of at least 12, got %d", root, len(whole.Conn.Edges))
		}
		var ids []string
		cursorOf := map[string]string{}
		for _, e := range whole.Conn.Edges {
			ids = append(ids, e.Node.ID)
			cursorOf[e.Node.ID] = e.Cursor
		}
		n := len(ids)
		sizes := []*int{nil, ip(0), ip(1), ip(3), ip(n - 2), ip(n + 5)}
		for _, first := range sizes {
			for _, last := range sizes {
				for _, after := range []string{"", ids[2]} {
					for _, before := range []string{"", ids[n-3]} {
						vars := map[string]any{"first": first, "last": last}
						if after != "" {
							vars["after"] = cursorOf[after]
						}
						if before != "" {
							vars["before"] = cursorOf[before]
						}
						wantIDs, wantPrev, wantNext := relayWindow(ids, first, last, after, before)
						if first == nil && last == nil {
							wantIDs, wantPrev, wantNext = relayWindow(ids, ip(DefaultPageSize), nil, after, before)
						}
						got := fetch(root, vars)
						var gotIDs []string
						for _, e := range got.Conn.Edges {
							gotIDs = append(gotIDs, e.Node.ID)
						}
						pi := got.Conn.PageInfo
						label := fmt.Sprintf("%s first=%v last=%v after=%q before=%q", root, deref(first), deref(last), after, before)
						if !slices.Equal(gotIDs, wantIDs) {
							t.Errorf("%s: page %v, want %v", label, gotIDs, wantIDs)
						}
						if pi.HasPreviousPage != wantPrev || pi.HasNextPage != wantNext {
							t.Errorf("%s: hasPreviousPage %v hasNextPage %v, want %v %v", label, pi.HasPreviousPage, pi.HasNextPage, wantPrev, wantNext)
						}
						if len(wantIDs) == 0 && (pi.StartCursor != nil || pi.EndCursor != nil) {
							t.Errorf("%s: empty page has cursors %v %v", label, pi.StartCursor, pi.EndCursor)
						}
						if len(wantIDs) > 0 && (pi.StartCursor == nil || *pi.StartCursor != cursorOf[wantIDs[0]] || pi.EndCursor == nil || *pi.EndCursor != cursorOf[wantIDs[len(wantIDs)-1]]) {
							t.Errorf("%s: start/end cursors do not match the page's edges", label)
						}
					}
				}
			}
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
