package graph

// The cache of influence scores behind Query.influence: PageRank on the
// projection brokers use (store.LoadProjection), with the same freshness
// rule (recomputed when the graph's counts change, and at least every
// BrokersMaxAge) and the same stale-while-recomputing behaviour.

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph/centrality"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

type influenceEntry struct {
	at          time.Time
	nodes, rels int
	scores      []brokerScore // actors only, best first
}

// influenceCache holds the last influence scores; the zero value is ready
// to use. It works like brokerCache: a request with no scores yet waits
// for the computation until its own deadline; one with stale scores gets
// them at once while fresh ones are computed; one computation at a time.
type influenceCache struct {
	mu      sync.Mutex
	entry   *influenceEntry
	running chan struct{}
	lastErr error
}

func (c *influenceCache) get(ctx context.Context, st *store.Store) (*influenceEntry, error) {
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e := c.entry
	if e != nil && e.nodes == nodes && e.rels == rels && time.Since(e.at) < BrokersMaxAge {
		c.mu.Unlock()
		return e, nil
	}
	if c.running == nil {
		done := make(chan struct{})
		c.running = done
		go func() {
			fresh, err := computeInfluence(context.WithoutCancel(ctx), st, nodes, rels)
			c.mu.Lock()
			if err == nil {
				c.entry = fresh
			}
			c.lastErr = err
			c.running = nil
			c.mu.Unlock()
			close(done)
		}()
	}
	running := c.running
	c.mu.Unlock()
	if e != nil {
		return e, nil
	}
	select {
	case <-running:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entry == nil {
		return nil, c.lastErr
	}
	return c.entry, nil
}

// computeInfluence loads the projection and ranks its actors by PageRank
// (ties: degree, then id).
func computeInfluence(ctx context.Context, st *store.Store, nodes, rels int) (*influenceEntry, error) {
	p, err := st.LoadProjection(ctx, store.Scope{})
	if err != nil {
		return nil, fmt.Errorf("influence projection: %w", err)
	}
	ranks := centrality.PageRank(p.Adj)
	e := &influenceEntry{at: time.Now(), nodes: nodes, rels: rels}
	for i, id := range p.ActorIDs {
		if id != "" {
			e.scores = append(e.scores, brokerScore{id: id, kind: p.ActorKinds[i], score: ranks[i], degree: len(p.Adj[i])})
		}
	}
	sort.Slice(e.scores, func(i, j int) bool {
		a, b := e.scores[i], e.scores[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.degree != b.degree {
			return a.degree > b.degree
		}
		return a.id < b.id
	})
	return e, nil
}

// topInfluence picks the first n scores (of kind, when given) and loads
// their actors in one round trip; actors deleted since the computation
// are skipped.
func topInfluence(ctx context.Context, st *store.Store, e *influenceEntry, n int, kind *model.ActorKind) ([]*model.ActorInfluence, error) {
	var top []brokerScore
	for _, s := range e.scores {
		if len(top) == n {
			break
		}
		if kind == nil || s.kind == string(*kind) {
			top = append(top, s)
		}
	}
	ids := make([]string, 0, len(top))
	for _, s := range top {
		ids = append(ids, s.id)
	}
	nodes, err := st.NodesByIDs(ctx, store.LabelActor, ids)
	if err != nil {
		return nil, err
	}
	list := make([]store.Node, 0, len(ids))
	for _, id := range ids {
		if nd, ok := nodes[id]; ok {
			list = append(list, nd)
		}
	}
	g := model.NewGroup(list)
	at := e.at.UTC().Format(time.RFC3339)
	out := make([]*model.ActorInfluence, 0, len(top))
	for _, s := range top {
		nd, ok := nodes[s.id]
		if !ok {
			continue
		}
		a, _ := model.FromNode(nd, g).(model.Actor)
		out = append(out, &model.ActorInfluence{Actor: a, Score: s.score, Degree: s.degree, ComputedAt: at, Exact: true})
	}
	return out, nil
}
