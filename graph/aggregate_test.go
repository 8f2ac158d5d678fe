package graph

// Aggregates, uptake and influence on the seed graph plus the imported
// reference data (seed/data). Every expected number is computed here from
// the dataset files themselves (encoding/csv, encoding/json), not through
// the importer or Neo4j.

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// unNames are the UN Treaty Collection names, in the treaty files this
// test reads, that differ from the ISO 3166 file's names.
var unNames = map[string]string{
	"Bahamas (The)":                      "BHS",
	"Bolivia (Plurinational State of)":   "BOL",
	"Czech Republic":                     "CZE",
	"Democratic Republic of the Congo":   "COD",
	"Netherlands (Kingdom of the)":       "NLD",
	"Republic of Korea":                  "KOR",
	"Republic of Moldova":                "MDA",
	"St. Kitts and Nevis":                "KNA",
	"St. Lucia":                          "LCA",
	"St. Vincent and the Grenadines":     "VCT",
	"State of Palestine":                 "PSE",
	"United Republic of Tanzania":        "TZA",
	"Venezuela (Bolivarian Republic of)": "VEN",
}

// refFiles is what the test reads from seed/data.
type refFiles struct {
	byName  map[string]string            // ISO name -> alpha-3
	country map[string]map[string]string // alpha-3 -> ISO row
	arms    []map[string]string          // un-arms-control.csv
}

func loadRefFiles(t *testing.T) refFiles {
	t.Helper()
	rf := refFiles{byName: map[string]string{}, country: map[string]map[string]string{}}
	for _, r := range readCSV(t, "../seed/data/countries/iso3166.csv") {
		rf.byName[r["name"]] = r["alpha-3"]
		rf.country[r["alpha-3"]] = r
	}
	rf.arms = readCSV(t, "../seed/data/treaties/un-arms-control.csv")
	return rf
}

func (rf refFiles) iso3(t *testing.T, name string) string {
	t.Helper()
	if c, ok := rf.byName[name]; ok {
		return c
	}
	if c, ok := unNames[name]; ok {
		return c
	}
	t.Fatalf("UN name %q is in neither the ISO file nor the test's table", name)
	return ""
}

// treatyRows are the rows of one treaty in the arms-control file.
func (rf refFiles) treatyRows(treaty string) []map[string]string {
	var out []map[string]string
	for _, r := range rf.arms {
		if r["treaty_id"] == treaty {
			out = append(out, r)
		}
	}
	return out
}

// parties are the states with a consent date (action_date) for a treaty.
func (rf refFiles) parties(t *testing.T, treaty string) map[string]bool {
	out := map[string]bool{}
	for _, r := range rf.treatyRows(treaty) {
		if r["action_date"] != "" {
			out[rf.iso3(t, r["country_name"])] = true
		}
	}
	return out
}

type aggGroup struct {
	Key   *string
	Count int
}

// expectGroups counts keys (a nil key for "") and orders them as the API
// promises: count descending, then key, null last.
func expectGroups(keys []string) []aggGroup {
	counts := map[string]int{}
	for _, k := range keys {
		counts[k]++
	}
	out := make([]aggGroup, 0, len(counts))
	for k, c := range counts {
		g := aggGroup{Count: c}
		if k != "" {
			k := k
			g.Key = &k
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Key == nil || b.Key == nil {
			return b.Key == nil && a.Key != nil
		}
		return *a.Key < *b.Key
	})
	return out
}

func groupsString(gs []aggGroup) string {
	var b strings.Builder
	for _, g := range gs {
		k := "null"
		if g.Key != nil {
			k = *g.Key
		}
		fmt.Fprintf(&b, "%s=%d ", k, g.Count)
	}
	return b.String()
}

