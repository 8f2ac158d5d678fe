// Command lysoen serves the Lysøen GraphQL API over a Neo4j graph of
// human-security coalition building.
//
//	lysoen [serve] [-addr 127.0.0.1:8080]   serve GraphiQL at /, the API at /graphql
//	lysoen seed                             apply the schema and load the seed graph (idempotent)
//	lysoen import                           load the reference data in seed/data (idempotent; see docs/writing.md)
//	lysoen new-key -name N -role R          print a new API key and its configuration line
//	lysoen hash-key -name N -role R < key   print the configuration line of an existing key
//
// Configuration comes from the environment and flags override it
// (internal/config; docs/operations.md has the table). This file only
// wires: command → config → logger → driver → store → the command's work
// (internal/httpserver for serve, internal/dataload for seed and import),
// and stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/dataload"
	"github.com/lysoen/lysoen/internal/httpserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lysoen:", err)
		os.Exit(1)
	}
}

// run is the whole program: main calls it with the process's arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "new-key" || cmd == "hash-key" { // no database needed
		return auth.KeyCommand(cmd, args, os.Stdin, stdout, stderr)
	}
	if cmd != "serve" && cmd != "seed" && cmd != "import" {
		return fmt.Errorf("unknown command %q (serve, seed, import, new-key, hash-key)", cmd)
	}
	c, err := config.Load(cmd, args, getenv, os.ReadFile, stderr)
	if err != nil {
		return err
	}
	defer c.Auth.Close() // stops a JWK Set's background refresh
	logger := c.NewLogger(stderr)

	driver, err := neo4j.NewDriverWithContext(c.Neo4jURI, neo4j.BasicAuth(c.Neo4jUser, c.Neo4jPassword, ""),
		func(dc *neo4jconfig.Config) {
			// Fail fast when the database is down, so clients get
			// SERVICE_UNAVAILABLE in seconds rather than a hung request.
			dc.MaxTransactionRetryTime = store.MaxWriteRetryTime
			dc.ConnectionAcquisitionTimeout = 5 * time.Second
			dc.SocketConnectTimeout = 3 * time.Second
			dc.Log = telemetry.DriverLogger{L: logger}
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

	switch cmd {
	case "seed":
		return dataload.Seed(ctx, logger, store.New(driver, opts))
	case "import":
		return dataload.Import(ctx, logger, store.New(driver, opts), stdout, stderr)
	}
	var tracer trace.TracerProvider
	tp, err := telemetry.NewTracerProvider(ctx, c.OTel, stderr)
	if err != nil {
		return err
	}
	if tp != nil {
		defer tp.Shutdown(context.WithoutCancel(ctx)) // flushes the spans still buffered
		tracer = tp
		opts.Trace = telemetry.CypherTracer(tp, c.Neo4jDatabase)
	}
	srv, err := httpserver.New(httpserver.Deps{Config: c, Logger: logger, Store: store.New(driver, opts), Tracer: tracer})
	if err != nil {
		return err
	}
	// Returns when ctx ends and in-flight requests have finished; the
	// deferred Close then closes the driver.
	return srv.Run(ctx)
}
