package graph

// The bridge to the direct read path (graph/directread): the one file that
// hands it what only this package has, in a small exported surface. That
// is gqlgen's generated argument coercion (field_X_Y_args, which refuses
// and defaults arguments exactly as the executor does), the conversions of
// where and orderBy the resolvers apply, and the resolvers' own argument
// checks, so that both read paths accept, refuse and convert every
// argument the same way and the direct path keeps no copy of them.

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// ArgCoercer coerces the arguments of the read fields the direct path
// plans, with the executable schema's generated code.
type ArgCoercer struct{ es *executableSchema }

// NewArgCoercer reads es, the schema NewExecutableSchema made; ok is false
// for any other schema.
func NewArgCoercer(es graphql.ExecutableSchema) (*ArgCoercer, bool) {
	inner, ok := es.(*executableSchema)
	if !ok {
		return nil, false
	}
	return &ArgCoercer{es: inner}, true
}

// OperationArgs coerces the arguments of one operation (its variables).
type OperationArgs struct{ ec *executionContext }

// For starts the coercion of oc's arguments.
func (c *ArgCoercer) For(oc *graphql.OperationContext) *OperationArgs {
	return &OperationArgs{ec: newExecutionContext(oc, c.es, nil)}
}

// Coerce coerces the raw arguments (graphql.CollectedField.ArgumentMap) of
// field typ.field as the executor does before calling its resolver. A
// field without arguments gives an empty map; a field with arguments this
// bridge does not list is an error, so the direct path leaves it to the
// resolvers.
func (a *OperationArgs) Coerce(ctx context.Context, typ, field string, raw map[string]any) (map[string]any, error) {
	coerce, ok := fieldArgs[typ+"."+field]
	if !ok {
		if len(raw) == 0 {
			return map[string]any{}, nil
		}
		return nil, fmt.Errorf("%s.%s: arguments not coerced for direct reads", typ, field)
	}
	return coerce(a.ec, ctx, raw)
}

// fieldArgs are the generated argument coercions of the fields the direct
// path plans.
var fieldArgs = map[string]func(*executionContext, context.Context, map[string]any) (map[string]any, error){
	"Agreement.establishes":                 (*executionContext).field_Agreement_establishes_args,
	"Agreement.establishesConnection":       (*executionContext).field_Agreement_establishesConnection_args,
	"Agreement.issueAreas":                  (*executionContext).field_Agreement_issueAreas_args,
	"Agreement.issueAreasConnection":        (*executionContext).field_Agreement_issueAreasConnection_args,
	"Agreement.signatories":                 (*executionContext).field_Agreement_signatories_args,
	"Agreement.signatoriesConnection":       (*executionContext).field_Agreement_signatoriesConnection_args,
	"Country.eventsHeld":                    (*executionContext).field_Country_eventsHeld_args,
	"Country.eventsHeldConnection":          (*executionContext).field_Country_eventsHeldConnection_args,
	"Country.memberships":                   (*executionContext).field_Country_memberships_args,
	"Country.membershipsConnection":         (*executionContext).field_Country_membershipsConnection_args,
	"Country.participations":                (*executionContext).field_Country_participations_args,
	"Country.participationsConnection":      (*executionContext).field_Country_participationsConnection_args,
	"Country.signatures":                    (*executionContext).field_Country_signatures_args,
	"Country.signaturesConnection":          (*executionContext).field_Country_signaturesConnection_args,
	"Event.followedBy":                      (*executionContext).field_Event_followedBy_args,
	"Event.followedByConnection":            (*executionContext).field_Event_followedByConnection_args,
	"Event.follows":                         (*executionContext).field_Event_follows_args,
	"Event.followsConnection":               (*executionContext).field_Event_followsConnection_args,
	"Event.heldIn":                          (*executionContext).field_Event_heldIn_args,
	"Event.heldInConnection":                (*executionContext).field_Event_heldInConnection_args,
	"Event.issueAreas":                      (*executionContext).field_Event_issueAreas_args,
	"Event.issueAreasConnection":            (*executionContext).field_Event_issueAreasConnection_args,
	"Event.partOf":                          (*executionContext).field_Event_partOf_args,
	"Event.partOfConnection":                (*executionContext).field_Event_partOfConnection_args,
	"Event.participants":                    (*executionContext).field_Event_participants_args,
	"Event.participantsConnection":          (*executionContext).field_Event_participantsConnection_args,
	"Initiative.establishedBy":              (*executionContext).field_Initiative_establishedBy_args,
	"Initiative.establishedByConnection":    (*executionContext).field_Initiative_establishedByConnection_args,
	"Initiative.events":                     (*executionContext).field_Initiative_events_args,
	"Initiative.eventsConnection":           (*executionContext).field_Initiative_eventsConnection_args,
	"Initiative.issueAreas":                 (*executionContext).field_Initiative_issueAreas_args,
	"Initiative.issueAreasConnection":       (*executionContext).field_Initiative_issueAreasConnection_args,
	"Initiative.members":                    (*executionContext).field_Initiative_members_args,
	"Initiative.membersConnection":          (*executionContext).field_Initiative_membersConnection_args,
	"IssueArea.agreements":                  (*executionContext).field_IssueArea_agreements_args,
	"IssueArea.agreementsConnection":        (*executionContext).field_IssueArea_agreementsConnection_args,
	"IssueArea.events":                      (*executionContext).field_IssueArea_events_args,
	"IssueArea.eventsConnection":            (*executionContext).field_IssueArea_eventsConnection_args,
	"IssueArea.initiatives":                 (*executionContext).field_IssueArea_initiatives_args,
	"IssueArea.initiativesConnection":       (*executionContext).field_IssueArea_initiativesConnection_args,
	"Organization.members":                  (*executionContext).field_Organization_members_args,
	"Organization.membersConnection":        (*executionContext).field_Organization_membersConnection_args,
	"Organization.memberships":              (*executionContext).field_Organization_memberships_args,
	"Organization.membershipsConnection":    (*executionContext).field_Organization_membershipsConnection_args,
	"Organization.participations":           (*executionContext).field_Organization_participations_args,
	"Organization.participationsConnection": (*executionContext).field_Organization_participationsConnection_args,
	"Organization.signatures":               (*executionContext).field_Organization_signatures_args,
	"Organization.signaturesConnection":     (*executionContext).field_Organization_signaturesConnection_args,
	"Query.agreement":                       (*executionContext).field_Query_agreement_args,
	"Query.agreements":                      (*executionContext).field_Query_agreements_args,
	"Query.countries":                       (*executionContext).field_Query_countries_args,
	"Query.country":                         (*executionContext).field_Query_country_args,
	"Query.event":                           (*executionContext).field_Query_event_args,
	"Query.events":                          (*executionContext).field_Query_events_args,
	"Query.initiative":                      (*executionContext).field_Query_initiative_args,
	"Query.initiatives":                     (*executionContext).field_Query_initiatives_args,
	"Query.issueArea":                       (*executionContext).field_Query_issueArea_args,
	"Query.issueAreas":                      (*executionContext).field_Query_issueAreas_args,
	"Query.neighborhood":                    (*executionContext).field_Query_neighborhood_args,
	"Query.organization":                    (*executionContext).field_Query_organization_args,
	"Query.organizations":                   (*executionContext).field_Query_organizations_args,
	"Query.search":                          (*executionContext).field_Query_search_args,
}

