package main

// /metrics in the Prometheus text exposition format (version 0.0.4),
// written by hand: a few counters and histograms need no client library.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxOperationLabels bounds the operation-name label: clients choose
// operation names, so past this many distinct names the rest count as "other".
const maxOperationLabels = 200

var (
	latencyBuckets   = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
	roundTripBuckets = []float64{0, 1, 2, 4, 8, 16, 32, 64}
)

type histogram struct {
	buckets []float64
	counts  []uint64 // per bucket, not cumulative
	sum     float64
	count   uint64
}

func newHistogram(b []float64) *histogram {
	return &histogram{buckets: b, counts: make([]uint64, len(b))}
}

func (h *histogram) observe(v float64) {
	for i, le := range h.buckets {
		if v <= le {
			h.counts[i]++
			break
		}
	}
	h.sum += v
	h.count++
}

// metrics is the server's registry.
type metrics struct {
	mu         sync.Mutex
	httpReqs   map[[2]string]uint64 // handler, code
	gqlReqs    map[[2]string]uint64 // operation, outcome
	gqlErrors  map[string]uint64    // code
	latency    map[string]*histogram
	roundTrips *histogram
	operations map[string]bool
	inFlight   atomic.Int64
	started    time.Time
	sessions   func() int64 // Neo4j sessions open now
}

func newMetrics(sessions func() int64) *metrics {
	return &metrics{
		httpReqs: map[[2]string]uint64{}, gqlReqs: map[[2]string]uint64{}, gqlErrors: map[string]uint64{},
		latency: map[string]*histogram{}, roundTrips: newHistogram(roundTripBuckets),
		operations: map[string]bool{}, started: time.Now(), sessions: sessions,
	}
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

// observe records one finished request.
func (m *metrics) observe(path string, status int, d time.Duration, info *requestInfo, trips int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := handlerName(path)
	m.httpReqs[[2]string{h, strconv.Itoa(status)}]++
	op, outcome, codes := info.snapshot()
	if h != "graphql" || outcome == "" {
		return
	}
	if op == "" {
		op = "anonymous"
	}
	if !m.operations[op] {
		if len(m.operations) >= maxOperationLabels {
			op = "other"
		}
		m.operations[op] = true
	}
	m.gqlReqs[[2]string{op, outcome}]++
	for _, code := range codes {
		m.gqlErrors[code]++
	}
	lh := m.latency[op]
	if lh == nil {
		lh = newHistogram(latencyBuckets)
		m.latency[op] = lh
	}
	lh.observe(d.Seconds())
	m.roundTrips.observe(float64(trips))
}

func (m *metrics) countRateLimited() {
	m.mu.Lock()
	m.gqlErrors["RATE_LIMITED"]++
	m.mu.Unlock()
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	m.write(w)
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	header := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	header("lysoen_http_requests_total", "counter", "HTTP requests by handler and status code.")
	for _, k := range sortedKeys2(m.httpReqs) {
		fmt.Fprintf(w, "lysoen_http_requests_total{handler=%s,code=%s} %d\n", quote(k[0]), quote(k[1]), m.httpReqs[k])
	}
	header("lysoen_graphql_requests_total", "counter", "GraphQL requests by operation name and outcome (ok, partial, error, refused).")
	for _, k := range sortedKeys2(m.gqlReqs) {
		fmt.Fprintf(w, "lysoen_graphql_requests_total{operation=%s,outcome=%s} %d\n", quote(k[0]), quote(k[1]), m.gqlReqs[k])
	}
	header("lysoen_graphql_errors_total", "counter", "GraphQL errors by extensions.code.")
	codes := make([]string, 0, len(m.gqlErrors))
	for c := range m.gqlErrors {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "lysoen_graphql_errors_total{code=%s} %d\n", quote(c), m.gqlErrors[c])
	}
	header("lysoen_graphql_request_duration_seconds", "histogram", "GraphQL request latency by operation name.")
	ops := make([]string, 0, len(m.latency))
	for op := range m.latency {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		writeHistogram(w, "lysoen_graphql_request_duration_seconds", "operation="+quote(op)+",", m.latency[op])
	}
	header("lysoen_cypher_round_trips", "histogram", "Cypher statements sent per GraphQL request.")
	writeHistogram(w, "lysoen_cypher_round_trips", "", m.roundTrips)
	header("lysoen_http_in_flight_requests", "gauge", "Requests being served now.")
	fmt.Fprintf(w, "lysoen_http_in_flight_requests %d\n", m.inFlight.Load())
	if m.sessions != nil {
		header("lysoen_neo4j_sessions_open", "gauge", "Neo4j sessions open now (each holds at most one pooled connection; the driver's pool size is 100).")
		fmt.Fprintf(w, "lysoen_neo4j_sessions_open %d\n", m.sessions())
	}
	header("lysoen_process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.")
	fmt.Fprintf(w, "lysoen_process_start_time_seconds %d\n", m.started.Unix())
}

func writeHistogram(w io.Writer, name, labels string, h *histogram) {
	var cum uint64
	for i, le := range h.buckets {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{%sle=%s} %d\n", name, labels, quote(formatFloat(le)), cum)
	}
	fmt.Fprintf(w, "%s_bucket{%sle=\"+Inf\"} %d\n", name, labels, h.count)
	trimmed := strings.TrimSuffix(labels, ",")
	if trimmed != "" {
		trimmed = "{" + trimmed + "}"
	}
	fmt.Fprintf(w, "%s_sum%s %s\n", name, trimmed, formatFloat(h.sum))
	fmt.Fprintf(w, "%s_count%s %d\n", name, trimmed, h.count)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quote escapes a label value as the exposition format wants.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func sortedKeys2(m map[[2]string]uint64) [][2]string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	return keys
}

// requestInfo is what the GraphQL layer learns about a request, for the
// access log and the metrics: the operation name, the outcome and the
// error codes sent.
type requestInfo struct {
	mu        sync.Mutex
	operation string
	outcome   string // ok, partial, error, refused; "" if GraphQL never answered
	codes     []string
	query     string // the raw document, to name refused operations
}

const keyRequestInfo ctxKey = 100

func withRequestInfo(ctx context.Context) (context.Context, *requestInfo) {
	info := &requestInfo{}
	return context.WithValue(ctx, keyRequestInfo, info), info
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(keyRequestInfo).(*requestInfo)
	return info
}

func (i *requestInfo) snapshot() (op, outcome string, codes []string) {
	if i == nil {
		return "", "", nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.operation, i.outcome, append([]string(nil), i.codes...)
}
