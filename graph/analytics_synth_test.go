package graph

// The caps and timeouts of the analytics fields, on a synthetic graph
// (synth.ScaleTiny: hub countries and organizations with many events).

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/synth"
)

func TestAnalyticsCapsOnSyntheticGraph(t *testing.T) {
	st := testdb.Open(t)
	testdb.Reset(t, st)
	stats, err := synth.Load(context.Background(), st, 1, synth.ScaleTiny, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := synth.Count(1, synth.ScaleTiny); stats.Counts != want {
		t.Fatalf("loaded %+v, generated %+v", stats.Counts, want)
	}
	nodes, rels, err := st.Counts(context.Background())
	if err != nil || nodes != stats.Nodes || rels != stats.Rels {
		t.Fatalf("database holds %d nodes, %d relationships (%v); loaded %+v", nodes, rels, err, stats.Counts)
	}
	a := newAPI(t, st)
	hub := synth.CountryID(0) // the generator's busiest country

	t.Run("neighborhood size cap", func(t *testing.T) {
		a := a.on(t)
		var d struct{ Neighborhood subgraph }
		a.ok(neighborhoodQ, map[string]any{"id": hub, "depth": 3, "limit": 20}, &d)
		if len(d.Neighborhood.Nodes) != 20 || !d.Neighborhood.Truncated {
			t.Fatalf("depth 3, limit 20: %d nodes, truncated=%v", len(d.Neighborhood.Nodes), d.Neighborhood.Truncated)
		}
		if len(d.Neighborhood.Edges) > 5*20 {
			t.Fatalf("%d edges for 20 nodes, cap is 100", len(d.Neighborhood.Edges))
		}
		in := map[string]bool{}
		for _, n := range d.Neighborhood.Nodes {
			in[n.ID] = true
		}
		for _, e := range d.Neighborhood.Edges {
			if !in[e.Source] || !in[e.Target] {
				t.Fatalf("edge %s leaves the subgraph", e.ID)
			}
		}
		// The whole tiny graph is within depth 3 of the hub, but the answer
		// stops at the maximum limit and says so.
		a.ok(neighborhoodQ, map[string]any{"id": hub, "depth": 3, "limit": store.MaxNeighborhoodLimit}, &d)
		if len(d.Neighborhood.Nodes) > store.MaxNeighborhoodLimit || len(d.Neighborhood.Edges) > 5*store.MaxNeighborhoodLimit {
			t.Fatalf("%d nodes, %d edges beyond the caps", len(d.Neighborhood.Nodes), len(d.Neighborhood.Edges))
		}
	})

	t.Run("path and list caps", func(t *testing.T) {
		a := a.on(t)
		var p struct {
			ConnectionPath *struct {
				Length int
				Routes [][]string
			}
		}
		a.ok(`query($a: ID!, $b: ID!) { connectionPath(from: $a, to: $b, allShortest: true, maxHops: 10) { length routes } }`,
			map[string]any{"a": synth.CountryID(5), "b": synth.OrganizationID(50)}, &p)
		if p.ConnectionPath == nil || len(p.ConnectionPath.Routes) == 0 || len(p.ConnectionPath.Routes) > store.MaxShortestPaths {
			t.Fatalf("allShortest: %+v", p.ConnectionPath)
		}
		for _, r := range p.ConnectionPath.Routes {
			if len(r) != p.ConnectionPath.Length+1 || r[0] != synth.CountryID(5) || r[len(r)-1] != synth.OrganizationID(50) {
				t.Fatalf("route %v does not run from the one end to the other in %d hops", r, p.ConnectionPath.Length)
			}
		}
		var pp struct{ PotentialPartners []struct{ Score float64 } }
		a.ok(`query($id: ID!) { potentialPartners(initiativeId: $id, first: 100) { score } }`, map[string]any{"id": synth.InitiativeID(0)}, &pp)
		if len(pp.PotentialPartners) == 0 || len(pp.PotentialPartners) > 100 {
			t.Fatalf("%d partners", len(pp.PotentialPartners))
		}
		for i := 1; i < len(pp.PotentialPartners); i++ {
			if pp.PotentialPartners[i].Score > pp.PotentialPartners[i-1].Score {
				t.Fatal("partners are not ranked by score")
			}
		}
		var b struct{ Brokers []struct{ Score float64 } }
		a.ok(`{ brokers(first: 100) { score } }`, nil, &b)
		if len(b.Brokers) != 80 { // 20 countries + 60 organizations
			t.Fatalf("%d brokers, want every one of the 80 actors", len(b.Brokers))
		}
		errs := a.do(`{ neighborhood(id: "`+hub+`", depth: 4) { truncated } }`, nil, nil)
		if len(errs) != 1 || errs[0].Extensions["argument"] != "depth" {
			t.Fatalf("depth 4: %+v", errs)
		}
	})

	t.Run("a request whose time is up is cancelled, not failed", func(t *testing.T) {
		// The request context reaches the driver: a client deadline that has
		// passed ends the traversal with TIMEOUT.
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		r := &Resolver{Store: st}
		depth, limit := 3, store.MaxNeighborhoodLimit
		_, err := r.Query().Neighborhood(ctx, hub, &depth, nil, &limit)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want a deadline error", err)
		}
		gqlErr := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "" })(context.Background(), err)
		if gqlErr.Extensions["code"] != CodeTimeout {
			t.Fatalf("presented as %v, want TIMEOUT", gqlErr.Extensions)
		}
	})
}
