package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Direction says which way a relationship points from the node we start at.
type Direction bool

const (
	Outgoing Direction = true
	Incoming Direction = false
)

// EdgeSpec names one relationship field of the API: from nodes of label
// From, along Type in direction Dir, to nodes of label Other. Specs are
// values declared in this package only, so their labels and types are
// always from the allow-lists.
type EdgeSpec struct {
	From  Label
	Type  RelType
	Dir   Direction
	Other Label
}

// The relationship fields of the read API.
var (
	ActorMemberships     = EdgeSpec{LabelActor, RelMemberOf, Outgoing, ""}
	ActorParticipations  = EdgeSpec{LabelActor, RelParticipatedIn, Outgoing, LabelEvent}
	ActorSignatures      = EdgeSpec{LabelActor, RelSignatoryOf, Outgoing, LabelAgreement}
	OrganizationMembers  = EdgeSpec{LabelOrganization, RelMemberOf, Incoming, LabelActor}
	InitiativeMembers    = EdgeSpec{LabelInitiative, RelMemberOf, Incoming, LabelActor}
	InitiativeEvents     = EdgeSpec{LabelInitiative, RelPartOf, Incoming, LabelEvent}
	InitiativeIssueAreas = EdgeSpec{LabelInitiative, RelAddresses, Outgoing, LabelIssueArea}
	InitiativeAgreements = EdgeSpec{LabelInitiative, RelEstablishedBy, Outgoing, LabelAgreement}
	InitiativeProspects  = EdgeSpec{LabelInitiative, RelSeeksPartnershipWith, Outgoing, LabelActor}
	EventParticipants    = EdgeSpec{LabelEvent, RelParticipatedIn, Incoming, LabelActor}
	EventInitiatives     = EdgeSpec{LabelEvent, RelPartOf, Outgoing, LabelInitiative}
	EventIssueAreas      = EdgeSpec{LabelEvent, RelAddresses, Outgoing, LabelIssueArea}
	EventHeldIn          = EdgeSpec{LabelEvent, RelHeldIn, Outgoing, LabelCountry}
	EventFollows         = EdgeSpec{LabelEvent, RelFollows, Outgoing, LabelEvent}
	EventFollowedBy      = EdgeSpec{LabelEvent, RelFollows, Incoming, LabelEvent}
	AgreementSignatories = EdgeSpec{LabelAgreement, RelSignatoryOf, Incoming, LabelActor}
	AgreementIssueAreas  = EdgeSpec{LabelAgreement, RelAddresses, Outgoing, LabelIssueArea}
	AgreementInitiatives = EdgeSpec{LabelAgreement, RelEstablishedBy, Incoming, LabelInitiative}
	IssueAreaInitiatives = EdgeSpec{LabelIssueArea, RelAddresses, Incoming, LabelInitiative}
	IssueAreaEvents      = EdgeSpec{LabelIssueArea, RelAddresses, Incoming, LabelEvent}
	IssueAreaAgreements  = EdgeSpec{LabelIssueArea, RelAddresses, Incoming, LabelAgreement}
	CountryEventsHeld    = EdgeSpec{LabelCountry, RelHeldIn, Incoming, LabelEvent}
	ActorProspectOf      = EdgeSpec{LabelActor, RelSeeksPartnershipWith, Incoming, LabelInitiative}
	RollCallIssueAreas   = EdgeSpec{LabelRollCall, RelAddresses, Outgoing, LabelIssueArea}
	// ActorIssueAreas is derived: the issue areas addressed by the actor's
	// initiatives, events and agreements (two hops, distinct).
	ActorIssueAreas = EdgeSpec{LabelActor, RelAddresses, Outgoing, LabelIssueArea}
)

// issueAreaOrder orders the derived issue areas of m, by name as a reader would.
var issueAreaOrder = readerKey("m.name") + ", m.id"

// actorIssueAreasCypher answers ActorIssueAreas.
var actorIssueAreasCypher = "UNWIND $ids AS id MATCH (n:Actor {id: id})-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(m:IssueArea) USING INDEX n:Actor(id) " +
	"WITH DISTINCT id, m ORDER BY id, " + issueAreaOrder + " RETURN id, collect([{}, labels(m), properties(m)]) AS edges"

