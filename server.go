// Command lysoen serves the Lysøen GraphQL API over a Neo4j graph of
// human-security coalition building.
//
//	lysoen [serve] [-addr 127.0.0.1:8080]   serve GraphiQL at /, the API at /graphql
//	lysoen seed                             apply the schema and load the seed graph (idempotent)
//	lysoen import                           load the reference data in seed/data (idempotent; see docs/writing.md)
//	lysoen new-key -name N -role R          print a new API key and its configuration line
//	lysoen hash-key -name N -role R < key   print the configuration line of an existing key
//
// Configuration comes from the environment (NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD, NEO4J_DATABASE, PORT), and flags override it.
// server.go only wires: config → logger → driver → store → handler → http.Server.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/auth"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/telemetry"
	"github.com/lysoen/lysoen/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lysoen:", err)
		os.Exit(1)
	}
}

// run is the whole program; main calls it, and tests start the server with it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "new-key" || cmd == "hash-key" { // no database needed
		return auth.KeyCommand(cmd, args, os.Stdin, stdout, stderr)
	}
	c, err := config.Load(cmd, args, getenv, os.ReadFile, stderr)
	if err != nil {
		return err
	}
	logger := c.NewLogger(stderr)

	driver, err := neo4j.NewDriverWithContext(c.Neo4jURI, neo4j.BasicAuth(c.Neo4jUser, c.Neo4jPassword, ""),
		func(dc *neo4jconfig.Config) {
			// Fail fast when the database is down, so clients get
			// SERVICE_UNAVAILABLE in seconds rather than a hung request.
			dc.MaxTransactionRetryTime = 5 * time.Second
			dc.ConnectionAcquisitionTimeout = 5 * time.Second
			dc.SocketConnectTimeout = 3 * time.Second
			dc.Log = driverLogger{logger}
		})
	if err != nil {
		return fmt.Errorf("neo4j driver for %s: %w", c.Neo4jURI, err)
	}
	defer driver.Close(context.Background())
	// neo4j-go-driver v5.28 initialises its connector lazily, without a lock,
	// on the first connection attempt (internal/connector/connector.go:55):
	// concurrent first requests race there. One attempt here, before anything
	// runs concurrently, does that initialisation; failure is fine (Neo4j
	// may start later).
	warmCtx, warmCancel := context.WithTimeout(ctx, 3*time.Second)
	_ = driver.VerifyConnectivity(warmCtx)
	warmCancel()
	opts := store.Options{Database: c.Neo4jDatabase, TxTimeout: c.RequestTimeout, OnQuery: telemetry.CountRoundTrip,
		CypherConcurrency: c.CypherParallel}
	var tracer trace.TracerProvider
	if cmd == "serve" {
		tp, err := telemetry.NewTracerProvider(ctx, c.OTel, stderr)
		if err != nil {
			return err
		}
		if tp != nil {
			defer tp.Shutdown(context.WithoutCancel(ctx)) // flushes the spans still buffered
			tracer = tp
			opts.Trace = telemetry.CypherTracer(tp, c.Neo4jDatabase)
		}
	}
	st := store.New(driver, opts)

	switch cmd {
	case "serve":
		return serve(ctx, c, logger, st, tracer)
	case "seed":
		return loadSeed(ctx, logger, st)
	case "import":
		return importRefData(ctx, logger, st, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q (serve, seed, import, new-key, hash-key)", cmd)
	}
}

// loadSeed applies the schema and loads the seed graph, idempotently.
func loadSeed(ctx context.Context, logger *slog.Logger, st *store.Store) error {
	if err := st.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("apply schema: %w", err)
	}
	before, beforeRels, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	if _, err := seed.Load(ctx, st); err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	f, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed/seed.json", seed.SourceText)
	if err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	// The seed's own counts (its Source node included), then the whole
	// database's, which also holds whatever `lysoen import` loaded.
	logger.Info("seed graph loaded", "seed_nodes", len(f.Nodes)+1, "seed_relationships", len(f.Relationships),
		"database_nodes", nodes, "database_relationships", rels,
		"nodes_added", nodes-before, "relationships_added", rels-beforeRels)
	return nil
}

// serve runs the HTTP server until ctx ends, then shuts down gracefully:
// in-flight requests finish (up to ShutdownTimeout), then the driver closes.
func serve(ctx context.Context, c config.Config, logger *slog.Logger, st *store.Store, tracer trace.TracerProvider) error {
	app, err := newApp(c, logger, st, tracer)
	if err != nil {
		return err
	}
	// The caller closes the driver when serve returns, so the schema keeper
	// must be done with it by then (the race detector caught a keeper still
	// borrowing a connection while the driver closed).
	keepCtx, stopKeeper := context.WithCancel(ctx)
	keeperDone := make(chan struct{})
	datasetDone := make(chan struct{})
	go func() { defer close(keeperDone); app.schema.Keep(keepCtx) }()
	go func() { defer close(datasetDone); app.dataset.Run(keepCtx) }() // export_http.go
	defer func() { stopKeeper(); <-keeperDone; <-datasetDone }()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", c.Addr, err)
	}
	srv := &http.Server{
		Handler:           app.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // the whole request, body included (slow-body clients)
		WriteTimeout:      writeTimeout(c.RequestTimeout),
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql",
		"neo4j", c.Neo4jURI)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "timeout", c.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// writeTimeout leaves a request its full timeout plus time to write the answer.
func writeTimeout(request time.Duration) time.Duration {
	if request <= 0 {
		return 0
	}
	return request + 10*time.Second
}

// driverLogger sends the driver's warnings and errors to slog.
type driverLogger struct{ l *slog.Logger }

func (d driverLogger) Error(name, id string, err error) {
	d.l.Warn("neo4j driver", "component", name, "id", id, "err", err)
}
func (d driverLogger) Warnf(name, id string, msg string, args ...any) {
	d.l.Warn("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}
func (d driverLogger) Infof(name, id string, msg string, args ...any)  {}
func (d driverLogger) Debugf(name, id string, msg string, args ...any) {}
