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

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
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
	for _, bc := range []struct {
		name string
		run  func()
	}{
		{"countries partyTo ottawa by region", func() {
			post(`{ countries(where: {partyTo: {id: {eq: "agreement:ottawa"}}}) { aggregate { count groupBy(field: REGION) { key count } } } }`)
		}},
		{"plain Cypher, same question", func() {
			_, err := neo4j.ExecuteQuery(ctx, driver, `MATCH (c:Country)-[r:SIGNATORY_OF]->(:Agreement {id: $id})
WHERE r.ratified IS NOT NULL AND r.until IS NULL RETURN c.region AS region, count(*) AS n`,
				map[string]any{"id": "agreement:ottawa"}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
			if err != nil {
				b.Fatal(err)
			}
		}},
		{"all countries by region and sub-region", func() {
			post(`{ countries { aggregate { count r: groupBy(field: REGION) { key count } s: groupBy(field: SUB_REGION) { key count } } } }`)
		}},
		{"agreements by kind and open year", func() {
			post(`{ agreements { aggregate { count k: groupBy(field: KIND) { key count } y: groupBy(field: OPEN_YEAR) { key count } } } }`)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.run() // warm: plan cached
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				bc.run()
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