func TestCoalitionMeasuresOnReferenceData(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)
	rf := loadRefFiles(t)

	type countryAgg struct {
		Countries struct {
			TotalCount int
			Aggregate  struct {
				Count     int
				Region    []aggGroup
				SubRegion []aggGroup
			}
		}
	}
	const countriesQ = `query($where: CountryWhere) { countries(where: $where) { totalCount aggregate {
	  count region: groupBy(field: REGION) { key count } subRegion: groupBy(field: SUB_REGION) { key count } } } }`
	regions := func(iso3s map[string]bool, col string) []aggGroup {
		var keys []string
		for c := range iso3s {
			keys = append(keys, rf.country[c][col])
		}
		return expectGroups(keys)
	}
	check := func(t *testing.T, where map[string]any, want map[string]bool) {
		t.Helper()
		var d countryAgg
		a.on(t).ok(countriesQ, map[string]any{"where": where}, &d)
		agg := d.Countries.Aggregate
		if agg.Count != len(want) || d.Countries.TotalCount != len(want) {
			t.Errorf("count %d, totalCount %d; the files give %d", agg.Count, d.Countries.TotalCount, len(want))
		}
		if w := regions(want, "region"); !reflect.DeepEqual(agg.Region, w) {
			t.Errorf("by region:\n got %s\nwant %s", groupsString(agg.Region), groupsString(w))
		}
		if w := regions(want, "sub-region"); !reflect.DeepEqual(agg.SubRegion, w) {
			t.Errorf("by sub-region:\n got %s\nwant %s", groupsString(agg.SubRegion), groupsString(w))
		}
	}

	t.Run("Mine Ban Convention parties by region", func(t *testing.T) {
		want := rf.parties(t, "ottawa")
		if len(want) < 150 {
			t.Fatalf("the file lists %d parties to the Mine Ban Convention; expected the 2026 list", len(want))
		}
		check(t, map[string]any{"partyTo": map[string]any{"id": map[string]any{"eq": "agreement:ottawa"}}}, want)
	})

	t.Run("cluster munitions parties that are not Mine Ban parties", func(t *testing.T) {
		ottawa, want := rf.parties(t, "ottawa"), rf.parties(t, "ccm")
		for c := range want {
			if ottawa[c] {
				delete(want, c)
			}
		}
		check(t, map[string]any{
			"partyTo": map[string]any{"id": map[string]any{"eq": "agreement:ccm"}},
			"NOT":     map[string]any{"partyTo": map[string]any{"id": map[string]any{"eq": "agreement:ottawa"}}},
		}, want)
	})

	t.Run("signatories include signature-only states, parties do not", func(t *testing.T) {
		signed := map[string]bool{}
		for _, r := range rf.treatyRows("att") {
			signed[rf.iso3(t, r["country_name"])] = true
		}
		if parties := rf.parties(t, "att"); len(parties) == len(signed) {
			t.Fatalf("the ATT file should list signature-only states")
		}
		check(t, map[string]any{"signed": map[string]any{"id": map[string]any{"eq": "agreement:att"}}}, signed)
		check(t, map[string]any{"partyTo": map[string]any{"id": map[string]any{"eq": "agreement:att"}}}, rf.parties(t, "att"))
	})

	t.Run("events by year and organizations by kind, from the seed file", func(t *testing.T) {
		sf := readSeed(t)
		var years, kinds []string
		for _, n := range sf.Nodes {
			switch n.Label {
			case "Event":
				d, _ := n.Properties["startDate"].(string)
				if len(d) >= 4 {
					d = d[:4]
				}
				years = append(years, d)
			case "Organization":
				k, _ := n.Properties["kind"].(string)
				kinds = append(kinds, k)
			}
		}
		var d struct {
			Events struct {
				Aggregate struct {
					Count  int
					Groups []aggGroup
				}
			}
			Organizations struct {
				Aggregate struct {
					Count  int
					Groups []aggGroup
				}
				Edges []struct{ Cursor string }
			}
		}
		a.on(t).ok(`{ events { aggregate { count ... on EventAggregate { groups: groupBy(field: YEAR) { key count } } } }
		  organizations(first: 1) { edges { cursor } aggregate { count ...kinds } } }
		fragment kinds on OrganizationAggregate { groups: groupBy(field: KIND) { key count } }`, nil, &d)
		if d.Events.Aggregate.Count != len(years) || !reflect.DeepEqual(d.Events.Aggregate.Groups, expectGroups(years)) {
			t.Errorf("events: %d %s; seed file: %d %s", d.Events.Aggregate.Count, groupsString(d.Events.Aggregate.Groups), len(years), groupsString(expectGroups(years)))
		}
		if d.Organizations.Aggregate.Count != len(kinds) || !reflect.DeepEqual(d.Organizations.Aggregate.Groups, expectGroups(kinds)) {
			t.Errorf("organizations: %d %s; seed file: %d %s", d.Organizations.Aggregate.Count, groupsString(d.Organizations.Aggregate.Groups), len(kinds), groupsString(expectGroups(kinds)))
		}
		if len(d.Organizations.Edges) != 1 {
			t.Errorf("the page beside the aggregate: %d edges, want 1", len(d.Organizations.Edges))
		}
	})

	t.Run("the page beside an aggregate, also inside a fragment", func(t *testing.T) {
		var d struct {
			Countries struct {
				Edges     []struct{ Node struct{ ID string } }
				Aggregate struct{ Count int }
			}
		}
		a.on(t).ok(`{ countries(first: 2) { ... on CountryConnection { edges { node { id } } } aggregate { count } } }`, nil, &d)
		if len(d.Countries.Edges) != 2 || d.Countries.Aggregate.Count != len(rf.country) {
			t.Errorf("%d edges (want 2), count %d (want the %d ISO countries)", len(d.Countries.Edges), d.Countries.Aggregate.Count, len(rf.country))
		}
	})

	t.Run("bad group field and bad where are typed errors", func(t *testing.T) {
		a := a.on(t)
		for _, c := range []struct {
			q    string
			vars map[string]any
			code string
		}{
			{`{ countries { aggregate { groupBy(field: KIND) { key } } } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
			{`query($f: EventGroupField!) { events { aggregate { groupBy(field: $f) { key } } } }`, map[string]any{"f": "REGION"}, "GRAPHQL_VALIDATION_FAILED"},
			{`{ events(where: {startDate: {from: "1999-13"}}) { aggregate { count } } }`, nil, "BAD_USER_INPUT"},
			{`{ countries(first: 101) { aggregate { count } } }`, nil, "BAD_USER_INPUT"},
		} {
			errs := a.do(c.q, c.vars, nil)
			if len(errs) == 0 || errs[0].Extensions["code"] != c.code {
				t.Errorf("%s: errors %+v, want code %s", c.q, errs, c.code)
			}
		}
	})

	t.Run("uptake of the Convention on Cluster Munitions", func(t *testing.T) {
		// Expected: per year, the signatures (signature_date) and consents
		// (action_date) of the file's ccm rows, with running totals.
		type year struct{ Year, Signed, Ratified, Withdrawn, CumulativeSigned, CumulativeRatified, Parties int }
		by := map[int]*year{}
		lo, hi := 9999, 0
		bump := func(date string, f func(*year)) {
			if date == "" {
				return
			}
			var y int
			fmt.Sscanf(date[:4], "%d", &y)
			lo, hi = min(lo, y), max(hi, y)
			if by[y] == nil {
				by[y] = &year{Year: y}
			}
			f(by[y])
		}
		for _, r := range rf.treatyRows("ccm") {
			bump(r["signature_date"], func(y *year) { y.Signed++ })
			bump(r["action_date"], func(y *year) { y.Ratified++ })
		}
		var want []year
		var s, p int
		for y := lo; y <= hi; y++ {
			e := year{Year: y}
			if by[y] != nil {
				e = *by[y]
			}
			s, p = s+e.Signed, p+e.Ratified
			e.CumulativeSigned, e.CumulativeRatified, e.Parties = s, p, p
			want = append(want, e)
		}
		var d struct {
			Uptake struct {
				Agreement struct{ ID string }
				Years     []year
				Undated   int
				Sources   []struct{ ID, Date string }
			}
		}
		a.on(t).ok(`{ uptake(agreementId: "agreement:ccm") { agreement { id } undated sources { id date }
		  years { year signed ratified withdrawn cumulativeSigned cumulativeRatified parties } } }`, nil, &d)
		u := d.Uptake
		if !reflect.DeepEqual(u.Years, want) {
			t.Errorf("years:\n got %+v\nwant %+v", u.Years, want)
		}
		if u.Agreement.ID != "agreement:ccm" || u.Undated != 0 {
			t.Errorf("agreement %s, undated %d", u.Agreement.ID, u.Undated)
		}
		if len(u.Sources) != 1 || u.Sources[0].ID != "source:untc-arms-control" || u.Sources[0].Date != "2026-02" {
			t.Errorf("sources %+v: want the arms-control file, as of 2026-02", u.Sources)
		}
	})

	t.Run("withdrawals leave the parties in their year", func(t *testing.T) {
		// A fixture agreement (not real data): A signs 2000 and ratifies
		// 2001; B ratifies 2001-05 and withdraws 2003-02-01; C signs 2002
		// and withdraws its signature 2004 without ever consenting; D has
		// no dates.
		writeFixture(t, `
CREATE (ag:Agreement {id: 'agreement:fixture-withdrawals', name: 'Fixture agreement'})
WITH ag
MATCH (a:Country {id: 'country:AUT'}), (b:Country {id: 'country:BDI'}), (c:Country {id: 'country:CHL'}), (d:Country {id: 'country:DNK'})
CREATE (a)-[:SIGNATORY_OF {signed: '2000', ratified: '2001-03-02'}]->(ag),
       (b)-[:SIGNATORY_OF {ratified: '2001-05', until: '2003-02-01'}]->(ag),
       (c)-[:SIGNATORY_OF {signed: '2002-07-01', until: '2004'}]->(ag),
       (d)-[:SIGNATORY_OF]->(ag)`)
		var d struct {
			Uptake struct {
				Years   []map[string]int
				Undated int
			}
			Countries struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		a.on(t).ok(`{ uptake(agreementId: "agreement:fixture-withdrawals") { undated years { year signed ratified withdrawn parties cumulativeRatified } }
		  countries(where: {partyTo: {id: {eq: "agreement:fixture-withdrawals"}}}) { edges { node { id } } } }`, nil, &d)
		want := []map[string]int{
			{"year": 2000, "signed": 1, "ratified": 0, "withdrawn": 0, "parties": 0, "cumulativeRatified": 0},
			{"year": 2001, "signed": 0, "ratified": 2, "withdrawn": 0, "parties": 2, "cumulativeRatified": 2},
			{"year": 2002, "signed": 1, "ratified": 0, "withdrawn": 0, "parties": 2, "cumulativeRatified": 2},
			{"year": 2003, "signed": 0, "ratified": 0, "withdrawn": 1, "parties": 1, "cumulativeRatified": 2},
		}
		if !reflect.DeepEqual(d.Uptake.Years, want) || d.Uptake.Undated != 1 {
			t.Errorf("uptake %+v undated %d\nwant %+v undated 1", d.Uptake.Years, d.Uptake.Undated, want)
		}
		if len(d.Countries.Edges) != 1 || d.Countries.Edges[0].Node.ID != "country:AUT" {
			t.Errorf("parties of the fixture: %+v, want only AUT (BDI withdrew, CHL never consented)", d.Countries.Edges)
		}
	})

	t.Run("uptake of an unknown agreement", func(t *testing.T) {
		for id, code := range map[string]string{"agreement:nope": "NOT_FOUND", "country:CAN": "NOT_FOUND", " ": "BAD_USER_INPUT"} {
			errs := a.on(t).do(`query($id: ID!) { uptake(agreementId: $id) { undated } }`, map[string]any{"id": id}, nil)
			if len(errs) == 0 || errs[0].Extensions["code"] != code || errs[0].Extensions["argument"] != "agreementId" {
				t.Errorf("%q: %+v, want %s on agreementId", id, errs, code)
			}
		}
	})

	t.Run("influence is PageRank on the brokers projection", func(t *testing.T) {
		want := pageRankByPowerIteration(t, ctx)
		var d struct {
			Influence []struct {
				Actor      struct{ ID string }
				Score      float64
				Degree     int
				ComputedAt string
				Exact      bool
			}
			Brokers []struct{ ComputedAt string }
		}
		a.on(t).ok(`{ influence(first: 100) { actor { id } score degree computedAt exact } brokers(first: 1) { computedAt } }`, nil, &d)
		if len(d.Influence) != 100 {
			t.Fatalf("%d actors, want 100", len(d.Influence))
		}
		for i, s := range d.Influence {
			w, ok := want.rank[s.Actor.ID]
			if !ok {
				t.Fatalf("%s is not an actor of the projection", s.Actor.ID)
			}
			if math.Abs(s.Score-w) > 1e-8 || s.Degree != want.degree[s.Actor.ID] || !s.Exact || s.ComputedAt == "" {
				t.Errorf("#%d %s: score %.10f degree %d exact %v; power iteration %.10f degree %d", i, s.Actor.ID, s.Score, s.Degree, s.Exact, w, want.degree[s.Actor.ID])
			}
			if i > 0 && s.Score > d.Influence[i-1].Score {
				t.Errorf("#%d %s scores above #%d", i, s.Actor.ID, i-1)
			}
		}
		// The best actor of the independent computation is first.
		best, bestScore := "", -1.0
		for id, r := range want.rank {
			if want.actor[id] && (r > bestScore+1e-9 || (math.Abs(r-bestScore) <= 1e-9 && id < best)) {
				best, bestScore = id, r
			}
		}
		if d.Influence[0].Actor.ID != best {
			t.Errorf("first %s, the power iteration ranks %s first", d.Influence[0].Actor.ID, best)
		}
		var orgs []struct{ Actor struct{ ID string } }
		a.on(t).ok(`{ influence(first: 5, kind: INTERGOVERNMENTAL) { actor { id } } }`, nil, &struct {
			Influence *[]struct{ Actor struct{ ID string } }
		}{&orgs})
		for _, o := range orgs {
			if !strings.HasPrefix(o.Actor.ID, "org") {
				t.Errorf("kind INTERGOVERNMENTAL returned %s", o.Actor.ID)
			}
		}
		for _, first := range []int{-1, 101} {
			errs := a.on(t).do(`query($n: Int) { influence(first: $n) { score } }`, map[string]any{"n": first}, nil)
			if len(errs) == 0 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("first %d: %+v", first, errs)
			}
		}
	})
}

// writeFixture runs a write statement on the test database with a plain
// driver (the API has no write path for relationship properties like until).
func writeFixture(t *testing.T, cypher string) {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	if _, err := neo4j.ExecuteQuery(context.Background(), driver, cypher, nil, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
}

type pageRanks struct {
	rank   map[string]float64
	degree map[string]int
	actor  map[string]bool
}

// pageRankByPowerIteration reads the projection with plain Cypher (every
// actor, and every MEMBER_OF, PARTICIPATED_IN, PART_OF, FOLLOWS and
// SEEKS_PARTNERSHIP_WITH relationship taken both ways, parallel ones once)
// and computes PageRank by the textbook power iteration: damping 0.85,
// nodes without neighbours spreading their rank evenly.
func pageRankByPowerIteration(t *testing.T, ctx context.Context) pageRanks {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	idx := map[string]int{}
	var names []string
	node := func(id string) int {
		if i, ok := idx[id]; ok {
			return i
		}
		idx[id] = len(names)
		names = append(names, id)
		return len(names) - 1
	}
	pr := pageRanks{rank: map[string]float64{}, degree: map[string]int{}, actor: map[string]bool{}}
	res, err := neo4j.ExecuteQuery(ctx, driver, "MATCH (a:Actor) RETURN a.id AS id", nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Records {
		id, _ := r.Get("id")
		node(id.(string))
		pr.actor[id.(string)] = true
	}
	res, err = neo4j.ExecuteQuery(ctx, driver,
		"MATCH (x)-[:MEMBER_OF|PARTICIPATED_IN|PART_OF|FOLLOWS|SEEKS_PARTNERSHIP_WITH]->(y) WHERE x <> y RETURN DISTINCT x.id AS x, y.id AS y",
		nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	nbrs := map[int]map[int]bool{}
	link := func(a, b int) {
		if nbrs[a] == nil {
			nbrs[a] = map[int]bool{}
		}
		nbrs[a][b] = true
	}
	for _, r := range res.Records {
		x, _ := r.Get("x")
		y, _ := r.Get("y")
		a, b := node(x.(string)), node(y.(string))
		link(a, b)
		link(b, a)
	}
	n := len(names)
	rank := make([]float64, n)
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	for iter := 0; iter < 1000; iter++ {
		next := make([]float64, n)
		dangling := 0.0
		for v := 0; v < n; v++ {
			if len(nbrs[v]) == 0 {
				dangling += rank[v]
				continue
			}
			share := rank[v] / float64(len(nbrs[v]))
			for w := range nbrs[v] {
				next[w] += 0.85 * share
			}
		}
		diff := 0.0
		for v := range next {
			next[v] += (0.15 + 0.85*dangling) / float64(n)
			diff += math.Abs(next[v] - rank[v])
		}
		rank = next
		if diff < 1e-14 {
			break
		}
	}
	for i, id := range names {
		pr.rank[id] = rank[i]
		pr.degree[id] = len(nbrs[i])
	}
	return pr
}
