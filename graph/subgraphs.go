package graph

// The subgraphs the analytics fields return, as functions of the store, so
// the file exports (internal/export) read exactly what the GraphQL fields
// read: the same argument checks, defaults, caps and date rule.

import (
	"context"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// NeighborhoodOf is the `neighborhood` field's read: depth (default 1) and
// limit (default DefaultNeighborhoodLimit) checked against the store's caps.
// properties asks for every property of nodes and relationships.
func NeighborhoodOf(ctx context.Context, st *store.Store, id string, depth, limit *int, types []model.RelationshipType, asOf *model.Date, scope *model.Scope, properties bool) (store.Subgraph, error) {
	if err := idArg("id", id); err != nil {
		return store.Subgraph{}, err
	}
	d, err := intArg("depth", depth, 1, 1, store.MaxNeighborhoodDepth)
	if err != nil {
		return store.Subgraph{}, err
	}
	n, err := intArg("limit", limit, DefaultNeighborhoodLimit, 1, store.MaxNeighborhoodLimit)
	if err != nil {
		return store.Subgraph{}, err
	}
	sc, err := scopeArg(asOf, scope, types)
	if err != nil {
		return store.Subgraph{}, err
	}
	return st.Neighborhood(ctx, store.NeighborhoodQuery{ID: id, Depth: d, Types: relTypes(types), Limit: n, Properties: properties, Scope: sc})
}

// PathBetween is the `connectionPath` field's read; nil when no path lies
// within maxHops (default DefaultPathHops).
func PathBetween(ctx context.Context, st *store.Store, from, to string, maxHops *int, types []model.RelationshipType, asOf *model.Date, scope *model.Scope, all bool) (*store.PathResult, error) {
	if err := idArg("from", from); err != nil {
		return nil, err
	}
	if err := idArg("to", to); err != nil {
		return nil, err
	}
	if from == to {
		return nil, badInput("to", "must differ from `from` (both are %q)", from)
	}
	hops, err := intArg("maxHops", maxHops, DefaultPathHops, 1, store.MaxPathHops)
	if err != nil {
		return nil, err
	}
	sc, err := scopeArg(asOf, scope, types)
	if err != nil {
		return nil, err
	}
	return st.ShortestPath(ctx, from, to, hops, relTypes(types), all, sc)
}

// CoalitionAt is the `coalition` field's read: the MEMBER_OF rows into the
// initiative (or organization) that hold at asOf (every row when asOf is
// nil), by the scope's rule of time (graph/store/scope.go). capped is true
// when the group has more memberships than the store reads
// (store.MaxCoalitionRows).
func CoalitionAt(ctx context.Context, st *store.Store, initiativeID string, asOf *model.Date) (rows []store.MembershipRow, capped bool, err error) {
	if err := idArg("initiativeId", initiativeID); err != nil {
		return nil, false, err
	}
	sc, err := scopeArg(asOf, nil, nil)
	if err != nil {
		return nil, false, err
	}
	rows, err = st.Members(ctx, initiativeID, sc)
	if err != nil {
		return nil, false, err
	}
	return rows, len(rows) >= store.MaxCoalitionRows, nil
}

// BadArgument is bad input for the named argument, reported as the GraphQL
// fields report theirs (BAD_USER_INPUT with extensions.argument).
func BadArgument(arg, format string, a ...any) error { return badInput(arg, format, a...) }
