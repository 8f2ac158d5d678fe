package directread

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/synth"
)

// TestRelationshipConnectionsBothPaths: queries with connections nested
// in connections and beside plain lists are answered directly, and the
// same as through the resolvers.
func TestRelationshipConnectionsBothPaths(t *testing.T) {
	st := testdb.Seeded(t)
	resolvers, direct, served, _ := directServers(t, st)
	for _, q := range []string{
		`{ initiatives(first: 5) { edges { node { id membersConnection(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor role since node { id name } } }
		  eventsConnection(last: 2) { totalCount edges { cursor node { id participantsConnection { totalCount edges { role node { id } } } } } } } } } }`,
		`{ countries(first: 10) { edges { node { id signatures(first: 2) { agreement { id } } signaturesConnection(first: 2) { totalCount edges { signed node { id } } }
		  participationsConnection { edges { role node { id } } } eventsHeldConnection { totalCount } } } } }`,
	} {
		want, wantErrs := rawAnswer(t, resolvers, q, nil)
		before := served.Load()
		got, gotErrs := rawAnswer(t, direct, q, nil)
		if served.Load() == before {
			t.Errorf("%s: not answered directly", q)
		}
		if wantErrs != "" || gotErrs != "" {
			t.Fatalf("errors: %s / %s", wantErrs, gotErrs)
		}
		if got != want {
			t.Errorf("%s\ndirect: %s\nresolvers: %s", q, got, want)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil || strings.Count(got, `"totalCount"`) == 0 {
			t.Errorf("answer without totalCount: %s", got)
		}
	}
}

// TestRelayPagingBothPaths pages root lists and a relationship connection
// with every combination of first, last, after and before that
// graph.TestRelayPagingBothWays checks against the Relay specification's
// algorithm on the resolvers, and compares the direct answers with the
// resolvers' byte for byte.
func TestRelayPagingBothPaths(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := synth.Load(context.Background(), st, 1, synth.ScaleTiny, nil); err != nil {
		t.Fatal(err)
	}
	resolvers, direct, served, _ := directServers(t, st)
	// The organization with the most members, whose members' connection is paged.
	var orgs struct {
		Organizations struct {
			Edges []struct {
				Node struct {
					ID string
					M  struct{ TotalCount int } `json:"membersConnection"`
				}
			}
		}
	}
	data, _ := rawAnswer(t, resolvers, `{ organizations(first: 100) { edges { node { id membersConnection { totalCount } } } } }`, nil)
	if err := json.Unmarshal([]byte(data), &orgs); err != nil {
		t.Fatal(err)
	}
	org, most := "", 0
	for _, e := range orgs.Organizations.Edges {
		if e.Node.M.TotalCount > most && e.Node.M.TotalCount <= graph.MaxPageSize {
			org, most = e.Node.ID, e.Node.M.TotalCount
		}
	}
	const args = `(first: $first, last: $last, after: $after, before: $before)`
	const sel = `{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`
	lists := []struct {
		name, q string
		vars    map[string]any
	}{
		{"countries", `query($first: Int, $last: Int, $after: String, $before: String) { conn: countries` + args + sel + ` }`, nil},
		{"organizations", `query($first: Int, $last: Int, $after: String, $before: String) { conn: organizations` + args + sel + ` }`, nil},
		{"members of " + org, `query($id: ID!, $first: Int, $last: Int, $after: String, $before: String) { organization(id: $id) { conn: membersConnection` + args + sel + ` } }`,
			map[string]any{"id": org}},
	}
	type conn struct {
		Edges []struct{ Cursor string }
	}
	type page struct {
		Conn         conn
		Organization struct{ Conn conn }
	}
	ip := func(n int) *int { return &n }
	for _, l := range lists {
		vars := func(extra map[string]any) map[string]any {
			out := map[string]any{}
			for k, v := range l.vars {
				out[k] = v
			}
			for k, v := range extra {
				out[k] = v
			}
			return out
		}
		data, errs := rawAnswer(t, resolvers, l.q, vars(map[string]any{"first": graph.MaxPageSize}))
		var p page
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			t.Fatal(err)
		}
		whole := p.Conn
		if l.vars != nil {
			whole = p.Organization.Conn
		}
		n := len(whole.Edges)
		if errs != "" || n < 6 {
			t.Fatalf("%s: the test needs a whole list of at least 6, got %d %s", l.name, n, errs)
		}
		cursor := func(i int) string { return whole.Edges[i].Cursor }
		sizes := []*int{nil, ip(0), ip(1), ip(3), ip(n - 2), ip(n + 5)}
		for _, first := range sizes {
			for _, last := range sizes {
				for _, after := range []string{"", cursor(2)} {
					for _, before := range []string{"", cursor(n - 3)} {
						v := vars(map[string]any{"first": first, "last": last})
						if after != "" {
							v["after"] = after
						}
						if before != "" {
							v["before"] = before
						}
						// Over the limit: the resolvers' error, which the direct path leaves to them.
						refused := (first != nil && *first > graph.MaxPageSize) || (last != nil && *last > graph.MaxPageSize)
						was := served.Load()
						wantData, wantErrs := rawAnswer(t, resolvers, l.q, v)
						gotData, gotErrs := rawAnswer(t, direct, l.q, v)
						label := fmt.Sprintf("%s first=%v last=%v after=%v before=%v", l.name, deref(first), deref(last), after != "", before != "")
						if gotData != wantData || gotErrs != wantErrs {
							t.Errorf("%s: direct answer differs\n direct:    %.400s %s\n resolvers: %.400s %s", label, gotData, gotErrs, wantData, wantErrs)
						}
						if took := served.Load() > was; took == refused {
							t.Errorf("%s: answered directly = %v, want %v", label, took, !refused)
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
