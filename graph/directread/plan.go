package directread

// Plans: what the planner makes of an operation's selection — a root plan
// per root field, an object plan per level, a field plan per selected
// field — or ok false for anything it does not know, which sends the
// whole operation to the resolvers.

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
)

type fieldKind int

const (
	kindTypename   fieldKind = iota
	kindScalar               // a property of the node or relationship: a string, date or enum
	kindFlag                 // a Boolean property (absent is false)
	kindInt                  // an Int property
	kindStrings              // a list-of-strings property (absent is [])
	kindEvidence             // Evidence, from sourceId and evidence properties
	kindNodes                // a relationship field whose items are the nodes at the other end
	kindItems                // a relationship field whose items are relationship objects (Membership, …)
	kindSelf                 // on a relationship object: the node the list was read from
	kindOther                // on a relationship object: the node at the other end
	kindNull                 // on a relationship object: an end that is neither
	kindConnection           // a relationship connection (`<field>Connection`, connection.go)
	kindCursor               // on a relationship connection's edge: its cursor
)

// fieldPlan is one selected field, in selection order.
type fieldPlan struct {
	alias, name string
	kind        fieldKind
	def         *ast.FieldDefinition
	key         string                   // kindNodes, kindItems, kindConnection: the projection key
	node        *objPlan                 // kindNodes, kindSelf, kindOther: how to write the node
	item        []fieldPlan              // kindItems: the relationship object's fields
	evidence    []graphql.CollectedField // kindEvidence: the Evidence fields
	onlyLabel   store.Label              // kindOther: written only when the other end has this label
	conn        *connPlan                // kindConnection
}

// objPlan writes a node: the fields per concrete type it may have (one
// entry for a concrete field type, two for Actor).
type objPlan struct {
	byType map[string][]fieldPlan
	static string // the concrete type when there is only one
}

// rootPlan is one root field.
type rootPlan struct {
	field graphql.CollectedField
	kind  int // rootTypename, rootList, rootLookup, rootSearch, rootNeighborhood
	label store.Label
	proj  store.NodeProjection
	node  *objPlan
	// lists
	list      store.ListQuery
	connType  string
	edgeType  string
	conn      []graphql.CollectedField // the connection's fields
	edges     map[string][]graphql.CollectedField
	pageInfo  map[string][]graphql.CollectedField
	countOnly bool
	// lookups
	key, value string
	// search
	text  string
	limit int
	hit   []graphql.CollectedField // the SearchHit's fields
	// neighborhood
	hood     store.NeighborhoodQuery
	subgraph *subgraphPlan
}

const (
	rootTypename = iota
	rootList
	rootLookup
	rootSearch
	rootNeighborhood
)

// planner turns the operation into root plans; any field it does not know
// makes ok false.
type planner struct {
	ctx  context.Context
	oc   *graphql.OperationContext
	args *graph.OperationArgs
	keys int
}

func (p *planner) collect(sel ast.SelectionSet, satisfies ...string) ([]graphql.CollectedField, bool) {
	fields := graphql.CollectFields(p.oc, sel, satisfies)
	for _, f := range fields {
		if len(f.Deferrables) > 0 || (f.Definition == nil && f.Name != "__typename") {
			return nil, false
		}
	}
	return fields, true
}

// evidenceFields collects an Evidence selection written from the
// sourceId and evidence properties; `source` (a Source node the loaders
// read) makes ok false.
func (p *planner) evidenceFields(sel ast.SelectionSet) ([]graphql.CollectedField, bool) {
	fields, ok := p.collect(sel, "Evidence")
	for _, f := range fields {
		if f.Name != "__typename" && f.Name != "sourceId" && f.Name != "quote" {
			return nil, false
		}
	}
	return fields, ok
}

func (p *planner) operation() ([]rootPlan, bool) {
	fields, ok := p.collect(p.oc.Operation.SelectionSet, "Query")
	if !ok {
		return nil, false
	}
	roots := make([]rootPlan, 0, len(fields))
	for _, f := range fields {
		r, ok := p.root(f)
		if !ok {
			return nil, false
		}
		roots = append(roots, r)
	}
	return roots, true
}

