package graph

// Memberships grouped by role and by the year they began: CERN's members
// in the Correlates of War IGO data (cow-igo/igo_year_format3.csv.gz, read
// here from the file), whose columns hold full members, associates and
// observers. The test computes the membership spans from the file (a run
// of consecutive listed years with the same status), writes them, and
// compares every count of the aggregates with its own count of the spans.

import (
	"compress/gzip"
	"encoding/csv"
	"reflect"
	"strconv"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
	data "github.com/lysoen/lysoen/seed/data"
)

// csvHeader is the header row of a gzipped dataset file, in its order.
func csvHeader(t *testing.T, name string) []string {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	h, err := csv.NewReader(gz).Read()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// cernSpans reads CERN's rows of the IGO-year file and returns its
// membership spans, keyed by the state's column name.
func cernSpans(t *testing.T) []span {
	t.Helper()
	var out []span
	rows := []map[string]string{}
	for _, r := range fileRecords(t, "cow-igo/igo_year_format3.csv.gz") {
		if r["ioname"] == "CERN" {
			rows = append(rows, r)
		}
	}
	if len(rows) < 50 {
		t.Fatalf("the IGO file has %d rows of CERN", len(rows))
	}
	// The state columns run from the fourth to the one before sdate.
	var cols []string
	for _, c := range csvHeader(t, "cow-igo/igo_year_format3.csv.gz")[3:] {
		if c == "sdate" {
			break
		}
		cols = append(cols, c)
	}
	for _, col := range cols {
		var cur *span
		last := ""
		for _, r := range rows { // the file lists an organization's years in order
			year := strconv.Itoa(num(t, r["year"]))
			role := cowRoles[r[col]]
			if cur != nil && cur.role != role {
				cur.until = last
				out = append(out, *cur)
				cur = nil
			}
			if cur == nil && role != "" {
				cur = &span{iso3: col, role: role, since: year}
			}
			last = year
		}
		if cur != nil {
			out = append(out, *cur)
		}
	}
	return out
}

func TestMembershipAggregatesByRole(t *testing.T) {
	st := testdb.Seeded(t)
	spans := cernSpans(t)
	var params []map[string]any
	roles := map[string]bool{}
	for _, s := range spans {
		roles[s.role] = true
		p := map[string]any{"col": s.iso3, "role": s.role, "since": s.since}
		if s.until != "" {
			p["until"] = s.until
		}
		params = append(params, p)
	}
	if len(roles) != 3 {
		t.Fatalf("CERN's spans have roles %v; the file lists full members, associates and observers", roles)
	}
	testdb.Exec(t, `MERGE (o:Organization {id: 'org:cow-cern'})
		SET o:Actor, o.name = 'European Organization for Nuclear Research', o.acronym = 'CERN', o.kind = 'INTERGOVERNMENTAL',
		    o.sourceId = 'source:cow-igo'
		WITH o UNWIND $spans AS s
		MERGE (c:Country {id: 'country:cow-' + s.col}) ON CREATE SET c:Actor, c.name = s.col
		CREATE (c)-[:MEMBER_OF {role: s.role, since: s.since, until: s.until, sourceId: 'source:cow-igo'}]->(o)`,
		map[string]any{"spans": params})
	a := newAPI(t, st)

	count := func(keep func(span) bool, key func(span) string) (int, []aggGroup) {
		n, keys := 0, []string{}
		for _, s := range spans {
			if keep(s) {
				n++
				keys = append(keys, key(s))
			}
		}
		return n, expectGroups(keys)
	}
	all := func(span) bool { return true }
	role := func(s span) string { return s.role }
	year := func(s span) string { return s.since[:4] }

	var d struct {
		Organization struct {
			All struct {
				Count       int
				Role, Since []aggGroup
			}
			Observers struct {
				Count int
				Since []aggGroup
			}
			Ended struct {
				Count int
				Role  []aggGroup
			}
			Members []struct{ Role string }
		}
	}
	a.ok(`{ organization(id: "org:cow-cern") {
	  all: membersAggregate { count role: groupBy(field: ROLE) { key count } since: groupBy(field: SINCE_YEAR) { key count } }
	  observers: membersAggregate(where: {role: {eq: OBSERVER}}) { count since: groupBy(field: SINCE_YEAR) { key count } }
	  ended: membersAggregate(where: {until: {to: "1990"}}) { count role: groupBy(field: ROLE) { key count } }
	  members(first: 1) { role } } }`, nil, &d)
	o := d.Organization
	if n, g := count(all, role); o.All.Count != n || !reflect.DeepEqual(o.All.Role, g) {
		t.Errorf("by role: %d %s; the file: %d %s", o.All.Count, groupsString(o.All.Role), n, groupsString(g))
	}
	if _, g := count(all, year); !reflect.DeepEqual(o.All.Since, g) {
		t.Errorf("by year: %s; the file: %s", groupsString(o.All.Since), groupsString(g))
	}
	if n, g := count(func(s span) bool { return s.role == "OBSERVER" }, year); o.Observers.Count != n || !reflect.DeepEqual(o.Observers.Since, g) || n == 0 {
		t.Errorf("observers by year: %d %s; the file: %d %s", o.Observers.Count, groupsString(o.Observers.Since), n, groupsString(g))
	}
	if n, g := count(func(s span) bool { return s.until != "" && s.until <= "1990" }, role); o.Ended.Count != n || !reflect.DeepEqual(o.Ended.Role, g) || n == 0 {
		t.Errorf("ended by 1990, by role: %d %s; the file: %d %s", o.Ended.Count, groupsString(o.Ended.Role), n, groupsString(g))
	}
	if len(o.Members) != 1 {
		t.Errorf("members(first: 1) beside the aggregates: %d", len(o.Members))
	}

	// From the member's side: a state's memberships, only those of
	// intergovernmental organizations (the seed's initiatives left out).
	var member span
	perState := map[string][]string{}
	for _, s := range spans {
		perState[s.iso3] = append(perState[s.iso3], s.role)
		if len(perState[s.iso3]) > len(perState[member.iso3]) {
			member = s
		}
	}
	var c struct {
		Country struct {
			MembershipsAggregate struct {
				Count int
				Role  []aggGroup
			}
		}
		Node struct {
			MembershipsAggregate struct{ Count int }
		}
	}
	a.ok(`query($id: ID!) { country(id: $id) { membershipsAggregate(where: {organization: {kind: {eq: INTERGOVERNMENTAL}}}) {
	  count role: groupBy(field: ROLE) { key count } } }
	  node(id: $id) { ... on Actor { membershipsAggregate { count } } } }`, map[string]any{"id": "country:cow-" + member.iso3}, &c)
	want := expectGroups(perState[member.iso3])
	if got := c.Country.MembershipsAggregate; got.Count != len(perState[member.iso3]) || !reflect.DeepEqual(got.Role, want) || len(want) < 2 {
		t.Errorf("%s's memberships by role: %d %s; the file: %s", member.iso3, got.Count, groupsString(got.Role), groupsString(want))
	}
	if c.Node.MembershipsAggregate.Count != len(perState[member.iso3]) {
		t.Errorf("through the Actor interface: %d, want %d", c.Node.MembershipsAggregate.Count, len(perState[member.iso3]))
	}

	// An initiative's members by role, from the seed file.
	sf := readSeed(t)
	var seedRoles []string
	for _, r := range sf.Relationships {
		if r.Type == "MEMBER_OF" && r.To == "initiative:lysoen-partnership" {
			role, _ := r.Properties["role"].(string)
			seedRoles = append(seedRoles, role)
		}
	}
	var i struct {
		Initiative struct {
			MembersAggregate struct {
				Count int
				Role  []aggGroup
			}
		}
	}
	a.ok(`{ initiative(id: "initiative:lysoen-partnership") { membersAggregate { count role: groupBy(field: ROLE) { key count } } } }`, nil, &i)
	if got := i.Initiative.MembersAggregate; got.Count != len(seedRoles) || !reflect.DeepEqual(got.Role, expectGroups(seedRoles)) || len(seedRoles) == 0 {
		t.Errorf("the Lysøen Partnership's members: %d %s; seed file: %s", got.Count, groupsString(got.Role), groupsString(expectGroups(seedRoles)))
	}

	// A group key outside the enum is refused before anything runs.
	if errs := a.do(`{ organization(id: "org:cow-cern") { membersAggregate { groupBy(field: REGION) { key } } } }`, nil, nil); len(errs) == 0 ||
		errs[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("groupBy(field: REGION) on memberships: %+v", errs)
	}
}
