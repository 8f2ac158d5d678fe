package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrBadCursor is returned for a cursor this server did not hand out, or
// one handed out for a different ordering of the list.
var ErrBadCursor = errors.New("malformed cursor")

// Cursor marks a position in an ordered list: the values of the sort keys
// at that position (Keys), the id that breaks ties, and the ordering it
// belongs to (Order), so a cursor cannot be replayed against another order.
type Cursor struct {
	Keys  []string `json:"k"`
	ID    string   `json:"i"`
	Order string   `json:"o"`
}

// Encode makes the opaque string handed to clients.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append([]byte("v2:"), b...))
}

// DecodeCursor parses a string made by Cursor.Encode.
func DecodeCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 3 || string(raw[:3]) != "v2:" {
		return Cursor{}, ErrBadCursor
	}
	var c Cursor
	if err := json.Unmarshal(raw[3:], &c); err != nil || c.ID == "" {
		return Cursor{}, ErrBadCursor
	}
	return c, nil
}

// Page asks for a window of a list the way the Relay Cursor Connections
// specification defines it: After and Before narrow the list, then the
// first First items are kept (unless OnlyLast), then, when HasLast, the
// last Last of those. The zero value with First set walks forwards.
type Page struct {
	First  int
	After  *Cursor
	Last   int
	Before *Cursor
	// HasLast says Last applies; OnlyLast that first was not given, so
	// Last counts back from the end of the narrowed list.
	HasLast, OnlyLast bool
}

// ListQuery selects, orders and pages the nodes of one label. An empty
// Order means the label's natural order (DefaultOrder).
type ListQuery struct {
	Where Filter
	Order []SortKey
	Page  Page
	// Ahead are relationship fields fetched for each node of the page in
	// the same statement (PageResult.Ahead).
	Ahead []Ahead
}

// DefaultOrder is a label's natural order: events on the timeline
// (startDate, then name), roll calls by date then roll-call number,
// everything else by name. The id always breaks ties.
func DefaultOrder(l Label) []SortKey {
	switch l {
	case LabelEvent:
		return []SortKey{{Prop: "startDate"}, {Prop: "name"}}
	case LabelRollCall:
		return []SortKey{{Prop: "date"}, {Prop: "rcid"}}
	}
	return []SortKey{{Prop: "name"}}
}

// OrderSignature names an ordering of a label's list as cursors record it
// (the label's DefaultOrder when order is empty).
func OrderSignature(l Label, order []SortKey) string {
	if len(order) == 0 {
		order = DefaultOrder(l)
	}
	return orderSignature(order)
}

// PageResult is one page of nodes, in list order, with each node's cursor.
type PageResult struct {
	Nodes       []Node
	Cursors     []Cursor
	HasNext     bool
	HasPrevious bool
	// Ahead, when the query asked for it, holds for each node the edges of
	// each ListQuery.Ahead spec.
	Ahead [][][]Edge
}

// NodeByID returns the node with this id and label, or ErrNotFound.
// label may be LabelActor. The label is checked against the allow-list.
func (s *Store) NodeByID(ctx context.Context, label Label, id string) (Node, error) {
	nodes, err := s.NodesByIDs(ctx, label, []string{id})
	if err != nil {
		return Node{}, err
	}
	n, ok := nodes[id]
	if !ok {
		return Node{}, fmt.Errorf("%s %s: %w", label, id, ErrNotFound)
	}
	return n, nil
}

// NodesByIDs fetches many nodes of one label in one round trip, keyed by id;
// unknown ids are absent from the map. label "" means any model label.
func (s *Store) NodesByIDs(ctx context.Context, label Label, ids []string) (map[string]Node, error) {
	match := "MATCH (n {id: id})"
	if label != "" {
		if !ValidLabel(label) && label != LabelActor {
			return nil, fmt.Errorf("label %q is not in the model", label)
		}
		match = "MATCH (n:" + string(label) + " {id: id}) USING INDEX n:" + string(label) + "(id)"
	}
	cypher := "UNWIND $ids AS id " + match + " RETURN labels(n) AS labels, properties(n) AS props"
	return read(ctx, s, func(tx runner) (map[string]Node, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := make(map[string]Node, len(recs))
		for _, r := range recs {
			n := nodeFromRecord(r)
			if n.Label != "" {
				out[n.ID()] = n
			}
		}
		return out, nil
	})
}

