package graph

// The read API over UN General Assembly roll calls and votes, historical
// states and organization memberships from the Correlates of War IGO
// data. The fixtures are real rows of the datasets (written below as CSV,
// as the files give them); every expected answer is computed here from
// those rows, never copied from the API's output.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// Rows of unga-votes/un_roll_calls.csv.gz (Voeten, Strezhnev & Bailey).
const rollCallRows = `rcid,session,importantvote,date,unres,amend,para,short,descr
3,1.0,0.0,1946-01-01,R/1/66,1.0,0.0,"AMENDMENTS, RULES OF PROCEDURE","TO ADOPT A CUBAN AMENDMENT TO THE UK PROPOSAL REFERRING THE PROVISIONAL RULES OF PROCEDURE AND ANY AMENDMENTS THEREOF TO THE 6TH COMMITTEE, SAID AMENDMENT PRESCRIBING A 1-WEEK TIME LIMIT WITHIN WHICH THE 6TH COMM. MUST SUBMIT ITS REPORT ON THE"
2792,40.0,0.0,1985-11-06,R/40/6,,,"ISRAEL, ACTION AGAINST IRAQ","Armed Israeli aggression against Iraqi nuclear Installations and its grave consequences for the established International system concerning the peaceful uses of nuclear energy, the non proliferation of nuclear weapons and international peace an"
4174,54.0,0.0,1999-12-04,R/54/39,,,"PALESTINE, RIGHTS, COMMITTEE",Committee on the Exercise of the Inalienable Rights of the Palestinian People
4175,54.0,0.0,1999-12-04,R/54/40,,,"PALESTINE, RIGHTS, SECRETARIAT",Division for Palestinian Rights of the Secretariat
`

// Rows of unga-votes/un_roll_call_issues.csv.gz for those roll calls.
const rollCallIssueRows = `rcid,short_name,issue
2792,me,Palestinian conflict
4174,me,Palestinian conflict
4175,me,Palestinian conflict
2792,nu,Nuclear weapons and nuclear material
2792,di,Arms control and disarmament
4174,hr,Human rights
4175,hr,Human rights
`

// Rows of unga-votes/un_votes.csv.gz: eight states' votes in those roll calls.
const voteRows = `rcid,country,country_code,vote
3.0,United States,US,yes
3.0,Canada,CA,no
3.0,Chile,CL,yes
3.0,Czechoslovakia,CS,yes
3.0,Norway,NO,no
2792.0,United States,US,no
2792.0,Canada,CA,no
2792.0,Chile,CL,abstain
2792.0,German Democratic Republic,DD,yes
2792.0,Czechoslovakia,CS,yes
2792.0,Norway,NO,no
2792.0,Israel,IL,no
4174.0,United States,US,no
4174.0,Canada,CA,abstain
4174.0,Chile,CL,yes
4174.0,Norway,NO,abstain
4174.0,Israel,IL,no
4174.0,Thailand,TH,yes
4175.0,United States,US,no
4175.0,Canada,CA,abstain
4175.0,Chile,CL,yes
4175.0,Norway,NO,abstain
4175.0,Israel,IL,no
4175.0,Thailand,TH,yes
`

// The fixture's mapping of the dataset's codes: ISO 3166 alpha-3 for
// current states, ISO 3166-3 alpha-3 for the two that no longer exist.
var fixtureStates = map[string]struct {
	iso3       string
	historical bool
}{
	"US": {"USA", false}, "CA": {"CAN", false}, "CL": {"CHL", false}, "NO": {"NOR", false},
	"IL": {"ISR", false}, "TH": {"THA", false}, "CS": {"CSK", true}, "DD": {"DDR", true},
}

var fixtureIssues = map[string]string{"me": "issue:palestinian-conflict", "nu": "issue:nuclear-weapons",
	"di": "issue:arms-control", "hr": "issue:human-rights"}

type rcRow struct {
	rcid, session             int
	important                 bool
	date, unres, short, descr string
	amend, para               *bool
	issues                    []string
}

type voteRow struct {
	rcid             int
	name, iso3, vote string
	historical       bool
}

