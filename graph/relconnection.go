package graph

// Relationship connections: `<field>Connection` beside every relationship
// list that takes `first`. A relationship list is read for the whole group
// of parent nodes in one batched statement (loader.Follow), filtered and
// ordered in Cypher, exactly as the plain list reads it; the connection then
// cuts the page out of each parent's list in the server. A parent's list is
// small next to a root list (the largest, an intergovernmental
// organization's membership spans, runs to a few hundred), so reading it
// whole costs little and gives an exact totalCount and pageInfo for free,
// and the plain list and the connection with the same `where` and `orderBy`
// share one read.

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// relArgs are a relationship connection's paging arguments.
type relArgs struct {
	first, last   *int
	after, before *string
}

// relItem is one item of a connection's page and its cursor.
type relItem[T any] struct {
	cursor string
	item   *T
	// other and k name the edge: the node at its other end, and which of
	// that node's edges in the list it is (from 0).
	other string
	k     int
}

// relCursorOrder is what a relationship connection's cursors record as
// their order: the relationship field and the orderBy, so a cursor of one
// list (or of a root list) is refused by another.
func relCursorOrder(spec store.EdgeSpec, q store.EdgeQuery) string {
	dir := "out"
	if spec.Dir == store.Incoming {
		dir = "in"
	}
	return "rel:" + string(spec.From) + ":" + string(spec.Type) + ":" + dir + ":" + string(spec.Other) + ":" +
		store.OrderSignature(spec.Other, q.Order)
}

// relPage reads the page of spec's edges from node id that a connection's
// arguments ask for, filtered and ordered by q, building each item with
// build (nil drops the edge). The arguments are checked like a root list's
// (pageArgs: the same limits, cursor decoding and error codes), and the
// window follows the Relay Cursor Connections specification: the cursors
// narrow the list, then first keeps its first items and last the last of
// those.
//
// A cursor names an edge by the node at its other end and, since an actor
// may hold several memberships of one organization, by which of that node's
// edges it is in the list. A cursor whose edge is no longer in the list (it
// was removed, or the cursor is from another `where`) is refused with
// BAD_USER_INPUT rather than silently restarting the list.
func relPage[T any](ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group, a relArgs, q store.EdgeQuery,
	build func(loader.Edge) *T) ([]relItem[T], model.Paged, error) {
	page, err := pageArgs(a.first, a.after, a.last, a.before)
	if err != nil {
		return nil, model.Paged{}, err
	}
	if err := checkDepth(q.Self, q.Other); err != nil {
		return nil, model.Paged{}, err
	}
	order := relCursorOrder(spec, q)
	for _, c := range []struct {
		name string
		cur  *store.Cursor
	}{{"after", page.After}, {"before", page.Before}} {
		if c.cur != nil && (c.cur.Order != order || len(c.cur.Keys) != 1) {
			return nil, model.Paged{}, badInput(c.name, "this cursor was made for another list or another orderBy")
		}
	}
	edges, err := r.loaders(ctx).Follow(ctx, spec, id, g, q, func() []store.Ahead { return relConnectionAhead(ctx, spec) })
	if err != nil {
		return nil, model.Paged{}, err
	}
	all := make([]relItem[T], 0, len(edges))
	seen := map[string]int{}
	afterAt, beforeAt := -1, -1
	for _, e := range edges {
		t := build(e)
		if t == nil {
			continue
		}
		other := e.Other.NodeID()
		k := seen[other]
		seen[other] = k + 1
		key := strconv.Itoa(k)
		if page.After != nil && page.After.ID == other && page.After.Keys[0] == key {
			afterAt = len(all)
		}
		if page.Before != nil && page.Before.ID == other && page.Before.Keys[0] == key {
			beforeAt = len(all)
		}
		all = append(all, relItem[T]{item: t, other: other, k: k})
	}
	start, end := 0, len(all)
	if page.After != nil {
		if afterAt < 0 {
			return nil, model.Paged{}, badInput("after", "no edge of this list has this cursor (it was removed, or the cursor was made with another where)")
		}
		start = afterAt + 1
	}
	if page.Before != nil {
		if beforeAt < 0 {
			return nil, model.Paged{}, badInput("before", "no edge of this list has this cursor (it was removed, or the cursor was made with another where)")
		}
		end = beforeAt
	}
	end = max(end, start)
	narrowed := end - start
	lo, hi := start, end
	if !page.OnlyLast {
		hi = min(hi, lo+page.First)
	}
	if page.HasLast {
		lo = max(lo, hi-page.Last)
	}
	info := &model.PageInfo{}
	// As for the root lists: a cursor proves that items exist on its
	// other side; first and last tell from the narrowed list.
	if page.HasLast {
		info.HasPreviousPage = narrowed > page.Last
	} else {
		info.HasPreviousPage = page.After != nil
	}
	if !page.OnlyLast {
		info.HasNextPage = narrowed > page.First
	} else {
		info.HasNextPage = page.Before != nil
	}
	// Only the page's cursors are encoded: the rest of the list is never sent.
	window := all[lo:hi]
	for i := range window {
		window[i].cursor = store.Cursor{Keys: []string{strconv.Itoa(window[i].k)}, ID: window[i].other, Order: order}.Encode()
	}
	if len(window) > 0 {
		info.StartCursor, info.EndCursor = &window[0].cursor, &window[len(window)-1].cursor
	}
	total := len(all)
	return window, model.Paged{PageInfo: info, Count: func(context.Context) (int, error) { return total, nil }}, nil
}

