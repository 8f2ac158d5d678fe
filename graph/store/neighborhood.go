package store

// The neighborhood field's read: a node's surroundings to a depth, in one
// statement, under node and edge budgets.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Subgraph is a node's neighbourhood.
type Subgraph struct {
	Nodes     []Node
	Edges     []GraphEdge
	Truncated bool
}

// NeighborhoodQuery says what Neighborhood reads: the nodes within Depth
// relationships of the node ID (over Types; every model type when empty),
// at most Limit of them with the start.
type NeighborhoodQuery struct {
	ID    string
	Depth int
	Types []RelType
	Limit int
	// Properties asks for every property of the kept nodes and
	// relationships. Without it a node's Props hold only its id and name (a
	// Source's title) and a relationship's none: what a drawing needs, and
	// about half the bytes to send and decode.
	Properties bool
	// Scope narrows the relationships followed (the zero Scope: all).
	Scope Scope
}

// Neighborhood expands breadth-first from the node, every level in one
// statement (which also finds the start): one round trip. A level reads at
// most 2 × the edges left in the budget (edgesPerNode × Limit) + 1
// relationships; when the node or edge budget is spent, the answer is
// marked truncated, and once the node budget is spent no deeper level is
// read.
func (s *Store) Neighborhood(ctx context.Context, q NeighborhoodQuery) (Subgraph, error) {
	if q.Depth < 1 || q.Depth > MaxNeighborhoodDepth {
		return Subgraph{}, fmt.Errorf("depth %d outside 1..%d", q.Depth, MaxNeighborhoodDepth)
	}
	if q.Limit < 1 || q.Limit > MaxNeighborhoodLimit {
		return Subgraph{}, fmt.Errorf("limit %d outside 1..%d", q.Limit, MaxNeighborhoodLimit)
	}
	pattern, ok, err := relTypesScoped(q.Types, q.Scope)
	if err != nil {
		return Subgraph{}, err
	}
	if !ok { // no type left: the predicate's type test keeps nothing
		pattern, _ = relTypesPattern(q.Types)
	}
	cypher := neighborhoodCypher(pattern, q.Properties, q.Depth, q.Scope)
	maxEdges := edgesPerNode * q.Limit
	params := map[string]any{"id": q.ID, "limit": q.Limit, "maxEdges": maxEdges, "rows": 2*maxEdges + 1}
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (Subgraph, error) {
		dates, err := s.scopeSources(ctx, tx, "scope", q.Scope)
		if err != nil {
			return Subgraph{}, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(params, q.Scope, dates))
		if err != nil {
			return Subgraph{}, err
		}
		if len(recs) == 0 {
			return Subgraph{}, &MissingError{Argument: "id", ID: q.ID}
		}
		sg := Subgraph{Nodes: []Node{nodeFromRecord(recs[0])}}
		sg.Truncated, _, _ = neo4j.GetRecordValue[bool](recs[0], "truncated")
		added, _, _ := neo4j.GetRecordValue[[]any](recs[0], "added")
		hops := map[string]int64{}
		for _, x := range added {
			row, _ := x.([]any)
			if len(row) != addedColumns {
				continue
			}
			label, _ := row[addedLabel].(string)
			props, _ := row[addedProps].(map[string]any)
			if props == nil {
				props = map[string]any{}
			}
			n := Node{Label: Label(label), Props: props}
			hops[n.ID()], _ = row[addedHop].(int64)
			sg.Nodes = append(sg.Nodes, n)
		}
		// Neo4j reads relationships in storage order; the answer is the
		// start, then each hop's nodes by id, and the relationships by
		// key, so the same subgraph always reads the same. (Sorting in
		// the statement, before each hop's LIMIT, made the planner read
		// whole hops: 40× slower on the reference data.)
		slices.SortStableFunc(sg.Nodes[1:], func(a, b Node) int {
			return cmp.Or(cmp.Compare(hops[a.ID()], hops[b.ID()]), cmp.Compare(a.ID(), b.ID()))
		})
		kept, _, _ := neo4j.GetRecordValue[[]any](recs[0], "kept")
		seenEdge := map[string]bool{}
		for _, x := range kept {
			row, _ := x.([]any)
			if len(row) != keptColumns {
				continue
			}
			e := keptEdge(row)
			if seenEdge[e.Key()] {
				continue
			}
			if len(sg.Edges) >= maxEdges {
				sg.Truncated = true
				continue
			}
			seenEdge[e.Key()] = true
			sg.Edges = append(sg.Edges, e)
		}
		slices.SortFunc(sg.Edges, func(a, b GraphEdge) int { return cmp.Compare(a.Key(), b.Key()) })
		return sg, nil
	})
}

