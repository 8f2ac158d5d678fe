package graph

// Relationship connections (`<field>Connection`) against the seed and the
// reference import: the Rome Statute's signatories paged forwards and
// backwards, compared with a plain Cypher read of the graph and with the UN
// Treaty Collection's CSV; Relay windows; totalCount under where; typed
// errors; membership spans of one actor; round trips per query.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	data "github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

const romeID = "agreement:rome-statute"

// servingAPI serves the schema through the resolvers (per-request loaders)
// and counts the Cypher statements sent.
func servingAPI(t *testing.T) (*api, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	st := testdb.Open(t, func(o *store.Options) { o.OnQuery = func(context.Context) { n.Add(1) } })
	srv := httptest.NewServer(servingHandler(st))
	t.Cleanup(srv.Close)
	return &api{t: t, srv: srv}, &n
}

// servingHandler is the GraphQL handler as the server builds it without
// direct reads (package graph/directread wraps this schema and compares
// its answers with these): gqlgen's query cache, the error presenter,
// per-request loaders.
func servingHandler(st *store.Store) http.Handler {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := &Resolver{Store: st, Logger: logger}
	h := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	h.AddTransport(transport.POST{})
	h.SetQueryCache(lru.New[*ast.QueryDocument](100))
	h.SetErrorPresenter(ErrorPresenter(logger, func(context.Context) string { return "" }))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(w, req.WithContext(loader.With(req.Context(), loader.New(st))))
	})
}