// AllSources returns every Source node, keyed by id, in one round trip.
// Sources are the documents facts are read from (a few dozen), so a
// request that cites any of them reads them all at once.
func (s *Store) AllSources(ctx context.Context) (map[string]Node, error) {
	return read(ctx, s, func(tx runner) (map[string]Node, error) {
		recs, err := s.run(ctx, tx, "MATCH (n:Source) RETURN labels(n) AS labels, properties(n) AS props", nil)
		if err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		out := make(map[string]Node, len(recs))
		for _, r := range recs {
			if n := nodeFromRecord(r); n.Label == LabelSource {
				out[n.ID()] = n
			}
		}
		return out, nil
	})
}

// NodeByIDAhead is NodeByID that also fetches aheads from the node in the
// same statement: the edges of each, in order.
func (s *Store) NodeByIDAhead(ctx context.Context, label Label, id string, aheads []Ahead) (Node, [][]Edge, error) {
	if !ValidLabel(label) {
		return Node{}, nil, fmt.Errorf("label %q is not in the model", label)
	}
	var ahead strings.Builder
	cols, err := aheadCypher("n", aheads, "", &ahead)
	if err != nil {
		return Node{}, nil, err
	}
	cypher := "MATCH (n:" + string(label) + " {id: $id}) " + ahead.String() +
		"RETURN labels(n) AS labels, properties(n) AS props, [" + strings.Join(cols, ", ") + "] AS ahead"
	type found struct {
		n     Node
		ahead [][]Edge
	}
	f, err := read(ctx, s, func(tx runner) (found, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"id": id})
		if err != nil {
			return found{}, err
		}
		if len(recs) == 0 {
			return found{}, fmt.Errorf("%s %s: %w", label, id, ErrNotFound)
		}
		return found{nodeFromRecord(recs[0]), aheadFromRecord(recs[0], aheads)}, nil
	})
	return f.n, f.ahead, err
}

// aheadFromRecord reads the "ahead" column: one collected edge list per ahead.
func aheadFromRecord(r *neo4j.Record, aheads []Ahead) [][]Edge {
	raw, _, _ := neo4j.GetRecordValue[[]any](r, "ahead")
	out := make([][]Edge, len(aheads))
	for i, a := range aheads {
		if i < len(raw) {
			list, _ := raw[i].([]any)
			out[i] = edgesFromList(list, a.Ahead)
		}
	}
	return out
}

// CountryByISO3 finds a country by its ISO 3166 alpha-3 code.
func (s *Store) CountryByISO3(ctx context.Context, iso3 string) (Node, error) {
	return read(ctx, s, func(tx runner) (Node, error) {
		recs, err := s.run(ctx, tx, "MATCH (n:Country {iso3: $iso3}) RETURN labels(n) AS labels, properties(n) AS props", map[string]any{"iso3": iso3})
		if err != nil {
			return Node{}, err
		}
		if len(recs) == 0 {
			return Node{}, fmt.Errorf("country %s: %w", iso3, ErrNotFound)
		}
		return nodeFromRecord(recs[0]), nil
	})
}

// ListNodes returns one page of the nodes of a label that match q.Where,
// in q.Order (then id). Keyset pagination: the cursor holds the sort keys,
// so pages stay stable under any ordering.
func (s *Store) ListNodes(ctx context.Context, label Label, q ListQuery) (PageResult, error) {
	l, err := planList(label, q)
	if err != nil {
		return PageResult{}, err
	}
	cypher := l.match
	ret := " RETURN labels(n) AS labels, properties(n) AS props, " + l.keys + " AS keys"
	if len(q.Ahead) == 0 {
		cypher += ret + " " + l.order + " LIMIT $limit"
	} else {
		// The page first, then its relationship fields for just those nodes.
		var ahead strings.Builder
		cols, err := aheadCypher("n", q.Ahead, "", &ahead)
		if err != nil {
			return PageResult{}, err
		}
		cypher += " WITH n " + l.order + " LIMIT $limit " + ahead.String() +
			"WITH n, [" + strings.Join(cols, ", ") + "] AS ahead" + ret + ", ahead " + l.order
	}
	return read(ctx, s, func(tx runner) (PageResult, error) {
		recs, err := s.run(ctx, tx, cypher, l.params)
		if err != nil {
			return PageResult{}, err
		}
		var res PageResult
		recs = l.page(recs, &res.HasNext, &res.HasPrevious)
		for _, r := range recs {
			n := nodeFromRecord(r)
			res.Nodes = append(res.Nodes, n)
			res.Cursors = append(res.Cursors, l.cursor(r, n.ID()))
			if len(q.Ahead) > 0 {
				res.Ahead = append(res.Ahead, aheadFromRecord(r, q.Ahead))
			}
		}
		if l.backwards {
			reverse(res.Nodes)
			reverse(res.Cursors)
			reverse(res.Ahead)
		}
		return res, nil
	})
}

