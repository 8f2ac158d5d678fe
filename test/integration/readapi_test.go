package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/web"
)

// bigGraph writes a synthetic graph: 1,200 countries, each a member of one
// of 40 initiatives and a participant in one of 120 events; every event is
// part of its initiative, and every initiative addresses one of 4 issue areas.
func bigGraph(t *testing.T) {
	t.Helper()
	s := testdb.Open(t)
	testdb.Reset(t, s)
	var g store.GraphWrite
	const countries, initiatives, events, issues = 1200, 40, 120, 4
	for i := 0; i < 3; i++ { // the sources the memberships cite
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelSource, ID: fmt.Sprintf("source:t%d", i), Props: map[string]any{"title": fmt.Sprintf("Source %d", i)}})
	}
	for i := 0; i < issues; i++ {
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelIssueArea, ID: fmt.Sprintf("issue:t%d", i), Props: map[string]any{"name": fmt.Sprintf("Issue %d", i)}})
	}
	for i := 0; i < initiatives; i++ {
		id := fmt.Sprintf("initiative:t%02d", i)
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelInitiative, ID: id, Props: map[string]any{"name": fmt.Sprintf("Initiative %02d", i)}})
		g.Rels = append(g.Rels, store.RelWrite{Type: store.RelAddresses, From: id, To: fmt.Sprintf("issue:t%d", i%issues), FromLabel: store.LabelInitiative, ToLabel: store.LabelIssueArea})
	}
	for i := 0; i < events; i++ {
		id := fmt.Sprintf("event:t%03d", i)
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelEvent, ID: id, Props: map[string]any{"name": fmt.Sprintf("Event %03d", i), "kind": "MEETING", "startDate": fmt.Sprintf("1999-%02d", i%12+1)}})
		g.Rels = append(g.Rels, store.RelWrite{Type: store.RelPartOf, From: id, To: fmt.Sprintf("initiative:t%02d", i%initiatives), FromLabel: store.LabelEvent, ToLabel: store.LabelInitiative})
	}
	for i := 0; i < countries; i++ {
		iso3 := string(rune('A'+i/676)) + string(rune('A'+i/26%26)) + string(rune('A'+i%26))
		id := "country:" + iso3
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelCountry, ID: id, Props: map[string]any{"name": "Country " + iso3, "iso3": iso3}})
		role := "MEMBER"
		if i%10 == 0 {
			role = "FOUNDER"
		}
		g.Rels = append(g.Rels,
			store.RelWrite{Type: store.RelMemberOf, From: id, To: fmt.Sprintf("initiative:t%02d", i%initiatives), FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative, Props: map[string]any{"role": role, "sourceId": fmt.Sprintf("source:t%d", i%3), "evidence": "Member " + iso3 + "."}},
			store.RelWrite{Type: store.RelParticipatedIn, From: id, To: fmt.Sprintf("event:t%03d", i%events), FromLabel: store.LabelCountry, ToLabel: store.LabelEvent, Props: map[string]any{"role": "PARTICIPANT"}})
	}
	if _, err := s.WriteGraph(context.Background(), g); err != nil {
		t.Fatal(err)
	}
}