// cypherStrings runs a read on the test database and returns column s.
func cypherStrings(t *testing.T, cypher string, params map[string]any) []string {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	res, err := neo4j.ExecuteQuery(context.Background(), driver, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Records {
		s, _, err := neo4j.GetRecordValue[string](r, "s")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

type relConnPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor   string
		Ratified *string
		Method   *string
		Node     struct{ ID string }
		Actor    struct{ ID string }
	}
}

func (p relConnPage) ids() []string {
	out := make([]string, 0, len(p.Edges))
	for _, e := range p.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

const signatoriesPage = `query($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $where: SignatureWhere, $orderBy: [SignatureSort!]) {
  agreement(id: $id) { signatoriesConnection(first: $first, last: $last, after: $after, before: $before, where: $where, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor ratified method node { id } actor { id } } } } }`

func signatories(t *testing.T, a *api, vars map[string]any) relConnPage {
	t.Helper()
	vars["id"] = romeID
	var out struct {
		Agreement struct{ SignatoriesConnection relConnPage }
	}
	a.on(t).ok(signatoriesPage, vars, &out)
	return out.Agreement.SignatoriesConnection
}

func TestRelationshipConnectionPagesAllSignatories(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	a, _ := servingAPI(t)

	// What the graph holds, read with plain Cypher, and what the source says.
	want := cypherStrings(t, `MATCH (:Agreement {id: $id})<-[:SIGNATORY_OF]-(x) RETURN x.id AS s ORDER BY s`, map[string]any{"id": romeID})
	csvRows := fileRecords(t, "treaties/rome-statute-2015.csv")
	if len(want) != len(csvRows) {
		t.Fatalf("graph has %d Rome Statute signatories, the UN Treaty Collection file %d rows", len(want), len(csvRows))
	}
	if len(want) <= DefaultNestedSize {
		t.Fatalf("the test needs more signatories than a plain list answers (%d), got %d", DefaultNestedSize, len(want))
	}

	// The plain list stops at its default; the connection says how many there are.
	var plain struct {
		Agreement struct {
			Signatories []struct{ Actor struct{ ID string } }
		}
	}
	a.ok(`query($id: ID!) { agreement(id: $id) { signatories { actor { id } } } }`, map[string]any{"id": romeID}, &plain)
	if len(plain.Agreement.Signatories) != DefaultNestedSize {
		t.Fatalf("plain list: %d items, want its default %d", len(plain.Agreement.Signatories), DefaultNestedSize)
	}

	// Forwards, 40 at a time.
	var forward []string
	var after any
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("forward paging does not end")
		}
		p := signatories(t, a, map[string]any{"first": 40, "after": after})
		if p.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", p.TotalCount, len(want))
		}
		for _, e := range p.Edges {
			if e.Node.ID != e.Actor.ID {
				t.Fatalf("edge node %s but actor %s", e.Node.ID, e.Actor.ID)
			}
		}
		forward = append(forward, p.ids()...)
		if p.PageInfo.HasPreviousPage != (after != nil) {
			t.Errorf("forward page %d: hasPreviousPage %v", pages, p.PageInfo.HasPreviousPage)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = *p.PageInfo.EndCursor
	}
	got := slices.Clone(forward)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("forward paging read %d ids (%d distinct expected): duplicates or gaps", len(forward), len(want))
	}
	// The order is the plain list's order.
	if !slices.Equal(forward[:len(plain.Agreement.Signatories)], func() []string {
		var ids []string
		for _, s := range plain.Agreement.Signatories {
			ids = append(ids, s.Actor.ID)
		}
		return ids
	}()) {
		t.Error("the connection's order differs from the plain list's")
	}

	// Backwards, 33 at a time, ends where forwards started.
	var backward []string
	var before any
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("backward paging does not end")
		}
		p := signatories(t, a, map[string]any{"last": 33, "before": before})
		backward = append(p.ids(), backward...)
		if !p.PageInfo.HasPreviousPage {
			break
		}
		before = *p.PageInfo.StartCursor
	}
	if !slices.Equal(backward, forward) {
		t.Fatalf("backward paging read %d ids, not the forward list of %d", len(backward), len(forward))
	}

	// totalCount honours where; ordering by ratification date descending.
	accessions := cypherStrings(t, `MATCH (:Agreement {id: $id})<-[r:SIGNATORY_OF]-(x) WHERE r.method = 'ACCESSION' RETURN x.id AS s ORDER BY s`,
		map[string]any{"id": romeID})
	if len(accessions) == 0 {
		t.Fatal("the test needs accessions to the Rome Statute")
	}
	p := signatories(t, a, map[string]any{"first": 100, "where": map[string]any{"method": map[string]any{"eq": "ACCESSION"}},
		"orderBy": []any{map[string]any{"field": "RATIFIED", "direction": "DESC"}}})
	if p.TotalCount != len(accessions) {
		t.Errorf("totalCount with where: %d, want %d", p.TotalCount, len(accessions))
	}
	ids := p.ids()
	slices.Sort(ids)
	if !slices.Equal(ids, accessions) {
		t.Errorf("where method ACCESSION: %v, want %v", ids, accessions)
	}
	for i := 1; i < len(p.Edges); i++ {
		if *p.Edges[i-1].Ratified < *p.Edges[i].Ratified {
			t.Fatalf("orderBy RATIFIED DESC: %s before %s", *p.Edges[i-1].Ratified, *p.Edges[i].Ratified)
		}
	}

	// Every Relay window over the whole list (relay-runtime sends first with last).
	cursorOf := map[string]string{}
	for _, page := range [][2]int{{0, 100}, {100, len(want)}} {
		var pg relConnPage
		if page[0] == 0 {
			pg = signatories(t, a, map[string]any{"first": 100})
		} else {
			pg = signatories(t, a, map[string]any{"first": 100, "after": cursorOf[forward[99]]})
		}
		for _, e := range pg.Edges {
			cursorOf[e.Node.ID] = e.Cursor
		}
	}
	n := len(forward)
	ip := func(n int) *int { return &n }
	sizes := []*int{nil, ip(0), ip(1), ip(7), ip(100)}
	for _, first := range sizes {
		for _, last := range sizes {
			for _, aft := range []string{"", forward[2], forward[60]} {
				for _, bef := range []string{"", forward[n-3], forward[90]} {
					vars := map[string]any{"first": first, "last": last}
					if aft != "" {
						vars["after"] = cursorOf[aft]
					}
					if bef != "" {
						vars["before"] = cursorOf[bef]
					}
					wantIDs, wantPrev, wantNext := relayWindow(forward, first, last, aft, bef)
					if first == nil && last == nil {
						wantIDs, wantPrev, wantNext = relayWindow(forward, ip(DefaultPageSize), nil, aft, bef)
					}
					got := signatories(t, a, vars)
					label := fmt.Sprintf("first=%v last=%v after=%q before=%q", deref(first), deref(last), aft, bef)
					if !slices.Equal(got.ids(), wantIDs) && !(len(wantIDs) == 0 && len(got.Edges) == 0) {
						t.Errorf("%s: page %v, want %v", label, got.ids(), wantIDs)
					}
					pi := got.PageInfo
					if pi.HasPreviousPage != wantPrev || pi.HasNextPage != wantNext {
						t.Errorf("%s: hasPreviousPage %v hasNextPage %v, want %v %v", label, pi.HasPreviousPage, pi.HasNextPage, wantPrev, wantNext)
					}
					if len(wantIDs) > 0 && (pi.StartCursor == nil || *pi.StartCursor != cursorOf[wantIDs[0]] || *pi.EndCursor != cursorOf[wantIDs[len(wantIDs)-1]]) {
						t.Errorf("%s: start/end cursors do not match the page's edges", label)
					}
					if len(wantIDs) == 0 && (pi.StartCursor != nil || pi.EndCursor != nil) {
						t.Errorf("%s: empty page has cursors", label)
					}
				}
			}
		}
	}

	// Bad arguments: typed errors, no data.
	var countries struct {
		Countries struct{ PageInfo struct{ EndCursor string } }
	}
	a.ok(`{ countries(first: 2) { pageInfo { endCursor } } }`, nil, &countries)
	byRatified := signatories(t, a, map[string]any{"first": 1, "orderBy": []any{map[string]any{"field": "RATIFIED"}}})
	accessionCursor := p.Edges[0].Cursor
	for _, c := range []struct {
		name string
		vars map[string]any
		arg  string
	}{
		{"negative first", map[string]any{"first": -1}, "first"},
		{"page too large", map[string]any{"first": MaxPageSize + 1}, "first"},
		{"negative last", map[string]any{"last": -2}, "last"},
		{"not a cursor", map[string]any{"after": "not-a-cursor"}, "after"},
		{"root list cursor", map[string]any{"after": countries.Countries.PageInfo.EndCursor}, "after"},
		{"other orderBy", map[string]any{"before": byRatified.Edges[0].Cursor}, "before"},
		{"cursor of another where", map[string]any{"after": cursorOf[forward[0]], "where": map[string]any{"method": map[string]any{"eq": "ACCESSION"}}}, "after"},
		{"accession cursor, other order", map[string]any{"after": accessionCursor}, "after"},
	} {
		vars := c.vars
		vars["id"] = romeID
		if c.name == "cursor of another where" && slices.Contains(accessions, forward[0]) {
			continue // the first signatory acceded: its cursor is on both lists
		}
		errs := a.on(t).do(signatoriesPage, vars, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != CodeBadUserInput || !strings.Contains(errs[0].Message, c.arg) {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT naming %s", c.name, errs, c.arg)
		}
	}
}

