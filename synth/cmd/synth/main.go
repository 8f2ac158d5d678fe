// Command synth loads a deterministic synthetic graph into Neo4j and can
// measure the coalition analytics fields on it.
//
//	go run ./synth/cmd/synth -scale M -reset            # load (deletes the database first)
//	go run ./synth/cmd/synth -scale M -load=false -measure 50   # p50/p95 of each analytics field
//
// Connection: NEO4J_URI (default bolt://127.0.0.1:7687), NEO4J_USER,
// NEO4J_PASSWORD, NEO4J_DATABASE. It refuses to write into a database that
// is not empty unless -reset is given.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	scaleName := fs.String("scale", "S", "graph size: tiny, S (~10k nodes), M (~100k nodes, >1M relationships) or L")
	seed := fs.Int64("seed", 1, "random seed: the same seed and scale give the same graph")
	reset := fs.Bool("reset", false, "delete every node and relationship first")
	load := fs.Bool("load", true, "load the graph (false: only measure an already loaded one)")
	measure := fs.Int("measure", 0, "after loading, run each analytics field this many times and print p50/p95")
	only := fs.String("fields", "", "with -measure: only the fields whose name contains this")
	merge := fs.Bool("merge", false, "write with MERGE (store.WriteGraph, idempotent) instead of CREATE into the empty database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, err := synth.ParseScale(*scaleName)
	if err != nil {
		return err
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
		return err
	}
	defer driver.Close(ctx)
	st := store.New(driver, store.Options{Database: getenv("NEO4J_DATABASE")})
	if err := st.Ping(ctx); err != nil {
		return fmt.Errorf("neo4j at %s: %w", uri, err)
	}

	if *load {
		if *reset {
			fmt.Fprintln(stderr, "deleting the database's nodes and relationships…")
			if err := st.DeleteRelationships(ctx); err != nil {
				return err
			}
			if err := st.DeleteAll(ctx); err != nil {
				return err
			}
		} else if n, _, err := st.Counts(ctx); err != nil {
			return err
		} else if n > 0 {
			return errors.New("the database is not empty: pass -reset to delete it first")
		}
		if err := st.EnsureSchema(ctx); err != nil {
			return err
		}
		loadFn := synth.LoadFresh
		if *merge {
			loadFn = synth.Load
		}
		stats, err := loadFn(ctx, st, *seed, sc, progressBar(stderr))
		if err != nil {
			return err
		}
		mode := "CREATE"
		if *merge {
			mode = "MERGE"
		}
		fmt.Fprintf(stdout, "loaded (%s) scale %s seed %d: %d nodes, %d relationships in %s (%.0f relationships/s)\n",
			mode, sc.Name, *seed, stats.Nodes, stats.Rels, stats.Elapsed.Round(time.Millisecond), float64(stats.Rels)/stats.Elapsed.Seconds())
	}
	if *measure > 0 {
		return measureFields(ctx, st, sc, *measure, *only, stdout)
	}
	return nil
}

// progressBar draws a bar on a terminal, and prints nothing otherwise.
func progressBar(w io.Writer) synth.Progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, total synth.Counts, elapsed time.Duration) {
		all, now := total.Nodes+total.Rels, done.Nodes+done.Rels
		const width = 40
		n := width * now / max(all, 1)
		fmt.Fprintf(f, "\r[%s%s] %3d%%  %d/%d nodes  %d/%d relationships  %s ", strings.Repeat("#", n), strings.Repeat(" ", width-n),
			100*now/max(all, 1), done.Nodes, total.Nodes, done.Rels, total.Rels, elapsed.Round(time.Second))
		if now == all {
			fmt.Fprintln(f)
		}
	}
}

// field is one analytics query with its variables drawn per run.
type field struct {
	name  string
	query string
	vars  func(r *rand.Rand) map[string]any
}

