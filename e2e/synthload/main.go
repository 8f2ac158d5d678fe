// Command synthload loads the synthetic graph the browser tests draw (see
// ../e2e.test.mjs) into the Neo4j at NEO4J_URI, next to whatever is there:
// into an empty database with CREATE (synth.LoadFresh), into one that holds
// nodes (the seed, or an earlier run) with MERGE (synth.Load, idempotent).
//
//	go run ./e2e/synthload              # scale "e2e" (below), seed 1
//	go run ./e2e/synthload -scale S     # a predefined scale of package synth
//
// Connection: NEO4J_URI (default bolt://127.0.0.1:7687), NEO4J_USER,
// NEO4J_PASSWORD, NEO4J_DATABASE. It prints one line: what it loaded and
// how long it took.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/synth"
)

// ScaleE2E is big enough that the hub country's neighbourhood
// (synth.CountryID(0), "Synthland XAA") exceeds the API's cap of 1,000
// nodes, so the explorer draws a capped neighbourhood of a few thousand
// elements, and small enough to load in seconds (about 1,700 nodes and
// 14,000 relationships, against 10,000 and 99,000 for synth.ScaleS).
var ScaleE2E = synth.Scale{Name: "e2e", Countries: 40, Organizations: 400, IssueAreas: 20, Initiatives: 40, Agreements: 20,
	Events: 1200, ParticipantsPerEvent: 8, SignatoriesPerAgreement: 15, MembersPerInitiative: 8, BatchSize: 5000}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "synthload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("synthload", flag.ContinueOnError)
	scaleName := fs.String("scale", "e2e", "e2e, or a scale of package synth (tiny, S, M, L)")
	seed := fs.Int64("seed", 1, "random seed of the synthetic graph")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc := ScaleE2E
	if !strings.EqualFold(*scaleName, ScaleE2E.Name) {
		var err error
		if sc, err = synth.ParseScale(*scaleName); err != nil {
			return err
		}
	}
	uri := getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://127.0.0.1:7687"
	}
	user := getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		return fmt.Errorf("neo4j driver for %s: %w", uri, err)
	}
	defer driver.Close(context.Background())
	st := store.New(driver, store.Options{Database: getenv("NEO4J_DATABASE")})
	if err := st.Ping(ctx); err != nil {
		return fmt.Errorf("neo4j at %s: %w", uri, err)
	}
	if err := st.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("apply schema: %w", err)
	}
	n, _, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	load, mode := synth.LoadFresh, "CREATE into an empty database"
	if n > 0 {
		load, mode = synth.Load, fmt.Sprintf("MERGE next to %d nodes", n)
	}
	stats, err := load(ctx, st, *seed, sc, nil)
	if err != nil {
		return fmt.Errorf("load synthetic scale %s: %w", sc.Name, err)
	}
	fmt.Fprintf(stdout, "synthetic scale %s seed %d (%s): %d nodes, %d relationships in %s\n",
		sc.Name, *seed, mode, stats.Nodes, stats.Rels, stats.Elapsed.Round(1e6))
	return nil
}