// TestRelationshipConnectionsBoundedRoundTrips asks for connections of
// every parent of a page: the statements sent do not grow with the page.
func TestRelationshipConnectionsBoundedRoundTrips(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	a, calls := servingAPI(t)
	q := `query($n: Int) { agreements(first: $n) { edges { node { id
	  signatoriesConnection(first: 3) { totalCount edges { cursor signed node { id name ... on Country { membershipsConnection(first: 2) { totalCount edges { role node { ... on Initiative { id } ... on Organization { id } } } } } } } }
	  issueAreasConnection { totalCount edges { node { id } } } } } } }`
	count := func(n int) (int64, int) {
		var out struct {
			Agreements struct {
				Edges []struct {
					Node struct {
						SignatoriesConnection struct{ TotalCount int }
					}
				}
			}
		}
		before := calls.Load()
		a.ok(q, map[string]any{"n": n}, &out)
		total := 0
		for _, e := range out.Agreements.Edges {
			total += e.Node.SignatoriesConnection.TotalCount
		}
		return calls.Load() - before, total
	}
	one, oneTotal := count(1)
	all, allTotal := count(MaxPageSize)
	want := cypherStrings(t, `MATCH (:Agreement)<-[:SIGNATORY_OF]-(x) RETURN x.id AS s`, nil)
	if allTotal != len(want) {
		t.Fatalf("sum of totalCount %d, want %d signatures", allTotal, len(want))
	}
	if oneTotal >= allTotal {
		t.Fatalf("the test needs several agreements with signatories (%d vs %d)", oneTotal, allTotal)
	}
	t.Logf("statements: %d for one agreement, %d for %d", one, all, MaxPageSize)
	if all != one || all > 4 {
		t.Errorf("statements: %d for one agreement, %d for all; want the same, at most 4", one, all)
	}
}

