// Package httpserver is the HTTP side of the server: the routes, the
// middleware every request passes (request id, access log, metrics,
// loaders, timeout, security headers), the guards in front of /graphql
// and the exports (CORS, rate limit, body size, authentication,
// bookmarks), health and readiness, and the graceful shutdown.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/dataset"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
	"github.com/lysoen/lysoen/web"
)

// Deps are what the server is built from.
type Deps struct {
	Config config.Config
	Logger *slog.Logger
	Store  *store.Store
	Tracer trace.TracerProvider // nil: no tracing
}

// Server is the HTTP server's parts; Handler serves them, Run runs them.
type Server struct {
	cfg     config.Config
	logger  *slog.Logger
	store   *store.Store
	authn   *auth.Authenticator
	metrics *telemetry.Metrics
	limiter *rateLimiter // nil: no rate limit
	schema  *gqlserver.SchemaKeeper
	dataset *dataset.Keeper // the current dataset version (export.go)
	graphql http.Handler    // the GraphQL endpoint, before the HTTP guards
	ready   readiness
	// bookmarkWaiters bounds each client's requests carrying bookmarks (bookmarks.go).
	bookmarkWaiters bookmarkWaiters
}

// New builds the server's parts. It fails only on configuration that
// cannot be used (an unreadable allow-list of operations).
func New(d Deps) (*Server, error) {
	c := d.Config
	s := &Server{cfg: c, logger: d.Logger, store: d.Store, authn: c.Auth,
		metrics: telemetry.NewMetrics(d.Store.SessionsOpen),
		schema:  gqlserver.NewSchemaKeeper(d.Store, d.Logger),
		dataset: dataset.NewKeeper(d.Store, d.Logger)}
	if s.authn == nil {
		s.authn = auth.New(auth.Config{})
	}
	if c.RateLimit > 0 {
		s.limiter = newRateLimiter(c.RateLimit, c.RateBurst, c.RateLimitKey)
	}
	s.ready = readiness{store: d.Store, schema: s.schema}
	h, err := gqlserver.New(gqlserver.Deps{Config: c, Store: d.Store, Logger: d.Logger, Dataset: s.dataset, Tracer: d.Tracer})
	if err != nil {
		return nil, err
	}
	s.graphql = h
	return s, nil
}

// Handler mounts every endpoint behind the request middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", s.protect(s.authenticate(s.withBookmarks(s.graphql))))
	if !s.cfg.MetricsDisabled {
		mux.Handle("GET /metrics", s.metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		gqlserver.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.ready.ServeHTTP)
	mux.Handle("GET /examples.json", web.Examples())
	s.mountExports(mux) // export.go: /export/*, /about
	mux.Handle("/explore", web.Explorer("/graphql"))
	mux.Handle("/", web.GraphiQL("/graphql"))
	if s.cfg.Pprof {
		telemetry.MountPprof(mux)
	}
	return telemetry.Middleware(s.logger, s.metrics, s.perRequest(securityHeaders(mux)))
}

// perRequest gives each request fresh loaders and the request timeout,
// which reaches the driver through the context.
func (s *Server) perRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := loader.With(r.Context(), loader.New(s.store))
		if s.cfg.RequestTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, s.cfg.RequestTimeout)
			defer cancel()
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// protect wraps the GraphQL endpoint and the exports: CORS first (so
// refusals carry CORS headers a browser can read), then the rate limit,
// then the body size, and typed errors for what gqlgen answers itself.
func (s *Server) protect(next http.Handler) http.Handler {
	h := gqlserver.BodyLimit(s.cfg.Limits.MaxBodyBytes, gqlserver.TypedErrors(next))
	if s.limiter != nil {
		h = s.limiter.middleware(s.metrics, h)
	}
	return withCORS(s.cfg.CORSOrigins, h)
}

// clientKey is what identifies a client for the per-client bounds: the
// rate limit's key when there is a rate limit, else the IP address.
func (s *Server) clientKey(r *http.Request) string {
	if s.limiter != nil {
		return s.limiter.key(r)
	}
	return clientIP(r)
}

// Run serves on the configured address until ctx ends, then shuts down
// gracefully: in-flight requests finish (up to ShutdownTimeout).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener of the caller's.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// The caller closes the driver when Serve returns, so the schema keeper
	// must be done with it by then (the race detector caught a keeper still
	// borrowing a connection while the driver closed).
	keepCtx, stopKeeper := context.WithCancel(ctx)
	keeperDone := make(chan struct{})
	datasetDone := make(chan struct{})
	go func() { defer close(keeperDone); s.schema.Keep(keepCtx) }()
	go func() { defer close(datasetDone); s.dataset.Run(keepCtx) }()
	defer func() { stopKeeper(); <-keeperDone; <-datasetDone }()

	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // the whole request, body included (slow-body clients)
		WriteTimeout:      writeTimeout(s.cfg.RequestTimeout),
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	s.logger.Info("serving", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql",
		"neo4j", s.cfg.Neo4jURI)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.logger.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.logger.Info("stopped")
	return nil
}

// writeTimeout leaves a request its full timeout plus time to write the answer.
func writeTimeout(request time.Duration) time.Duration {
	if request <= 0 {
		return 0
	}
	return request + 10*time.Second
}