// Edge is one relationship seen from the node we started at: its
// properties and the node at the other end.
type Edge struct {
	Props map[string]any
	Other Node
	// Ahead holds, when Edges was asked to fetch ahead, the edges of each
	// Ahead spec from Other, in the order they were asked.
	Ahead [][]Edge
}

// Ahead is a relationship field to fetch in the same statement as an edge
// list, from every node at the list's other end, without filter and in the
// natural order; its own Ahead goes one level further. The loader plans
// these from the GraphQL selection, so a nested query takes one round trip
// for several levels.
type Ahead struct {
	Spec  EdgeSpec
	Ahead []Ahead
}

// naturalOrder orders one start node's edges r -> m of e (narrowed by q):
// dated things chronologically, then by name and id, so lists are stable.
// The date is the first set of m.startDate, m.adoptedOn, r.since and
// r.signed, and only those the model allows on the labels m can have and
// on e's relationship type are read: the others are never set, and asking
// for them still costs Neo4j a property lookup per edge (a sixth of the
// database time of the nested benchmark).
func (e EdgeSpec) naturalOrder(q EdgeQuery, r, m string) string {
	var dates []string
	labels := e.otherLabels(q)
	for _, prop := range []string{"startDate", "adoptedOn"} {
		for _, l := range labels {
			if _, ok := filterProps[l][prop]; ok {
				dates = append(dates, m+"."+prop)
				break
			}
		}
	}
	for _, prop := range []string{"since", "signed"} {
		if _, ok := relProps[e.Type][prop]; ok {
			dates = append(dates, r+"."+prop)
		}
	}
	order := readerKey("coalesce("+m+".name, '')") + ", " + m + ".id"
	if len(dates) == 0 {
		return order
	}
	return "coalesce(" + strings.Join(dates, ", ") + ", ''), " + order
}

// otherLabels are the labels the node at the other end of e can have,
// narrowed by q's label on it.
func (e EdgeSpec) otherLabels(q EdgeQuery) []Label {
	l := e.Other
	if q.Other.Label != "" && q.Other.Label != LabelActor {
		l = q.Other.Label
	}
	switch l {
	case "":
		return PrimaryLabels
	case LabelActor:
		return []Label{LabelCountry, LabelOrganization}
	}
	return []Label{l}
}

// pattern is the relationship pattern of e from variable n over r to m.
func (e EdgeSpec) pattern(n, r, m string) (string, error) {
	if _, ok := RelTypes[e.Type]; !ok || (!ValidLabel(e.From) && e.From != LabelActor) {
		return "", fmt.Errorf("edge spec %v is not in the model", e)
	}
	other := ""
	if e.Other != "" {
		if !ValidLabel(e.Other) && e.Other != LabelActor {
			return "", fmt.Errorf("edge spec %v is not in the model", e)
		}
		other = ":" + string(e.Other)
	}
	if e.Dir == Incoming {
		return "(" + n + ")<-[" + r + ":" + string(e.Type) + "]-(" + m + other + ")", nil
	}
	return "(" + n + ")-[" + r + ":" + string(e.Type) + "]->(" + m + other + ")", nil
}

// aheadCypher writes one CALL subquery per ahead from variable m and returns
// the columns they bind, in order. Each collects the edges like Edges does.
func aheadCypher(m string, aheads []Ahead, prefix string, b *strings.Builder) ([]string, error) {
	cols := make([]string, 0, len(aheads))
	for i, a := range aheads {
		if a.Spec == ActorIssueAreas {
			return nil, fmt.Errorf("derived issue areas cannot be fetched ahead")
		}
		name := prefix + "_" + strconv.Itoa(i)
		r, o := "r"+name, "m"+name
		pat, err := a.Spec.pattern(m, r, o)
		if err != nil {
			return nil, err
		}
		b.WriteString("CALL (" + m + ") { MATCH " + pat + " ")
		inner, err := aheadCypher(o, a.Ahead, name, b)
		if err != nil {
			return nil, err
		}
		list := "[properties(" + r + "), labels(" + o + "), properties(" + o + ")"
		for _, c := range inner {
			list += ", " + c
		}
		b.WriteString("WITH " + strings.Join(append([]string{r, o}, inner...), ", ") + " ORDER BY " + a.Spec.naturalOrder(EdgeQuery{}, r, o) +
			" RETURN collect(" + list + "]) AS a" + name + " } ")
		cols = append(cols, "a"+name)
	}
	return cols, nil
}

