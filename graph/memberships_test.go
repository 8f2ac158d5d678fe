package graph

// Organization memberships from the Correlates of War IGO data: the
// fixture holds real rows of cow-igo/igo_year_format3.csv.gz (the United
// Nations, Canada's and Switzerland's columns); the membership spans are
// computed here from them, as the model defines a span (a run of
// consecutive years with the same status; no end while a member in 2014,
// the dataset's last year).

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

const unMembershipRows = `ioname,year,canada,switzerland
UN,1945.0,1.0,0.0
UN,1946.0,1.0,0.0
UN,1947.0,1.0,0.0
UN,1948.0,1.0,0.0
UN,1949.0,1.0,0.0
UN,1950.0,1.0,0.0
UN,1951.0,1.0,0.0
UN,1952.0,1.0,0.0
UN,1953.0,1.0,0.0
UN,1954.0,1.0,0.0
UN,1955.0,1.0,0.0
UN,1956.0,1.0,0.0
UN,1957.0,1.0,0.0
UN,1958.0,1.0,0.0
UN,1959.0,1.0,0.0
UN,1960.0,1.0,0.0
UN,1961.0,1.0,0.0
UN,1962.0,1.0,0.0
UN,1963.0,1.0,0.0
UN,1964.0,1.0,0.0
UN,1965.0,1.0,0.0
UN,1966.0,1.0,0.0
UN,1967.0,1.0,0.0
UN,1968.0,1.0,0.0
UN,1969.0,1.0,0.0
UN,1970.0,1.0,0.0
UN,1971.0,1.0,0.0
UN,1972.0,1.0,0.0
UN,1973.0,1.0,0.0
UN,1974.0,1.0,0.0
UN,1975.0,1.0,0.0
UN,1976.0,1.0,0.0
UN,1977.0,1.0,0.0
UN,1978.0,1.0,0.0
UN,1979.0,1.0,0.0
UN,1980.0,1.0,0.0
UN,1981.0,1.0,0.0
UN,1982.0,1.0,0.0
UN,1983.0,1.0,0.0
UN,1984.0,1.0,0.0
UN,1985.0,1.0,0.0
UN,1986.0,1.0,0.0
UN,1987.0,1.0,0.0
UN,1988.0,1.0,0.0
UN,1989.0,1.0,0.0
UN,1990.0,1.0,0.0
UN,1991.0,1.0,0.0
UN,1992.0,1.0,0.0
UN,1993.0,1.0,0.0
UN,1994.0,1.0,0.0
UN,1995.0,1.0,0.0
UN,1996.0,1.0,0.0
UN,1997.0,1.0,0.0
UN,1998.0,1.0,0.0
UN,1999.0,1.0,0.0
UN,2000.0,1.0,0.0
UN,2001.0,1.0,0.0
UN,2002.0,1.0,1.0
UN,2003.0,1.0,1.0
UN,2004.0,1.0,1.0
UN,2005.0,1.0,1.0
UN,2006.0,1.0,1.0
UN,2007.0,1.0,1.0
UN,2008.0,1.0,1.0
UN,2009.0,1.0,1.0
UN,2010.0,1.0,1.0
UN,2011.0,1.0,1.0
UN,2012.0,1.0,1.0
UN,2013.0,1.0,1.0
UN,2014.0,1.0,1.0
`

// COW status codes → MEMBER_OF roles (0 is not a member).
var cowRoles = map[string]string{"1.0": "FULL", "2.0": "ASSOCIATE", "3.0": "OBSERVER"}

type span struct{ iso3, role, since, until string }

// cowSpans computes the membership spans of the fixture's states.
func cowSpans(t *testing.T) []span {
	t.Helper()
	var out []span
	for col, iso3 := range map[string]string{"canada": "CAN", "switzerland": "CHE"} {
		var cur *span
		last := ""
		for _, r := range parseCSVText(t, unMembershipRows) {
			year := strconv.Itoa(num(t, r["year"]))
			role := cowRoles[r[col]]
			if cur != nil && cur.role != role {
				cur.until = last
				out = append(out, *cur)
				cur = nil
			}
			if cur == nil && role != "" {
				cur = &span{iso3: iso3, role: role, since: year}
			}
			last = year
		}
		if cur != nil { // still a member at the dataset's end: no until
			out = append(out, *cur)
		}
	}
	return out
}

