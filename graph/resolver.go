// Package graph holds the GraphQL resolvers. They stay thin: arguments are
// checked, then the store (lists, lookups) or the per-request loaders
// (relationship fields) answer, and records become models. No Cypher here.
package graph

import (
	"context"
	"log/slog"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/store"
)

// Resolver is the dependency root of the API.
type Resolver struct {
	Store       *store.Store
	Logger      *slog.Logger
	CypherField CypherConfig // the analysts' read-only Cypher field (researchers.go)

	// brokers caches the betweenness scores behind Query.brokers (analytics.go).
	brokers scoreCache
	// influence caches the PageRank scores behind Query.influence (influence.go).
	influence scoreCache
	// votes holds the vote table and bloc partitions behind
	// votingAgreement, likeMinded and blocs (votetable.go).
	votes voteCache
}

// loaders returns the request's loaders (installed by the HTTP middleware),
// or fresh ones when a resolver runs outside one.
func (r *Resolver) loaders(ctx context.Context) *loader.Loaders {
	if l := loader.For(ctx); l != nil {
		return l
	}
	return loader.New(r.Store)
}
