package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

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
	edges, err := r.loaders(ctx).Follow(ctx, spec, id, g, store.EdgeQuery{}, nil)
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
	edges, err := r.loaders(ctx).Follow(ctx, spec, id, g, q, func() []store.Ahead { return aheadOf(ctx, spec) })
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
	return edgesOf(ctx, r, store.ActorMemberships, self.NodeID(), g, first, q, membershipOf(self))
}

func actorParticipations(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, first *int,
	where *model.ParticipationWhere, orderBy []*model.ParticipationSort) ([]*model.Participation, error) {
	q := participationQuery(where, orderBy, sideSelf)
	return edgesOf(ctx, r, store.ActorParticipations, self.NodeID(), g, first, q, participationOf(self))
}

func actorSignatures(ctx context.Context, r *Resolver, self model.Actor, g *model.Group, first *int,
	where *model.SignatureWhere, orderBy []*model.SignatureSort) ([]*model.Signature, error) {
	q := signatureQuery(where, orderBy, sideSelf)
	return edgesOf(ctx, r, store.ActorSignatures, self.NodeID(), g, first, q, signatureOf(self))
}

func membership(rel model.RelProps) *model.Membership {
	return &model.Membership{Role: model.Enum[model.MembershipRole](rel.Str("role")), Since: rel.Date("since"), Until: rel.Date("until"), Evidence: rel.Evidence()}
}

func signature(rel model.RelProps) *model.Signature {
	return &model.Signature{Signed: rel.Date("signed"), Ratified: rel.Date("ratified"), Method: model.Enum[model.SignatureMethod](rel.Str("method")), Until: rel.Date("until"),
		SourceURL: rel.Str("sourceUrl"), Note: rel.Str("note"), Evidence: rel.Evidence()}
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

// aheadSpecs are the relationship fields, per object type, whose resolver
// asks the loader for exactly this spec without filter or order when the
// field has no arguments, so they can be fetched ahead (store.Ahead).
var aheadSpecs = map[string]map[string]store.EdgeSpec{
	"Initiative": {"members": store.InitiativeMembers, "events": store.InitiativeEvents, "issueAreas": store.InitiativeIssueAreas,
		"establishedBy": store.InitiativeAgreements, "seeksPartnershipWith": store.InitiativeProspects},
	"Event": {"participants": store.EventParticipants, "partOf": store.EventInitiatives, "issueAreas": store.EventIssueAreas,
		"heldIn": store.EventHeldIn, "follows": store.EventFollows, "followedBy": store.EventFollowedBy},
	"Agreement": {"signatories": store.AgreementSignatories, "issueAreas": store.AgreementIssueAreas, "establishes": store.AgreementInitiatives},
	"IssueArea": {"initiatives": store.IssueAreaInitiatives, "events": store.IssueAreaEvents, "agreements": store.IssueAreaAgreements},
	"Country": {"memberships": store.ActorMemberships, "participations": store.ActorParticipations, "signatures": store.ActorSignatures,
		"eventsHeld": store.CountryEventsHeld},
	"Organization": {"members": store.OrganizationMembers, "memberships": store.ActorMemberships, "participations": store.ActorParticipations,
		"signatures": store.ActorSignatures, "soughtBy": store.ActorProspectOf},
	"RollCall": {"issueAreas": store.RollCallIssueAreas},
}

// otherEnd names, for a spec whose list items are relationship objects
// (Membership, Participation, ...), the field of the item that holds the
// node at the other end and that node's concrete type. Specs whose other
// end is an Actor (an interface) are not planned.
var otherEnd = map[store.EdgeSpec]map[string]string{
	store.ActorMemberships:    {"initiative": "Initiative", "organization": "Organization"},
	store.ActorParticipations: {"event": "Event"},
	store.ActorSignatures:     {"agreement": "Agreement"},
	store.ActorProspectOf:     {"initiative": "Initiative"},
}

// maxAheadDepth bounds how many levels one statement fetches ahead.
const maxAheadDepth = 3

// aheadOf plans, from the GraphQL selection of the field being resolved
// (whose items are spec's edges), the relationship fields of the other ends
// to fetch in the same statement. Anything it does not recognize (arguments,
// interfaces, derived fields) is left to the loader, one round trip each.
func aheadOf(ctx context.Context, spec store.EdgeSpec) []store.Ahead {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	return planAhead(graphql.GetOperationContext(ctx), spec, fc.Field.Definition.Type.Name(), fc.Field.Selections, maxAheadDepth)
}

// planAhead plans from sel, the selection of items of type typ that are
// spec's edges (a node type, or a relationship object type).
func planAhead(oc *graphql.OperationContext, spec store.EdgeSpec, typ string, sel ast.SelectionSet, depth int) []store.Ahead {
	if depth == 0 {
		return nil
	}
	if _, isNode := aheadSpecs[typ]; isNode {
		return planNode(oc, typ, sel, depth)
	}
	ends, ok := otherEnd[spec]
	if !ok {
		return nil
	}
	var out []store.Ahead
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		if t, ok := ends[f.Name]; ok {
			out = mergeAhead(out, planNode(oc, t, f.Selections, depth))
		}
	}
	return out
}

// planNode plans the argument-less relationship fields selected on a node of type typ.
func planNode(oc *graphql.OperationContext, typ string, sel ast.SelectionSet, depth int) []store.Ahead {
	specs := aheadSpecs[typ]
	satisfies := []string{typ, "Node"}
	if typ == "Country" || typ == "Organization" {
		satisfies = append(satisfies, "Actor")
	}
	var out []store.Ahead
	for _, f := range graphql.CollectFields(oc, sel, satisfies) {
		spec, ok := specs[f.Name]
		if !ok || len(f.Arguments) > 0 || f.Definition == nil {
			continue
		}
		a := store.Ahead{Spec: spec, Ahead: planAhead(oc, spec, f.Definition.Type.Name(), f.Selections, depth-1)}
		out = mergeAhead(out, []store.Ahead{a})
	}
	return out
}

// mergeAhead adds more to out, once per spec (aliases of one field share it).
func mergeAhead(out, more []store.Ahead) []store.Ahead {
	for _, m := range more {
		dup := false
		for i := range out {
			if out[i].Spec == m.Spec {
				out[i].Ahead = mergeAhead(out[i].Ahead, m.Ahead)
				dup = true
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}
