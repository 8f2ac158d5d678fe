package voting_test

// votingAgreement, likeMinded and blocs through the GraphQL API on the real
// test Neo4j with the whole UN voting data imported (by the importer,
// once per test package), every number compared with the computation from
// the dataset files in files_test.go.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed"
	"github.com/lysoen/lysoen/seed/coalition"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

var (
	fixtureOnce  sync.Once
	fixtureStore *store.Store
	fixtureFiles *fileVotes
	fixtureSrv   *httptest.Server // one server for the package: its vote table is read once
)

// fixture imports the seed, the reference data and the coalition datasets
// into the test database unless the voting data are already there, whole
// (the numbers of roll calls and votes of the files and the importer's
// content hash: the import skips a complete dataset, but after another
// package's tests reset the database it takes minutes, so it runs once
// per package), and reads the files.
func fixture(t testing.TB) (*store.Store, *fileVotes) {
	t.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		// A driver for the whole package (testdb.Open's closes with the
		// first test).
		c := testdb.FromEnv(t)
		driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
		if err != nil {
			t.Fatal(err)
		}
		st := store.New(driver, store.Options{})
		fv := loadFiles(t)
		var nVotes int
		for _, v := range fv.votes {
			nVotes += len(v)
		}
		version, err := st.VotesVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rc, votes, addr int
		var hash string
		parseVersion(version, &rc, &votes, &addr, &hash)
		if rc != len(fv.rollCalls) || votes != nVotes || hash == "" {
			t.Logf("importing the voting data (found version %q)", version)
			testdb.Reset(t, st)
			if _, err := seed.Load(ctx, st); err != nil {
				t.Fatal(err)
			}
			if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
				t.Fatal(err)
			}
			if _, err := coalition.Run(ctx, st, data.FS, coalition.Options{Only: []string{"unga-votes"}}); err != nil {
				t.Fatal(err)
			}
		}
		fixtureStore, fixtureFiles, fixtureSrv = st, fv, serve(st)
	})
	if fixtureStore == nil {
		t.Fatal("the fixture failed in an earlier test")
	}
	return fixtureStore, fixtureFiles
}

func parseVersion(v string, rc, votes, addr *int, hash *string) {
	var parts [4]string
	i := 0
	for _, ch := range v {
		if ch == '/' && i < 3 {
			i++
			continue
		}
		parts[i] += string(ch)
	}
	*rc, _ = atoi(parts[0])
	*votes, _ = atoi(parts[1])
	*addr, _ = atoi(parts[2])
	*hash = parts[3]
}

func atoi(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

type api struct {
	t   testing.TB
	srv *httptest.Server
}

type gqlErr struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// serve serves the schema with a fresh Resolver (fresh caches).
func serve(st *store.Store) *httptest.Server {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: st, Logger: logger}}))
	h.AddTransport(transport.POST{})
	h.SetErrorPresenter(graph.ErrorPresenter(logger, func(context.Context) string { return "" }))
	return httptest.NewServer(h)
}

// sharedAPI is the package's server, for test t.
func sharedAPI(t *testing.T) *api { return &api{t: t, srv: fixtureSrv} }

// freshAPI is a server of its own (its own caches), closed with t.
func freshAPI(t *testing.T, st *store.Store) *api {
	srv := serve(st)
	t.Cleanup(srv.Close)
	return &api{t: t, srv: srv}
}