// listPlan is the shared part of a page read: the MATCH … WHERE of the
// list (variable n), its ORDER BY, the sort keys cursors record, and how
// to tell the page from the look-ahead row.
type listPlan struct {
	match     string // MATCH (n:Label) WHERE …
	order     string // ORDER BY …, n.id (reversed when walking backwards)
	keys      string // [sort key expressions]
	params    map[string]any
	sig       string
	limit     int // rows the page can hold before the Last cut
	fetch     int // rows read: enough to tell the page flags apart
	backwards bool
	pg        Page
}

func planList(label Label, q ListQuery) (listPlan, error) {
	if !ValidLabel(label) {
		return listPlan{}, fmt.Errorf("label %q is not in the model", label)
	}
	order := q.Order
	if len(order) == 0 {
		order = DefaultOrder(label)
	}
	for _, k := range order {
		if _, ok := nodeProp(label, k.Prop); !ok || k.OnRel {
			return listPlan{}, fmt.Errorf("%s cannot be ordered by %q", label, k.Prop)
		}
	}
	l := listPlan{sig: orderSignature(order), pg: q.Page}
	l.backwards = q.Page.HasLast && q.Page.OnlyLast
	l.limit, l.fetch = q.Page.First, q.Page.First+1
	switch {
	case l.backwards:
		l.limit, l.fetch = q.Page.Last, q.Page.Last+1
	case q.Page.HasLast && q.Page.Last >= q.Page.First:
		// hasPreviousPage is "more than last items after the cursors".
		l.fetch = q.Page.Last + 1
	}
	l.params = map[string]any{"limit": l.fetch}
	b := newWhereBuilder(l.params)
	where, err := b.node(q.Where, "n", label)
	if err != nil {
		return listPlan{}, err
	}
	exprs := make([]string, len(order))
	present := presentProps(label, q.Where)
	for i, k := range order {
		exprs[i] = sortExpr("n", label, k.Prop, present)
	}
	conds := []string{}
	if where != "" {
		conds = append(conds, where)
	}
	for _, c := range []struct {
		cur   *Cursor
		after bool
	}{{q.Page.After, true}, {q.Page.Before, false}} {
		if c.cur == nil {
			continue
		}
		if c.cur.Order != l.sig || len(c.cur.Keys) != len(order) {
			return listPlan{}, ErrBadCursor
		}
		conds = append(conds, keysetCond(b, exprs, order, "n.id", *c.cur, c.after))
	}
	l.match = "MATCH (n:" + string(label) + ")"
	if len(conds) > 0 {
		l.match += " WHERE " + strings.Join(conds, " AND ")
	}
	l.order = orderBy(exprs, order, "n.id", l.backwards)
	l.keys = "[" + strings.Join(exprs, ", ") + "]"
	return l, nil
}

// page keeps the records of the page (in read order) and sets the flags.
func (l listPlan) page(recs []*neo4j.Record, hasNext, hasPrevious *bool) []*neo4j.Record {
	lo, hi := l.window(len(recs), hasNext, hasPrevious)
	return recs[lo:hi]
}

// window sets hasNext and hasPrevious for n records read with the plan and
// returns which of them, in read order, make the page: the Relay
// specification's HasPreviousPage and HasNextPage, where "the server can
// efficiently determine that elements exist" before after (or after
// before) is taken to be true, since a cursor names an item of the list.
func (l listPlan) window(n int, hasNext, hasPrevious *bool) (lo, hi int) {
	hi = min(n, l.limit)
	switch {
	case l.backwards: // last only: read from the end
		*hasPrevious, *hasNext = n > l.pg.Last, l.pg.Before != nil
	case l.pg.HasLast: // first, then last of those
		lo = max(0, hi-l.pg.Last)
		*hasNext, *hasPrevious = n > l.pg.First, n > l.pg.Last
	default:
		*hasNext, *hasPrevious = n > l.pg.First, l.pg.After != nil
	}
	return lo, hi
}

