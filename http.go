package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/dataset"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
	"github.com/lysoen/lysoen/web"
)

// app holds what the HTTP handlers share.
type app struct {
	cfg     config.Config
	tracer  trace.TracerProvider // nil: no tracing
	logger  *slog.Logger
	store   *store.Store
	schema  *gqlserver.SchemaKeeper
	graphql http.Handler // the GraphQL endpoint, before the HTTP guards
	guards  *guards      // hardening.go
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
	a := &app{cfg: c, tracer: tracer, logger: logger, store: st, schema: gqlserver.NewSchemaKeeper(st, logger),
		guards: newGuards(c, st.SessionsOpen), dataset: dataset.NewKeeper(st, logger)}
	h, err := gqlserver.New(gqlserver.Deps{Config: c, Store: st, Logger: logger, Dataset: a.dataset, Tracer: tracer})
	if err != nil {
		return nil, err
	}
	a.graphql = h
	return a, nil
}

// routes mounts every endpoint behind the request middleware.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", a.protectGraphQL(a.authenticate(a.withBookmarks(a.graphql))))
	if !a.cfg.MetricsDisabled {
		mux.Handle("GET /metrics", a.guards.metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		gqlserver.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /examples.json", web.Examples())
	a.mountExports(mux) // export_http.go: /export/*, /about
	mux.Handle("/explore", web.Explorer("/graphql"))
	mux.Handle("/", web.GraphiQL("/graphql"))
	if a.cfg.Pprof {
		telemetry.MountPprof(mux)
	}
	return a.middleware(securityHeaders(mux))
}

// middleware wraps every route: telemetry's request id, counters and
// access log outside, then fresh loaders and the request timeout, which
// reaches the driver through the context.
func (a *app) middleware(next http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := loader.With(r.Context(), loader.New(a.store))
		if a.cfg.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.cfg.RequestTimeout)
			defer cancel()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
	return telemetry.Middleware(a.logger, a.guards.metrics, inner)
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
	gqlserver.WriteJSON(w, c.status, c.body)
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
		if last := a.schema.LastError(); last != "" {
			reason += " (last attempt: " + last + ")"
		}
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason}
	}
	return http.StatusOK, map[string]string{"status": "ready"}
}