func (a *api) do(q string, vars map[string]any, out any) []gqlErr {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(a.srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlErr        `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Fatalf("decode %s: %v", raw, err)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, out); err != nil {
			a.t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return r.Errors
}

func (a *api) ok(q string, vars map[string]any, out any) {
	a.t.Helper()
	if errs := a.do(q, vars, out); len(errs) > 0 {
		a.t.Fatalf("errors: %+v", errs)
	}
}

const agreementQuery = `query($a: ID!, $b: ID!, $issue: ID, $from: Date, $to: Date) {
  votingAgreement(a: $a, b: $b, issueAreaId: $issue, from: $from, to: $to) {
    a { id } b { id } issueArea { id }
    votes agreed score computedAt
    disagreements { rollCallId rcid date resolution voteA voteB }
  }
}`

type agreementAnswer struct {
	VotingAgreement struct {
		A, B          struct{ ID string }
		IssueArea     *struct{ ID string }
		Votes, Agreed int
		Score         *float64
		ComputedAt    string
		Disagreements []struct {
			RollCallID, Date, VoteA, VoteB string
			Rcid                           int
			Resolution                     *string
		}
	}
}

// The topic code of the human-rights roll calls and the issue area the
// importer maps it to (docs/data.md).
const (
	hrCode  = "hr"
	hrIssue = "issue:human-rights"
)

var fileVote = map[string]string{"yes": "YES", "no": "NO", "abstain": "ABSTAIN"}

func TestVotingAgreement(t *testing.T) {
	_, fv := fixture(t)
	a := sharedAPI(t)
	cases := []struct {
		a, b, issue, from, to string
		w                     window
	}{
		{"CAN", "NOR", "", "1995", "2000", window{"1995-01-01", "2000-12-31", ""}},
		{"CAN", "USA", "", "1995", "2000", window{"1995-01-01", "2000-12-31", ""}},
		{"THA", "NOR", "", "1995", "2000", window{"1995-01-01", "2000-12-31", ""}},
		{"CAN", "USA", hrIssue, "1995", "2000", window{"1995-01-01", "2000-12-31", hrCode}},
		{"THA", "NOR", hrIssue, "", "", window{"", "", hrCode}},
		{"CAN", "NOR", "", "1999", "1999", window{"1999-01-01", "1999-12-31", ""}},
		{"USA", "CUB", "", "1999-12", "2003-02-14", window{"1999-12-01", "2003-02-14", ""}},
		{"CAN", "USA", "", "", "", window{}},
	}
	for _, c := range cases {
		vars := map[string]any{"a": "country:" + c.a, "b": "country:" + c.b}
		if c.issue != "" {
			vars["issue"] = c.issue
		}
		if c.from != "" {
			vars["from"] = c.from
		}
		if c.to != "" {
			vars["to"] = c.to
		}
		var got agreementAnswer
		a.ok(agreementQuery, vars, &got)
		want, differ := fv.agreement(c.w, "country:"+c.a, "country:"+c.b)
		g := got.VotingAgreement
		if g.Votes != want.votes || g.Agreed != want.agreed {
			t.Errorf("%s–%s %v: votes/agreed %d/%d, the files say %d/%d", c.a, c.b, c.w, g.Votes, g.Agreed, want.votes, want.agreed)
		}
		if want.votes == 0 {
			t.Fatalf("%s–%s %v: no shared vote in the files; pick a window with votes", c.a, c.b, c.w)
		}
		if g.Score == nil || math.Abs(*g.Score-float64(want.agreed)/float64(want.votes)) > 1e-12 {
			t.Errorf("%s–%s %v: score %v, want %d/%d", c.a, c.b, c.w, g.Score, want.agreed, want.votes)
		}
		if (c.issue == "") != (g.IssueArea == nil) {
			t.Errorf("%s–%s: issueArea %v for issue %q", c.a, c.b, g.IssueArea, c.issue)
		}
		// The evidence: the 10 most recent roll calls in which they differ.
		slices.Reverse(differ)
		differ = differ[:min(10, len(differ))]
		if len(g.Disagreements) != len(differ) {
			t.Fatalf("%s–%s %v: %d disagreements, want %d", c.a, c.b, c.w, len(g.Disagreements), len(differ))
		}
		for i, d := range g.Disagreements {
			rc := differ[i]
			wantA, wantB := fileVote[fv.votes[rc.rcid]["country:"+c.a]], fileVote[fv.votes[rc.rcid]["country:"+c.b]]
			if d.Rcid != rc.rcid || d.Date != rc.date || d.VoteA != wantA || d.VoteB != wantB ||
				d.RollCallID != "rollcall:unga-"+itoa(rc.rcid) || (d.Resolution == nil) != (rc.resolution == "") {
				t.Errorf("%s–%s disagreement %d: %+v, the files say rcid %d on %s (%s) %s/%s", c.a, c.b, i, d, rc.rcid, rc.date, rc.resolution, wantA, wantB)
			}
		}
	}

	// A window without roll calls (the data end in January 2020): no
	// shared vote, score null, not an error.
	var empty agreementAnswer
	a.ok(agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOR", "from": "2021"}, &empty)
	if e := empty.VotingAgreement; e.Votes != 0 || e.Agreed != 0 || e.Score != nil || len(e.Disagreements) != 0 {
		t.Errorf("after the data end: %+v", e)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

const likeMindedQuery = `query($id: ID!, $issue: ID, $from: Date, $to: Date, $min: Int, $first: Int) {
  likeMinded(actorId: $id, issueAreaId: $issue, from: $from, to: $to, minVotes: $min, first: $first) {
    actor { id name } score votes agreed
  }
}`

type likeAnswer struct {
	LikeMinded []struct {
		Actor         struct{ ID, Name string }
		Score         float64
		Votes, Agreed int
	}
}

func TestLikeMinded(t *testing.T) {
	_, fv := fixture(t)
	a := sharedAPI(t)
	cases := []struct {
		id, issue, from, to string
		min, first          int
		w                   window
	}{
		{"NOR", "", "1995", "2000", 10, 10, window{"1995-01-01", "2000-12-31", ""}},
		{"THA", "", "1999", "1999", 10, 15, window{"1999-01-01", "1999-12-31", ""}},
		{"CAN", hrIssue, "1995", "2004", 20, 10, window{"1995-01-01", "2004-12-31", hrCode}},
		{"USA", "", "2010", "2019", 500, 100, window{"2010-01-01", "2019-12-31", ""}},
	}
	for _, c := range cases {
		self := "country:" + c.id
		vars := map[string]any{"id": self, "from": c.from, "to": c.to, "min": c.min, "first": c.first}
		if c.issue != "" {
			vars["issue"] = c.issue
		}
		var got likeAnswer
		a.ok(likeMindedQuery, vars, &got)

		// Expected: every other state with at least min shared votes, by
		// score (exact fractions), then votes; ties keep any order here
		// and are checked against the names below.
		type cand struct {
			id string
			expectPair
		}
		var want []cand
		for other := range fv.states(c.w) {
			if other == self {
				continue
			}
			p, _ := fv.agreement(c.w, self, other)
			if p.votes >= c.min {
				want = append(want, cand{other, p})
			}
		}
		slices.SortFunc(want, func(x, y cand) int {
			return cmp.Or(cmp.Compare(y.agreed*x.votes, x.agreed*y.votes), cmp.Compare(y.votes, x.votes))
		})
		if len(want) < c.first {
			t.Fatalf("%s %v: only %d candidates in the files; pick a window with more", c.id, c.w, len(want))
		}
		want = want[:c.first]
		if len(got.LikeMinded) != len(want) {
			t.Fatalf("%s %v: %d states, want %d", c.id, c.w, len(got.LikeMinded), len(want))
		}
		seen := map[string]bool{}
		for i, g := range got.LikeMinded {
			w := want[i]
			if g.Votes != w.votes || g.Agreed != w.agreed || math.Abs(g.Score-float64(w.agreed)/float64(w.votes)) > 1e-12 {
				t.Errorf("%s %v #%d: %s %d/%d, the files say %d/%d (%s)", c.id, c.w, i, g.Actor.ID, g.Agreed, g.Votes, w.agreed, w.votes, w.id)
			}
			// The state must be one with exactly these numbers.
			p, _ := fv.agreement(c.w, self, g.Actor.ID)
			if p != w.expectPair || seen[g.Actor.ID] || g.Actor.ID == self {
				t.Errorf("%s %v #%d: %s has %+v in the files (want %+v), or is repeated", c.id, c.w, i, g.Actor.ID, p, w.expectPair)
			}
			seen[g.Actor.ID] = true
			if i > 0 {
				prev := got.LikeMinded[i-1]
				if prev.Votes == g.Votes && prev.Agreed == g.Agreed && prev.Actor.Name > g.Actor.Name {
					t.Errorf("%s #%d: tie %s before %s: ties go by name", c.id, i, prev.Actor.Name, g.Actor.Name)
				}
			}
		}
	}
}

func TestBlocs(t *testing.T) {
	st, fv := fixture(t)
	const q = `query($issue: ID, $from: Date, $to: Date, $min: Int, $res: Float) {
  blocs(issueAreaId: $issue, from: $from, to: $to, minVotes: $min, resolution: $res) {
    modularity resolution minVotes seed states links rollCalls computedAt algorithm
    blocs { index size agreement members { id name }
      cohesiveVotes { rollCallId rcid date vote membersVoting membersCast othersVoting othersCast } }
  }
}`
	type answer struct {
		Blocs struct {
			Modularity, Resolution                   float64
			MinVotes, Seed, States, Links, RollCalls int
			ComputedAt, Algorithm                    string
			Blocs                                    []struct {
				Index, Size   int
				Agreement     *float64
				Members       []struct{ ID, Name string }
				CohesiveVotes []struct {
					RollCallID, Date, Vote                                     string
					Rcid, MembersVoting, MembersCast, OthersVoting, OthersCast int
				}
			}
		}
	}
	cases := []struct {
		issue, from, to string
		min             int
		res             float64
		w               window
	}{
		{"", "1995", "2004", 10, 1, window{"1995-01-01", "2004-12-31", ""}},
		{hrIssue, "1995", "2004", 10, 1, window{"1995-01-01", "2004-12-31", hrCode}},
		{"", "1999", "1999", 20, 1.1, window{"1999-01-01", "1999-12-31", ""}},
	}
	a, fresh := sharedAPI(t), freshAPI(t, st)
	for _, c := range cases {
		vars := map[string]any{"from": c.from, "to": c.to, "min": c.min, "res": c.res}
		if c.issue != "" {
			vars["issue"] = c.issue
		}
		var got answer
		a.ok(q, vars, &got)
		b := got.Blocs

		// Determinism: another server (its own caches) computes the same
		// partition; the same server answers again from its cache.
		var again, cached answer
		fresh.ok(q, vars, &again)
		a.ok(q, vars, &cached)
		again.Blocs.ComputedAt, cached.Blocs.ComputedAt = b.ComputedAt, b.ComputedAt
		if !reflect.DeepEqual(again, got) || !reflect.DeepEqual(cached, got) {
			t.Errorf("%v: a second computation or the cached answer differs", c.w)
		}

		// Invariants against the files: the states with at least min
		// votes in the window, each in exactly one bloc.
		counts := fv.states(c.w)
		var nodes []string
		for id, n := range counts {
			if n >= c.min {
				nodes = append(nodes, id)
			}
		}
		slices.Sort(nodes)
		sel := fv.selected(c.w)
		if b.States != len(nodes) || b.RollCalls != len(sel) || b.MinVotes != c.min || b.Resolution != c.res {
			t.Errorf("%v: states %d rollCalls %d, the files say %d and %d", c.w, b.States, b.RollCalls, len(nodes), len(sel))
		}
		blocOf := map[string]int{}
		total := 0
		for i, bl := range b.Blocs {
			if bl.Index != i || bl.Size != len(bl.Members) || bl.Size == 0 {
				t.Errorf("%v bloc %d: index %d size %d members %d", c.w, i, bl.Index, bl.Size, len(bl.Members))
			}
			if i > 0 && bl.Size > b.Blocs[i-1].Size {
				t.Errorf("%v: bloc %d larger than bloc %d", c.w, i, i-1)
			}
			for j, m := range bl.Members {
				if _, dup := blocOf[m.ID]; dup {
					t.Errorf("%v: %s in two blocs", c.w, m.ID)
				}
				blocOf[m.ID] = i
				if j > 0 && bl.Members[j-1].Name > m.Name {
					t.Errorf("%v bloc %d: members not by name", c.w, i)
				}
			}
			total += bl.Size
		}
		if total != len(nodes) {
			t.Errorf("%v: %d states in blocs, want %d", c.w, total, len(nodes))
		}
		for _, id := range nodes {
			if _, ok := blocOf[id]; !ok {
				t.Errorf("%v: %s (%d votes) in no bloc", c.w, id, counts[id])
			}
		}

		// Modularity recomputed from the agreement matrix of the files:
		// Q = 1/2m Σ_ij [A_ij − γ k_i k_j / 2m] δ(c_i, c_j), with A_ij the
		// agreement score of i and j when they shared at least min votes.
		n := len(nodes)
		A := make([][]float64, n)
		var pairs [][]expectPair
		links := 0
		for i := range A {
			A[i] = make([]float64, n)
		}
		pairs = fv.matrix(c.w, nodes)
		for i := range n {
			for j := i + 1; j < n; j++ {
				p := pairs[i][j]
				if p.votes >= c.min && p.agreed > 0 {
					w := float64(p.agreed) / float64(p.votes)
					A[i][j], A[j][i] = w, w
					links++
				}
			}
		}
		k := make([]float64, n)
		m2 := 0.0
		for i := range n {
			for j := range n {
				k[i] += A[i][j]
			}
			m2 += k[i]
		}
		qq := 0.0
		for i := range n {
			for j := range n {
				if blocOf[nodes[i]] == blocOf[nodes[j]] {
					qq += A[i][j] - c.res*k[i]*k[j]/m2
				}
			}
		}
		qq /= m2
		if b.Links != links || math.Abs(b.Modularity-qq) > 1e-9 {
			t.Errorf("%v: links %d modularity %.12f, the files give %d and %.12f", c.w, b.Links, b.Modularity, links, qq)
		}
		if len(b.Blocs) < 2 || b.Modularity <= 0 {
			t.Errorf("%v: %d blocs with modularity %v: the General Assembly is not one bloc", c.w, len(b.Blocs), b.Modularity)
		}

		// Each bloc's pooled agreement and its cohesive votes' counts.
		index := map[string]int{}
		for i, id := range nodes {
			index[id] = i
		}
		for bi, bl := range b.Blocs {
			var pool expectPair
			for x, m := range bl.Members {
				for _, o := range bl.Members[x+1:] {
					p := pairs[index[m.ID]][index[o.ID]]
					pool.votes += p.votes
					pool.agreed += p.agreed
				}
			}
			if bl.Size == 1 && bl.Agreement != nil || bl.Size > 1 && (bl.Agreement == nil || math.Abs(*bl.Agreement-float64(pool.agreed)/float64(pool.votes)) > 1e-12) {
				t.Errorf("%v bloc %d: agreement %v, the files give %d/%d", c.w, bi, bl.Agreement, pool.agreed, pool.votes)
			}
			for _, v := range bl.CohesiveVotes {
				votes := fv.votes[v.Rcid]
				var mv, mc, ov, oc int
				for id, vote := range votes {
					bo, in := blocOf[id]
					switch {
					case !in:
						continue // not in the partition
					case bo == bi:
						mv++
						if fileVote[vote] == v.Vote {
							mc++
						}
					default:
						ov++
						if fileVote[vote] == v.Vote {
							oc++
						}
					}
				}
				if v.MembersVoting != mv || v.MembersCast != mc || v.OthersVoting != ov || v.OthersCast != oc || fv.rollCalls[v.Rcid].date != v.Date {
					t.Errorf("%v bloc %d roll call %d: %+v, the files give %d/%d members and %d/%d others", c.w, bi, v.Rcid, v, mc, mv, oc, ov)
				}
				if 2*mc < mv {
					t.Errorf("%v bloc %d roll call %d: %s is not the majority of the bloc", c.w, bi, v.Rcid, v.Vote)
				}
			}
		}
	}
}

func TestVotesErrors(t *testing.T) {
	fixture(t)
	a := sharedAPI(t)
	cases := []struct {
		name, query string
		vars        map[string]any
		code, arg   string
	}{
		{"unknown a", agreementQuery, map[string]any{"a": "country:XXX", "b": "country:NOR"}, "NOT_FOUND", "a"},
		{"unknown b", agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOPE"}, "NOT_FOUND", "b"},
		{"not a country", agreementQuery, map[string]any{"a": "country:CAN", "b": hrIssue}, "BAD_USER_INPUT", "b"},
		{"empty window", agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOR", "from": "2001", "to": "2000"}, "BAD_USER_INPUT", "to"},
		{"bad date", agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOR", "from": "1995-13"}, "BAD_USER_INPUT", "from"},
		{"unknown issue", agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOR", "issue": "issue:nope"}, "NOT_FOUND", "issueAreaId"},
		{"issue not an issue", agreementQuery, map[string]any{"a": "country:CAN", "b": "country:NOR", "issue": "country:USA"}, "BAD_USER_INPUT", "issueAreaId"},
		{"empty id", agreementQuery, map[string]any{"a": " ", "b": "country:NOR"}, "BAD_USER_INPUT", "a"},
		{"likeMinded minVotes 0", likeMindedQuery, map[string]any{"id": "country:CAN", "min": 0}, "BAD_USER_INPUT", "minVotes"},
		{"likeMinded first 0", likeMindedQuery, map[string]any{"id": "country:CAN", "first": 0}, "BAD_USER_INPUT", "first"},
		{"likeMinded first 101", likeMindedQuery, map[string]any{"id": "country:CAN", "first": 101}, "BAD_USER_INPUT", "first"},
		{"likeMinded organization", likeMindedQuery, map[string]any{"id": "org:icrc"}, "BAD_USER_INPUT", "actorId"},
		{"likeMinded unknown", likeMindedQuery, map[string]any{"id": "country:ZZZ"}, "NOT_FOUND", "actorId"},
		{"likeMinded empty window", likeMindedQuery, map[string]any{"id": "country:CAN", "from": "2000-02", "to": "2000-01-31"}, "BAD_USER_INPUT", "to"},
		{"blocs minVotes 0", `query($m: Int) { blocs(minVotes: $m) { states } }`, map[string]any{"m": 0}, "BAD_USER_INPUT", "minVotes"},
		{"blocs resolution 0", `query($r: Float) { blocs(resolution: $r) { states } }`, map[string]any{"r": 0.0}, "BAD_USER_INPUT", "resolution"},
		{"blocs resolution 11", `query($r: Float) { blocs(resolution: $r) { states } }`, map[string]any{"r": 11.0}, "BAD_USER_INPUT", "resolution"},
		{"blocs empty window", `{ blocs(from: "2000", to: "1999") { states } }`, nil, "BAD_USER_INPUT", "to"},
		{"blocs unknown issue", `{ blocs(issueAreaId: "issue:nope") { states } }`, nil, "NOT_FOUND", "issueAreaId"},
	}
	for _, c := range cases {
		errs := a.do(c.query, c.vars, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != c.code || errs[0].Extensions["argument"] != c.arg {
			t.Errorf("%s: errors %+v, want one %s on %s", c.name, errs, c.code, c.arg)
		}
	}
}

// TestPartnerVotingReasons: potentialPartners' reason about a state's
// voting agreement with the initiative's member states cites numbers the
// files confirm (the last 10 calendar years of the data: 2011 to January
// 2020).
func TestPartnerVotingReasons(t *testing.T) {
	_, fv := fixture(t)
	a := sharedAPI(t)
	// The reasons use the vote table only once it is loaded.
	a.ok(`{ votingAgreement(a: "country:CAN", b: "country:NOR") { votes } }`, nil, nil)
	const initiative = "initiative:lysoen-partnership"
	var members struct {
		Coalition []struct {
			Actor struct{ ID, Name string }
		}
	}
	a.ok(`{ coalition(initiativeId: "`+initiative+`") { actor { id name } } }`, nil, &members)
	memberID := map[string]string{}
	for _, m := range members.Coalition {
		memberID[m.Actor.Name] = m.Actor.ID
	}
	var got struct {
		PotentialPartners []struct {
			Actor   struct{ Typename, ID, Name string }
			Reasons []string
		}
	}
	a.ok(`{ potentialPartners(initiativeId: "`+initiative+`", first: 30) { actor { typename: __typename id name } reasons } }`, nil, &got)
	sentence := regexp.MustCompile(`^In the UN General Assembly \((\d{4})–(\d{4})\), (.+) voted like the initiative's members? (.+)\.$`)
	part := regexp.MustCompile(`(.+?) in (\d+) of (\d+) roll calls \((\d\.\d\d)\)`)
	w := window{from: "2011-01-01"}
	checked := 0
	for _, c := range got.PotentialPartners {
		var voting []string
		for _, r := range c.Reasons {
			if strings.HasPrefix(r, "In the UN General Assembly") {
				voting = append(voting, r)
			}
		}
		if c.Actor.Typename != "Country" {
			if len(voting) > 0 {
				t.Errorf("%s (%s) has a voting reason", c.Actor.ID, c.Actor.Typename)
			}
			continue
		}
		if len(voting) != 1 {
			t.Errorf("%s: %d voting reasons %v", c.Actor.ID, len(voting), c.Reasons)
			continue
		}
		m := sentence.FindStringSubmatch(voting[0])
		if m == nil || m[1] != "2011" || m[2] != "2020" || m[3] != c.Actor.Name {
			t.Errorf("%s: reason %q", c.Actor.ID, voting[0])
			continue
		}
		for _, p := range part.FindAllStringSubmatch(m[4], -1) {
			name := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(p[1], ",")), "and ")
			id, ok := memberID[name]
			if !ok {
				t.Errorf("%s: %q is not a member (%v)", c.Actor.ID, name, memberID)
				continue
			}
			want, _ := fv.agreement(w, c.Actor.ID, id)
			agreed, _ := atoi(p[2])
			votes, _ := atoi(p[3])
			if agreed != want.agreed || votes != want.votes || p[4] != fmt.Sprintf("%.2f", float64(want.agreed)/float64(want.votes)) {
				t.Errorf("%s with %s: %s of %s (%s), the files say %d of %d", c.Actor.ID, id, p[2], p[3], p[4], want.agreed, want.votes)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatalf("no voting reason checked in %+v", got.PotentialPartners)
	}
}
