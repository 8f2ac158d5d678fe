package graph

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/coalition"
	data "github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// rawRows runs a read statement on the test database directly (not
// through the store), for the counts the API's answers are checked against.
func rawRows(t *testing.T, cypher string, params map[string]any) []map[string]any {
	t.Helper()
	c := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out
}

// TestEnumsReadFromImportedData: every value the seed and the importers
// store in an enum-typed property is a value of its enum, reads back as
// that value, and filters by it: the API's count for each value equals
// the count Cypher finds in the stored graph.
func TestEnumsReadFromImportedData(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := coalition.Run(ctx, st, data.FS, coalition.Options{Only: []string{"cow-igo", "informal-igos"}}); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)

	type connAnswer struct {
		TotalCount int
		Edges      []struct{ Node map[string]any }
	}
	cases := []struct {
		name  string
		valid func(string) bool
		// values: each stored value and how many nodes (for a node property)
		// or countries (for a relationship property) carry it.
		values string
		// query takes $v and answers one connection under root.
		query, root string
		// read picks the value read back from the connection's first node.
		read func(map[string]any) any
	}{
		{"Organization.kind", func(v string) bool { return model.ActorKind(v).IsValid() && v != "COUNTRY" },
			`MATCH (n:Organization) WHERE n.kind IS NOT NULL RETURN n.kind AS v, count(*) AS n`,
			`query($v: ActorKind!) { organizations(first: 1, where: {kind: {eq: $v}}) { totalCount edges { node { kind } } } }`, "organizations",
			func(n map[string]any) any { return n["kind"] }},
		{"Initiative.kind", func(v string) bool { return model.InitiativeKind(v).IsValid() },
			`MATCH (n:Initiative) WHERE n.kind IS NOT NULL RETURN n.kind AS v, count(*) AS n`,
			`query($v: InitiativeKind!) { initiatives(first: 1, where: {kind: {eq: $v}}) { totalCount edges { node { kind } } } }`, "initiatives",
			func(n map[string]any) any { return n["kind"] }},
		{"Event.kind", func(v string) bool { return model.EventKind(v).IsValid() },
			`MATCH (n:Event) WHERE n.kind IS NOT NULL RETURN n.kind AS v, count(*) AS n`,
			`query($v: EventKind!) { events(first: 1, where: {kind: {eq: $v}}) { totalCount edges { node { kind } } } }`, "events",
			func(n map[string]any) any { return n["kind"] }},
		{"Event.status", func(v string) bool { return model.EventStatus(v).IsValid() },
			`MATCH (n:Event) WHERE n.status IS NOT NULL RETURN n.status AS v, count(*) AS n`,
			`query($v: EventStatus!) { events(first: 1, where: {status: {in: [$v]}}) { totalCount edges { node { status } } } }`, "events",
			func(n map[string]any) any { return n["status"] }},
		{"Membership.role", func(v string) bool { return model.MembershipRole(v).IsValid() },
			`MATCH (c:Country)-[r:MEMBER_OF]->() WHERE r.role IS NOT NULL RETURN r.role AS v, count(DISTINCT c) AS n`,
			`query($v: MembershipRole!) { countries(first: 1, where: {memberships: {role: {eq: $v}}}) { totalCount edges { node {
			  memberships(first: 1, where: {role: {eq: $v}}) { role } } } } }`, "countries",
			func(n map[string]any) any { return first(n["memberships"])["role"] }},
		{"Participation.role", func(v string) bool { return model.ParticipationRole(v).IsValid() },
			`MATCH (c:Country)-[r:PARTICIPATED_IN]->() WHERE r.role IS NOT NULL RETURN r.role AS v, count(DISTINCT c) AS n`,
			`query($v: ParticipationRole!) { countries(first: 1, where: {participations: {role: {eq: $v}}}) { totalCount edges { node {
			  participations(first: 1, where: {role: {eq: $v}}) { role } } } } }`, "countries",
			func(n map[string]any) any { return first(n["participations"])["role"] }},
		{"Signature.method", func(v string) bool { return model.SignatureMethod(v).IsValid() },
			`MATCH (c:Country)-[r:SIGNATORY_OF]->() WHERE r.method IS NOT NULL RETURN r.method AS v, count(DISTINCT c) AS n`,
			`query($v: SignatureMethod!) { countries(first: 1, where: {signatures: {method: {eq: $v}}}) { totalCount edges { node {
			  signatures(first: 1, where: {method: {eq: $v}}) { method } } } } }`, "countries",
			func(n map[string]any) any { return first(n["signatures"])["method"] }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := rawRows(t, c.values, nil)
			if len(rows) == 0 {
				t.Fatal("no stored values: the import wrote none")
			}
			for _, r := range rows {
				v, _ := r["v"].(string)
				if !c.valid(v) {
					t.Errorf("stored value %q is not a value of the field's enum", v)
					continue
				}
				var out map[string]connAnswer
				a.on(t).ok(c.query, map[string]any{"v": v}, &out)
				got := out[c.root]
				if want := int(r["n"].(int64)); got.TotalCount != want {
					t.Errorf("%s: totalCount %d, Cypher counts %d", v, got.TotalCount, want)
				}
				if len(got.Edges) != 1 || c.read(got.Edges[0].Node) != v {
					t.Errorf("%s: read back %+v", v, got.Edges)
				}
			}
		})
	}

	// Sought partnerships: read through the initiatives that seek them.
	want := map[string]int{}
	for _, r := range rawRows(t, `MATCH ()-[r:SEEKS_PARTNERSHIP_WITH]->() RETURN r.status AS v, count(*) AS n`, nil) {
		v, _ := r["v"].(string)
		if !model.PartnershipStatus(v).IsValid() {
			t.Errorf("stored SEEKS_PARTNERSHIP_WITH status %q is not a PartnershipStatus", v)
		}
		want[v] = int(r["n"].(int64))
	}
	var ini struct {
		Initiatives struct {
			Edges []struct {
				Node struct{ SeeksPartnershipWith []struct{ Status string } }
			}
		}
	}
	a.ok(`{ initiatives(first: 100, where: {seeksPartnershipWith: {}}) { edges { node { seeksPartnershipWith { status } } } } }`, nil, &ini)
	got := map[string]int{}
	for _, e := range ini.Initiatives.Edges {
		for _, p := range e.Node.SeeksPartnershipWith {
			got[p.Status]++
		}
	}
	if len(want) == 0 || !mapsEqual(got, want) {
		t.Errorf("sought partnership statuses: API %v, Cypher %v", got, want)
	}
}

