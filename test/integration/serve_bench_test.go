package integration

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/bench/rawcypher"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/telemetry"
	"github.com/lysoen/lysoen/internal/testdb"
)

// BenchmarkServeSearch measures what one search costs this process: the
// whole HTTP handler (middleware, GraphQL, planner, driver, response)
// against the floor's handler (bench/rawcypher: the same Cypher through the
// same driver, JSON in and out). Both run against the real test Neo4j, so
// ns/op includes its work; cpu-ns/op is this process's CPU time per request
// (user + system, every goroutine, the driver's too), which is what the
// GraphQL layer adds on top of the floor. The difference between the two
// sub-benchmarks is Lysøen's overhead per request (docs/benchmarks.md).
func BenchmarkServeSearch(b *testing.B) {
	testdb.Seeded(b)
	st := testdb.Open(b, func(o *store.Options) { o.OnQuery = telemetry.CountRoundTrip })
	c, err := config.Load("serve", nil, func(string) string { return "" }, os.ReadFile, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	c.RateLimit = 0
	h := inProcess(b, c, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})), st, nil)
	const text = "landmines"
	body := `{"query":"query($text: String!) { search(text: $text, first: 10) { label score node { id ... on Country { name } ... on Organization { name } ... on IssueArea { name } ... on Initiative { name } ... on Event { name } ... on Agreement { name } } } }","variables":{"text":"` + text + `"}}`

	// post sends body to h and checks that the answer has search hits.
	post := func(b *testing.B, h http.Handler, path, body string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"score"`) {
			b.Fatalf("%s: HTTP %d %s", path, rec.Code, rec.Body)
		}
	}

	b.Run("lysoen", func(b *testing.B) {
		post(b, h, "/graphql", body)
		measureCPU(b, func() { post(b, h, "/graphql", body) })
	})

	b.Run("floor", func(b *testing.B) {
		cfg := testdb.FromEnv(b)
		driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
		if err != nil {
			b.Fatal(err)
		}
		defer driver.Close(context.Background())
		floor := rawcypher.Handler(driver, "")
		floorBody := `{"text":"` + text + `","first":10}`
		post(b, floor, "/search", floorBody)
		measureCPU(b, func() { post(b, floor, "/search", floorBody) })
	})
}

// measureCPU runs serve b.N times and reports this process's CPU time per
// run besides the wall time.
func measureCPU(b *testing.B, serve func()) {
	b.ReportAllocs()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ResetTimer()
	start := cpu()
	for i := 0; i < b.N; i++ {
		serve()
	}
	b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
}
