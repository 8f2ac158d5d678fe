package graph

// The caps and timeouts of the analytics fields, on a synthetic graph
// (synth.ScaleTiny: hub countries and organizations with many events).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

	t.Run("partners: checking only the candidates that can reach the answer keeps the exact ranking", func(t *testing.T) {
		// potentialPartners checks issue areas only for the candidates whose
		// base score (events, agreements, sought) is within the issue-area
		// points of the answer. first: 100 checks every candidate of the tiny
		// graph (80 actors), so its first k rows are the exact top k: the
		// answer for first: k must be the same rows, scores and facts.
		ctx := context.Background()
		key := func(c store.PartnerCandidate) string {
			s := fmt.Sprintf("%s %v", c.Actor.ID(), c.Score)
			for _, f := range c.Facts {
				s += fmt.Sprintf(" [%s %s %s %v]", f.Kind, f.Node.ID(), f.Status, f.With)
			}
			return s
		}
		unchecked := 0
		for i := 0; i < synth.ScaleTiny.Initiatives; i++ {
			id := synth.InitiativeID(i)
			all, caps, err := st.PotentialPartners(ctx, id, 100, nil, store.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			if caps.Unchecked != 0 {
				t.Fatalf("%s, first 100: %d candidates unchecked", id, caps.Unchecked)
			}
			for _, k := range []int{1, 2, 3, 5, 10} {
				got, caps, err := st.PotentialPartners(ctx, id, k, nil, store.Scope{})
				if err != nil {
					t.Fatal(err)
				}
				unchecked += caps.Unchecked
				if caps.Unchecked > 0 {
					continue // reported as capped; the ranking may differ
				}
				want := all[:min(k, len(all))]
				if len(got) != len(want) {
					t.Fatalf("%s, first %d: %d rows, want %d", id, k, len(got), len(want))
				}
				for j := range want {
					if key(got[j]) != key(want[j]) {
						t.Fatalf("%s, first %d, row %d:\n got %s\nwant %s", id, k, j, key(got[j]), key(want[j]))
					}
				}
			}
		}
		t.Logf("%d candidates left unchecked over all initiatives and firsts", unchecked)
	})

	t.Run("partners: candidates left unchecked are reported", func(t *testing.T) {
		// An initiative (one issue area, one member) whose member met 25
		// organizations at one event that does not address the issue area:
		// all 25 score 3 and each could still earn the issue-area point, so
		// all 25 could reach the first place. With first: 1, PartnerPool(1)
		// = 12 of them are checked for the issue area: the top one and 11
		// more; the other 13 are reported in the extensions.
		a := a.on(t)
		g := store.GraphWrite{
			Nodes: []store.NodeWrite{
				{Label: store.LabelInitiative, ID: "initiative:test-pool", Props: map[string]any{"name": "Pool test initiative"}},
				{Label: store.LabelIssueArea, ID: "issue:test-pool", Props: map[string]any{"name": "Pool test issue"}},
				{Label: store.LabelEvent, ID: "event:test-pool", Props: map[string]any{"name": "Pool test event", "startDate": "2001-01-01"}},
				{Label: store.LabelOrganization, ID: "org:test-pool-member", Props: map[string]any{"name": "Pool test member", "kind": "NGO"}},
			},
			Rels: []store.RelWrite{
				{Type: store.RelAddresses, From: "initiative:test-pool", FromLabel: store.LabelInitiative, To: "issue:test-pool", ToLabel: store.LabelIssueArea},
				{Type: store.RelMemberOf, From: "org:test-pool-member", FromLabel: store.LabelOrganization, To: "initiative:test-pool", ToLabel: store.LabelInitiative},
				{Type: store.RelParticipatedIn, From: "org:test-pool-member", FromLabel: store.LabelOrganization, To: "event:test-pool", ToLabel: store.LabelEvent},
			},
		}
		for k := 0; k < 25; k++ {
			id := fmt.Sprintf("org:test-pool-%02d", k)
			g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelOrganization, ID: id, Props: map[string]any{"name": fmt.Sprintf("Pool test organization %02d", k), "kind": "NGO"}})
			g.Rels = append(g.Rels, store.RelWrite{Type: store.RelParticipatedIn, From: id, FromLabel: store.LabelOrganization, To: "event:test-pool", ToLabel: store.LabelEvent})
		}
		if _, err := st.WriteGraph(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(map[string]any{"query": `{ potentialPartners(initiativeId: "initiative:test-pool", first: 1) { actor { id } score } }`})
		resp, err := http.Post(a.srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				PotentialPartners []struct {
					Actor struct{ ID string }
					Score float64
				}
			}
			Extensions map[string]map[string]any
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if pp := r.Data.PotentialPartners; len(pp) != 1 || pp[0].Actor.ID != "org:test-pool-00" || pp[0].Score != 3 {
			t.Fatalf("partners %+v, want org:test-pool-00 with 3", pp)
		}
		capped := r.Extensions["capped.potentialPartners"]
		if capped["candidatesChecked"] != float64(store.PartnerPool(1)) || capped["candidatesUnchecked"] != float64(13) {
			t.Fatalf("extensions %v, want 12 candidates checked and 13 unchecked", r.Extensions)
		}
	})

	t.Run("a request whose time is up is cancelled, not failed", func(t *testing.T) {
		// The request context reaches the driver: a client deadline that has
		// passed ends the traversal with TIMEOUT.
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		r := &Resolver{Store: st}
		depth, limit := 3, store.MaxNeighborhoodLimit
		_, err := r.Query().Neighborhood(ctx, hub, &depth, nil, &limit, nil, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want a deadline error", err)
		}
		gqlErr := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "" })(context.Background(), err)
		if gqlErr.Extensions["code"] != CodeTimeout {
			t.Fatalf("presented as %v, want TIMEOUT", gqlErr.Extensions)
		}
	})
}
