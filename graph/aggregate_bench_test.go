package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
	"github.com/lysoen/lysoen/synth"
)

// BenchmarkAggregate times `aggregate` on root lists over the seed and the
// reference data, through the GraphQL handler, beside the plain Cypher a
// researcher would write for the first question; it reports p50 and p95
// per request (ms). Run with
//
//	NEO4J_TEST_URI=… go test -run XXX -bench Aggregate -benchtime 200x ./graph/
func BenchmarkAggregate(b *testing.B) {
	st := testdb.Seeded(b)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
		b.Fatal(err)
	}
	benchAggregates(b, st, []aggBench{
		{name: "countries partyTo ottawa by region",
			query: `{ countries(where: {partyTo: {id: {eq: "agreement:ottawa"}}}) { aggregate { count groupBy(field: REGION) { key count } } } }`},
		{name: "plain Cypher, same question", cypher: `MATCH (c:Country)-[r:SIGNATORY_OF]->(:Agreement {id: $id})
WHERE r.ratified IS NOT NULL AND r.until IS NULL RETURN c.region AS region, count(*) AS n`, params: map[string]any{"id": "agreement:ottawa"}},
		{name: "all countries by region and sub-region",
			query: `{ countries { aggregate { count r: groupBy(field: REGION) { key count } s: groupBy(field: SUB_REGION) { key count } } } }`},
		{name: "agreements by kind and open year",
			query: `{ agreements { aggregate { count k: groupBy(field: KIND) { key count } y: groupBy(field: OPEN_YEAR) { key count } } } }`},
	})
}

// BenchmarkAggregateSynthetic does the same on the synthetic graph of
// scale S (synth: 10,000 nodes, about 100,000 relationships).
func BenchmarkAggregateSynthetic(b *testing.B) {
	st := testdb.Open(b)
	testdb.Reset(b, st)
	if _, err := synth.Load(context.Background(), st, 1, synth.ScaleS, nil); err != nil {
		b.Fatal(err)
	}
	benchAggregates(b, st, []aggBench{
		{name: "events by year and kind",
			query: `{ events { aggregate { count y: groupBy(field: YEAR) { key count } k: groupBy(field: KIND) { key count } } } }`},
		{name: "plain Cypher, events by year", cypher: `MATCH (e:Event) RETURN left(e.startDate, 4) AS year, count(*) AS n`},
		{name: "countries at meetings by region",
			query: `{ countries(where: {participatedIn: {kind: {eq: MEETING}}}) { aggregate { count groupBy(field: REGION) { key count } } } }`},
		{name: "organizations by kind",
			query: `{ organizations { aggregate { count groupBy(field: KIND) { key count } } } }`},
	})
}

// aggBench is one timed request: a GraphQL query, or plain Cypher.
type aggBench struct {
	name, query, cypher string
	params              map[string]any
}

func benchAggregates(b *testing.B, st *store.Store, cases []aggBench) {
	ctx := context.Background()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: st, Logger: discard}}))
	h.AddTransport(transport.POST{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(q string) {
		body, _ := json.Marshal(map[string]any{"query": q})
		resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(raw, []byte(`"errors"`)) {
			b.Fatalf("%s", raw)
		}
	}
	c := testdb.FromEnv(b)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		b.Fatal(err)
	}
	defer driver.Close(ctx)
	for _, bc := range cases {
		run := func() { post(bc.query) }
		if bc.cypher != "" {
			run = func() {
				if _, err := neo4j.ExecuteQuery(ctx, driver, bc.cypher, bc.params, neo4j.EagerResultTransformer,
					neo4j.ExecuteQueryWithReadersRouting()); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(bc.name, func(b *testing.B) {
			run() // warm: plan cached
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				run()
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
}