func first(list any) map[string]any {
	l, _ := list.([]any)
	if len(l) == 0 {
		return nil
	}
	m, _ := l[0].(map[string]any)
	return m
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestEnumInputRefused: a value outside an enum, as a literal or in a
// variable, is refused before anything runs, with a typed error.
func TestEnumInputRefused(t *testing.T) {
	a := newAPI(t, testdb.Seeded(t))
	for _, c := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"literal in a filter", `{ events(where: {kind: {eq: CLUB}}) { totalCount } }`, nil},
		{"string for an enum", `{ events(where: {kind: {eq: "MEETING"}}) { totalCount } }`, nil},
		{"variable", `query($k: [EventKind!]) { events(where: {kind: {in: $k}}) { totalCount } }`, map[string]any{"k": []string{"MEETING", "CLUB"}}},
		{"mutation input", `mutation { upsertEvent(input: {id: "event:x", name: "X", kind: CLUB}) { id } }`, nil},
		{"relationship role", `{ countries(where: {memberships: {role: {eq: OWNER}}}) { totalCount } }`, nil},
	} {
		errs := a.on(t).do(c.query, c.vars, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: %+v, want one GRAPHQL_VALIDATION_FAILED error", c.name, errs)
		}
	}
}

// TestEvidenceSource: Evidence.source is the Source node sourceId names,
// on nodes and relationships alike.
func TestEvidenceSource(t *testing.T) {
	a := newAPI(t, testdb.Seeded(t))
	seed := readSeed(t)
	var out struct {
		Initiative struct {
			Evidence struct {
				SourceID string
				Source   struct {
					ID, Title string
					Date      string
				}
			}
			Members []struct {
				Evidence struct {
					SourceID string
					Source   *struct{ ID string }
				}
			}
		}
		Sources []struct{ ID, Title, Date string }
	}
	a.ok(`{ initiative(id: "initiative:lysoen-partnership") { evidence { sourceId source { id title date } } members { evidence { sourceId source { id } } } }
	  sources { id title date } }`, nil, &out)
	ev := out.Initiative.Evidence
	if ev.SourceID != seed.Source.ID || ev.Source.ID != seed.Source.ID || ev.Source.Date != seed.Source.Date {
		t.Errorf("initiative:lysoen-partnership evidence: %+v, want source %s of %s", ev, seed.Source.ID, seed.Source.Date)
	}
	i := slices.IndexFunc(out.Sources, func(s struct{ ID, Title, Date string }) bool { return s.ID == seed.Source.ID })
	if i < 0 || out.Sources[i].Title != ev.Source.Title {
		t.Errorf("source title %q, sources list %+v", ev.Source.Title, out.Sources)
	}
	if len(out.Initiative.Members) == 0 {
		t.Fatal("initiative:lysoen-partnership has no members")
	}
	for _, m := range out.Initiative.Members {
		if m.Evidence.Source == nil || m.Evidence.Source.ID != m.Evidence.SourceID {
			t.Errorf("membership evidence %+v", m.Evidence)
		}
	}
}

