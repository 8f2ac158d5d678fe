package graph

// Influence scores behind Query.influence: PageRank on the projection
// brokers use (store.LoadProjection), kept in a scoreCache like the broker
// scores, so with the same freshness rule (recomputed when the graph's
// counts change, and at least every BrokersMaxAge) and the same
// stale-while-recomputing behaviour.

import (
	"context"
	"fmt"

	"github.com/lysoen/lysoen/graph/centrality"
	"github.com/lysoen/lysoen/graph/store"
)

// computeInfluence loads the projection and ranks its actors by PageRank
// (ties: degree, then id). PageRank is never sampled: exact is true.
func computeInfluence(ctx context.Context, st *store.Store, sc store.Scope, nodes, rels int) (*brokerEntry, error) {
	p, err := st.LoadProjection(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("influence projection: %w", err)
	}
	return rankActors(p, centrality.PageRank(p.Adj), sc, nodes, rels, true), nil
}