func TestOrganizationMembershipSpans(t *testing.T) {
	st := testdb.Seeded(t)
	spans := cowSpans(t)
	var params []map[string]any
	for _, s := range spans {
		p := map[string]any{"iso3": s.iso3, "role": s.role, "since": s.since}
		if s.until != "" {
			p["until"] = s.until
		}
		params = append(params, p)
	}
	testdb.Exec(t, `MERGE (o:Organization {id: 'org:cow-un'})
		SET o:Actor, o.name = 'United Nations', o.acronym = 'UN', o.kind = 'INTERGOVERNMENTAL', o.cowId = 4400, o.startDate = '1945',
		    o.sourceId = 'source:cow-igo'
		WITH o UNWIND $spans AS s
		MERGE (c:Country {id: 'country:' + s.iso3}) ON CREATE SET c:Actor, c.iso3 = s.iso3, c.name = s.iso3
		CREATE (c)-[:MEMBER_OF {role: s.role, since: s.since, until: s.until, sourceId: 'source:cow-igo'}]->(o)`,
		map[string]any{"spans": params})
	a := newAPI(t, st)

	var out struct {
		Organizations struct {
			Edges []struct {
				Node struct {
					ID, Kind, Acronym, StartDate string
					CowID                        int
					EndDate                      *string
					Members                      []struct {
						Role, Since string
						Until       *string
						Actor       struct{ ID string }
					}
					Recent []struct{ Actor struct{ ID string } }
				}
			}
		}
	}
	a.ok(`{ organizations(where: {cowId: {eq: 4400}}) { edges { node { id kind acronym cowId startDate endDate
	  members(orderBy: [{field: SINCE}]) { role since until actor { id } }
	  recent: members(where: {since: {from: "2000"}}) { actor { id } } } } } }`, nil, &out)
	if len(out.Organizations.Edges) != 1 {
		t.Fatalf("organizations with cowId 4400: %+v", out.Organizations.Edges)
	}
	o := out.Organizations.Edges[0].Node
	if o.ID != "org:cow-un" || o.CowID != 4400 || o.StartDate != "1945" || o.EndDate != nil || o.Kind != "INTERGOVERNMENTAL" {
		t.Errorf("organization: %+v", o)
	}
	var got, want []string
	for _, m := range o.Members {
		until := ""
		if m.Until != nil {
			until = *m.Until
		}
		got = append(got, m.Actor.ID+" "+m.Role+" "+m.Since+"-"+until)
	}
	// Ordered as asked: by since, then by the member's id.
	slices.SortStableFunc(spans, func(a, b span) int {
		return cmp.Or(strings.Compare(a.since, b.since), strings.Compare(a.iso3, b.iso3))
	})
	var recent []string
	for _, s := range spans {
		want = append(want, "country:"+s.iso3+" "+s.role+" "+s.since+"-"+s.until)
		if s.since >= "2000" {
			recent = append(recent, "country:"+s.iso3)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n got %v\nwant %v", got, want)
	}
	var gotRecent []string
	for _, m := range o.Recent {
		gotRecent = append(gotRecent, m.Actor.ID)
	}
	if !sameSet(gotRecent, recent) || len(recent) == 0 {
		t.Errorf("members since 2000: %v, want %v", gotRecent, recent)
	}

	// The other side: Switzerland's memberships of intergovernmental organizations.
	var che struct {
		Country struct {
			Memberships []struct {
				Role, Since  string
				Organization struct{ CowID int }
			}
		}
	}
	a.ok(`{ country(iso3: "CHE") { memberships(where: {organization: {kind: {eq: INTERGOVERNMENTAL}}}) { role since organization { cowId } } } }`, nil, &che)
	var wantChe []string
	for _, s := range spans {
		if s.iso3 == "CHE" {
			wantChe = append(wantChe, s.role+" "+s.since)
		}
	}
	var gotChe []string
	for _, m := range che.Country.Memberships {
		if m.Organization.CowID == 4400 {
			gotChe = append(gotChe, m.Role+" "+m.Since)
		}
	}
	if !slices.Equal(gotChe, wantChe) {
		t.Errorf("Switzerland in the UN: %v, want %v", gotChe, wantChe)
	}
}