// rootLookups are the root fields that find one node by id.
var rootLookups = map[string]store.Label{
	"country": store.LabelCountry, "organization": store.LabelOrganization, "issueArea": store.LabelIssueArea, "initiative": store.LabelInitiative,
	"event": store.LabelEvent, "agreement": store.LabelAgreement,
}

// arg reads a coerced argument; absent or null is T's zero value.
func arg[T any](args map[string]any, name string) T {
	v, _ := args[name].(T)
	return v
}

// root plans one root field: bind reads its arguments, then its
// selection is planned.
func (p *planner) root(f graphql.CollectedField) (rootPlan, bool) {
	r := rootPlan{field: f}
	if !p.bind(&r) {
		return r, false
	}
	switch r.kind {
	case rootSearch:
		return r, p.searchHits(&r)
	case rootNeighborhood:
		return r, p.subgraph(&r)
	case rootList:
		return r, p.connection(&r, f)
	case rootLookup:
		var ok bool
		r.node, r.proj, ok = p.node(string(r.label), f.Selections)
		return r, ok
	}
	return r, true
}

// bind reads r.field's arguments into r: its kind and label, and what the
// arguments decide (the list query, the id looked up, the search text and
// limit, the neighbourhood query). Everything else in a root plan comes
// from the selection alone, which is what lets a cached plan be bound
// again to another request's variables (planCache). ok is false for a
// field, or arguments, the direct path leaves to the resolvers.
func (p *planner) bind(r *rootPlan) bool {
	f := r.field
	if f.Name == "__typename" {
		r.kind = rootTypename
		return true
	}
	args, err := p.args.Coerce(p.ctx, "Query", f.Name, f.ArgumentMap(p.oc.Variables))
	if err != nil {
		return false
	}
	switch f.Name {
	case "search":
		return p.bindSearch(r, args)
	case "neighborhood":
		return p.bindNeighborhood(r, args)
	}
	if label, where, order, ok := graph.RootList(f.Name, args); ok {
		page, err := graph.PageArgs(arg[*int](args, "first"), arg[*string](args, "after"), arg[*int](args, "last"), arg[*string](args, "before"))
		if err != nil || graph.CheckDepth(where) != nil {
			return false
		}
		sig := store.OrderSignature(label, order)
		if (page.After != nil && page.After.Order != sig) || (page.Before != nil && page.Before.Order != sig) {
			return false
		}
		r.kind, r.label, r.list = rootList, label, store.ListQuery{Where: where, Order: order, Page: page}
		return true
	}
	label, ok := rootLookups[f.Name]
	if !ok {
		return false
	}
	r.kind, r.label, r.key = rootLookup, label, "id"
	if label != store.LabelCountry {
		r.value = arg[string](args, "id")
		return true
	}
	// country(iso3:) or country(id:); neither or both is the resolvers' error.
	iso3, id := arg[*string](args, "iso3"), arg[*string](args, "id")
	switch {
	case (iso3 == nil) == (id == nil):
		return false
	case id != nil:
		r.value = *id
		return true
	}
	r.key = "iso3"
	r.value, err = graph.NormalizeISO3(*iso3)
	return err == nil
}

// bindSearch reads search(text, first), leaving to the resolvers the
// arguments they refuse (search in lists.go).
func (p *planner) bindSearch(r *rootPlan, args map[string]any) bool {
	r.kind, r.limit = rootSearch, 10
	if first := arg[*int](args, "first"); first != nil {
		r.limit = *first
	}
	r.text = arg[string](args, "text")
	return r.limit >= 0 && r.limit <= graph.MaxPageSize && utf8.RuneCountInString(r.text) <= graph.MaxSearchText
}