// TestRoundTripsBoundedOverThousandRows: a query four relationship levels
// deep over 1,200 memberships costs at most one Cypher statement per level
// (plus the page), however many rows; totalCount adds one statement only when
// selected; a nested where keeps the batch.
func TestRoundTripsBoundedOverThousandRows(t *testing.T) {
	bigGraph(t)
	// This query is deliberately huge (1,000 members per initiative): lift
	// the complexity limit so the round-trip bound itself is what is tested.
	s := startServer(t, map[string]string{"LYSOEN_MAX_COMPLEXITY": "0"})
	const q = `query($where: MembershipWhere) { initiatives(first: 40) { %s edges { node { id
		members(first: 1000, where: $where) { role %s actor { id participations { role event { id partOf { id issueAreas { id } } } } } } } } } }`
	type resp struct {
		Initiatives struct {
			Edges []struct {
				Node struct {
					Members []struct {
						Actor struct {
							Participations []struct {
								Event struct {
									PartOf []struct {
										IssueAreas []struct{ ID string }
									}
								}
							}
						}
					}
				}
			}
		}
	}
	count := func(r gqlResponse) (members, leaves int) {
		var d resp
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Initiatives.Edges {
			for _, m := range e.Node.Members {
				members++
				for _, p := range m.Actor.Participations {
					for _, i := range p.Event.PartOf {
						leaves += len(i.IssueAreas)
					}
				}
			}
		}
		return
	}
	for _, c := range []struct {
		name        string
		totalCount  string
		evidence    string
		where       map[string]any
		wantMembers int
		wantTrips   float64
	}{
		// initiatives page + members + participations (with partOf and
		// issueAreas fetched ahead in the same statement: argument-less
		// fields below it, graph/fields.go aheadOf)
		{"plain", "", "", nil, 1200, 3},
		{"with totalCount", "totalCount", "", nil, 1200, 4},
		{"nested where", "", "", map[string]any{"role": map[string]any{"eq": "FOUNDER"}}, 120, 3},
		// every membership's Source node: one more statement, for all of them
		{"with evidence sources", "", "evidence { source { id } }", nil, 1200, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := s.query(t, fmt.Sprintf(q, c.totalCount, c.evidence), map[string]any{"where": c.where})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			members, leaves := count(r)
			if members != c.wantMembers || leaves != c.wantMembers {
				t.Errorf("got %d members and %d leaf issue areas, want %d each", members, leaves, c.wantMembers)
			}
			if n := strings.Count(string(r.Data), `"source":{"id":"source:t`); c.evidence != "" && n != c.wantMembers {
				t.Errorf("%d memberships with their Source node, want %d", n, c.wantMembers)
			}
			if got := r.Extensions["cypherRoundTrips"]; got != c.wantTrips {
				t.Errorf("cypherRoundTrips = %v, want %v", got, c.wantTrips)
			}
		})
	}
}

// TestReadAPIOnSeed runs the checks that share one seeded database.
func TestReadAPIOnSeed(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, authEnv(map[string]string{"LYSOEN_CYPHER_ENABLED": "true"}))
	t.Run("paging is stable", func(t *testing.T) { testPagingStable(t, s) })
	t.Run("examples", func(t *testing.T) { testExamples(t, s) })
	t.Run("bad input", func(t *testing.T) { testReadBadInput(t, s) })
}