// arg reads a coerced argument; absent or null is T's zero value.
func arg[T any](args map[string]any, name string) T {
	v, _ := args[name].(T)
	return v
}

// RootList is a root list's label and its where and orderBy as the
// resolver converts them (schema.resolvers.go); ok is false for a field
// that is not a root list.
func RootList(field string, args map[string]any) (label store.Label, where store.Filter, order []store.SortKey, ok bool) {
	switch field {
	case "countries":
		return store.LabelCountry, countryFilter(arg[*model.CountryWhere](args, "where")), countryOrder(arg[[]*model.CountrySort](args, "orderBy")), true
	case "organizations":
		return store.LabelOrganization, organizationFilter(arg[*model.OrganizationWhere](args, "where")), organizationOrder(arg[[]*model.OrganizationSort](args, "orderBy")), true
	case "issueAreas":
		return store.LabelIssueArea, issueAreaFilter(arg[*model.IssueAreaWhere](args, "where")), issueAreaOrder(arg[[]*model.IssueAreaSort](args, "orderBy")), true
	case "initiatives":
		return store.LabelInitiative, initiativeFilter(arg[*model.InitiativeWhere](args, "where")), initiativeOrder(arg[[]*model.InitiativeSort](args, "orderBy")), true
	case "events":
		return store.LabelEvent, eventFilter(arg[*model.EventWhere](args, "where")), eventOrder(arg[[]*model.EventSort](args, "orderBy")), true
	case "agreements":
		return store.LabelAgreement, agreementFilter(arg[*model.AgreementWhere](args, "where")), agreementOrder(arg[[]*model.AgreementSort](args, "orderBy")), true
	}
	return "", store.Filter{}, nil, false
}