// searchHits plans the selection of search: { node label score }.
func (p *planner) searchHits(r *rootPlan) bool {
	var ok bool
	if r.hit, ok = p.collect(r.field.Selections, "SearchHit"); !ok {
		return false
	}
	for _, h := range r.hit {
		switch h.Name {
		case "__typename", "label", "score":
		case "node":
			if r.node != nil {
				return false // node selected twice, under two aliases
			}
			if r.node, r.proj, ok = p.node("Node", h.Selections); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// connection plans a root list's selection: edges { cursor node }, pageInfo, totalCount.
func (p *planner) connection(r *rootPlan, f graphql.CollectedField) bool {
	conn, ok := p.collect(f.Selections, f.Definition.Type.Name())
	if !ok {
		return false
	}
	r.conn, r.edges, r.pageInfo = conn, map[string][]graphql.CollectedField{}, map[string][]graphql.CollectedField{}
	r.connType = f.Definition.Type.Name()
	r.countOnly = true
	var nodeSel []graphql.CollectedField
	for _, c := range conn {
		switch c.Name {
		case "__typename", "totalCount":
		case "edges":
			r.countOnly = false
			r.edgeType = c.Definition.Type.Name()
			edge, ok := p.collect(c.Selections, r.edgeType)
			if !ok {
				return false
			}
			for _, e := range edge {
				switch e.Name {
				case "__typename", "cursor":
				case "node":
					nodeSel = append(nodeSel, e)
				default:
					return false
				}
			}
			r.edges[c.Alias] = edge
		case "pageInfo":
			r.countOnly = false
			info, ok := p.collect(c.Selections, "PageInfo")
			if !ok {
				return false
			}
			r.pageInfo[c.Alias] = info
		default:
			return false
		}
	}
	// Every `node` alias is written from one projection: merge their selections.
	var sel ast.SelectionSet
	for _, n := range nodeSel {
		sel = append(sel, n.Selections...)
	}
	node, proj, ok := p.node(string(r.label), sel)
	r.node, r.proj = node, proj
	return ok
}

// implementors are the types a node of each concrete type satisfies in
// fragments, as gqlgen's generated code lists them.
func implementors(typ string) []string {
	switch typ {
	case "Country":
		return []string{typ, "Node", "Actor"}
	case "Organization":
		return []string{typ, "Node", "Actor", "MembershipGroup"}
	case "Initiative":
		return []string{typ, "Node", "MembershipGroup"}
	}
	return []string{typ, "Node"}
}

// concreteTypes are the object types behind a field type.
func concreteTypes(typ string) []string {
	switch typ {
	case "Actor":
		return []string{"Country", "Organization"}
	case "MembershipGroup":
		return []string{"Initiative", "Organization"}
	case "Node": // as a search hit: the labels of the full-text index
		return []string{"Country", "Organization", "IssueArea", "Initiative", "Event", "Agreement"}
	}
	return []string{typ}
}

// node plans the selection of a node of GraphQL type typ (concrete, or
// Actor) and the projection it needs.
func (p *planner) node(typ string, sel ast.SelectionSet) (*objPlan, store.NodeProjection, bool) {
	o := &objPlan{byType: map[string][]fieldPlan{}}
	var proj store.NodeProjection
	types := concreteTypes(typ)
	if len(types) == 1 {
		o.static = types[0]
	} else {
		proj.Labels = true
	}
	for _, t := range types {
		fields, ok := p.collect(sel, implementors(t)...)
		if !ok {
			return nil, proj, false
		}
		plans := make([]fieldPlan, 0, len(fields))
		for _, f := range fields {
			fp, ok := p.nodeField(t, f, &proj)
			if !ok || (len(types) > 1 && (fp.kind == kindNodes || fp.kind == kindItems || fp.kind == kindConnection)) {
				return nil, proj, false
			}
			plans = append(plans, fp)
		}
		o.byType[t] = plans
	}
	return o, proj, true
}

// withEvidence are the node types with an evidence field.
var withEvidence = map[string]bool{"Initiative": true, "Event": true, "Agreement": true}

func addProps(proj *store.NodeProjection, props ...string) {
	for _, prop := range props {
		found := false
		for _, have := range proj.Props {
			found = found || have == prop
		}
		if !found {
			proj.Props = append(proj.Props, prop)
		}
	}
}

func (p *planner) nodeField(typ string, f graphql.CollectedField, proj *store.NodeProjection) (fieldPlan, bool) {
	fp := fieldPlan{alias: f.Alias, name: f.Name, def: f.Definition}
	switch {
	case f.Name == "__typename":
		fp.kind = kindTypename
		return fp, true
	case store.ReadField(store.Label(typ), f.Name):
		fp.kind = kindScalar
		switch {
		case f.Definition.Type.Elem != nil:
			fp.kind = kindStrings
		case f.Definition.Type.Name() == "Boolean":
			fp.kind = kindFlag
		case f.Definition.Type.Name() == "Int":
			fp.kind = kindInt
		}
		addProps(proj, f.Name)
		if f.Name == "datePrecision" {
			addProps(proj, "startDate")
		}
		return fp, true
	case f.Name == "evidence" && withEvidence[typ]:
		fp.kind = kindEvidence
		addProps(proj, "sourceId", "evidence")
		ev, ok := p.evidenceFields(f.Selections)
		fp.evidence = ev
		return fp, ok
	}
	rf, ok := relFields[typ][f.Name]
	base, isConnection := strings.CutSuffix(f.Name, "Connection")
	if !ok && isConnection {
		rf, ok = relFields[typ][base]
	} else {
		base, isConnection = f.Name, false
	}
	if !ok || (isConnection && rf.spec == store.ActorIssueAreas) {
		return fp, false
	}
	args, err := p.args.Coerce(p.ctx, typ, f.Name, f.ArgumentMap(p.oc.Variables))
	if err != nil {
		return fp, false
	}
	q, ok := graph.RelQuery(typ, base, args)
	if !ok || graph.CheckDepth(q.Self, q.Other) != nil {
		return fp, false
	}
	p.keys++
	fp.key = "r" + strconv.Itoa(p.keys)
	if isConnection {
		return p.relConnection(f, rf, args, q, fp, proj) // connection.go
	}
	limit, err := graph.NestedLimit(arg[*int](args, "first"))
	if err != nil {
		return fp, false
	}
	if rf.spec == store.ActorIssueAreas {
		limit = -1 // no page: every issue area, as follow reads them
	}
	rp := store.RelProjection{Key: fp.key, Spec: rf.spec, Query: q, Limit: limit}
	if rf.item == "" {
		fp.kind = kindNodes
		node, other, ok := p.node(f.Definition.Type.Name(), f.Selections)
		if !ok {
			return fp, false
		}
		fp.node, rp.Other = node, other
		proj.Rels = append(proj.Rels, rp)
		return fp, true
	}
	fp.kind = kindItems
	fields, ok := p.collect(f.Selections, rf.item)
	if !ok {
		return fp, false
	}
	for _, g := range fields {
		ip, ok := p.itemField(rf, g, proj, &rp)
		if !ok {
			return fp, false
		}
		fp.item = append(fp.item, ip)
	}
	proj.Rels = append(proj.Rels, rp)
	return fp, true
}

// itemField plans field g of a relationship object (a Membership, …, or
// the edge of a relationship connection) of relationship field rf, read
// into rp from the node projected as proj.
func (p *planner) itemField(rf relField, g graphql.CollectedField, proj *store.NodeProjection, rp *store.RelProjection) (fieldPlan, bool) {
	ip := fieldPlan{alias: g.Alias, name: g.Name, def: g.Definition}
	switch {
	case g.Name == "__typename":
		ip.kind = kindTypename
	case itemProps[rf.item][g.Name]:
		ip.kind = kindScalar
		rp.RelProps = appendOnce(rp.RelProps, g.Name)
	case g.Name == "evidence":
		ip.kind = kindEvidence
		rp.RelProps = appendOnce(appendOnce(rp.RelProps, "sourceId"), "evidence")
		var ok bool
		if ip.evidence, ok = p.evidenceFields(g.Selections); !ok {
			return ip, false
		}
	case g.Name == rf.self:
		// The node the list hangs from, written again with another
		// selection: only its properties, read with it.
		ip.kind = kindSelf
		node, selfProj, ok := p.node(g.Definition.Type.Name(), g.Selections)
		if !ok || len(selfProj.Rels) > 0 {
			return ip, false
		}
		ip.node = node
		addProps(proj, selfProj.Props...)
	default:
		label, isOther := rf.other[g.Name]
		if !isOther {
			ip.kind = kindNull
			break
		}
		ip.kind, ip.onlyLabel = kindOther, label
		if !p.otherEnd(&ip, g, rp) {
			return ip, false
		}
	}
	return ip, true
}

// otherEnd plans g, a field holding the node at the other end of the
// edges rp reads, into ip; its projection joins rp's.
func (p *planner) otherEnd(ip *fieldPlan, g graphql.CollectedField, rp *store.RelProjection) bool {
	node, otherProj, ok := p.node(g.Definition.Type.Name(), g.Selections)
	if !ok {
		return false
	}
	ip.node = node
	addProps(&rp.Other, otherProj.Props...)
	rp.Other.Labels = rp.Other.Labels || otherProj.Labels || ip.onlyLabel != ""
	rp.Other.Rels = append(rp.Other.Rels, otherProj.Rels...)
	return true
}

func appendOnce(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

// itemProps are the scalar fields of the relationship objects, read from
// the relationship's property of the same name.
var itemProps = map[string]map[string]bool{
	"Membership":          {"role": true, "since": true, "until": true},
	"Participation":       {"role": true},
	"Signature":           {"signed": true, "ratified": true, "method": true, "until": true, "sourceUrl": true, "note": true},
	"PartnershipProspect": {"status": true},
}

// relField is one relationship field of the read API as its resolver
// reads it: the spec, and for lists of relationship objects the object
// type, which of its fields is the node read from (self) and which hold
// the other end (with the label the other end must have, "" for any). Its
// arguments are coerced and converted by the bridge (graph.RelQuery).
type relField struct {
	spec  store.EdgeSpec
	item  string
	self  string
	other map[string]store.Label
}

var (
	actorOther       = map[string]store.Label{"actor": ""}
	membershipGroups = map[string]store.Label{"initiative": store.LabelInitiative, "organization": store.LabelOrganization}
)

var relFields = map[string]map[string]relField{
	"Country": {
		"memberships":    {store.ActorMemberships, "Membership", "actor", membershipGroups},
		"participations": {store.ActorParticipations, "Participation", "actor", map[string]store.Label{"event": ""}},
		"signatures":     {store.ActorSignatures, "Signature", "actor", map[string]store.Label{"agreement": ""}},
		"eventsHeld":     {spec: store.CountryEventsHeld},
		"issueAreas":     {spec: store.ActorIssueAreas},
	},
	"Organization": {
		"members":        {store.OrganizationMembers, "Membership", "organization", actorOther},
		"memberships":    {store.ActorMemberships, "Membership", "actor", membershipGroups},
		"participations": {store.ActorParticipations, "Participation", "actor", map[string]store.Label{"event": ""}},
		"signatures":     {store.ActorSignatures, "Signature", "actor", map[string]store.Label{"agreement": ""}},
		"soughtBy":       {store.ActorProspectOf, "PartnershipProspect", "actor", map[string]store.Label{"initiative": ""}},
		"issueAreas":     {spec: store.ActorIssueAreas},
	},
	"IssueArea": {
		"initiatives": {spec: store.IssueAreaInitiatives},
		"events":      {spec: store.IssueAreaEvents},
		"agreements":  {spec: store.IssueAreaAgreements},
	},
	"Initiative": {
		"members":              {store.InitiativeMembers, "Membership", "initiative", actorOther},
		"events":               {spec: store.InitiativeEvents},
		"issueAreas":           {spec: store.InitiativeIssueAreas},
		"establishedBy":        {spec: store.InitiativeAgreements},
		"seeksPartnershipWith": {store.InitiativeProspects, "PartnershipProspect", "initiative", actorOther},
	},
	"Event": {
		"participants": {store.EventParticipants, "Participation", "event", actorOther},
		"partOf":       {spec: store.EventInitiatives},
		"issueAreas":   {spec: store.EventIssueAreas},
		"heldIn":       {spec: store.EventHeldIn},
		"follows":      {spec: store.EventFollows},
		"followedBy":   {spec: store.EventFollowedBy},
	},
	"Agreement": {
		"signatories": {store.AgreementSignatories, "Signature", "agreement", actorOther},
		"issueAreas":  {spec: store.AgreementIssueAreas},
		"establishes": {spec: store.AgreementInitiatives},
	},
}