// EdgeQuery narrows and orders an edge list: Other filters the node at the
// other end, Self the node we start from, Rel the relationship's own
// properties. Order sorts each start node's edges (then by the other end's
// id); empty keeps the natural order (dated things first, then by name).
type EdgeQuery struct {
	Other Filter    `json:"o,omitempty"`
	Self  Filter    `json:"s,omitempty"`
	Rel   []Cond    `json:"r,omitempty"`
	Order []SortKey `json:"k,omitempty"`
}

// IsZero reports whether q neither filters nor orders.
func (q EdgeQuery) IsZero() bool {
	return q.Other.IsZero() && q.Self.IsZero() && len(q.Rel) == 0 && len(q.Order) == 0
}

func (e EdgeSpec) cypher(q EdgeQuery, params map[string]any, aheads ...Ahead) (string, error) {
	if e == ActorIssueAreas {
		if !q.IsZero() || len(aheads) > 0 {
			return "", fmt.Errorf("derived issue areas take no filter")
		}
		return actorIssueAreasCypher, nil
	}
	pattern, err := e.pattern("n", "r", "m")
	if err != nil {
		return "", err
	}
	where, err := e.where(newWhereBuilder(params), q, "n", "r", "m")
	if err != nil {
		return "", err
	}
	keys, err := e.order(q, "r", "m")
	if err != nil {
		return "", err
	}
	order := "ORDER BY id, " + keys
	// The hint keeps the id seek even when the planner's label statistics
	// are stale (a graph that just grew), which otherwise scans per id. It
	// sits on a MATCH of its own: a WHERE the planner folds to false (an
	// empty NOT) would otherwise drop the label and fail the hint.
	match := "UNWIND $ids AS id MATCH (n:" + string(e.From) + " {id: id}) USING INDEX n:" + string(e.From) + "(id) MATCH " + pattern + " " +
		where + "WITH id, r, m " + order
	if len(aheads) == 0 {
		return match + " RETURN id, collect([properties(r), labels(m), properties(m)]) AS edges", nil
	}
	// Fetching ahead: the same edges, then the aheads once per distinct
	// node at the other end (a node reached from several start nodes is
	// read once), all in one record: byId [[id, edges]], ahead [[m.id, a_0, ...]].
	var ahead strings.Builder
	cols, err := aheadCypher("m", aheads, "", &ahead)
	if err != nil {
		return "", err
	}
	return match + " WITH id, collect([properties(r), labels(m), properties(m)]) AS edges, collect(m) AS ms " +
		"WITH collect([id, edges]) AS byId, collect(ms) AS mss " +
		"CALL (mss) { UNWIND mss AS ms UNWIND ms AS m WITH DISTINCT m " + ahead.String() +
		"RETURN collect([m.id, " + strings.Join(cols, ", ") + "]) AS ahead } RETURN byId, ahead", nil
}

// otherLabel is the label the other end is checked against: the spec's,
// or for a spec to any actor, the label q's filter asks for (Actor: only
// the generic properties id and name).
func (e EdgeSpec) otherLabel(q EdgeQuery) Label {
	if e.Other != "" {
		return e.Other
	}
	if q.Other.Label != "" {
		return q.Other.Label
	}
	return LabelActor
}

