package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/dataset"
	"github.com/lysoen/lysoen/web"
)

// app holds what the HTTP handlers share.
type app struct {
	cfg    config.Config
	tracer trace.TracerProvider // nil: no tracing
	// allowed are the registered operations (LYSOEN_ALLOWED_OPERATIONS); nil: any may run.
	allowed map[string]string
	logger  *slog.Logger
	store   *store.Store
	schema  *schemaKeeper
	guards  *guards // hardening.go
	// dataset is the current dataset version (export_http.go).
	dataset *dataset.Keeper
	// bookmarkWaiters bounds each client's requests carrying bookmarks (bookmarks_http.go).
	bookmarkWaiters bookmarkWaiters
	ready           readyCache
}

// readyCacheFor is how long /readyz's answer is reused: it is anonymous
// and unlimited, and each fresh answer costs a ping and two schema queries.
const readyCacheFor = time.Second

// readyCache holds the last /readyz answer; mu is held while one is
// computed, so concurrent probes wait for it instead of each querying.
type readyCache struct {
	mu     sync.Mutex
	at     time.Time
	status int
	body   map[string]string
}

func newApp(c config.Config, logger *slog.Logger, st *store.Store, tracer trace.TracerProvider) (*app, error) {
	a := &app{cfg: c, tracer: tracer, logger: logger, store: st, schema: &schemaKeeper{store: st, logger: logger},
		guards: newGuards(c, st.SessionsOpen), dataset: dataset.NewKeeper(st, logger)}
	if c.AllowedOpsPath != "" {
		ops, err := loadAllowList(c.AllowedOpsPath)
		if err != nil {
			return nil, err
		}
		a.allowed = ops
	}
	return a, nil
}

// routes mounts every endpoint behind the request middleware.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.protectGraphQL(a.authenticate(a.withBookmarks(a.graphqlHandler()))))
	if !a.cfg.MetricsDisabled {
		mux.Handle("GET /metrics", a.guards.metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /examples.json", web.Examples())
	a.mountExports(mux) // export_http.go: /export/*, /about
	mux.Handle("/explore", web.Explorer("/graphql"))
	mux.Handle("/", web.GraphiQL("/graphql"))
	if a.cfg.Pprof {
		mountPprof(mux) // pprof.go: only with LYSOEN_PPROF=1
	}
	return a.middleware(securityHeaders(mux))
}

// graphqlHandler is gqlgen's handler with explicit transports.
func (a *app) graphqlHandler() http.Handler {
	resolver := &graph.Resolver{Store: a.store, Logger: a.logger, CypherField: graph.CypherConfig{Enabled: a.cfg.CypherEnabled,
		MaxBytes: a.cfg.CypherMaxBytes}}
	es := graph.NewExecutableSchema(graph.Config{Resolvers: resolver})
	if a.cfg.DirectReads {
		es = graph.WithDirectReads(es, resolver)
	}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{}) // graphql_post.go: transport.POST without re-encoding the data
	if a.tracer != nil {              // outermost, so the operation's span covers everything below
		srv.Use(gqlTracer{tracer: a.tracer.Tracer(tracerName)})
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	a.useHardening(srv)
	srv.AroundFields(resolver.HideCypher) // `cypher` is invisible to callers who may not use it
	srv.AroundResponses(resolver.HideSuggestions(a.cfg.Limits.Introspection))
	srv.SetErrorPresenter(graph.ErrorPresenter(a.logger, requestIDFrom))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		a.logger.ErrorContext(ctx, "panic in resolver", "request_id", requestIDFrom(ctx), "panic", p)
		return gqlerror.Errorf("internal error")
	})
	// Report the request's Cypher round trips, for clients, tests and benchmarks.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["cypherRoundTrips"] = roundTrips(ctx)
			resp.Extensions["requestId"] = requestIDFrom(ctx)
			if v := a.dataset.ID(); v != "" {
				resp.Extensions["dataset"] = v
			}
			// After a committed write: the bookmarks to send back in
			// X-Lysoen-Bookmarks to read it on any replica (bookmarks_http.go).
			if c := store.CausalFrom(ctx); c != nil && c.Wrote() {
				a.dataset.Wrote()
				if b, err := c.Bookmarks(ctx); err == nil && len(b) > 0 {
					resp.Extensions["bookmarks"] = b
				}
			}
		}
		return resp
	})
	// Inside the hook above, so refusals still report cypherRoundTrips (0).
	srv.Use(graph.Authorizer{})
	return srv
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyRoundTrips
)

func requestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// countRoundTrip is the store's per-statement hook.
func countRoundTrip(ctx context.Context) {
	if n, ok := ctx.Value(keyRoundTrips).(*atomic.Int64); ok {
		n.Add(1)
	}
}

func roundTrips(ctx context.Context) int64 {
	if n, ok := ctx.Value(keyRoundTrips).(*atomic.Int64); ok {
		return n.Load()
	}
	return 0
}

// statusRecorder remembers the status code for the access log.
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

// middleware gives each request an id (echoed in X-Request-Id), a timeout
// that reaches the driver through the context, fresh loaders, a round-trip
// counter, and one structured access-log line.
func (a *app) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-Id")
		if rid == "" || len(rid) > 64 {
			rid = newRequestID()
		}
		w.Header().Set("X-Request-Id", rid)
		ctx := context.WithValue(r.Context(), keyRequestID, rid)
		var trips atomic.Int64
		ctx = context.WithValue(ctx, keyRoundTrips, &trips)
		ctx = loader.With(ctx, loader.New(a.store))
		ctx, info := withRequestInfo(ctx)
		a.guards.metrics.inFlight.Add(1)
		defer a.guards.metrics.inFlight.Add(-1)
		if a.cfg.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.cfg.RequestTimeout)
			defer cancel()
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		level := slog.LevelInfo
		if strings.HasPrefix(r.URL.Path, "/assets/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		elapsed := time.Since(start)
		a.guards.metrics.observe(r.URL.Path, rec.status, elapsed, info, trips.Load())
		if !a.logger.Enabled(ctx, level) {
			return // before the attributes: each would be boxed for nothing
		}
		op, outcome, _ := info.snapshot()
		a.logger.Log(ctx, level, "request", "request_id", rid, "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", elapsed.Milliseconds(),
			"cypher_round_trips", trips.Load(), "operation", op, "outcome", outcome)
	})
}

// newRequestID returns 16 random hex digits. A request ID only has to tell
// requests apart in logs and traces, not be secret: math/rand/v2's
// generator (ChaCha8, randomly seeded) is enough, and cheaper per request
// than crypto/rand's.
func newRequestID() string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readyz answers 200 only when Neo4j answers and the schema's constraints
// and indexes are in place; otherwise 503 with the reason. The answer is
// reused for readyCacheFor.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	c := &a.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) >= readyCacheFor {
		c.status, c.body = a.readiness(r.Context())
		c.at = time.Now()
	}
	writeJSON(w, c.status, c.body)
}

func (a *app) readiness(ctx context.Context) (int, map[string]string) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "neo4j unreachable: " + err.Error()}
	}
	missing, err := a.store.SchemaMissing(ctx)
	if err != nil {
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "cannot read the schema: " + err.Error()}
	}
	if len(missing) > 0 {
		reason := "constraints or indexes not in place: " + strings.Join(missing, ", ")
		if last := a.schema.lastError(); last != "" {
			reason += " (last attempt: " + last + ")"
		}
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason}
	}
	return http.StatusOK, map[string]string{"status": "ready"}
}

// schemaKeeper applies the constraints and indexes at start-up, retrying in
// the background while Neo4j is unreachable, so the server can start before
// the database and become ready by itself.
type schemaKeeper struct {
	store  *store.Store
	logger *slog.Logger
	mu     sync.Mutex
	last   string
}

func (k *schemaKeeper) lastError() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.last
}

func (k *schemaKeeper) keep(ctx context.Context) {
	delay := 500 * time.Millisecond
	for {
		attemptCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := k.store.EnsureSchema(attemptCtx)
		cancel()
		if err == nil {
			k.mu.Lock()
			k.last = ""
			k.mu.Unlock()
			k.logger.Info("schema in place: constraints and indexes online")
			return
		}
		k.mu.Lock()
		k.last = err.Error()
		k.mu.Unlock()
		k.logger.Warn("cannot apply schema yet; retrying", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 10*time.Second)
	}
}