// RelQuery is a relationship field's where and orderBy as its resolver
// converts them (a plain list and its `<field>Connection` take the same
// ones): field is the plain list's name. ok is false when the filter nests
// too deep (the resolvers' error).
func RelQuery(typ, field string, args map[string]any) (store.EdgeQuery, bool) {
	switch typ + "." + field {
	case "Country.memberships", "Organization.memberships":
		return membershipQuery(arg[*model.MembershipWhere](args, "where"), arg[[]*model.MembershipSort](args, "orderBy"), sideSelf), true
	case "Organization.members", "Initiative.members":
		return membershipQuery(arg[*model.MembershipWhere](args, "where"), arg[[]*model.MembershipSort](args, "orderBy"), sideOther), true
	case "Country.participations", "Organization.participations":
		return participationQuery(arg[*model.ParticipationWhere](args, "where"), arg[[]*model.ParticipationSort](args, "orderBy"), sideSelf), true
	case "Event.participants":
		return participationQuery(arg[*model.ParticipationWhere](args, "where"), arg[[]*model.ParticipationSort](args, "orderBy"), sideOther), true
	case "Country.signatures", "Organization.signatures":
		return signatureQuery(arg[*model.SignatureWhere](args, "where"), arg[[]*model.SignatureSort](args, "orderBy"), sideSelf), true
	case "Agreement.signatories":
		return signatureQuery(arg[*model.SignatureWhere](args, "where"), arg[[]*model.SignatureSort](args, "orderBy"), sideOther), true
	case "Country.eventsHeld", "IssueArea.events", "Initiative.events", "Event.follows", "Event.followedBy":
		return along(args, eventFilter, eventOrder)
	case "IssueArea.initiatives", "Event.partOf", "Agreement.establishes":
		return along(args, initiativeFilter, initiativeOrder)
	case "IssueArea.agreements", "Initiative.establishedBy":
		return along(args, agreementFilter, agreementOrder)
	case "Initiative.issueAreas", "Event.issueAreas", "Agreement.issueAreas":
		return along(args, issueAreaFilter, issueAreaOrder)
	case "Event.heldIn":
		return along(args, countryFilter, countryOrder)
	}
	return store.EdgeQuery{}, true // no arguments: every edge in the natural order
}

// along converts the where and orderBy of a list of the nodes at the other
// end, as nodesQuery does.
func along[W, S any](args map[string]any, conv func(*W) store.Filter, order func([]*S) []store.SortKey) (store.EdgeQuery, bool) {
	where := sub(arg[*W](args, "where"), conv)
	if where != nil && checkDepth(*where) != nil {
		return store.EdgeQuery{}, false
	}
	return nodesQuery(where, order(arg[[]*S](args, "orderBy"))), true
}

// PageArgs checks a list's Relay arguments as the resolvers do.
func PageArgs(first *int, after *string, last *int, before *string) (store.Page, error) {
	return pageArgs(first, after, last, before)
}

// CheckDepth refuses filters nested deeper than MaxFilterDepth.
func CheckDepth(fs ...store.Filter) error { return checkDepth(fs...) }

// NestedLimit checks a nested list's `first` as the resolvers do.
func NestedLimit(first *int) (int, error) { return nestedLimit(first) }

// NormalizeISO3 upper-cases and checks an ISO 3166 alpha-3 code.
func NormalizeISO3(s string) (string, error) { return normalizeISO3(s) }

// AgreementNotFound is agreement(id)'s error for an id not in the graph.
func AgreementNotFound(ctx context.Context, s *store.Store, id string) error {
	return agreementNotFound(ctx, s, id)
}

// NeighborhoodArgs checks neighborhood's coerced arguments as its resolver
// does; ok is false for arguments it refuses and for asOf or scope (a
// scoped neighbourhood reads more than a drawing's fields).
func NeighborhoodArgs(args map[string]any) (store.NeighborhoodQuery, bool) {
	id := arg[string](args, "id")
	depth, errDepth := intArg("depth", arg[*int](args, "depth"), 1, 1, store.MaxNeighborhoodDepth)
	limit, errLimit := intArg("limit", arg[*int](args, "limit"), DefaultNeighborhoodLimit, 1, store.MaxNeighborhoodLimit)
	if idArg("id", id) != nil || errDepth != nil || errLimit != nil {
		return store.NeighborhoodQuery{}, false
	}
	if arg[*model.Date](args, "asOf") != nil || arg[*model.Scope](args, "scope") != nil {
		return store.NeighborhoodQuery{}, false
	}
	return store.NeighborhoodQuery{ID: id, Depth: depth, Limit: limit, Types: relTypes(arg[[]model.RelationshipType](args, "relationshipTypes"))}, true
}

// GraphNodeName is a GraphNode's name, as the resolver sets it.
func GraphNodeName(n store.Node) string { return graphNodeName(n) }

// RelCursorOrder is what a relationship connection's cursors record as
// their order (relconnection.go).
func RelCursorOrder(spec store.EdgeSpec, q store.EdgeQuery) string { return relCursorOrder(spec, q) }
