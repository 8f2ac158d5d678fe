package graph

import (
	"context"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// Page sizes: lists default to DefaultPageSize items and refuse more than
// MaxPageSize; nested relationship lists default to DefaultNestedSize.
const (
	DefaultPageSize   = 20
	MaxPageSize       = 100
	DefaultNestedSize = 100
	MaxNestedSize     = 1000
)

// nestedLimit checks a nested list's `first` argument.
func nestedLimit(first *int) (int, error) {
	if first == nil {
		return DefaultNestedSize, nil
	}
	if *first < 0 {
		return 0, badInput("first", "must not be negative (got %d)", *first)
	}
	if *first > MaxNestedSize {
		return 0, badInput("first", "at most %d items per nested list (got %d)", MaxNestedSize, *first)
	}
	return *first, nil
}

// follow loads the other ends of spec from a node, as models of type T.
func follow[T any](ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group) ([]T, error) {
	edges, err := r.loaders(ctx).Follow(ctx, spec, id, g, store.EdgeQuery{})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(edges))
	for _, e := range edges {
		if t, ok := e.Other.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// edgesOf loads spec's edges from a node, filtered and ordered by q, up to
// first, and builds one relationship model per edge. Siblings share one
// batched Cypher statement per distinct q.
func edgesOf[T any](ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group, first *int, q store.EdgeQuery,
	build func(e loader.Edge) *T) ([]*T, error) {
	limit, err := nestedLimit(first)
	if err != nil {
		return nil, err
	}
	if err := checkDepth(q.Self, q.Other); err != nil {
		return nil, err
	}
	edges, err := r.loaders(ctx).Follow(ctx, spec, id, g, q)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, min(limit, len(edges)))
	for _, e := range edges {
		if len(out) == limit {
			break
		}
		if t := build(e); t != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// The relationship fields every Actor has, shared by Country and Organization.

func actorMemberships(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, first *int,
	where *model.MembershipWhere, orderBy []*model.MembershipSort) ([]*model.Membership, error) {
	q := membershipQuery(where, orderBy, sideSelf)
	return edgesOf(ctx, r, store.ActorMemberships, self.NodeID(), g, first, q, func(e loader.Edge) *model.Membership {
		m := membership(e.Rel)
		m.Actor = self
		switch o := e.Other.(type) {
		case *model.Initiative:
			m.Initiative = o
		case *model.Organization:
			m.Organization = o
		default:
			return nil
		}
		return m
	})
}

func actorParticipations(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, first *int,
	where *model.ParticipationWhere, orderBy []*model.ParticipationSort) ([]*model.Participation, error) {
	q := participationQuery(where, orderBy, sideSelf)
	return edgesOf(ctx, r, store.ActorParticipations, self.NodeID(), g, first, q, func(e loader.Edge) *model.Participation {
		ev, ok := e.Other.(*model.Event)
		if !ok {
			return nil
		}
		return &model.Participation{Role: e.Rel.Str("role"), Actor: self, Event: ev, Evidence: e.Rel.Evidence()}
	})
}

func actorSignatures(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, first *int,
	where *model.SignatureWhere, orderBy []*model.SignatureSort) ([]*model.Signature, error) {
	q := signatureQuery(where, orderBy, sideSelf)
	return edgesOf(ctx, r, store.ActorSignatures, self.NodeID(), g, first, q, func(e loader.Edge) *model.Signature {
		a, ok := e.Other.(*model.Agreement)
		if !ok {
			return nil
		}
		s := signature(e.Rel)
		s.Actor, s.Agreement = self, a
		return s
	})
}

func membership(rel model.RelProps) *model.Membership {
	return &model.Membership{Role: rel.Str("role"), Since: rel.Date("since"), Until: rel.Date("until"), Evidence: rel.Evidence()}
}

func signature(rel model.RelProps) *model.Signature {
	return &model.Signature{Signed: rel.Date("signed"), Ratified: rel.Date("ratified"), Method: rel.Str("method"), Evidence: rel.Evidence()}
}

// nodesAlong follows spec to the nodes at its other end, filtered by where
// and ordered by order inside the batched Cypher, up to first.
func nodesAlong[T any](ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group,
	first *int, where *store.Filter, order []store.SortKey) ([]*T, error) {
	var q store.EdgeQuery
	if where != nil {
		if err := checkDepth(*where); err != nil {
			return nil, err
		}
		addEnd(&q, sideOther, "", where)
	}
	q.Order = order
	return edgesOf(ctx, r, spec, id, g, first, q, func(e loader.Edge) *T {
		t, _ := any(e.Other).(*T)
		return t
	})
}