var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)

// TestDateTime: DateTime answers RFC 3339 in UTC with six fraction
// digits; inputs with an offset are converted to UTC; anything else is refused with BAD_USER_INPUT.
func TestDateTime(t *testing.T) {
	a := newAPI(t, testdb.Seeded(t))
	var out struct {
		Brokers []struct{ ComputedAt string }
	}
	a.ok(`{ brokers(first: 1) { computedAt } }`, nil, &out)
	if len(out.Brokers) != 1 || !rfc3339UTC.MatchString(out.Brokers[0].ComputedAt) {
		t.Errorf("brokers computedAt: %+v", out.Brokers)
	} else if at, err := time.Parse(time.RFC3339, out.Brokers[0].ComputedAt); err != nil || time.Since(at) > time.Hour || time.Until(at) > time.Minute {
		t.Errorf("computedAt %s is not about now (%v)", out.Brokers[0].ComputedAt, err)
	}

	for in, want := range map[string]model.DateTime{
		"2026-12-05T11:53:50.358+01:00":  "2026-12-05T10:53:50.358000Z",
		"1999-05-11T00:00:00Z":           "1999-05-11T00:00:00.000000Z",
		"2026-12-05T10:53:50.12Z":        "2026-12-05T10:53:50.120000Z",
		"2026-12-05T10:53:50.123456789Z": "2026-12-05T10:53:50.123456Z",
	} {
		var d model.DateTime
		if err := d.UnmarshalGQL(in); err != nil || d != want {
			t.Errorf("DateTime %q: %q, %v; want %q", in, d, err, want)
		}
	}
	// A malformed expectedUpdatedAt is refused while the arguments are
	// read, before the write path's authorization and any Cypher.
	for _, bad := range []string{"yesterday", "2026-12-05", "2026-12-05 10:53:50Z", ""} {
		errs := a.do(`mutation($at: DateTime) { upsertIssueArea(input: {id: "issue:x", name: "X", expectedUpdatedAt: $at}) { id } }`,
			map[string]any{"at": bad}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("expectedUpdatedAt %q: %+v, want one BAD_USER_INPUT error", bad, errs)
		}
	}
}