// cursor reads a record's "keys" column into the cursor of node id.
func (l listPlan) cursor(r *neo4j.Record, id string) Cursor {
	raw, _, _ := neo4j.GetRecordValue[[]any](r, "keys")
	keys := make([]string, len(raw))
	for i, k := range raw {
		keys[i], _ = k.(string)
	}
	return Cursor{Keys: keys, ID: id, Order: l.sig}
}

// presentProps are the properties every node of label that matches where
// is known to have: id and name, which every model node has (docs/graph-model.md; the
// write API requires a name; a Source has a title instead), and every
// property the filter tests at its top level, since a condition on a
// missing property is never true.
func presentProps(label Label, where Filter) map[string]bool {
	out := map[string]bool{"id": true}
	if label != LabelSource {
		out["name"] = true
	}
	var walk func(f Filter)
	walk = func(f Filter) {
		for _, c := range f.Conds {
			out[c.Prop] = true
		}
		for _, a := range f.And {
			walk(a)
		}
	}
	walk(where)
	return out
}

// sortExpr is what a list sorts by: the property itself when every node
// has it, so a range index can give the order and the query can stop at
// the page's end (docs/benchmarks.md); otherwise coalesce with the empty string, which sorts
// the nodes without it first, as the order is defined.
//
// An integer property sorts as a zero-padded string, so that cursors,
// which hold sort keys as strings, compare it in numeric order.
func sortExpr(v string, label Label, prop string, present map[string]bool) string {
	if k, _ := nodeProp(label, prop); k == kindInt {
		return "coalesce(right('000000000000' + toString(" + v + "." + prop + "), 12), '')"
	}
	expr := v + "." + prop
	if !present[prop] {
		expr = "coalesce(" + expr + ", '')"
	}
	if folded(prop) {
		return readerKey(expr)
	}
	return expr
}

// keysetCond is the condition "strictly after (or before) cursor c" in the
// order given by exprs/order, with idExpr ascending as the tie-break:
// (k1 > c1) OR (k1 = c1 AND k2 > c2) OR ... OR (all equal AND id > cid),
// where > becomes < for descending keys and everything flips for before.
func keysetCond(b *whereBuilder, exprs []string, order []SortKey, idExpr string, c Cursor, after bool) string {
	cmp := func(desc bool) string {
		if desc == after {
			return " < "
		}
		return " > "
	}
	var alts []string
	var eqs []string
	for i, e := range exprs {
		p := b.param(c.Keys[i])
		alts = append(alts, joinAnd(append(append([]string{}, eqs...), e+cmp(order[i].Desc)+p)))
		eqs = append(eqs, e+" = "+p)
	}
	alts = append(alts, joinAnd(append(eqs, idExpr+cmp(false)+b.param(c.ID))))
	return "(" + strings.Join(alts, " OR ") + ")"
}

// orderBy is the ORDER BY clause for exprs/order then idExpr, reversed when
// walking backwards.
func orderBy(exprs []string, order []SortKey, idExpr string, backwards bool) string {
	dir := func(desc bool) string {
		if desc != backwards {
			return " DESC"
		}
		return ""
	}
	parts := make([]string, 0, len(exprs)+1)
	for i, e := range exprs {
		parts = append(parts, e+dir(order[i].Desc))
	}
	parts = append(parts, idExpr+dir(false))
	return "ORDER BY " + strings.Join(parts, ", ")
}

// CountNodes counts the nodes of a label that match where, without fetching them.
func (s *Store) CountNodes(ctx context.Context, label Label, where Filter) (int, error) {
	if !ValidLabel(label) {
		return 0, fmt.Errorf("label %q is not in the model", label)
	}
	params := map[string]any{}
	cond, err := newWhereBuilder(params).node(where, "n", label)
	if err != nil {
		return 0, err
	}
	cypher := "MATCH (n:" + string(label) + ")"
	if cond != "" {
		cypher += " WHERE " + cond
	}
	cypher += " RETURN count(n) AS c"
	return read(ctx, s, func(tx runner) (int, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return 0, err
		}
		c, _, err := neo4j.GetRecordValue[int64](recs[0], "c")
		return int(c), err
	})
}

// nodesFromRecords reads records with "labels" and "props" columns.
func nodesFromRecords(recs []*neo4j.Record) []Node {
	out := make([]Node, 0, len(recs))
	for _, r := range recs {
		out = append(out, nodeFromRecord(r))
	}
	return out
}

func nodeFromRecord(r *neo4j.Record) Node {
	labels, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
	props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
	return Node{Label: primaryLabel(labels), Props: props}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