// where is the WHERE clause ("" or "WHERE … ") of q on the pattern n-r-m.
func (e EdgeSpec) where(b *whereBuilder, q EdgeQuery, n, r, m string) (string, error) {
	var conds []string
	for _, part := range []struct {
		f Filter
		v string
		l Label
	}{{q.Self, n, e.From}, {q.Other, m, e.otherLabel(q)}} {
		c, err := b.node(part.f, part.v, part.l)
		if err != nil {
			return "", err
		}
		if c != "" {
			conds = append(conds, c)
		}
	}
	rc, err := b.relConds(q.Rel, r, e.Type)
	if err != nil {
		return "", err
	}
	if rc != "" {
		conds = append(conds, rc)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND ") + " ", nil
}

// order is how one start node's edges r -> m are sorted: q.Order, then
// the other end's id; without q.Order the natural order (dated things
// chronologically, then by name, so lists are stable).
func (e EdgeSpec) order(q EdgeQuery, r, m string) (string, error) {
	if len(q.Order) == 0 {
		return e.naturalOrder(q, r, m), nil
	}
	parts := make([]string, 0, len(q.Order)+1)
	for _, k := range q.Order {
		v, l := m, e.otherLabel(q)
		if k.OnRel {
			if _, ok := relProp(e.Type, k.Prop); !ok {
				return "", fmt.Errorf("%s cannot be ordered by %q", e.Type, k.Prop)
			}
			v = r
		} else if _, ok := nodeProp(l, k.Prop); !ok {
			return "", fmt.Errorf("%s cannot be ordered by %q", l, k.Prop)
		}
		expr := "coalesce(" + v + "." + k.Prop + ", '')"
		if folded(k.Prop) && !k.OnRel {
			expr = readerKey(expr)
		}
		if k.Desc {
			expr += " DESC"
		}
		parts = append(parts, expr)
	}
	return strings.Join(append(parts, m+".id"), ", "), nil
}

// Edges follows one relationship field from many nodes in one round trip,
// returning each start node's edges, filtered and ordered by q, keyed by its id.
//
// aheads are fetched in the same statement: each edge's Ahead holds them.
func (s *Store) Edges(ctx context.Context, spec EdgeSpec, ids []string, q EdgeQuery, aheads ...Ahead) (map[string][]Edge, error) {
	params := map[string]any{"ids": ids}
	cypher, err := spec.cypher(q, params, aheads...)
	if err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx runner) (map[string][]Edge, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		// One record per start node, its edges collected in order: far
		// fewer Bolt messages than a record per edge (the driver spends a
		// goroutine and a context on each message it reads; docs/benchmarks.md).
		out := make(map[string][]Edge, len(ids))
		if len(aheads) > 0 {
			if len(recs) != 1 {
				return nil, fmt.Errorf("edges with ahead: %d records, want 1", len(recs))
			}
			return edgesWithAhead(recs[0], aheads), nil
		}
		for _, r := range recs {
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			raw, _, _ := neo4j.GetRecordValue[[]any](r, "edges")
			out[id] = edgesFromList(raw, nil)
		}
		return out, nil
	})
}

// edgesWithAhead reads the one record of an edge read with aheads: each
// start node's edges, and each other end's ahead lists, attached to every
// edge that reaches it.
func edgesWithAhead(r *neo4j.Record, aheads []Ahead) map[string][]Edge {
	byID, _, _ := neo4j.GetRecordValue[[]any](r, "byId")
	rawAhead, _, _ := neo4j.GetRecordValue[[]any](r, "ahead")
	ahead := make(map[string][][]Edge, len(rawAhead))
	for _, x := range rawAhead {
		t, _ := x.([]any)
		if len(t) != 1+len(aheads) {
			continue
		}
		id, _ := t[0].(string)
		lists := make([][]Edge, len(aheads))
		for i, a := range aheads {
			sub, _ := t[1+i].([]any)
			lists[i] = edgesFromList(sub, a.Ahead)
		}
		ahead[id] = lists
	}
	out := make(map[string][]Edge, len(byID))
	for _, x := range byID {
		t, _ := x.([]any)
		if len(t) != 2 {
			continue
		}
		id, _ := t[0].(string)
		raw, _ := t[1].([]any)
		edges := edgesFromList(raw, nil)
		for i := range edges {
			if a, ok := ahead[edges[i].Other.ID()]; ok {
				edges[i].Ahead = a
			} else {
				edges[i].Ahead = make([][]Edge, len(aheads))
			}
		}
		out[id] = edges
	}
	return out
}

// edgesFromList reads collected [properties(r), labels(m), properties(m),
// ahead...] lists.
func edgesFromList(raw []any, aheads []Ahead) []Edge {
	edges := make([]Edge, 0, len(raw))
	for _, x := range raw {
		t, _ := x.([]any)
		if len(t) != 3+len(aheads) {
			continue
		}
		rel, _ := t[0].(map[string]any)
		labels, _ := t[1].([]any)
		props, _ := t[2].(map[string]any)
		e := Edge{Props: rel, Other: Node{Label: primaryLabel(labels), Props: props}}
		if len(aheads) > 0 {
			e.Ahead = make([][]Edge, len(aheads))
			for i, a := range aheads {
				sub, _ := t[3+i].([]any)
				e.Ahead[i] = edgesFromList(sub, a.Ahead)
			}
		}
		edges = append(edges, e)
	}
	return edges
}
