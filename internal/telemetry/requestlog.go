package telemetry

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// statusRecorder remembers the status code and size for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Middleware gives each request an id (the client's X-Request-Id if it
// sent a short one, else a new one; echoed in X-Request-Id), a Cypher
// round-trip counter and a RequestInfo, counts it in m, and writes one
// structured access-log line when it ends (debug level for assets and
// probes). The request body is never logged.
func Middleware(logger *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if rid == "" || len(rid) > 64 {
			rid = NewRequestID()
		}
		w.Header().Set("X-Request-Id", rid)
		ctx := WithRequestID(r.Context(), rid)
		ctx, trips := WithRoundTrips(ctx)
		ctx, info := WithRequestInfo(ctx)
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		level := slog.LevelInfo
		if strings.HasPrefix(r.URL.Path, "/assets/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		elapsed := time.Since(start)
		m.Observe(r.URL.Path, rec.status, elapsed, info, trips.Load())
		if !logger.Enabled(ctx, level) {
			return // before the attributes: each would be boxed for nothing
		}
		op, outcome, _ := info.Snapshot()
		logger.Log(ctx, level, "request", "request_id", rid, "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", elapsed.Milliseconds(),
			"cypher_round_trips", trips.Load(), "operation", op, "outcome", outcome)
	})
}

// NewRequestID returns 16 random hex digits. A request ID only has to tell
// requests apart in logs and traces, not be secret: math/rand/v2's
// generator (ChaCha8, randomly seeded) is enough, and cheaper per request
// than crypto/rand's.
func NewRequestID() string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// DriverLogger sends the Neo4j driver's warnings and errors to slog.
type DriverLogger struct{ L *slog.Logger }

func (d DriverLogger) Error(name, id string, err error) {
	d.L.Warn("neo4j driver", "component", name, "id", id, "err", err)
}
func (d DriverLogger) Warnf(name, id string, msg string, args ...any) {
	d.L.Warn("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}
func (d DriverLogger) Infof(name, id string, msg string, args ...any)  {}
func (d DriverLogger) Debugf(name, id string, msg string, args ...any) {}