// TestMembershipSpansPage: an actor with several memberships of one
// organization appears once per span, and paging one at a time reads each
// span exactly once.
func TestMembershipSpansPage(t *testing.T) {
	testdb.Seeded(t)
	testdb.Exec(t, `MERGE (o:Organization:Actor {id: 'org:span-test'}) SET o.name = 'Span test organization'
		WITH o MATCH (c:Country) WITH o, c ORDER BY c.id LIMIT 3
		WITH o, collect(c) AS cs
		UNWIND range(0, size(cs) - 1) AS i
		WITH o, cs[i] AS c, i
		UNWIND range(0, i) AS span
		CREATE (c)-[:MEMBER_OF {role: 'FULL', since: toString(1950 + 10 * span), until: toString(1955 + 10 * span)}]->(o)`, nil)
	spans := cypherStrings(t, `MATCH (c)-[r:MEMBER_OF]->(:Organization {id: 'org:span-test'}) RETURN c.id + '@' + r.since AS s ORDER BY s`, nil)
	if len(spans) != 6 {
		t.Fatalf("fixture: %d spans, want 6", len(spans))
	}
	a, _ := servingAPI(t)
	q := `query($after: String, $last: Int, $before: String, $first: Int) { organization(id: "org:span-test") {
	  membersConnection(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
	    edges { since node { id } organization { id } } } } }`
	type page struct {
		Organization struct {
			MembersConnection struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					EndCursor, StartCursor       string
				}
				Edges []struct {
					Since        string
					Node         struct{ ID string }
					Organization struct{ ID string }
				}
			}
		}
	}
	read := func(vars map[string]any) (string, page) {
		var p page
		a.ok(q, vars, &p)
		c := p.Organization.MembersConnection
		if c.TotalCount != len(spans) {
			t.Fatalf("totalCount %d, want %d", c.TotalCount, len(spans))
		}
		if len(c.Edges) != 1 {
			t.Fatalf("page of %d edges, want 1", len(c.Edges))
		}
		e := c.Edges[0]
		if e.Organization.ID != "org:span-test" {
			t.Fatalf("edge organization %q", e.Organization.ID)
		}
		return e.Node.ID + "@" + e.Since, p
	}
	var forward []string
	vars := map[string]any{"first": 1}
	for range spans {
		s, p := read(vars)
		forward = append(forward, s)
		vars["after"] = p.Organization.MembersConnection.PageInfo.EndCursor
		if !p.Organization.MembersConnection.PageInfo.HasNextPage {
			break
		}
	}
	got := slices.Clone(forward)
	slices.Sort(got)
	if !slices.Equal(got, spans) {
		t.Fatalf("forward, one span a page: %v, want %v", forward, spans)
	}
	var backward []string
	vars = map[string]any{"last": 1}
	for range spans {
		s, p := read(vars)
		backward = append([]string{s}, backward...)
		vars["before"] = p.Organization.MembersConnection.PageInfo.StartCursor
		if !p.Organization.MembersConnection.PageInfo.HasPreviousPage {
			break
		}
	}
	if !slices.Equal(backward, forward) {
		t.Fatalf("backward %v, forward %v", backward, forward)
	}
}

// BenchmarkRelationshipConnection times the Rome Statute's signatories
// through the resolvers (graph/directread's
// BenchmarkRelationshipConnectionPaths times the same shapes through the
// direct read path beside them): the plain list (its first 100), the
// connection's first page of 20, its last page of 20, and a page of 20 of
// each of the first 20 agreements' signatories (one statement for all). Run with
//
//	NEO4J_TEST_URI=… go test -run XXX -bench RelationshipConnection -benchtime 100x ./graph/
func BenchmarkRelationshipConnection(b *testing.B) {
	st := testdb.Seeded(b)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(servingHandler(st))
	defer srv.Close()
	for _, c := range []struct{ name, query string }{
		{"plain list first 100", `{ agreement(id: "agreement:rome-statute") { signatories { signed actor { id name } } } }`},
		{"connection first 20", `{ agreement(id: "agreement:rome-statute") { signatoriesConnection { totalCount edges { cursor signed node { id name } } } } }`},
		{"connection last 20", `{ agreement(id: "agreement:rome-statute") { signatoriesConnection(last: 20) { totalCount edges { cursor signed node { id name } } } } }`},
		{"20 agreements x connection first 20", `{ agreements(first: 20) { edges { node { id signatoriesConnection { totalCount edges { cursor signed node { id name } } } } } } }`},
	} {
		b.Run(c.name, func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"query": c.query})
			for b.Loop() {
				resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || strings.Contains(string(raw), `"errors"`) {
					b.Fatalf("%d %s", resp.StatusCode, raw)
				}
			}
		})
	}
}