// testReadBadInput: bad filters, cursors and search arguments are
// BAD_USER_INPUT naming the argument (the path into it for input objects),
// whether written inline or passed as variables.
func testReadBadInput(t *testing.T, s *server) {
	nameCursor := store.Cursor{Keys: []string{"chile"}, ID: "country:CHL", Order: store.OrderSignature(store.LabelCountry, nil)}.Encode()
	isoCursor := store.Cursor{Keys: []string{"CHL"}, ID: "country:CHL", Order: "iso3"}.Encode()
	cases := []struct {
		query    string
		vars     map[string]any
		argument string
	}{
		{`{ events(where: {from: "1998-13-40"}) { totalCount } }`, nil, "where.from"},
		{`query($d: Date) { events(where: {to: $d}) { totalCount } }`, map[string]any{"d": "1999-02-29"}, "where.to"},
		{`query($w: EventWhere) { events(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"startDate": map[string]any{"eq": "99"}}}, "where.startDate.eq"},
		{`{ initiatives(where: {AND: [{startDate: {from: "1999-00"}}]}) { totalCount } }`, nil, "where.AND.0.startDate.from"},
		{`{ initiative(id: "initiative:lysoen-partnership") { members(where: {since: {to: "1998-02-30"}}) { role } } }`, nil, "where.since.to"},
		{`{ countries(first: 2, after: "` + nameCursor + `", orderBy: [{field: ISO3}]) { totalCount } }`, nil, "after"},
		{`{ countries(last: 2, before: "` + nameCursor + `", orderBy: [{field: NAME, direction: DESC}]) { totalCount } }`, nil, "before"},
		{`{ events(last: -1) { totalCount } }`, nil, "last"},
		{`{ countries(first: 1, after: "` + nameCursor + `", before: "` + nameCursor + `", orderBy: [{field: ISO3}]) { totalCount } }`, nil, "after"},
		{`{ countries(first: 1, after: "` + nameCursor + `", before: "` + isoCursor + `") { totalCount } }`, nil, "before"},
		{`{ countries(where: {NOT: {NOT: {NOT: {NOT: {NOT: {NOT: {NOT: {NOT: {iso3: {eq: "CAN"}}}}}}}}}}) { totalCount } }`, nil, "where"},
		{`{ country(iso3: "CAN") { participations(where: {event: {partOf: {members: {participatedIn: {partOf: {members: {participatedIn: {partOf: {id: {eq: "x"}}}}}}}}}}) { role } } }`, nil, "where"},
		{`{ events(first: 101) { totalCount } }`, nil, "first"},
		{`{ initiative(id: "initiative:lysoen-partnership") { members(first: 1001) { role } } }`, nil, "first"},
		{`{ search(text: "canada", first: 101) { score } }`, nil, "first"},
		{`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": strings.Repeat("a", 201)}, "text"},
	}
	for _, c := range cases {
		r := s.query(t, c.query, c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["argument"] != c.argument {
			t.Errorf("%s %v: errors = %+v, want one BAD_USER_INPUT naming %s", c.query, c.vars, r.Errors, c.argument)
			continue
		}
		// The path is a response path (the field's), never the argument's.
		if p := r.Errors[0].Path; len(p) == 0 || p[len(p)-1] == strings.Split(c.argument, ".")[0] {
			t.Errorf("%s: path %v, want the field's response path", c.query, p)
		}
	}
	testErrorShapes(t, s)
	// Unknown ids: null for lookups, an empty connection for filtered lists.
	r := s.query(t, `{ event(id: "event:nope") { id } events(where: {participant: "country:XXX"}) { totalCount edges { cursor } pageInfo { hasNextPage } } }`, nil)
	if len(r.Errors) > 0 || string(r.Data) != `{"event":null,"events":{"totalCount":0,"edges":[],"pageInfo":{"hasNextPage":false}}}` {
		t.Errorf("unknown ids: %s %v", r.Data, r.Errors)
	}
}

// testExamples: every GraphiQL example (web/examples) validates against
// the schema and answers without errors on the seed graph.
func testExamples(t *testing.T, s *server) {
	schema := loadSchemaFiles(t)
	examples, err := web.LoadExamples()
	if err != nil || len(examples) < 12 {
		t.Fatalf("%d examples, err %v; want at least 12", len(examples), err)
	}
	for _, ex := range examples {
		doc, errs := gqlparser.LoadQueryWithRules(schema, ex.Query, nil)
		if errs != nil {
			t.Errorf("example %q does not validate: %v", ex.Name, errs)
			continue
		}
		// Write examples and the analysts' Cypher example need a role, as
		// the README says: they run as an editor (who has the analyst role
		// too); every other example runs anonymously.
		token := ""
		if (len(doc.Operations) > 0 && doc.Operations[0].Operation == ast.Mutation) || strings.Contains(ex.Query, "cypher(") {
			token = editorKey
		}
		_, r := s.queryAs(t, token, ex.Query, nil)
		if len(r.Errors) > 0 || len(r.Data) == 0 || string(r.Data) == "null" {
			t.Errorf("example %q: errors %v, data %s", ex.Name, r.Errors, r.Data)
		}
	}
}

// testPagingStable: under every ordering, walking a list two at a time
// forwards, or backwards, yields exactly the list read in one page: no
// node skipped or repeated at page boundaries, ties broken by id.
func testPagingStable(t *testing.T, s *server) {
	type page struct {
		Edges []struct {
			Node struct{ ID string }
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
	fetch := func(list, orderBy, args string) page {
		q := fmt.Sprintf(`{ l: %s(%s orderBy: %s) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, list, args, orderBy)
		r := s.query(t, q, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %v", q, r.Errors)
		}
		var d struct{ L page }
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		return d.L
	}
	ids := func(p page) []string {
		out := make([]string, len(p.Edges))
		for i, e := range p.Edges {
			out[i] = e.Node.ID
		}
		return out
	}
	for _, c := range []struct{ list, orderBy string }{
		{"events", "[]"},
		{"events", "[{field: START_DATE, direction: DESC}]"},
		{"events", "[{field: KIND}, {field: START_DATE, direction: DESC}]"},
		{"events", "[{field: LOCATION, direction: DESC}]"},
		{"countries", "[{field: REGION}]"},
		{"countries", "[{field: NAME, direction: DESC}]"},
		{"issueAreas", "[{field: NAME}]"},
		{"initiatives", "[{field: START_DATE, direction: DESC}, {field: KIND}]"},
	} {
		want := ids(fetch(c.list, c.orderBy, "first: 100,"))
		var fwd []string
		for after := ""; ; {
			p := fetch(c.list, c.orderBy, "first: 2,"+after)
			fwd = append(fwd, ids(p)...)
			if !p.PageInfo.HasNextPage {
				break
			}
			after = fmt.Sprintf(" after: %q,", *p.PageInfo.EndCursor)
		}
		var back []string
		for before := ""; ; {
			p := fetch(c.list, c.orderBy, "last: 2,"+before)
			back = append(ids(p), back...)
			if !p.PageInfo.HasPreviousPage {
				break
			}
			before = fmt.Sprintf(" before: %q,", *p.PageInfo.StartCursor)
		}
		if fmt.Sprint(fwd) != fmt.Sprint(want) || fmt.Sprint(back) != fmt.Sprint(want) {
			t.Errorf("%s orderBy %s:\n one page  %v\n forwards  %v\n backwards %v", c.list, c.orderBy, want, fwd, back)
		}
		if len(want) < 4 {
			t.Errorf("%s: only %d nodes; the test needs several pages", c.list, len(want))
		}
	}
}

// testErrorShapes: error paths hold response paths only (the GraphQL spec
// reserves `path` for them; clients look it up in `data`), the argument or
// variable goes to extensions, and a field's error carries its location.
func testErrorShapes(t *testing.T, s *server) {
	var raw struct {
		Errors []struct {
			Path       []any            `json:"path"`
			Locations  []map[string]int `json:"locations"`
			Extensions map[string]any   `json:"extensions"`
		} `json:"errors"`
	}
	post := func(q string, vars map[string]any) {
		t.Helper()
		raw.Errors = nil
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		resp, err := http.Post(s.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200 (application/json)", q, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil || len(raw.Errors) != 1 {
			t.Fatalf("%s: %v, %d errors", q, err, len(raw.Errors))
		}
	}
	post("{\n  a: events(where: {from: \"1999-13\"}) { totalCount }\n}", nil)
	if e := raw.Errors[0]; fmt.Sprint(e.Path) != "[a]" || e.Extensions["argument"] != "where.from" ||
		len(e.Locations) != 1 || e.Locations[0]["line"] != 2 || e.Locations[0]["column"] != 3 {
		t.Errorf("bad date: %+v, want path [a], argument where.from, location 2:3", e)
	}
	post(`query($id: ID!) { event(id: $id) { id } }`, map[string]any{})
	if e := raw.Errors[0]; e.Path != nil || e.Extensions["variable"] != "id" {
		t.Errorf("missing variable: %+v, want no path and variable id", e)
	}
}
