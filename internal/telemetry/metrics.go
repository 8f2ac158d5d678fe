package telemetry

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxOperationLabels bounds the operation-name label: clients choose
// operation names, so past this many distinct names the rest count as "other".
const maxOperationLabels = 200

var (
	latencyBuckets   = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
	roundTripBuckets = []float64{0, 1, 2, 4, 8, 16, 32, 64}
)

// Metrics is the server's Prometheus registry, served at /metrics by
// prometheus/client_golang: the server's own series (docs/operations.md)
// plus the Go runtime's (go_*) and the process's (process_*).
type Metrics struct {
	handler    http.Handler
	httpReqs   *prometheus.CounterVec   // handler, code
	gqlReqs    *prometheus.CounterVec   // operation, outcome
	gqlErrors  *prometheus.CounterVec   // code
	latency    *prometheus.HistogramVec // operation
	roundTrips prometheus.Histogram
	inFlight   prometheus.Gauge

	mu         sync.Mutex
	operations map[string]bool // the operation labels given out
}

// NewMetrics builds a registry of its own (not the global one, so two
// servers in one process never share counts). sessions reports the Neo4j
// sessions open now; nil leaves that gauge out.
func NewMetrics(sessions func() int64) *Metrics {
	m := &Metrics{
		httpReqs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lysoen_http_requests_total",
			Help: "HTTP requests by handler and status code."}, []string{"handler", "code"}),
		gqlReqs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lysoen_graphql_requests_total",
			Help: "GraphQL requests by operation name and outcome (ok, partial, error, refused)."}, []string{"operation", "outcome"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lysoen_graphql_errors_total",
			Help: "GraphQL errors by extensions.code."}, []string{"code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "lysoen_graphql_request_duration_seconds",
			Help: "GraphQL request latency by operation name.", Buckets: latencyBuckets}, []string{"operation"}),
		roundTrips: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lysoen_cypher_round_trips",
			Help: "Cypher statements sent per GraphQL request.", Buckets: roundTripBuckets}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lysoen_http_in_flight_requests",
			Help: "Requests being served now."}),
		operations: map[string]bool{},
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.httpReqs, m.gqlReqs, m.gqlErrors, m.latency, m.roundTrips, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	started := float64(time.Now().Unix())
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lysoen_process_start_time_seconds",
		Help: "Start time of the process since the Unix epoch."}, func() float64 { return started }))
	if sessions != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lysoen_neo4j_sessions_open",
			Help: "Neo4j sessions open now (each holds at most one pooled connection; the driver's pool size is 100)."},
			func() float64 { return float64(sessions()) }))
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// handlerName groups paths into a bounded label.
func handlerName(path string) string {
	switch {
	case path == "/graphql":
		return "graphql"
	case path == "/healthz", path == "/readyz", path == "/metrics", path == "/examples.json":
		return strings.TrimPrefix(path, "/")
	case path == "/" || path == "/index.html" || strings.HasPrefix(path, "/assets/"):
		return "graphiql"
	}
	return "other"
}

// Observe records one finished request.
func (m *Metrics) Observe(path string, status int, d time.Duration, info *RequestInfo, trips int64) {
	h := handlerName(path)
	m.httpReqs.WithLabelValues(h, codeLabel(status)).Inc()
	op, outcome, codes := info.Snapshot()
	if h != "graphql" || outcome == "" {
		return
	}
	op = m.operationLabel(op)
	m.gqlReqs.WithLabelValues(op, outcome).Inc()
	for _, code := range codes {
		m.gqlErrors.WithLabelValues(code).Inc()
	}
	m.latency.WithLabelValues(op).Observe(d.Seconds())
	m.roundTrips.Observe(float64(trips))
}

// operationLabel is op as a label value: "anonymous" for none, "other"
// once maxOperationLabels names are in use.
func (m *Metrics) operationLabel(op string) string {
	if op == "" {
		op = "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[op] {
		if len(m.operations) >= maxOperationLabels {
			op = "other"
		}
		m.operations[op] = true
	}
	return op
}

// codeLabel is the status code as a label; the common ones without an allocation.
func codeLabel(status int) string {
	switch status {
	case 200:
		return "200"
	case 400:
		return "400"
	}
	return strconv.Itoa(status)
}

// CountRateLimited counts a request refused by the rate limit before
// GraphQL saw it.
func (m *Metrics) CountRateLimited() { m.gqlErrors.WithLabelValues("RATE_LIMITED").Inc() }

// InFlight is the gauge of requests being served.
func (m *Metrics) InFlight() prometheus.Gauge { return m.inFlight }

// ServeHTTP answers /metrics in the Prometheus exposition format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	m.handler.ServeHTTP(w, r)
}