// relEdges makes a connection's edges from a page's items.
func relEdges[T, E any](items []relItem[T], mk func(cursor string, item *T) *E) []*E {
	out := make([]*E, 0, len(items))
	for _, it := range items {
		out = append(out, mk(it.cursor, it.item))
	}
	return out
}

// nodesQuery narrows a list of nodes at the other end of a relationship by
// where and orders it by order, as nodesAlong does.
func nodesQuery(where *store.Filter, order []store.SortKey) store.EdgeQuery {
	var q store.EdgeQuery
	if where != nil {
		addEnd(&q, sideOther, "", where)
	}
	q.Order = order
	return q
}

// otherNode builds the node at the other end as a *T.
func otherNode[T any](e loader.Edge) *T {
	t, _ := any(e.Other).(*T)
	return t
}

// relNodes is the connection of a relationship list whose items are the
// nodes at the other end (Initiative.eventsConnection, …).
func relNodes[T, E any](ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group, a relArgs,
	where *store.Filter, order []store.SortKey, mk func(cursor string, node *T) *E) ([]*E, model.Paged, error) {
	items, paged, err := relPage(ctx, r, spec, id, g, a, nodesQuery(where, order), otherNode[T])
	if err != nil {
		return nil, paged, err
	}
	return relEdges(items, mk), paged, nil
}

// Builders of the relationship objects of one parent, shared by its plain
// lists (fields.go, schema.resolvers.go) and its connections.

func membershipOf(self model.Actor) func(loader.Edge) *model.Membership {
	return func(e loader.Edge) *model.Membership {
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
	}
}

// memberOf builds the memberships of an initiative (initiative set) or an
// organization (organization set).
func memberOf(initiative *model.Initiative, organization *model.Organization) func(loader.Edge) *model.Membership {
	return func(e loader.Edge) *model.Membership {
		a, ok := e.Other.(model.Actor)
		if !ok {
			return nil
		}
		m := membership(e.Rel)
		m.Actor, m.Initiative, m.Organization = a, initiative, organization
		return m
	}
}

func participationOf(self model.Actor) func(loader.Edge) *model.Participation {
	return func(e loader.Edge) *model.Participation {
		ev, ok := e.Other.(*model.Event)
		if !ok {
			return nil
		}
		return &model.Participation{Role: model.Enum[model.ParticipationRole](e.Rel.Str("role")), Actor: self, Event: ev, Evidence: e.Rel.Evidence()}
	}
}

func participantOf(ev *model.Event) func(loader.Edge) *model.Participation {
	return func(e loader.Edge) *model.Participation {
		a, ok := e.Other.(model.Actor)
		if !ok {
			return nil
		}
		return &model.Participation{Role: model.Enum[model.ParticipationRole](e.Rel.Str("role")), Actor: a, Event: ev, Evidence: e.Rel.Evidence()}
	}
}

func signatureOf(self model.Actor) func(loader.Edge) *model.Signature {
	return func(e loader.Edge) *model.Signature {
		ag, ok := e.Other.(*model.Agreement)
		if !ok {
			return nil
		}
		s := signature(e.Rel)
		s.Actor, s.Agreement = self, ag
		return s
	}
}

