// Package loader batches relationship reads for one GraphQL request.
//
// Rather than waiting a few milliseconds to collect keys (which splits
// batches when a large list resolves slowly), every node remembers the
// group it was loaded with (model.Group). The first time a relationship
// field is asked of any member, the loader fetches that relationship for
// the whole group in one Cypher statement and caches the answer for the
// rest. A query's round trips are therefore bounded by the number of
// (list, relationship field) pairs in its selection, never by its rows.
package loader

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

type ctxKey struct{}

// Loaders is per request: it must not outlive the request, so cached
// answers are never stale across requests.
type Loaders struct {
	store *store.Store
	mu    sync.Mutex
	edges map[edgeKey]*edgeCall
	// batches holds the answers of Batch (batch.go).
	batches map[batchKey]*batchCall
	// sources holds every Source node once Source (sources.go) is asked.
	sources *batchCall
}

type edgeKey struct {
	spec  store.EdgeSpec
	group *model.Group
	query string // the EdgeQuery, canonical JSON; "" for none
}

type edgeCall struct {
	done     chan struct{}
	res      map[string][]store.Edge
	children *model.Group
	err      error
}

// New makes the loaders of one request.
func New(s *store.Store) *Loaders {
	return &Loaders{store: s, edges: map[edgeKey]*edgeCall{}}
}

// With stores the request's loaders in its context.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders. Outside a request (a test calling a
// resolver directly) it returns nil; callers then use Edges on a fresh one.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// Edges returns the edges of spec from node id, fetching them for id's
// whole group on first use. A nil group means the node was loaded alone.
// The returned group holds the other ends of the whole batch, so the next
// level of the query batches across all parents too.
//
// q filters and orders the edges; siblings asking with the same q share one
// batch, so round trips are one per (list, field, arguments).
//
// plan, when not nil, names relationship fields of the other ends that the
// query asks for next (it is called only when the batch is fetched): they
// come in the same statement and are cached as if each had been asked
// for, so their resolvers find them without a round trip.
func (l *Loaders) Edges(ctx context.Context, spec store.EdgeSpec, id string, group *model.Group, q store.EdgeQuery, plan func() []store.Ahead) ([]store.Edge, *model.Group, error) {
	if group == nil {
		group = &model.Group{IDs: []string{id}}
	}
	k := edgeKey{spec: spec, group: group}
	if !q.IsZero() {
		b, err := json.Marshal(q)
		if err != nil {
			return nil, nil, err
		}
		k.query = string(b)
	}
	l.mu.Lock()
	c, ok := l.edges[k]
	if !ok {
		c = &edgeCall{done: make(chan struct{})}
		l.edges[k] = c
	}
	l.mu.Unlock()
	if !ok {
		var aheads []store.Ahead
		if plan != nil {
			aheads = plan()
		}
		c.res, c.err = l.store.Edges(ctx, spec, group.IDs, q, aheads...)
		if c.err == nil {
			var others []store.Node
			var all []store.Edge
			for _, es := range c.res {
				for _, e := range es {
					others = append(others, e.Other)
				}
				all = append(all, es...)
			}
			c.children = model.NewGroup(others)
			l.stash(all, c.children, aheads)
		}
		close(c.done)
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if c.err != nil {
		return nil, nil, c.err
	}
	return c.res[id], c.children, nil
}

// stash caches what was fetched ahead: for each ahead, the edges from every
// node at the other end of edges (whose models carry group), under the key
// the ahead field's own resolver will ask with (no filter), then the next
// level the same way.
func (l *Loaders) stash(edges []store.Edge, group *model.Group, aheads []store.Ahead) {
	for i, a := range aheads {
		res := make(map[string][]store.Edge, len(edges))
		var others []store.Node
		var next []store.Edge
		for _, e := range edges {
			id := e.Other.ID()
			if _, seen := res[id]; seen || i >= len(e.Ahead) {
				continue
			}
			res[id] = e.Ahead[i]
			for _, x := range e.Ahead[i] {
				others = append(others, x.Other)
			}
			next = append(next, e.Ahead[i]...)
		}
		c := &edgeCall{done: make(chan struct{}), res: res, children: model.NewGroup(others)}
		close(c.done)
		k := edgeKey{spec: a.Spec, group: group}
		l.mu.Lock()
		_, taken := l.edges[k]
		if !taken {
			l.edges[k] = c
		}
		l.mu.Unlock()
		if !taken {
			l.stash(next, c.children, a.Ahead)
		}
	}
}

// Prefetched caches aheads that came with nodes (a root list's page, a
// lookup): ahead[i] holds node i's edges for each of aheads. The nodes'
// models must carry group.
func (l *Loaders) Prefetched(group *model.Group, nodes []store.Node, ahead [][][]store.Edge, aheads []store.Ahead) {
	if len(aheads) == 0 || len(ahead) != len(nodes) {
		return
	}
	edges := make([]store.Edge, len(nodes))
	for i, n := range nodes {
		edges[i] = store.Edge{Other: n, Ahead: ahead[i]}
	}
	l.stash(edges, group, aheads)
}

// Edge is one relationship from the node asked about: its properties and
// the model of the node at the other end.
type Edge struct {
	Rel   model.RelProps
	Other model.Node
}

// Follow returns spec's edges from id with the other ends as models.
func (l *Loaders) Follow(ctx context.Context, spec store.EdgeSpec, id string, group *model.Group, q store.EdgeQuery, plan func() []store.Ahead) ([]Edge, error) {
	edges, children, err := l.Edges(ctx, spec, id, group, q, plan)
	if err != nil {
		return nil, err
	}
	out := make([]Edge, 0, len(edges))
	for _, e := range edges {
		if m := model.FromNode(e.Other, children); m != nil {
			out = append(out, Edge{Rel: model.Rel(e.Props), Other: m})
		}
	}
	return out, nil
}
