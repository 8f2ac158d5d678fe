package voting_test

// Speed of the voting measures on the full voting data (870,109 votes) for
// a 10-year window (1995–2004), each beside the plain Cypher a researcher
// would write for the same question (graph/store/testdata/researcher-votes).
// Each benchmark reports the median and 95th percentile of its iterations
// (p50-ms, p95-ms) besides ns/op. docs/analytics.md has the numbers.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7688 go test -run '^$' -bench . -benchtime 50x ./graph/voting/

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/voting"
)

// window10 is the 10-year window of the benchmarks.
var window10 = map[string]any{"from": "1995-01-01", "to": "2004-12-31"}

// timed runs f b.N times and reports the p50 and p95 of its durations.
func timed(b *testing.B, f func()) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		f()
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[(len(ds)*95+99)/100-1].Microseconds())/1000, "p95-ms")
}

func researcherCypher(b *testing.B, name string) string {
	b.Helper()
	q, err := os.ReadFile("../store/testdata/researcher-votes/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return string(q)
}

// runCypher runs a statement as a plain auto-commit read and counts its records.
func runCypher(b *testing.B, cypher string, params map[string]any) int {
	st := fixtureStore
	ctx := context.Background()
	s := st.Driver().NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
	defer s.Close(ctx)
	res, err := s.Run(ctx, cypher, params)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for res.Next(ctx) {
		n++
	}
	if err := res.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// benchFixture is the test fixture, with the server's vote table warm
// (its load is measured apart, in BenchmarkVoteTableLoad).
func benchFixture(b *testing.B) *api {
	b.Helper()
	fixture(b)
	a := &api{t: b, srv: fixtureSrv}
	if errs := a.do(`{ votingAgreement(a: "country:CAN", b: "country:NOR") { votes } }`, nil, nil); len(errs) > 0 {
		b.Fatalf("%+v", errs)
	}
	return a
}

func BenchmarkVotingAgreement(b *testing.B) {
	a := benchFixture(b)
	b.Run("api", func(b *testing.B) {
		timed(b, func() {
			a.ok(agreementQuery, map[string]any{"a": "country:CAN", "b": "country:USA", "from": "1995", "to": "2004"}, nil)
		})
	})
	q := researcherCypher(b, "agreement.cypher")
	b.Run("researcherCypher", func(b *testing.B) {
		timed(b, func() {
			runCypher(b, q, map[string]any{"a": "country:CAN", "b": "country:USA", "from": window10["from"], "to": window10["to"]})
		})
	})
}

func BenchmarkLikeMinded(b *testing.B) {
	a := benchFixture(b)
	b.Run("api", func(b *testing.B) {
		timed(b, func() {
			a.ok(likeMindedQuery, map[string]any{"id": "country:CAN", "from": "1995", "to": "2004", "first": 10}, nil)
		})
	})
	q := researcherCypher(b, "likeminded.cypher")
	b.Run("researcherCypher", func(b *testing.B) {
		timed(b, func() {
			runCypher(b, q, map[string]any{"a": "country:CAN", "from": window10["from"], "to": window10["to"], "minVotes": 10, "first": 10})
		})
	})
}

func BenchmarkBlocs(b *testing.B) {
	a := benchFixture(b)
	const q = `{ blocs(from: "1995", to: "2004") { modularity blocs { size members { id } cohesiveVotes { rcid } } } }`
	b.Run("apiCached", func(b *testing.B) {
		a.ok(q, nil, nil) // computed once
		timed(b, func() { a.ok(q, nil, nil) })
	})
	rows, err := fixtureStore.LoadVotes(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	t := voting.NewTable(rows)
	sel := t.Select("1995-01-01", "2004-12-31", "")
	b.Run("compute", func(b *testing.B) {
		timed(b, func() {
			t.Blocs(sel, voting.BlocOptions{MinVotes: 10, Resolution: 1, Seed: 1999, CohesiveVotes: 5})
		})
	})
	b.Run("agreementMatrix", func(b *testing.B) {
		timed(b, func() { t.AgreementMatrix(sel, 10) })
	})
	wq := researcherCypher(b, "window-votes.cypher")
	b.Run("researcherCypherReadWindow", func(b *testing.B) {
		timed(b, func() { runCypher(b, wq, window10) })
	})
}

// BenchmarkVoteTableLoad is the read of every roll call and vote that a
// new version of the voting data (or a restart) costs once.
func BenchmarkVoteTableLoad(b *testing.B) {
	benchFixture(b)
	timed(b, func() {
		rows, err := fixtureStore.LoadVotes(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		voting.NewTable(rows)
	})
}
