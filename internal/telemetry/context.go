package telemetry

import (
	"context"
	"sync"
	"sync/atomic"
)

// ctxKey is the type of every request-scoped value the server keeps in a
// context (the caller's identity, the bookmarks and the loaders have
// their own keys in auth, graph/store and graph/loader).
type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyRoundTrips
	keyRequestInfo
)

// WithRequestID returns ctx carrying the request's id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

// RequestID is the id of ctx's request (echoed in X-Request-Id), or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// WithRoundTrips returns ctx carrying a fresh counter of Cypher round trips.
func WithRoundTrips(ctx context.Context) (context.Context, *atomic.Int64) {
	n := &atomic.Int64{}
	return context.WithValue(ctx, keyRoundTrips, n), n
}

// CountRoundTrip is the store's per-statement hook (store.Options.OnQuery).
func CountRoundTrip(ctx context.Context) {
	if n, ok := ctx.Value(keyRoundTrips).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// RoundTrips is how many Cypher statements ctx's request has sent so far.
func RoundTrips(ctx context.Context) int64 {
	if n, ok := ctx.Value(keyRoundTrips).(*atomic.Int64); ok {
		return n.Load()
	}
	return 0
}

// RequestInfo is what the GraphQL layer learns about a request, for the
// access log and the metrics: the operation name, the outcome and the
// error codes sent.
type RequestInfo struct {
	mu        sync.Mutex
	operation string
	outcome   string // ok, partial, error, refused; "" if GraphQL never answered
	codes     []string
	query     string // the raw document, to name refused operations
}

// WithRequestInfo returns ctx carrying a fresh RequestInfo.
func WithRequestInfo(ctx context.Context) (context.Context, *RequestInfo) {
	info := &RequestInfo{}
	return context.WithValue(ctx, keyRequestInfo, info), info
}

// RequestInfoFrom is ctx's RequestInfo, or nil.
func RequestInfoFrom(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(keyRequestInfo).(*RequestInfo)
	return info
}

// SetRequest records the document and operation name the client sent.
func (i *RequestInfo) SetRequest(query, operation string) {
	i.mu.Lock()
	i.query, i.operation = query, operation
	i.mu.Unlock()
}

// Query is the document the client sent.
func (i *RequestInfo) Query() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.query
}

// Finish records the answer: the operation's name (unless one was sent),
// its outcome and the codes of its errors.
func (i *RequestInfo) Finish(operation, outcome string, codes []string) {
	i.mu.Lock()
	if i.operation == "" {
		i.operation = operation
	}
	i.outcome = outcome
	i.codes = append(i.codes, codes...)
	i.mu.Unlock()
}

// Snapshot reads what was recorded; a nil RequestInfo has nothing.
func (i *RequestInfo) Snapshot() (op, outcome string, codes []string) {
	if i == nil {
		return "", "", nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.operation, i.outcome, append([]string(nil), i.codes...)
}
