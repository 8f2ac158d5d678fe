package seed_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed"
)

// query runs read-only Cypher on the test database and returns the records.
// Tests read the graph with their own Cypher so that they check the data,
// not the API's reading of it.
func query(t *testing.T, cypher string, params map[string]any) []*neo4j.Record {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	res, err := neo4j.ExecuteQuery(context.Background(), driver, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return res.Records
}

func strings1(t *testing.T, cypher string, params map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range query(t, cypher, params) {
		v, _, err := neo4j.GetRecordValue[string](r, "v")
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

// TestSeedFacts checks, fact by fact, what the 1999 text states. The
// expected values below were read off the source text by hand, not from
// seed.json.
func TestSeedFacts(t *testing.T) {
	testdb.Seeded(t)

	// "The countries involved were: Austria; Chile; Ireland; Jordan; Netherlands; Slovenia; South Africa; Switzerland; and Thailand."
	luncheonGuests := []string{"AUT", "CHL", "IRL", "JOR", "NLD", "SVN", "ZAF", "CHE", "THA"}
	equal(t, "countries", strings1(t, "MATCH (c:Country:Actor) RETURN c.iso3 AS v", nil),
		append([]string{"CAN", "NOR"}, luncheonGuests...))

	// "Canada and Norway hosted a human security luncheon with Foreign Ministers in New York on 25 September, 1998."
	recs := query(t, `MATCH (e:Event {id: 'event:human-security-luncheon-1998'})
		RETURN e.startDate AS d, e.datePrecision AS p, e.location AS loc, e.kind AS kind`, nil)
	if len(recs) != 1 {
		t.Fatalf("luncheon: %d events", len(recs))
	}
	for k, want := range map[string]string{"d": "1998-09-25", "p": "DAY", "loc": "New York", "kind": "LUNCHEON"} {
		if got, _ := recs[0].Get(k); got != want {
			t.Errorf("luncheon %s = %v, want %s", k, got, want)
		}
	}
	equal(t, "luncheon hosts", strings1(t, `MATCH (c:Country)-[:PARTICIPATED_IN {role: 'HOST'}]->(:Event {id: 'event:human-security-luncheon-1998'}) RETURN c.iso3 AS v`, nil),
		[]string{"CAN", "NOR"})
	equal(t, "luncheon participants", strings1(t, `MATCH (c:Country)-[:PARTICIPATED_IN {role: 'PARTICIPANT'}]->(:Event {id: 'event:human-security-luncheon-1998'}) RETURN c.iso3 AS v`, nil),
		luncheonGuests)

	// "On May 11, 1998, Canada and Norway signed a bilateral Partnership for Action, entitled the "Lysøen Declaration"."
	equal(t, "declaration signatories", strings1(t, `MATCH (c:Country)-[s:SIGNATORY_OF {signed: '1998-05-11'}]->(:Agreement {id: 'agreement:lysoen-declaration', kind: 'DECLARATION'}) RETURN c.iso3 AS v`, nil),
		[]string{"CAN", "NOR"})
	equal(t, "partnership established by the declaration", strings1(t, `MATCH (i:Initiative {id: 'initiative:lysoen-partnership', kind: 'BILATERAL_PARTNERSHIP'})-[:ESTABLISHED_BY]->(a:Agreement) RETURN a.id AS v`, nil),
		[]string{"agreement:lysoen-declaration"})
	equal(t, "partnership members", strings1(t, `MATCH (c:Country)-[m:MEMBER_OF]->(:Initiative {id: 'initiative:lysoen-partnership'}) RETURN c.iso3 + ' ' + m.role + ' ' + m.since AS v`, nil),
		[]string{"CAN FOUNDER 1998-05-11", "NOR FOUNDER 1998-05-11"})

	// "The overarching objective of the Partnership for Action is to provide coherence for, to strengthen, and to build
	// momentum around human security initiatives."
	// "...on the following issues: Landmines; the International Criminal Court; Human Rights; Humanitarian Law; the Gender
	// Dimensions of Armed Conflict; Small Arms Proliferation; War-Affected Children (including Child Soldiers); Child Labour;
	// and Arctic and Northern Cooperation."
	// Nine agreed issues: child soldiers is part of war-affected children, and human security
	// is the objective (kept as the Partnership's objective and what the declaration addresses).
	equal(t, "partnership issue areas", strings1(t, `MATCH (:Initiative {id: 'initiative:lysoen-partnership'})-[:ADDRESSES]->(i:IssueArea) RETURN i.id AS v`, nil),
		[]string{"issue:landmines", "issue:international-criminal-court", "issue:human-rights", "issue:humanitarian-law",
			"issue:gender-armed-conflict", "issue:small-arms", "issue:war-affected-children",
			"issue:child-labour", "issue:arctic-northern-cooperation"})
	equal(t, "child soldiers within war-affected children", strings1(t, `MATCH (:IssueArea {id: 'issue:child-soldiers'})-[r:PART_OF]->(i:IssueArea)
		WHERE r.evidence CONTAINS 'War-Affected Children (including Child Soldiers)' RETURN i.id AS v`, nil),
		[]string{"issue:war-affected-children"})
	equal(t, "human security as the objective", strings1(t, `MATCH (i:Initiative {id: 'initiative:lysoen-partnership'})
		WHERE i.objective CONTAINS 'human security' RETURN i.id AS v`, nil), []string{"initiative:lysoen-partnership"})
	equal(t, "the declaration addresses human security", strings1(t, `MATCH (:Agreement {id: 'agreement:lysoen-declaration'})-[:ADDRESSES]->(i:IssueArea) RETURN i.id AS v`, nil),
		[]string{"issue:human-security"})

	// "Senior Official Coordinators of the Lysøen Partnership met in December, 1998, followed by a Ministerial retreat in the February, 1999"
	equal(t, "month-precision events", strings1(t, `MATCH (e:Event {datePrecision: 'MONTH'}) RETURN e.id + ' ' + e.startDate AS v`, nil),
		[]string{"event:lysoen-senior-officials-1998 1998-12", "event:lysoen-ministerial-retreat-1999 1999-02", "event:unsc-presidency-canada-1999 1999-02"})
	equal(t, "retreat follows the officials' meeting", strings1(t, `MATCH (:Event {id: 'event:lysoen-ministerial-retreat-1999', kind: 'MINISTERIAL_RETREAT'})-[:FOLLOWS]->(e:Event) RETURN e.id AS v`, nil),
		[]string{"event:lysoen-senior-officials-1998"})
	equal(t, "partnership events", strings1(t, `MATCH (e:Event)-[:PART_OF]->(:Initiative {id: 'initiative:lysoen-partnership'}) RETURN e.id AS v`, nil),
		[]string{"event:lysoen-declaration-signing", "event:lysoen-senior-officials-1998", "event:lysoen-ministerial-retreat-1999"})

	// "A follow-up meeting in Norway is scheduled for 19-20 May, 1999 in Norway."
	equal(t, "follow-up meeting", strings1(t, `MATCH (e:Event {id: 'event:human-security-meeting-1999'})-[:HELD_IN]->(c:Country)
		MATCH (e)-[:FOLLOWS]->(prev:Event)
		RETURN e.startDate + '..' + e.endDate + ' ' + e.datePrecision + ' ' + e.status + ' in ' + c.iso3 + ' after ' + prev.id AS v`, nil),
		[]string{"1999-05-19..1999-05-20 DAY SCHEDULED in NOR after event:human-security-luncheon-1998"})
	equal(t, "nobody is said to attend the follow-up", strings1(t, `MATCH (a)-[:PARTICIPATED_IN]->(:Event {id: 'event:human-security-meeting-1999'}) RETURN a.id AS v`, nil), nil)

	// "...while a member of the United Nations Security Council (1999-2000)."
	equal(t, "Security Council membership", strings1(t, `MATCH (:Country {iso3: 'CAN'})-[m:MEMBER_OF]->(o:Organization {kind: 'UN_BODY'}) RETURN o.id + ' ' + m.since + '-' + m.until AS v`, nil),
		[]string{"org:un-security-council 1999-2000"})
	// "...during Canada's Presidency of the UN Security Council in February, 1999 when we will develop the theme of the "protection of civilians in armed conflict"."
	equal(t, "presidency", strings1(t, `MATCH (:Country {iso3: 'CAN'})-[p:PARTICIPATED_IN {role: 'PRESIDENT'}]->(e:Event {kind: 'PRESIDENCY'})-[:ADDRESSES]->(i:IssueArea)
		RETURN e.startDate + ' ' + e.datePrecision + ' ' + i.id AS v`, nil),
		[]string{"1999-02 MONTH issue:protection-of-civilians"})

	// "This will eventually involve forming partnerships and coalitions with like-minded countries, NGOs, civil society and the ICRC."
	equal(t, "envisaged partners", strings1(t, `MATCH (:Initiative {id: 'initiative:lysoen-partnership'})-[s:SEEKS_PARTNERSHIP_WITH]->(o:Organization:Actor)
		RETURN o.acronym + ' ' + s.status AS v`, nil), []string{"ICRC ENVISAGED"})
}

// TestSeedProvenance: every fact carries its source and a sentence that is
// really in the text, and no date is more precise than the text allows.
func TestSeedProvenance(t *testing.T) {
	testdb.Seeded(t)
	text, err := os.ReadFile("human-security-1999.txt")
	if err != nil {
		t.Fatal(err)
	}
	check := func(kind string, recs []*neo4j.Record) {
		if len(recs) == 0 {
			t.Fatalf("no %s found", kind)
		}
		for _, r := range recs {
			what, _ := r.Get("what")
			src, _ := r.Get("src")
			ev, _ := r.Get("ev")
			if src != "source:human-security-1999" {
				t.Errorf("%s %v: sourceId = %v", kind, what, src)
			}
			s, _ := ev.(string)
			if s == "" || !bytes.Contains(text, []byte(s)) {
				t.Errorf("%s %v: evidence %q is not in the source text", kind, what, s)
			}
		}
	}
	check("node", query(t, "MATCH (n) WHERE NOT n:Source AND NOT n:DatasetVersion RETURN n.id AS what, n.sourceId AS src, n.evidence AS ev", nil))
	check("relationship", query(t, "MATCH (a)-[r]->(b) RETURN a.id + ' ' + type(r) + ' ' + b.id AS what, r.sourceId AS src, r.evidence AS ev", nil))

	for _, r := range query(t, "MATCH (e:Event) RETURN e.id AS id, e.startDate AS d, e.datePrecision AS p", nil) {
		id, _ := r.Get("id")
		d, _ := r.Get("d")
		p, _ := r.Get("p")
		wantLen := map[any]int{"DAY": 10, "MONTH": 7, "YEAR": 4}[p]
		if s, _ := d.(string); len(s) != wantLen {
			t.Errorf("event %v: startDate %v does not have precision %v", id, d, p)
		}
	}
	if got := strings1(t, "MATCH (s:Source) RETURN s.id AS v", nil); len(got) != 1 {
		t.Errorf("sources: %v", got)
	}
}

// TestSeedIdempotent: the first load writes exactly what seed.json says,
// and loading again leaves every node, relationship and property as it was.
func TestSeedIdempotent(t *testing.T) {
	s := testdb.Seeded(t)
	ctx := context.Background()
	first := graphContent(t)
	diffLines(t, "after the first load", first, seedFileContent(t))
	if _, err := seed.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	diffLines(t, "after the second load", graphContent(t), first)
}

// TestBrokenSeedRejected: each broken file in testdata is refused with the
// file, the entry and the problem named, and nothing is written.
func TestBrokenSeedRejected(t *testing.T) {
	s := testdb.Open(t)
	testdb.Reset(t, s)
	ctx := context.Background()
	cases := map[string]string{
		"unknown-label.json":     `nodes[0] (country:XXX): label "Nation" is not one of`,
		"missing-endpoint.json":  `relationships[0] (MEMBER_OF country:CAN->initiative:nowhere): to "initiative:nowhere" is not a node of this file`,
		"bad-date.json":          `nodes[1] (event:bad-date): startDate: "1998-13-40" is not a date: month 13 does not exist`,
		"invented-evidence.json": `nodes[0] (country:CAN): evidence "Canada invented this sentence." is not a passage of the source text`,
		"wrong-endpoints.json":   `relationships[0] (ADDRESSES country:CAN->event:e): ADDRESSES is not allowed from Country to Event`,
		"not-json.json":          `not a valid seed file`,
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = seed.LoadFrom(ctx, s, f, file, seed.SourceText)
			var se *seed.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *seed.Error", err)
			}
			if !strings.Contains(err.Error(), file+": ") || !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\n does not say %q", err, want)
			}
			if n, r, err := s.Counts(ctx); err != nil || n != 0 || r != 0 {
				t.Errorf("after a rejected file the graph has %d nodes, %d relationships (err %v); want nothing written", n, r, err)
			}
		})
	}
}

// TestWriteFailureLeavesNothing: a batch that fails half-way (its last
// relationship points at a node that does not exist) writes nothing at all.
func TestWriteFailureLeavesNothing(t *testing.T) {
	s := testdb.Open(t)
	testdb.Reset(t, s)
	ctx := context.Background()
	_, err := s.WriteGraph(ctx, store.GraphWrite{
		Nodes: []store.NodeWrite{{Label: store.LabelCountry, ID: "country:CAN", Props: map[string]any{"name": "Canada", "iso3": "CAN"}}},
		Rels: []store.RelWrite{{Type: store.RelMemberOf, From: "country:CAN", To: "initiative:missing",
			FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative}},
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if n, r, _ := s.Counts(ctx); n != 0 || r != 0 {
		t.Errorf("graph has %d nodes, %d relationships; want the whole batch rolled back", n, r)
	}
}