func num(t *testing.T, s string) int {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return int(f)
}

func flag(s string) *bool {
	if s == "" {
		return nil
	}
	b := s == "1.0"
	return &b
}

// voteFixture writes the rows into the seeded test database and returns them.
func voteFixture(t *testing.T) (*store.Store, map[int]rcRow, []voteRow) {
	t.Helper()
	st := testdb.Seeded(t)
	rcs, votes := fixtureRows(t)
	var rcParams, voteParams []map[string]any
	for _, rc := range rcs {
		p := map[string]any{"id": "rollcall:unga-" + strconv.Itoa(rc.rcid), "name": "UNGA roll call " + strconv.Itoa(rc.rcid) + " (" + rc.unres + ")",
			"rcid": rc.rcid, "session": rc.session, "date": rc.date, "resolution": rc.unres, "title": rc.short,
			"description": rc.descr, "important": rc.important, "issues": rc.issues}
		if rc.amend != nil {
			p["amendment"] = *rc.amend
		}
		if rc.para != nil {
			p["paragraph"] = *rc.para
		}
		rcParams = append(rcParams, p)
	}
	for _, v := range votes {
		voteParams = append(voteParams, map[string]any{"rc": "rollcall:unga-" + strconv.Itoa(v.rcid), "iso3": v.iso3, "name": v.name,
			"vote": v.vote, "historical": v.historical})
	}
	testdb.Exec(t, `UNWIND $rcs AS p
		MERGE (r:RollCall {id: p.id})
		SET r.name = p.name, r.rcid = p.rcid, r.session = p.session, r.date = p.date, r.datePrecision = 'DAY',
		    r.resolution = p.resolution, r.title = p.title, r.description = p.description, r.important = p.important,
		    r.amendment = p.amendment, r.paragraph = p.paragraph, r.sourceId = 'source:unga-votes'
		WITH r, p UNWIND p.issues AS issue
		MERGE (i:IssueArea {id: issue}) ON CREATE SET i.name = issue
		MERGE (r)-[:ADDRESSES]->(i)`, map[string]any{"rcs": rcParams})
	testdb.Exec(t, `UNWIND $votes AS v
		MERGE (c:Country {id: 'country:' + v.iso3}) ON CREATE SET c:Actor, c.iso3 = v.iso3, c.name = v.name
		FOREACH (_ IN CASE WHEN v.historical THEN [1] ELSE [] END | SET c.historical = true)
		WITH c, v MATCH (r:RollCall {id: v.rc})
		MERGE (c)-[x:VOTED]->(r) SET x.vote = v.vote`, map[string]any{"votes": voteParams})
	return st, rcs, votes
}

// countingAPI serves the schema with per-request loaders, as the server
// does, and counts Cypher statements.
func countingAPI(t *testing.T) (*api, *atomic.Int64, *store.Store, map[int]rcRow, []voteRow) {
	t.Helper()
	_, rcs, votes := voteFixture(t)
	var n atomic.Int64
	st := testdb.Open(t, func(o *store.Options) { o.OnQuery = func(context.Context) { n.Add(1) } })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: st, Logger: logger}}))
	h.AddTransport(transport.POST{})
	h.SetErrorPresenter(ErrorPresenter(logger, func(context.Context) string { return "" }))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(loader.With(r.Context(), loader.New(st))))
	}))
	t.Cleanup(srv.Close)
	return &api{t: t, srv: srv}, &n, st, rcs, votes
}

// fixtureRows parses the rows as voteFixture does, without writing them.
func fixtureRows(t *testing.T) (map[int]rcRow, []voteRow) {
	t.Helper()
	rcs := map[int]rcRow{}
	for _, r := range parseCSVText(t, rollCallRows) {
		rc := rcRow{rcid: num(t, r["rcid"]), session: num(t, r["session"]), important: r["importantvote"] == "1.0", date: r["date"],
			unres: r["unres"], short: r["short"], descr: r["descr"], amend: flag(r["amend"]), para: flag(r["para"])}
		rcs[rc.rcid] = rc
	}
	for _, r := range parseCSVText(t, rollCallIssueRows) {
		rc := rcs[num(t, r["rcid"])]
		rc.issues = append(rc.issues, fixtureIssues[r["short_name"]])
		rcs[rc.rcid] = rc
	}
	var votes []voteRow
	for _, r := range parseCSVText(t, voteRows) {
		s := fixtureStates[r["country_code"]]
		votes = append(votes, voteRow{rcid: num(t, r["rcid"]), name: r["country"], iso3: s.iso3, vote: strings.ToUpper(r["vote"]), historical: s.historical})
	}
	return rcs, votes
}

