package graph

// The scope of the analytics fields (sources, a period, relationship
// types), on the seed graph plus the reference data as `lysoen import`
// loads them, and on a few dated memberships written for the test. Expected
// answers are computed here from seed/seed.json and from day arithmetic in
// Go, never copied from the API's output.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

const text1999 = "source:human-security-1999"

// daySpan is the first and last day a stored date stands for.
func daySpan(t *testing.T, s string) (time.Time, time.Time) {
	t.Helper()
	switch len(s) {
	case 4:
		d, err := time.Parse("2006", s)
		if err != nil {
			t.Fatal(err)
		}
		return d, d.AddDate(1, 0, -1)
	case 7:
		d, err := time.Parse("2006-01", s)
		if err != nil {
			t.Fatal(err)
		}
		return d, d.AddDate(0, 1, -1)
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d, d
}

// within is the documented rule: a fact that began at begin (a stored date,
// "" unknown) and ended at end ("" open) counts in the period [from, to]
// when it began on or before the period's last day and did not end before
// its first day; an unknown beginning never counts.
func within(t *testing.T, begin, end string, from, to time.Time) bool {
	if begin == "" {
		return false
	}
	if first, _ := daySpan(t, begin); first.After(to) {
		return false
	}
	if end != "" {
		if _, last := daySpan(t, end); last.Before(from) {
			return false
		}
	}
	return true
}

// writeScopeFixture adds an organization with dated memberships (and a Source
// dated 2006 for the one that has no date of its own) through the driver.
func writeScopeFixture(t *testing.T) {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	_, err = neo4j.ExecuteQuery(context.Background(), driver, `
MERGE (s:Source {id: 'source:scope-fixture'}) SET s.name = 'Scope fixture', s.title = 'Scope fixture', s.date = '2006'
MERGE (o:Organization:Actor {id: 'org:scope-fixture'}) SET o.name = 'Scope Fixture Organization', o.kind = 'INTERGOVERNMENTAL'
WITH o
UNWIND $rows AS row
MATCH (a:Country {id: row.actor})
MERGE (a)-[r:MEMBER_OF]->(o)
SET r += row.props`, map[string]any{"rows": scopeFixtureRows()}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
}

type fixtureRow struct {
	actor, since, until, sourceID string
}

var fixture = []fixtureRow{
	{"country:THA", "2005", "", "source:scope-fixture"},        // began in 2005: not a member in 1999
	{"country:CHL", "1999", "1999-03", "source:scope-fixture"}, // the first quarter of 1999
	{"country:AUT", "1999-12-31", "", "source:scope-fixture"},  // the last day of 1999
	{"country:JOR", "", "", ""},                                // no date, no source: never in a period
	{"country:NLD", "", "", "source:scope-fixture"},            // no date: from its source's date (2006)
	{"country:IRL", "1990", "1998-12-31", "source:scope-fixture"},
}

func scopeFixtureRows() []map[string]any {
	var out []map[string]any
	for _, f := range fixture {
		props := map[string]any{"role": "MEMBER"}
		if f.since != "" {
			props["since"] = f.since
		}
		if f.until != "" {
			props["until"] = f.until
		}
		if f.sourceID != "" {
			props["sourceId"], props["evidence"] = f.sourceID, "fixture"
		}
		out = append(out, map[string]any{"actor": f.actor, "props": props})
	}
	return out
}

// fixtureBegin is when a fixture membership began under the rule: its
// since, else its source's date (the organization has no startDate).
func fixtureBegin(f fixtureRow) string {
	if f.since != "" {
		return f.since
	}
	if f.sourceID != "" {
		return "2006"
	}
	return ""
}

func TestScopeTime(t *testing.T) {
	st := testdb.Seeded(t)
	writeScopeFixture(t)
	a := newAPI(t, st)

	t.Run("coalition and neighborhood as of a date", func(t *testing.T) {
		a := a.on(t)
		for _, at := range []string{"1998", "1999", "1999-01", "1999-03-31", "1999-04", "1999-06", "1999-12-31", "2004-12-31", "2005", "2005-12", "2006", "2010"} {
			from, to := daySpan(t, at)
			var want []string
			for _, f := range fixture {
				if within(t, fixtureBegin(f), f.until, from, to) {
					want = append(want, f.actor)
				}
			}
			sort.Strings(want)
			var d struct {
				Coalition []struct{ Actor struct{ ID string } }
			}
			a.ok(`query($at: Date) { coalition(initiativeId: "org:scope-fixture", asOf: $at) { actor { id } } }`, map[string]any{"at": at}, &d)
			var got []string
			for _, m := range d.Coalition {
				got = append(got, m.Actor.ID)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("coalition as of %s: %v, want %v", at, got, want)
			}
			// The same rule on the neighbourhood of the organization.
			var n struct{ Neighborhood subgraph }
			a.ok(`query($at: Date) { neighborhood(id: "org:scope-fixture", asOf: $at) { nodes { nodeId } edges { id } } }`, map[string]any{"at": at}, &n)
			got = nil
			for _, x := range n.Neighborhood.Nodes {
				if x.ID != "org:scope-fixture" {
					got = append(got, x.ID)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("neighborhood as of %s: %v, want %v", at, got, want)
			}
		}
		// Spot checks of the rule the loop computes: a membership that began
		// in 2005 is not one of 1999; a year-precise since covers the year;
		// until ends on the last day of its range.
		var d struct {
			Coalition []struct{ Actor struct{ ID string } }
		}
		a.ok(`{ coalition(initiativeId: "org:scope-fixture", asOf: "1999") { actor { id } } }`, nil, &d)
		var ids []string
		for _, m := range d.Coalition {
			ids = append(ids, m.Actor.ID)
		}
		if strings.Contains(strings.Join(ids, ","), "THA") || !strings.Contains(strings.Join(ids, ","), "AUT") || !strings.Contains(strings.Join(ids, ","), "CHL") {
			t.Errorf("as of 1999: %v", ids)
		}
	})

	t.Run("events as of a date and in a window", func(t *testing.T) {
		a := a.on(t)
		s := readSeed(t)
		dates := map[string][2]string{}
		for _, n := range s.Nodes {
			if n.Label == "Event" {
				sd, _ := n.Properties["startDate"].(string)
				ed, _ := n.Properties["endDate"].(string)
				if ed == "" {
					ed = sd
				}
				dates[n.ID] = [2]string{sd, ed}
			}
		}
		// Norway's events: with asOf, every event begun by the end of the
		// date; with from/to, the events overlapping the window.
		for _, c := range []struct {
			asOf, from, to string
		}{{asOf: "1998"}, {asOf: "1998-09"}, {asOf: "1999"}, {from: "1999", to: "1999"}, {from: "1998-06", to: "1998-12"}, {from: "1999-06"}} {
			var from, to time.Time
			scope := map[string]any{}
			asOfMode := c.asOf != ""
			if asOfMode {
				from, to = daySpan(t, c.asOf)
				scope["asOf"] = c.asOf
			} else {
				from, to = time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
				if c.from != "" {
					from, _ = daySpan(t, c.from)
					scope["from"] = c.from
				}
				if c.to != "" {
					_, to = daySpan(t, c.to)
					scope["to"] = c.to
				}
			}
			var want []string
			for _, r := range s.Relationships {
				if r.Type != "PARTICIPATED_IN" || r.From != "country:NOR" {
					continue
				}
				end := dates[r.To][1]
				if asOfMode {
					end = "" // a past event stays on the record
				}
				if within(t, dates[r.To][0], end, from, to) {
					want = append(want, r.To)
				}
			}
			sort.Strings(want)
			var n struct{ Neighborhood subgraph }
			a.ok(`query($scope: Scope) { neighborhood(id: "country:NOR", relationshipTypes: [PARTICIPATED_IN], scope: $scope) { nodes { nodeId label } } }`,
				map[string]any{"scope": scope}, &n)
			var got []string
			for _, x := range n.Neighborhood.Nodes {
				if x.Label == "Event" {
					got = append(got, x.ID)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("Norway's events in %+v: %v, want %v", c, got, want)
			}
		}
	})

	t.Run("typed errors", func(t *testing.T) {
		a := a.on(t)
		for _, c := range []struct {
			q, code, arg string
		}{
			{`{ neighborhood(id: "country:NOR", asOf: "1999-13") { truncated } }`, "BAD_USER_INPUT", ""},
			{`{ neighborhood(id: "country:NOR", scope: {from: "2000", to: "1999"}) { truncated } }`, "BAD_USER_INPUT", "scope.from"},
			{`{ connectionPath(from: "country:THA", to: "org:icrc", scope: {from: "1999-07", to: "1999-06-30"}) { length } }`, "BAD_USER_INPUT", "scope.from"},
			{`{ potentialPartners(initiativeId: "initiative:lysoen-partnership", scope: {asOf: "1999", from: "1998"}) { score } }`, "BAD_USER_INPUT", "scope"},
			{`{ coParticipants(actorId: "country:NOR", asOf: "1999", scope: {asOf: "1998"}) { count } }`, "BAD_USER_INPUT", "asOf"},
			{`{ neighborhood(id: "country:NOR", scope: {sources: []}) { truncated } }`, "BAD_USER_INPUT", "scope.sources"},
			{`{ neighborhood(id: "country:NOR", relationshipTypes: [MEMBER_OF], scope: {relationshipTypes: [MEMBER_OF]}) { truncated } }`, "BAD_USER_INPUT", "scope.relationshipTypes"},
			{`{ neighborhood(id: "country:NOR", scope: {sources: ["source:no-such-text"]}) { truncated } }`, "NOT_FOUND", ""},
			{`{ brokers(scope: {to: "1999-02-30"}) { score } }`, "BAD_USER_INPUT", ""},
		} {
			errs := a.do(c.q, nil, nil)
			if len(errs) == 0 {
				t.Errorf("%s: no error", c.q)
				continue
			}
			if code, _ := errs[0].Extensions["code"].(string); code != c.code {
				t.Errorf("%s: code %v, want %s (%s)", c.q, errs[0].Extensions["code"], c.code, errs[0].Message)
			}
			if c.arg != "" {
				if arg, _ := errs[0].Extensions["argument"].(string); arg != c.arg {
					t.Errorf("%s: argument %v, want %s (%s)", c.q, errs[0].Extensions["argument"], c.arg, errs[0].Message)
				}
			}
		}
	})
}

// seedAdjacency is the seed graph as undirected adjacency (every seed
// relationship comes from the 1999 text).
func seedAdjacency(s seedGraph) map[string][]string {
	adj := map[string][]string{}
	for _, r := range s.Relationships {
		adj[r.From] = append(adj[r.From], r.To)
		adj[r.To] = append(adj[r.To], r.From)
	}
	return adj
}

func bfsDistance(adj map[string][]string, from, to string) int {
	dist := map[string]int{from: 0}
	queue := []string{from}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == to {
			return dist[x]
		}
		for _, y := range adj[x] {
			if _, ok := dist[y]; !ok {
				dist[y] = dist[x] + 1
				queue = append(queue, y)
			}
		}
	}
	return -1
}

// seedPartners scores potentialPartners of an initiative on the seed graph
// with the documented weights (the seed is far below every cap).
func seedPartners(s seedGraph, initiative string) map[string]float64 {
	out := map[string][]string{}
	for _, r := range s.Relationships {
		out[r.From] = append(out[r.From], r.Type+">"+r.To)
	}
	in := map[string][]string{}
	for _, r := range s.Relationships {
		in[r.To] = append(in[r.To], r.Type+"<"+r.From)
	}
	members := map[string]bool{}
	var issues []string
	for _, x := range in[initiative] {
		if strings.HasPrefix(x, "MEMBER_OF<") {
			members[strings.TrimPrefix(x, "MEMBER_OF<")] = true
		}
	}
	for _, x := range out[initiative] {
		if strings.HasPrefix(x, "ADDRESSES>") {
			issues = append(issues, strings.TrimPrefix(x, "ADDRESSES>"))
		}
	}
	score := map[string]float64{}
	isActor := func(id string) bool { return strings.HasPrefix(id, "country:") || strings.HasPrefix(id, "org:") }
	for _, x := range out[initiative] {
		if a, ok := strings.CutPrefix(x, "SEEKS_PARTNERSHIP_WITH>"); ok && !members[a] {
			score[a] += 5
		}
	}
	events := map[string]bool{}
	for m := range members {
		for _, x := range out[m] {
			if e, ok := strings.CutPrefix(x, "PARTICIPATED_IN>"); ok {
				events[e] = true
			}
		}
	}
	for e := range events {
		for _, x := range in[e] {
			if a, ok := strings.CutPrefix(x, "PARTICIPATED_IN<"); ok && !members[a] {
				score[a] += 3
			}
		}
	}
	agreements := map[string]bool{}
	for _, ia := range issues {
		for _, x := range in[ia] {
			if ag, ok := strings.CutPrefix(x, "ADDRESSES<"); ok && strings.HasPrefix(ag, "agreement:") {
				agreements[ag] = true
			}
		}
	}
	for ag := range agreements {
		for _, x := range in[ag] {
			if a, ok := strings.CutPrefix(x, "SIGNATORY_OF<"); ok && !members[a] {
				score[a] += 2
			}
		}
	}
	for a := range score {
		if !isActor(a) {
			delete(score, a)
		}
	}
	for a := range score {
		shared := map[string]bool{}
		for _, x := range out[a] {
			typ, y, _ := strings.Cut(x, ">")
			if (typ != "MEMBER_OF" && typ != "PARTICIPATED_IN" && typ != "SIGNATORY_OF") || y == initiative {
				continue
			}
			for _, z := range out[y] {
				if ia, ok := strings.CutPrefix(z, "ADDRESSES>"); ok {
					for _, want := range issues {
						if ia == want {
							shared[ia] = true
						}
					}
				}
			}
		}
		score[a] += float64(len(shared))
	}
	return score
}

func TestScopeReferenceData(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatalf("import reference data: %v", err)
	}
	a := newAPI(t, st)
	s := readSeed(t)

	type pathAnswer struct {
		ConnectionPath *struct {
			Length int
			Nodes  []struct {
				ID         string
				Properties map[string]any
			}
			Edges []struct {
				ID, Type, Source, Target string
				Properties               map[string]any
				Evidence                 *struct{ SourceID string }
			}
			Routes [][]string
		}
	}
	const pathQ = `query($scope: Scope, $asOf: Date) { connectionPath(from: "country:THA", to: "org:icrc", allShortest: true, scope: $scope, asOf: $asOf) {
	  length routes nodes { id: nodeId properties } edges { id type source target properties evidence { sourceId } } } }`

	t.Run("path from Thailand to the ICRC in the 1999 text", func(t *testing.T) {
		a := a.on(t)
		want := bfsDistance(seedAdjacency(s), "country:THA", "org:icrc")
		if want < 1 {
			t.Fatal("the seed has no path from Thailand to the ICRC")
		}
		var p pathAnswer
		a.ok(pathQ, map[string]any{"scope": map[string]any{"sources": []string{text1999}}}, &p)
		if p.ConnectionPath == nil || p.ConnectionPath.Length != want {
			t.Fatalf("1999 text only: %+v, want length %d", p.ConnectionPath, want)
		}
		seedRel := map[string]bool{}
		for _, r := range s.Relationships {
			seedRel[r.From+"|"+r.Type+"|"+r.To] = true
		}
		for _, e := range p.ConnectionPath.Edges {
			if !seedRel[e.ID] || e.Evidence == nil || e.Evidence.SourceID != text1999 {
				t.Errorf("edge %s is not a fact of the 1999 text", e.ID)
			}
		}
	})

	t.Run("path from Thailand to the ICRC as of 1999", func(t *testing.T) {
		a := a.on(t)
		// Across all time, the reference data's treaties give shorter routes
		// (Thailand signed the Rome Statute on 2 October 2000).
		var all pathAnswer
		a.ok(pathQ, nil, &all)
		var p pathAnswer
		a.ok(pathQ, map[string]any{"asOf": "1999"}, &p)
		if all.ConnectionPath == nil || p.ConnectionPath == nil {
			t.Fatalf("no path: all time %+v, 1999 %+v", all.ConnectionPath, p.ConnectionPath)
		}
		if p.ConnectionPath.Length < all.ConnectionPath.Length {
			t.Fatalf("as of 1999 shorter (%d) than across all time (%d)", p.ConnectionPath.Length, all.ConnectionPath.Length)
		}
		_, end1999 := daySpan(t, "1999")
		nodes := map[string]map[string]any{}
		for _, n := range p.ConnectionPath.Nodes {
			nodes[n.ID] = n.Properties
		}
		for _, e := range p.ConnectionPath.Edges {
			if e.Target == "agreement:rome-statute" || e.Source == "agreement:rome-statute" {
				t.Errorf("as of 1999 the path runs through the Rome Statute: %s", e.ID)
			}
			var begin string
			switch e.Type {
			case "SIGNATORY_OF":
				begin, _ = e.Properties["signed"].(string)
				if begin == "" {
					begin, _ = e.Properties["ratified"].(string)
				}
			case "MEMBER_OF":
				begin, _ = e.Properties["since"].(string)
			case "PARTICIPATED_IN":
				begin, _ = nodes[e.Target]["startDate"].(string)
			}
			if begin != "" {
				if first, _ := daySpan(t, begin); first.After(end1999) {
					t.Errorf("as of 1999 the path uses %s, which began on %s", e.ID, begin)
				}
			}
		}
	})

	t.Run("potential partners of the Lysøen partnership in scope", func(t *testing.T) {
		a := a.on(t)
		type cand struct {
			Actor   struct{ ID string }
			Score   float64
			Reasons []string
		}
		var all struct{ PotentialPartners []cand }
		a.ok(`{ potentialPartners(initiativeId: "initiative:lysoen-partnership", first: 20) { actor { ... on Country { id } ... on Organization { id } } score reasons } }`, nil, &all)
		joined := func(cs []cand) string {
			var b strings.Builder
			for _, c := range cs {
				b.WriteString(strings.Join(c.Reasons, "\n"))
			}
			return b.String()
		}
		if !strings.Contains(joined(all.PotentialPartners), "Arms Trade Treaty") {
			t.Fatalf("across all time the reasons should cite the Arms Trade Treaty (2013): %s", joined(all.PotentialPartners))
		}
		for _, scope := range []map[string]any{{"asOf": "1999"}, {"sources": []string{text1999}}, {"to": "1999"}} {
			var d struct{ PotentialPartners []cand }
			a.ok(`query($scope: Scope) { potentialPartners(initiativeId: "initiative:lysoen-partnership", first: 20, scope: $scope) { actor { ... on Country { id } ... on Organization { id } } score reasons } }`,
				map[string]any{"scope": scope}, &d)
			if r := joined(d.PotentialPartners); strings.Contains(r, "Arms Trade Treaty") || strings.Contains(r, "Rome Statute") || strings.Contains(r, "Cluster") {
				t.Errorf("scope %v: reasons cite a later treaty:\n%s", scope, r)
			}
			if _, ok := scope["sources"]; !ok {
				continue
			}
			// The 1999 text alone: exactly the seed's scores.
			want := seedPartners(s, "initiative:lysoen-partnership")
			got := map[string]float64{}
			for _, c := range d.PotentialPartners {
				got[c.Actor.ID] = c.Score
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("1999 text: scores %v, want %v", got, want)
			}
		}
	})

	t.Run("neighborhood of Thailand in the 1999 text", func(t *testing.T) {
		a := a.on(t)
		adj := seedAdjacency(s)
		want := map[string]bool{"country:THA": true}
		frontier := []string{"country:THA"}
		for d := 0; d < 2; d++ {
			var next []string
			for _, x := range frontier {
				for _, y := range adj[x] {
					if !want[y] {
						want[y] = true
						next = append(next, y)
					}
				}
			}
			frontier = next
		}
		var all, scoped struct{ Neighborhood subgraph }
		a.ok(`{ neighborhood(id: "country:THA", depth: 2, limit: 1000) { nodes { nodeId } truncated } }`, nil, &all)
		a.ok(`query($s: [ID!]) { neighborhood(id: "country:THA", depth: 2, limit: 1000, scope: {sources: $s}) { nodes { nodeId } truncated } }`,
			map[string]any{"s": []string{text1999}}, &scoped)
		if len(scoped.Neighborhood.Nodes) != len(want) {
			t.Fatalf("1999 text: %d nodes %v, want %d", len(scoped.Neighborhood.Nodes), ids(scoped.Neighborhood.Nodes), len(want))
		}
		for _, n := range scoped.Neighborhood.Nodes {
			if !want[n.ID] {
				t.Errorf("1999 text: %s is not within 2 hops of Thailand in the seed", n.ID)
			}
		}
		if len(all.Neighborhood.Nodes) <= len(want) {
			t.Errorf("all sources should reach beyond the 1999 text: %d nodes", len(all.Neighborhood.Nodes))
		}
	})

	t.Run("co-participants and brokers in the 1999 text", func(t *testing.T) {
		a := a.on(t)
		seedActors := map[string]bool{}
		for _, n := range s.Nodes {
			if n.Label == "Country" || n.Label == "Organization" {
				seedActors[n.ID] = true
			}
		}
		var b struct {
			Brokers []struct {
				Actor struct{ ID string }
				Score float64
			}
		}
		a.ok(`query($s: [ID!]) { brokers(first: 100, scope: {sources: $s}) { actor { ... on Country { id } ... on Organization { id } } score } }`,
			map[string]any{"s": []string{text1999}}, &b)
		if len(b.Brokers) == 0 || b.Brokers[0].Score <= 0 {
			t.Fatalf("brokers in the 1999 text: %+v", b.Brokers)
		}
		for _, x := range b.Brokers {
			if x.Score > 0 && !seedActors[x.Actor.ID] {
				t.Errorf("broker %s scores %v outside the 1999 text", x.Actor.ID, x.Score)
			}
		}
	})
}