func measureFields(ctx context.Context, st *store.Store, sc synth.Scale, runs int, only string, stdout io.Writer) error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: st, Logger: logger}}))
	h.AddTransport(transport.POST{})
	h.SetErrorPresenter(graph.ErrorPresenter(logger, func(context.Context) string { return "" }))
	actor := func(r *rand.Rand) string {
		if r.Intn(2) == 0 {
			return synth.CountryID(r.Intn(sc.Countries))
		}
		return synth.OrganizationID(r.Intn(sc.Organizations))
	}
	fields := []field{
		{"neighborhood depth 1", `query($id: ID!) { neighborhood(id: $id) { nodes { nodeId } edges { id } truncated } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"id": actor(r)} }},
		{"neighborhood depth 2", `query($id: ID!) { neighborhood(id: $id, depth: 2) { nodes { nodeId label name } edges { id type source target } truncated } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"id": actor(r)} }},
		{"connectionPath", `query($a: ID!, $b: ID!) { connectionPath(from: $a, to: $b) { length nodes { nodeId } edges { id } } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"a": actor(r), "b": actor(r)} }},
		{"connectionPath allShortest", `query($a: ID!, $b: ID!) { connectionPath(from: $a, to: $b, allShortest: true) { length routes truncated } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"a": actor(r), "b": actor(r)} }},
		{"potentialPartners", `query($id: ID!) { potentialPartners(initiativeId: $id) { actor { id } score reasons } }`,
			func(r *rand.Rand) map[string]any {
				return map[string]any{"id": synth.InitiativeID(r.Intn(sc.Initiatives))}
			}},
		{"coParticipants", `query($id: ID!) { coParticipants(actorId: $id) { actor { id } count events { id } } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"id": actor(r)} }},
		{"coParticipants (hub country)", `query($id: ID!) { coParticipants(actorId: $id) { actor { id } count events { id } } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"id": synth.CountryID(r.Intn(3))} }},
		{"sharedIssueAreas", `query($a: ID!, $b: ID!) { sharedIssueAreas(a: $a, b: $b) { id } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"a": actor(r), "b": actor(r)} }},
		{"commonGround (3 actors)", `query($ids: [ID!]!) { commonGround(ids: $ids) { issueAreas { id } events { id } agreements { id } initiatives { id } } }`,
			func(r *rand.Rand) map[string]any {
				return map[string]any{"ids": []string{actor(r), actor(r), actor(r)}}
			}},
		{"coalition asOf", `query($id: ID!) { coalition(initiativeId: $id, asOf: "2005-06-01") { role actor { id } } }`,
			func(r *rand.Rand) map[string]any {
				return map[string]any{"id": synth.InitiativeID(r.Intn(sc.Initiatives))}
			}},
		{"timeline (actor, 2000-2005)", `query($id: ID) { timeline(actorId: $id, from: "2000", to: "2005") { id } }`,
			func(r *rand.Rand) map[string]any { return map[string]any{"id": actor(r)} }},
		{"brokers (cached)", `{ brokers { actor { id } score degree } }`, func(*rand.Rand) map[string]any { return nil }},
	}
	// The first brokers call computes the scores: time it on its own.
	if only == "" || strings.Contains("brokers", only) {
		start := time.Now()
		if err := post(ctx, h, `{ brokers(first: 1) { score computedAt exact } }`, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "brokers first computation (projection load + Brandes): %s\n", time.Since(start).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "%-32s %8s %8s %8s %8s\n", "field", "p50 ms", "p95 ms", "max ms", "runs")
	for _, f := range fields {
		if only != "" && !strings.Contains(f.name, only) {
			continue
		}
		r := rand.New(rand.NewSource(42))
		// Two warm-up runs let Neo4j plan and cache the statements.
		for i := 0; i < 2; i++ {
			if err := post(ctx, h, f.query, f.vars(r)); err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
		}
		var ds []time.Duration
		for i := 0; i < runs; i++ {
			v := f.vars(r)
			t := time.Now()
			if err := post(ctx, h, f.query, v); err != nil {
				return fmt.Errorf("%s %v: %w", f.name, v, err)
			}
			ds = append(ds, time.Since(t))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Fprintf(stdout, "%-32s %8.1f %8.1f %8.1f %8d\n", f.name, ms(ds[len(ds)/2]), ms(ds[(len(ds)*95+99)/100-1]), ms(ds[len(ds)-1]), runs)
	}
	return nil
}

func post(ctx context.Context, h http.Handler, query string, vars map[string]any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return fmt.Errorf("status %d: %w", rec.Code, err)
	}
	if len(resp.Errors) > 0 {
		return fmt.Errorf("%s", resp.Errors[0])
	}
	return nil
}