// The columns of an added node (one the levels admitted, in order): its
// model label, its properties (or only its id and name) and its hop.
const (
	addedLabel = iota
	addedProps
	addedHop // 1 for the start's neighbours, 2 for theirs, …
	addedColumns
)

// The columns of a kept relationship (one a level read to a node of the
// subgraph, in the order read; an edge between two frontier nodes comes
// twice): the ids of the frontier node and of the other end, the type,
// whether it goes out from the frontier node, and its properties (or null).
const (
	keptFrom = iota
	keptOther
	keptType
	keptOut
	keptProps
	keptColumns
)

// neighborhoodCypher is the breadth-first expansion to depth, as one
// statement: it finds the start node by id (any label; no record: no such
// node) and runs the levels one after the other, each over the previous
// level's new nodes. It returns the start, `truncated`, `added` (the new
// nodes) and `kept` (the relationships to nodes of the subgraph).
//
// A level reads the frontier's relationships, at most $rows of them (the
// edge budget: 2 × the edges left + 1, an edge between two frontier nodes
// being read from both ends; LIMIT takes no variable, so past the first
// level the rows are cut to the edges left). Its new nodes are the first
// budget of the other ends not yet seen (and with a model label), in the
// order read: Distinct and Limit stream, so nodes past the budget — on a
// big level most of them — are never labelled, sent nor decoded. It keeps
// the rows to nodes already seen and to its new nodes. A level read to its
// row cap, a new node left out, or more distinct relationships kept than
// the edge budget set `truncated`; once it is set and the node budget is
// spent, deeper levels get an empty frontier. Every level's rows are
// collected, so a start without relationships still comes back.
//
// One statement instead of one per level: each statement costs Neo4j and
// the server a share of a millisecond before it reads anything; and
// picking the new nodes from the row stream, instead of grouping every row
// by its other end, cut Neo4j's CPU per 2-hop neighbourhood by ~15 % at
// scale S (docs/benchmarks.md).
//
// A scope adds its predicate to every level's read (scopeCypher).
func neighborhoodCypher(pattern string, properties bool, depth int, sc Scope) string {
	where := ""
	if p := scopeCypher("r", sc); p != "" {
		where = "WHERE " + p + " "
	}
	mprops, rprops := "{id: g[0].id, name: CASE WHEN g[0].name IS NULL OR g[0].name = '' THEN g[0].title ELSE g[0].name END}", "null"
	if properties {
		mprops, rprops = "properties(g[0])", "properties(x[1])"
	}
	var b strings.Builder
	b.WriteString(lookupCypher("id", "n"))
	// seen: the subgraph's nodes (its size is the node budget spent); rels:
	// the distinct relationships kept so far; rowsLimit: the rows this
	// level may read, 2 × the edges left + 1.
	b.WriteString("WITH n, [n] AS frontier, [n] AS seen, [] AS rels, false AS truncated, [] AS added, [] AS kept, $rows AS rowsLimit ")
	for d := 1; d <= depth; d++ {
		// rs: [frontier node, relationship, other end, seen before].
		b.WriteString("CALL (frontier, seen) { UNWIND frontier AS f MATCH (f)-[r" + pattern + "]-(m) " + where +
			"WITH f, r, m, m IN seen AS old LIMIT $rows RETURN collect([f, r, m, old]) AS rs } ")
		if d > 1 {
			b.WriteString("WITH n, seen, rels, truncated, added, kept, rs[..rowsLimit] AS rs, rowsLimit ")
		}
		// fl: the level's new nodes with a model label, by id, one past any
		// budget ($limit): by id, so the same graph gives the same nodes in
		// the same order whatever order Neo4j reads them in.
		b.WriteString("CALL (rs) { UNWIND rs AS x WITH x WHERE NOT x[3] WITH DISTINCT x[2] AS m " +
			"WITH m, " + primaryLabelCypher("m") + " AS label WHERE label <> '' " +
			"WITH m, label LIMIT $limit RETURN collect([m, label]) AS fl } ")
		b.WriteString("WITH n, seen, rels, added, kept, rs, fl[..$limit - size(seen)] AS kf, " +
			"truncated OR size(fl) > $limit - size(seen) OR size(rs) = rowsLimit AS truncated ")
		// g is an element of kf ([node, label]), x one of rs: mprops and rprops use them.
		b.WriteString("WITH n, seen, rels, truncated, rs, [g IN kf | g[0]] AS fresh, " +
			"added + [g IN kf | [g[1], " + mprops + ", " + strconv.Itoa(d) + "]] AS added, kept ")
		b.WriteString("WITH n, seen, rels, truncated, fresh, added, kept, [x IN rs WHERE x[3] OR x[2] IN fresh] AS krs ")
		b.WriteString("WITH n, seen, rels, truncated, fresh, added, krs, " +
			"kept + [x IN krs | [x[0].id, x[2].id, type(x[1]), startNode(x[1]) = x[0], " + rprops + "]] AS kept ")
		if d == depth {
			break
		}
		// The next level's frontier, seen nodes and row cap.
		b.WriteString("CALL (krs) { UNWIND krs AS x RETURN collect(DISTINCT x[1]) AS lr } ")
		b.WriteString("WITH n, seen + fresh AS seen, rels + [r IN lr WHERE NOT r IN rels] AS rels, truncated, fresh, added, kept ")
		b.WriteString("WITH n, seen, rels, truncated OR size(rels) > $maxEdges AS truncated, fresh, added, kept, " +
			"2 * ($maxEdges - CASE WHEN size(rels) < $maxEdges THEN size(rels) ELSE $maxEdges END) + 1 AS rowsLimit ")
		b.WriteString("WITH n, seen, rels, truncated, added, kept, rowsLimit, " +
			"CASE WHEN truncated AND size(seen) >= $limit THEN [] ELSE fresh END AS frontier ")
	}
	b.WriteString("RETURN labels(n) AS labels, properties(n) AS props, truncated, added, kept")
	return b.String()
}

// keptEdge reads a kept relationship (see keptFrom) in its stored direction.
func keptEdge(row []any) GraphEdge {
	from, _ := row[keptFrom].(string)
	other, _ := row[keptOther].(string)
	typ, _ := row[keptType].(string)
	out, _ := row[keptOut].(bool)
	props, _ := row[keptProps].(map[string]any)
	e := GraphEdge{Type: RelType(typ), Source: other, Target: from, Props: props}
	if out {
		e.Source, e.Target = from, other
	}
	return e
}

// primaryLabelCypher is the Cypher expression for v's model label (as
// primaryLabel picks it), or the empty string when it has none. The labels come from
// the fixed PrimaryLabels list.
func primaryLabelCypher(v string) string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, l := range PrimaryLabels {
		b.WriteString(" WHEN " + v + ":" + string(l) + " THEN '" + string(l) + "'")
	}
	b.WriteString(" ELSE '' END")
	return b.String()
}
