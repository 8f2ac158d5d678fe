package directread

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// foldForReader is the reader's key computed in Go, independently of the
// store's Cypher: lower case, decomposed, combining marks U+0300-U+036F
// dropped.
func foldForReader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if r >= 0x300 && r <= 0x36f {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// TestNamesSortAsAReaderWould: countries by name (both directions, whole
// and paged by cursor, both read paths) follow the folded key with the id
// as tie-break, so "Åland Islands" comes right after "Afghanistan".
func TestNamesSortAsAReaderWould(t *testing.T) {
	st := testdb.Seeded(t)
	// The reference import brings every ISO 3166 country, accented names among them.
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	resolvers, direct, _, _ := directServers(t, st)
	type conn struct {
		Conn struct {
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	const q = `query($first: Int, $after: String, $dir: SortDirection) { conn: countries(first: $first, after: $after, orderBy: [{field: NAME, direction: $dir}]) {
  pageInfo { hasNextPage endCursor } edges { node { id name } } } }`
	get := func(url string, vars map[string]any) conn {
		t.Helper()
		data, errs := rawAnswer(t, url, q, vars)
		if errs != "" {
			t.Fatal(errs)
		}
		var c conn
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, dir := range []string{"ASC", "DESC"} {
		for _, url := range []string{resolvers, direct} {
			type row struct{ id, name string }
			walk := func(size int) []row {
				var out []row
				vars := map[string]any{"first": size, "dir": dir}
				for {
					p := get(url, vars)
					for _, e := range p.Conn.Edges {
						out = append(out, row{e.Node.ID, e.Node.Name})
					}
					if !p.Conn.PageInfo.HasNextPage {
						return out
					}
					vars["after"] = *p.Conn.PageInfo.EndCursor
				}
			}
			got := walk(graph.MaxPageSize)
			if len(got) < 200 {
				t.Fatalf("only %d countries", len(got))
			}
			want := slices.Clone(got)
			slices.SortFunc(want, func(a, b row) int {
				c := strings.Compare(foldForReader(a.name), foldForReader(b.name))
				if dir == "DESC" {
					c = -c
				}
				return cmp.Or(c, strings.Compare(a.id, b.id))
			})
			if !slices.Equal(got, want) {
				t.Errorf("%s: countries not in the reader's order:\n got  %v\n want %v", dir, got, want)
			}
			at := func(name string) int {
				return slices.IndexFunc(got, func(r row) bool { return r.name == name })
			}
			if a, z := at("Åland Islands"), at("Zimbabwe"); a < 0 || z < 0 || (dir == "ASC") != (a < z) {
				t.Errorf("%s: Åland Islands at %d, Zimbabwe at %d", dir, a, z)
			}
			// Small pages: the same sequence, no item twice or lost.
			paged := walk(7)
			if !slices.Equal(paged, got) {
				t.Errorf("%s: paging by cursor gives another sequence (%d vs %d items)", dir, len(paged), len(got))
			}
		}
	}
}
