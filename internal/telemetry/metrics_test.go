package telemetry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("/metrics: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestMetricsSeries: the documented series, their labels, the runtime and
// process collectors, and the bound on operation names.
func TestMetricsSeries(t *testing.T) {
	m := NewMetrics(func() int64 { return 3 })
	_, info := WithRequestInfo(context.Background())
	info.SetRequest("query Q { x }", "Q")
	info.Finish("", "error", []string{"BAD_USER_INPUT", "BAD_USER_INPUT"})
	m.Observe("/graphql", 200, 30*time.Millisecond, info, 2)
	m.Observe("/healthz", 200, time.Millisecond, nil, 0)
	m.CountRateLimited()
	for i := range maxOperationLabels + 5 {
		_, info := WithRequestInfo(context.Background())
		info.Finish(fmt.Sprintf("Op%d", i), "ok", nil)
		m.Observe("/graphql", 200, time.Millisecond, info, 1)
	}
	out := scrape(t, m)
	for _, want := range []string{
		`lysoen_http_requests_total{code="200",handler="graphql"} 206`,
		`lysoen_http_requests_total{code="200",handler="healthz"} 1`,
		`lysoen_graphql_requests_total{operation="Q",outcome="error"} 1`,
		`lysoen_graphql_errors_total{code="BAD_USER_INPUT"} 2`,
		`lysoen_graphql_errors_total{code="RATE_LIMITED"} 1`,
		`lysoen_graphql_request_duration_seconds_bucket{operation="Q",le="0.025"} 0`,
		`lysoen_graphql_request_duration_seconds_bucket{operation="Q",le="0.05"} 1`,
		`lysoen_cypher_round_trips_bucket{le="2"} 206`,
		`lysoen_cypher_round_trips_count 206`,
		// Q took one of the 200 names: 199 more, then 6 requests as "other".
		`lysoen_graphql_requests_total{operation="other",outcome="ok"} 6`,
		"\nlysoen_neo4j_sessions_open 3\n",
		"\nlysoen_http_in_flight_requests 0\n",
		"# TYPE lysoen_process_start_time_seconds gauge",
		"# TYPE go_goroutines gauge",
		"# TYPE process_start_time_seconds gauge",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(out, `operation="Op199"`) {
		t.Errorf("the 201st operation name became a label")
	}
}
