package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// BenchmarkServeSearch measures what one search costs this process: the
// whole HTTP handler (middleware, GraphQL, planner, driver, response)
// against the floor's handler in bench/floor (the same Cypher through the
// same driver, JSON in and out). Both run against the real test Neo4j, so
// ns/op includes its work; cpu-ns/op is this process's CPU time per request
// (user + system, every goroutine, the driver's too), which is what the
// GraphQL layer adds on top of the floor. The difference between the two
// sub-benchmarks is Lysøen's overhead per request (BENCHMARKS.md).
func BenchmarkServeSearch(b *testing.B) {
	testdb.Seeded(b)
	st := testdb.Open(b, func(o *store.Options) { o.OnQuery = countRoundTrip })
	c, err := parseConfig("serve", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	c.Hardening.RateLimit = 0
	h := newApp(c, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})), st).routes()
	const text = "landmines"
	body := `{"query":"query($text: String!) { search(text: $text, first: 10) { label score node { id ... on Country { name } ... on Organization { name } ... on IssueArea { name } ... on Initiative { name } ... on Event { name } ... on Agreement { name } } } }","variables":{"text":"` + text + `"}}`

	b.Run("lysoen", func(b *testing.B) {
		serve := func() string {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"score"`) {
				b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
			}
			return rec.Body.String()
		}
		serve()
		measureCPU(b, func() { serve() })
	})

	b.Run("floor", func(b *testing.B) {
		cfg := testdb.FromEnv(b)
		driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
		if err != nil {
			b.Fatal(err)
		}
		defer driver.Close(context.Background())
		// bench/floor's search handler, minus the network.
		const cypher = `CALL db.index.fulltext.queryNodes('node_names', $query) YIELD node, score
WITH node, score ORDER BY score DESC, node.name, node.id LIMIT $first
RETURN node.id AS id, labels(node)[0] AS label, node.name AS name, score`
		floorBody := `{"text":"` + text + `","first":10}`
		serve := func() {
			req := httptest.NewRequest(http.MethodPost, "/search", strings.NewReader(floorBody))
			var params map[string]any
			if err := json.NewDecoder(req.Body).Decode(&params); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(req.Context(), 30*time.Second)
			defer cancel()
			sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j"})
			defer sess.Close(ctx)
			res, err := sess.Run(ctx, cypher, map[string]any{"query": store.SearchQuery(params["text"].(string)), "first": int64(params["first"].(float64))})
			if err != nil {
				b.Fatal(err)
			}
			recs, err := res.Collect(ctx)
			if err != nil || len(recs) == 0 {
				b.Fatalf("%d records, %v", len(recs), err)
			}
			rows := make([]map[string]any, len(recs))
			for i, rec := range recs {
				rows[i] = rec.AsMap()
			}
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(rec).Encode(map[string]any{"data": rows, "extensions": map[string]any{"cypherRoundTrips": 1}})
		}
		serve()
		measureCPU(b, serve)
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
