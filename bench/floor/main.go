// Command floor serves the raw-Cypher floor of Lysøen's benchmark,
// bench/rawcypher's handler: HTTP + one Bolt round trip + JSON, the least
// any layer over Neo4j can cost.
//
//	NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=… go run ./bench/floor -addr 127.0.0.1:4100
//
// POST /<shape> with a JSON object of parameters; the answer is
// {"data": [records], "extensions": {"cypherRoundTrips": 1}}.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/bench/rawcypher"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4100", "listen address")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, logger); err != nil {
		logger.Error("floor", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, logger *slog.Logger) error {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://127.0.0.1:7687"
	}
	user := os.Getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		return err
	}
	defer driver.Close(context.Background())
	if err := driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("neo4j at %s: %w", uri, err)
	}
	srv := &http.Server{Addr: addr, Handler: rawcypher.Handler(driver, os.Getenv("NEO4J_DATABASE")), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	logger.Info("floor ready", "addr", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