// TestEveryConnectionMatchesItsList walks the schema: for every
// `<field>Connection` of every node type, the connection of each of the
// first parents pages (forwards, 7 at a time) through exactly the items of
// the plain list `<field>(first: 1000)`, in its order, and totalCount is
// their number.
func TestEveryConnectionMatchesItsList(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	a, _ := servingAPI(t)
	roots := map[string]string{"Country": "countries", "Organization": "organizations", "IssueArea": "issueAreas",
		"Initiative": "initiatives", "Event": "events", "Agreement": "agreements", "RollCall": "rollCalls"}
	checked, nonEmpty := 0, 0
	for typ, root := range roots {
		def := parsedSchema.Types[typ]
		for _, f := range def.Fields {
			plainName, ok := strings.CutSuffix(f.Name, "Connection")
			if !ok || f.Name == "votes" {
				continue
			}
			plain := def.Fields.ForName(plainName)
			if plain == nil {
				t.Errorf("%s.%s has no plain list %s", typ, f.Name, plainName)
				continue
			}
			// The other end of a plain list's item: the node itself, or on
			// a relationship object each field holding a node.
			item := parsedSchema.Types[plain.Type.Name()]
			sel := "id"
			if _, isNode := roots[item.Name]; !isNode {
				var ends []string
				for _, g := range item.Fields {
					if k := parsedSchema.Types[g.Type.Name()].Kind; k == ast.Object || k == ast.Interface {
						if g.Name != "evidence" {
							ends = append(ends, g.Name+" { id }")
						}
					}
				}
				sel = strings.Join(ends, " ")
			}
			q := fmt.Sprintf(`{ %s(first: 100) { edges { node { id list: %s(first: 1000) { %s } } } } }`, root, plainName, sel)
			var out map[string]struct {
				Edges []struct {
					Node struct {
						ID   string
						List []map[string]any
					}
				}
			}
			a.ok(q, nil, &out)
			for _, e := range out[root].Edges {
				parent := e.Node.ID
				var want []string
				for _, it := range e.Node.List {
					if id, ok := it["id"].(string); ok {
						want = append(want, id)
						continue
					}
					for _, v := range it {
						if m, ok := v.(map[string]any); ok && m["id"] != parent && m["id"] != nil {
							want = append(want, m["id"].(string))
						}
					}
				}
				var got []string
				var after any
				for pages := 0; ; pages++ {
					if pages > 200 {
						t.Fatalf("%s.%s of %s: paging does not end", typ, f.Name, parent)
					}
					var page struct {
						Node map[string]struct {
							TotalCount int
							PageInfo   struct {
								HasNextPage bool
								EndCursor   *string
							}
							Edges []struct {
								Node struct{ ID string }
							}
						}
					}
					a.ok(fmt.Sprintf(`query($id: ID!, $after: String) { node(id: $id) { ... on %s { c: %s(first: 7, after: $after) {
					  totalCount pageInfo { hasNextPage endCursor } edges { node { ... on Node { id } } } } } } }`, typ, f.Name),
						map[string]any{"id": parent, "after": after}, &page)
					c := page.Node["c"]
					if c.TotalCount != len(want) {
						t.Fatalf("%s.%s of %s: totalCount %d, the plain list has %d", typ, f.Name, parent, c.TotalCount, len(want))
					}
					for _, e := range c.Edges {
						got = append(got, e.Node.ID)
					}
					if !c.PageInfo.HasNextPage {
						break
					}
					after = *c.PageInfo.EndCursor
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s.%s of %s: connection %v, plain list %v", typ, f.Name, parent, got, want)
				}
				checked++
				if len(want) > 7 {
					nonEmpty++
				}
			}
		}
	}
	if checked < 100 || nonEmpty < 10 {
		t.Fatalf("only %d parent lists checked, %d longer than a page", checked, nonEmpty)
	}
	t.Logf("%d parent lists checked, %d longer than a page", checked, nonEmpty)
}