func signatoryOf(ag *model.Agreement) func(loader.Edge) *model.Signature {
	return func(e loader.Edge) *model.Signature {
		a, ok := e.Other.(model.Actor)
		if !ok {
			return nil
		}
		s := signature(e.Rel)
		s.Actor, s.Agreement = a, ag
		return s
	}
}

// The connections every Actor has, shared by Country and Organization.

func actorMembershipsConnection(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, a relArgs,
	where *model.MembershipWhere, orderBy []*model.MembershipSort) (*model.MembershipConnection, error) {
	items, paged, err := relPage(ctx, r, store.ActorMemberships, self.NodeID(), g, a, membershipQuery(where, orderBy, sideSelf), membershipOf(self))
	if err != nil {
		return nil, err
	}
	return &model.MembershipConnection{Paged: paged, Edges: relEdges(items, func(c string, m *model.Membership) *model.MembershipEdge {
		var node model.MembershipGroup = m.Organization
		if m.Initiative != nil {
			node = m.Initiative
		}
		return &model.MembershipEdge{Membership: *m, Cursor: c, Node: node}
	})}, nil
}

func actorParticipationsConnection(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, a relArgs,
	where *model.ParticipationWhere, orderBy []*model.ParticipationSort) (*model.ParticipationConnection, error) {
	items, paged, err := relPage(ctx, r, store.ActorParticipations, self.NodeID(), g, a, participationQuery(where, orderBy, sideSelf), participationOf(self))
	if err != nil {
		return nil, err
	}
	return &model.ParticipationConnection{Paged: paged, Edges: relEdges(items, func(c string, p *model.Participation) *model.ParticipationEdge {
		return &model.ParticipationEdge{Participation: *p, Cursor: c, Node: p.Event}
	})}, nil
}

func actorSignaturesConnection(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, a relArgs,
	where *model.SignatureWhere, orderBy []*model.SignatureSort) (*model.SignatureConnection, error) {
	items, paged, err := relPage(ctx, r, store.ActorSignatures, self.NodeID(), g, a, signatureQuery(where, orderBy, sideSelf), signatureOf(self))
	if err != nil {
		return nil, err
	}
	return &model.SignatureConnection{Paged: paged, Edges: relEdges(items, func(c string, s *model.Signature) *model.SignatureEdge {
		return &model.SignatureEdge{Signature: *s, Cursor: c, Node: s.Agreement}
	})}, nil
}

// membersConnection is the members of an initiative or an organization.
func membersConnection(ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, g *model.Group, a relArgs,
	where *model.MembershipWhere, orderBy []*model.MembershipSort, build func(loader.Edge) *model.Membership) (*model.MemberConnection, error) {
	items, paged, err := relPage(ctx, r, spec, id, g, a, membershipQuery(where, orderBy, sideOther), build)
	if err != nil {
		return nil, err
	}
	return &model.MemberConnection{Paged: paged, Edges: relEdges(items, func(c string, m *model.Membership) *model.MemberEdge {
		return &model.MemberEdge{Membership: *m, Cursor: c, Node: m.Actor}
	})}, nil
}

// relConnectionAhead plans, from a relationship connection's selection
// (edges { node { … } } and, on relationship objects, the other end's own
// field), the relationship fields of the other ends to fetch in the same
// statement, as aheadOf does for a plain list.
func relConnectionAhead(ctx context.Context, spec store.EdgeSpec) []store.Ahead {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	var out []store.Ahead
	for _, e := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if e.Name != "edges" || e.Definition == nil {
			continue
		}
		edgeType := e.Definition.Type.Name()
		for _, f := range graphql.CollectFields(oc, e.Selections, []string{edgeType}) {
			if f.Definition == nil {
				continue
			}
			var types []string
			switch t := f.Definition.Type.Name(); {
			case f.Name == "node" && t == "MembershipGroup":
				types = []string{"Initiative", "Organization"}
			case f.Name == "node":
				types = []string{t}
			default:
				if other, ok := otherEnd[spec][f.Name]; ok {
					types = []string{other}
				}
			}
			for _, t := range types {
				out = mergeAhead(out, planNode(oc, t, f.Selections, maxAheadDepth))
			}
		}
	}
	return out
}