type gVoteConn struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		EndCursor                    string
	}
	Edges []struct {
		Cursor string
		Vote   string
		Node   struct {
			ID, Name, Iso3 string
			Rcid           int
			Date           string
			Historical     bool
			IssueAreas     []struct{ ID string }
		}
	}
}

func TestRollCallAndVotes(t *testing.T) {
	a, calls, _, rcs, votes := countingAPI(t)

	// The country names the seed gave its countries win over the dataset's
	// (the fixture MERGEs on the id), so names are read back from the API.
	nameOf := map[string]string{}
	var all struct {
		Countries struct {
			Edges []struct{ Node struct{ Iso3, Name string } }
		}
	}
	a.ok(`{ countries(first: 100) { edges { node { iso3 name } } } }`, nil, &all)
	for _, e := range all.Countries.Edges {
		nameOf[e.Node.Iso3] = e.Node.Name
	}

	t.Run("roll call fields", func(t *testing.T) {
		for rcid, rc := range rcs {
			var out struct {
				RollCall struct {
					ID, Name, Date, Resolution, Title, Description string
					Rcid, Session                                  int
					Important                                      bool
					Amendment, Paragraph                           *bool
					IssueAreas                                     []struct{ ID string }
					Tally                                          struct{ Yes, No, Abstain int }
				}
			}
			a.on(t).ok(`query($id: ID!) { rollCall(id: $id) { id name rcid session date resolution title description important amendment paragraph
			  issueAreas { id } tally { yes no abstain } } }`, map[string]any{"id": "rollcall:unga-" + strconv.Itoa(rcid)}, &out)
			got := out.RollCall
			if got.Rcid != rcid || got.Session != rc.session || got.Date != rc.date || got.Resolution != rc.unres ||
				got.Title != rc.short || got.Description != rc.descr || got.Important != rc.important ||
				!reflect.DeepEqual(got.Amendment, rc.amend) || !reflect.DeepEqual(got.Paragraph, rc.para) {
				t.Errorf("roll call %d: got %+v, want %+v", rcid, got, rc)
			}
			var issues []string
			for _, i := range got.IssueAreas {
				issues = append(issues, i.ID)
			}
			if !sameSet(issues, rc.issues) {
				t.Errorf("roll call %d issue areas %v, want %v", rcid, issues, rc.issues)
			}
			var yes, no, abstain int
			for _, v := range votes {
				if v.rcid == rcid {
					switch v.vote {
					case "YES":
						yes++
					case "NO":
						no++
					case "ABSTAIN":
						abstain++
					}
				}
			}
			if got.Tally.Yes != yes || got.Tally.No != no || got.Tally.Abstain != abstain {
				t.Errorf("roll call %d tally %+v, want %d/%d/%d", rcid, got.Tally, yes, no, abstain)
			}
		}
	})

	t.Run("a roll call's votes by country name, paged", func(t *testing.T) {
		var want []string // "name:vote"
		for _, v := range votes {
			if v.rcid == 2792 {
				want = append(want, nameOf[v.iso3]+":"+v.vote)
			}
		}
		sort.Strings(want)
		var got []string
		after := any(nil)
		for page := 0; page < 10; page++ {
			var out struct{ RollCall struct{ Votes gVoteConn } }
			a.on(t).ok(`query($after: String) { rollCall(id: "rollcall:unga-2792") { votes(first: 3, after: $after) { totalCount
			  pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor vote node { name iso3 historical } } } } }`,
				map[string]any{"after": after}, &out)
			v := out.RollCall.Votes
			if v.TotalCount != len(want) || v.PageInfo.HasPreviousPage != (after != nil) {
				t.Fatalf("page %d: totalCount %d (want %d), pageInfo %+v", page, v.TotalCount, len(want), v.PageInfo)
			}
			for _, e := range v.Edges {
				got = append(got, e.Node.Name+":"+e.Vote)
				if e.Node.Historical != fixtureStates[map[string]string{"DDR": "DD", "CSK": "CS"}[e.Node.Iso3]].historical {
					t.Errorf("%s historical = %v", e.Node.Iso3, e.Node.Historical)
				}
			}
			if !v.PageInfo.HasNextPage {
				break
			}
			after = v.PageInfo.EndCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("votes of 2792:\n got %v\nwant %v", got, want)
		}
		var no struct{ RollCall struct{ Votes gVoteConn } }
		a.on(t).ok(`{ rollCall(id: "rollcall:unga-2792") { votes(where: {vote: NO, country: {historical: false}}) { totalCount edges { node { iso3 } } } } }`, nil, &no)
		var wantNo []string
		for _, v := range votes {
			if v.rcid == 2792 && v.vote == "NO" && !v.historical {
				wantNo = append(wantNo, v.iso3)
			}
		}
		var gotNo []string
		for _, e := range no.RollCall.Votes.Edges {
			gotNo = append(gotNo, e.Node.Iso3)
		}
		if !sameSet(gotNo, wantNo) || no.RollCall.Votes.TotalCount != len(wantNo) {
			t.Errorf("NO votes of 2792: %v (total %d), want %v", gotNo, no.RollCall.Votes.TotalCount, wantNo)
		}
	})

	t.Run("a country's votes by date then rcid, filtered", func(t *testing.T) {
		canada := func(keep func(v voteRow, rc rcRow) bool) []string {
			var vs []voteRow
			for _, v := range votes {
				if v.iso3 == "CAN" && keep(v, rcs[v.rcid]) {
					vs = append(vs, v)
				}
			}
			sort.Slice(vs, func(i, j int) bool {
				a, b := rcs[vs[i].rcid], rcs[vs[j].rcid]
				return a.date < b.date || (a.date == b.date && a.rcid < b.rcid)
			})
			out := []string{}
			for _, v := range vs {
				out = append(out, strconv.Itoa(v.rcid)+":"+v.vote)
			}
			return out
		}
		has := func(list []string, s string) bool { return slices.Contains(list, s) }
		for _, c := range []struct {
			name, where string
			keep        func(v voteRow, rc rcRow) bool
		}{
			{"all", `{}`, func(voteRow, rcRow) bool { return true }},
			{"human rights", `{issueArea: "issue:human-rights"}`, func(_ voteRow, rc rcRow) bool { return has(rc.issues, "issue:human-rights") }},
			{"the 1980s", `{from: "1980", to: "1989"}`, func(_ voteRow, rc rcRow) bool { return rc.date >= "1980" && rc.date < "1990" }},
			{"December 1999", `{from: "1999-12", to: "1999-12"}`, func(_ voteRow, rc rcRow) bool { return strings.HasPrefix(rc.date, "1999-12") }},
			{"abstentions", `{vote: ABSTAIN}`, func(v voteRow, _ rcRow) bool { return v.vote == "ABSTAIN" }},
			{"no on nuclear weapons", `{vote: NO, issueArea: "issue:nuclear-weapons"}`, func(v voteRow, rc rcRow) bool {
				return v.vote == "NO" && has(rc.issues, "issue:nuclear-weapons")
			}},
			{"session 54", `{rollCall: {session: {eq: 54}}}`, func(_ voteRow, rc rcRow) bool { return rc.session == 54 }},
		} {
			want := canada(c.keep)
			var got []string
			after := any(nil)
			total := -1
			for page := 0; page < 10; page++ {
				var out struct{ Country struct{ Votes gVoteConn } }
				a.on(t).ok(`query($after: String) { country(iso3: "CAN") { votes(first: 2, after: $after, where: `+c.where+`) { totalCount
				  pageInfo { hasNextPage endCursor } edges { vote node { rcid date } } } } }`, map[string]any{"after": after}, &out)
				total = out.Country.Votes.TotalCount
				for _, e := range out.Country.Votes.Edges {
					got = append(got, strconv.Itoa(e.Node.Rcid)+":"+e.Vote)
				}
				if !out.Country.Votes.PageInfo.HasNextPage {
					break
				}
				after = out.Country.Votes.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("%s: got %v (totalCount %d), want %v", c.name, got, total, want)
			}
		}
	})

	t.Run("root list of roll calls", func(t *testing.T) {
		for _, c := range []struct {
			name, args string
			want       func() []int
		}{
			{"default order", `first: 10`, func() []int { return rcidsWhere(rcs, func(rcRow) bool { return true }, false) }},
			{"1999", `where: {from: "1999", to: "1999"}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return strings.HasPrefix(rc.date, "1999") }, false)
			}},
			{"session 40 or 1", `where: {session: {in: [1, 40]}}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return rc.session == 1 || rc.session == 40 }, false)
			}},
			{"human rights", `where: {issueArea: "issue:human-rights"}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return slices.Contains(rc.issues, "issue:human-rights") }, false)
			}},
			{"resolution", `where: {resolution: {eq: "R/54/40"}}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return rc.unres == "R/54/40" }, false)
			}},
			{"not important", `where: {important: false}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return !rc.important }, false)
			}},
			{"amendments", `where: {amendment: true}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return rc.amend != nil && *rc.amend }, false)
			}},
			{"rcid descending", `orderBy: [{field: RCID, direction: DESC}]`, func() []int {
				return rcidsWhere(rcs, func(rcRow) bool { return true }, true)
			}},
			{"rcid at least 2792", `where: {rcid: {gte: 2792, lte: 4174}}`, func() []int {
				return rcidsWhere(rcs, func(rc rcRow) bool { return rc.rcid >= 2792 && rc.rcid <= 4174 }, false)
			}},
		} {
			var got []int
			after := any(nil)
			total := 0
			for page := 0; page < 10; page++ {
				var out struct {
					RollCalls struct {
						TotalCount int
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct{ Node struct{ Rcid int } }
					}
				}
				a.on(t).ok(`query($after: String) { rollCalls(first: 2, after: $after, `+strings.Replace(c.args, "first: 10", "", 1)+`) { totalCount
				  pageInfo { hasNextPage endCursor } edges { node { rcid } } } }`, map[string]any{"after": after}, &out)
				total = out.RollCalls.TotalCount
				for _, e := range out.RollCalls.Edges {
					got = append(got, e.Node.Rcid)
				}
				if !out.RollCalls.PageInfo.HasNextPage {
					break
				}
				after = out.RollCalls.PageInfo.EndCursor
			}
			want := c.want()
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("%s: got %v (totalCount %d), want %v", c.name, got, total, want)
			}
		}
	})

	t.Run("historical states", func(t *testing.T) {
		var out struct {
			Countries struct {
				Edges []struct{ Node struct{ Iso3 string } }
			}
			Current struct{ TotalCount int }
		}
		a.on(t).ok(`{ countries(first: 100, where: {historical: true}) { edges { node { iso3 } } } current: countries(where: {historical: false}) { totalCount } }`, nil, &out)
		var got, want []string
		for _, e := range out.Countries.Edges {
			got = append(got, e.Node.Iso3)
		}
		for _, s := range fixtureStates {
			if s.historical {
				want = append(want, s.iso3)
			}
		}
		if !sameSet(got, want) || out.Current.TotalCount != len(all.Countries.Edges)-len(want) {
			t.Errorf("historical: %v, want %v; current: %d of %d", got, want, out.Current.TotalCount, len(all.Countries.Edges))
		}
		var voted struct {
			Countries struct {
				Edges []struct{ Node struct{ Iso3 string } }
			}
		}
		a.on(t).ok(`{ countries(first: 100, where: {votedIn: {rcid: {eq: 3}}}) { edges { node { iso3 } } } }`, nil, &voted)
		var gotV, wantV []string
		for _, e := range voted.Countries.Edges {
			gotV = append(gotV, e.Node.Iso3)
		}
		for _, v := range votes {
			if v.rcid == 3 {
				wantV = append(wantV, v.iso3)
			}
		}
		if !sameSet(gotV, wantV) {
			t.Errorf("voted in roll call 3: %v, want %v", gotV, wantV)
		}
	})

	t.Run("bounded round trips", func(t *testing.T) {
		// Every fixture country with two votes each, their counts and the
		// roll calls' issue areas: one statement for the page of
		// countries, one for the vote pages, one for the counts, one for
		// the issue areas, whatever the number of countries.
		q := `{ countries(first: 100, where: {votedIn: {}}) { edges { node { iso3 votes(first: 2) { totalCount edges { vote node { rcid issueAreas { id } } } } } } } }`
		calls.Store(0)
		var out struct {
			Countries struct {
				Edges []struct {
					Node struct {
						Iso3  string
						Votes gVoteConn
					}
				}
			}
		}
		a.on(t).ok(q, nil, &out)
		if n := calls.Load(); n != 4 {
			t.Errorf("%d Cypher statements, want 4", n)
		}
		if len(out.Countries.Edges) != len(fixtureStates) {
			t.Errorf("%d countries voted, want %d", len(out.Countries.Edges), len(fixtureStates))
		}
		for _, e := range out.Countries.Edges {
			n := 0
			for _, v := range votes {
				if v.iso3 == e.Node.Iso3 {
					n++
				}
			}
			if e.Node.Votes.TotalCount != n || len(e.Node.Votes.Edges) != min(n, 2) {
				t.Errorf("%s: %d votes (%d edges), want %d", e.Node.Iso3, e.Node.Votes.TotalCount, len(e.Node.Votes.Edges), n)
			}
		}
	})

	t.Run("bad input", func(t *testing.T) {
		var first struct{ RollCall struct{ Votes gVoteConn } }
		a.on(t).ok(`{ rollCall(id: "rollcall:unga-3") { votes(first: 1) { pageInfo { endCursor } } } }`, nil, &first)
		rollCallCursor := first.RollCall.Votes.PageInfo.EndCursor
		for _, c := range []struct{ name, q, arg string }{
			{"too many", `{ country(iso3: "CAN") { votes(first: 101) { totalCount } } }`, "first"},
			{"negative", `{ rollCall(id: "rollcall:unga-3") { votes(first: -1) { totalCount } } }`, "first"},
			{"not a cursor", `{ country(iso3: "CAN") { votes(after: "nope") { totalCount } } }`, "after"},
			{"another list's cursor", `{ country(iso3: "CAN") { votes(after: "` + rollCallCursor + `") { totalCount } } }`, "after"},
			{"bad date", `{ country(iso3: "CAN") { votes(where: {from: "1999-13"}) { totalCount } } }`, "where.from"},
			{"root list cursor", `{ rollCalls(after: "` + rollCallCursor + `") { totalCount } }`, "after"},
		} {
			errs := a.on(t).do(c.q, nil, nil)
			if len(errs) != 1 || errs[0].Extensions["code"] != CodeBadUserInput || errs[0].Extensions["argument"] != c.arg {
				t.Errorf("%s: %+v, want one BAD_USER_INPUT on %s", c.name, errs, c.arg)
			}
		}
	})
}

// rcidsWhere lists the rcids of the roll calls keep accepts, by date then
// rcid (or by rcid descending).
func rcidsWhere(rcs map[int]rcRow, keep func(rcRow) bool, byRcidDesc bool) []int {
	var list []rcRow
	for _, rc := range rcs {
		if keep(rc) {
			list = append(list, rc)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if byRcidDesc {
			return list[i].rcid > list[j].rcid
		}
		return list[i].date < list[j].date || (list[i].date == list[j].date && list[i].rcid < list[j].rcid)
	})
	out := []int{}
	for _, rc := range list {
		out = append(out, rc.rcid)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
