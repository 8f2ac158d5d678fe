package store

// Coalition analytics: every Cypher statement behind the
// neighborhood, connectionPath, potentialPartners, sharedIssueAreas,
// commonGround, coalition, coParticipants, brokers and timeline fields.
// Relationship types come only from RelTypes; every traversal is bounded by
// a depth/hop cap interpolated as a checked integer, a LIMIT, and a
// transaction timeout (AnalyticsTimeout unless the context says otherwise).

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Caps of the analytics traversals. The API layer reports arguments beyond
// them as bad input; the store refuses them too, so no caller can start a
// runaway query.
const (
	MaxNeighborhoodDepth = 3
	MaxNeighborhoodLimit = 1000
	MaxPathHops          = 10
	MaxShortestPaths     = 25
	MaxAnalyticsFirst    = 100
	MaxCommonGroundIDs   = 50
	MaxTimelineFirst     = 1000
	MaxCoalitionRows     = 10000
	// MaxCoParticipationEvents is how many shared events a CoParticipation lists.
	MaxCoParticipationEvents = 20
	// edgesPerNode bounds a Subgraph's edges: at most edgesPerNode × limit.
	edgesPerNode = 5
)

// AnalyticsTimeout is the server-side transaction timeout of an analytics
// query unless the context carries another (WithAnalyticsTimeout) or the
// store's own timeout is shorter.
const AnalyticsTimeout = 20 * time.Second

// ProjectionTimeout bounds loading the brokers projection (a whole-graph read).
const ProjectionTimeout = 2 * time.Minute

// analyticsSlack is how long after the transaction timeout the client stops waiting.
const analyticsSlack = 5 * time.Second

type analyticsTimeoutKey struct{}

// WithAnalyticsTimeout returns a context under which analytics queries use
// timeout d as their transaction timeout (tests use a tiny one).
func WithAnalyticsTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, analyticsTimeoutKey{}, d)
}

func (s *Store) analyticsTimeout(ctx context.Context, def time.Duration) time.Duration {
	d := def
	if v, ok := ctx.Value(analyticsTimeoutKey{}).(time.Duration); ok && v > 0 {
		d = v
	} else if s.txTimeout > 0 && s.txTimeout < d && def != ProjectionTimeout {
		// The projection load runs in the background, not under a request's
		// timeout, so only the request-facing reads are capped by it.
		d = s.txTimeout
	}
	return d
}

// analyticsRead runs work in a read transaction with a server-side timeout;
// the context gets a deadline analyticsSlack later (the server checks
// timeouts every 2 s), so the driver's retries and waits stop too. A
// timed-out transaction is reported as context.DeadlineExceeded.
func analyticsRead[T any](ctx context.Context, s *Store, def time.Duration, work func(tx runner) (T, error)) (T, error) {
	d := s.analyticsTimeout(ctx, def)
	ctx, cancel := context.WithTimeout(ctx, d+analyticsSlack)
	defer cancel()
	// The request's session (its bookmarks, so a client reads its own
	// writes), each statement an auto-commit transaction as in read.
	v, err := retryRead(ctx, s, []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(d)}, work)
	if err != nil && ctx.Err() != nil {
		return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	if err != nil {
		var n4j *neo4j.Neo4jError
		if errors.As(err, &n4j) && strings.HasPrefix(n4j.Code, "Neo.ClientError.Transaction.TransactionTimedOut") {
			return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		if errors.As(err, &n4j) && n4j.Code == "Neo.TransientError.Transaction.Terminated" {
			return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	return v, classify(bookmarkError(ctx, err))
}

// lookupCypher finds the node whose id is the parameter param, whatever its
// label, through the per-label id constraints (an unlabelled MATCH on id
// would scan every node). It binds the node to alias.
func lookupCypher(param, alias string) string {
	parts := make([]string, 0, len(PrimaryLabels))
	for _, l := range PrimaryLabels {
		parts = append(parts, "MATCH (x:"+string(l)+" {id: $"+param+"}) RETURN x AS "+alias)
	}
	return "CALL () { " + strings.Join(parts, " UNION ") + " } "
}

// relTypesPattern returns ":A|B|C" for the given types (all model types when
// empty), checking each against the allow-list.
func relTypesPattern(types []RelType) (string, error) {
	if len(types) == 0 {
		for t := range RelTypes {
			// Votes are excluded unless asked for: hundreds of thousands of
			// edges that say only that two states voted in one roll call.
			if t != RelVoted {
				types = append(types, t)
			}
		}
	}
	seen := map[RelType]bool{}
	names := make([]string, 0, len(types))
	for _, t := range types {
		if _, ok := RelTypes[t]; !ok {
			return "", fmt.Errorf("relationship type %q is not in the model", t)
		}
		if !seen[t] {
			seen[t] = true
			names = append(names, string(t))
		}
	}
	sort.Strings(names)
	return ":" + strings.Join(names, "|"), nil
}

// found is a node found by id, with its element id for fast re-matching.
type found struct {
	Node
	eid string
}

// existing reports which of ids exist with the given label ("" = any label).
func (s *Store) existing(ctx context.Context, tx runner, label Label, ids []string) (map[string]found, error) {
	out := map[string]found{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		var cypher string
		if label == "" {
			cypher = lookupCypher("id", "n") + "RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
		} else {
			if !ValidLabel(label) && label != LabelActor {
				return nil, fmt.Errorf("label %q is not in the model", label)
			}
			cypher = "MATCH (n:" + string(label) + " {id: $id}) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
		}
		recs, err := s.run(ctx, tx, cypher, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			eid, _, _ := neo4j.GetRecordValue[string](recs[0], "eid")
			out[id] = found{nodeFromRecord(recs[0]), eid}
		}
	}
	return out, nil
}

// MissingError says which argument named an id that does not exist. It wraps ErrNotFound.
type MissingError struct {
	Argument string
	ID       string
	Label    Label
}

func (e *MissingError) Error() string {
	what := "node"
	if e.Label != "" {
		what = string(e.Label)
	}
	return fmt.Sprintf("argument %s: no %s with id %q", e.Argument, what, e.ID)
}

func (e *MissingError) Unwrap() error { return ErrNotFound }

// require checks that id exists with label, else returns a *MissingError naming arg.
func (s *Store) require(ctx context.Context, tx runner, arg string, label Label, id string) (found, error) {
	f, err := s.existing(ctx, tx, label, []string{id})
	if err != nil {
		return found{}, err
	}
	n, ok := f[id]
	if !ok {
		return found{}, &MissingError{Argument: arg, ID: id, Label: label}
	}
	return n, nil
}

// GraphEdge is one relationship in its stored direction.
type GraphEdge struct {
	Type           RelType
	Source, Target string
	Props          map[string]any
}

// Key is the edge's stable id: source|TYPE|target.
func (e GraphEdge) Key() string { return e.Source + "|" + string(e.Type) + "|" + e.Target }

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
			sg.Nodes = append(sg.Nodes, Node{Label: Label(label), Props: props})
		}
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
		return sg, nil
	})
}

// The columns of an added node (one the levels admitted, in order): its
// model label and its properties (or only its id and name).
const (
	addedLabel = iota
	addedProps
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
		// fl: the first new nodes with a model label, one past any budget ($limit).
		b.WriteString("CALL (rs) { UNWIND rs AS x WITH x WHERE NOT x[3] WITH DISTINCT x[2] AS m " +
			"WITH m, " + primaryLabelCypher("m") + " AS label WHERE label <> '' " +
			"WITH m, label LIMIT $limit RETURN collect([m, label]) AS fl } ")
		b.WriteString("WITH n, seen, rels, added, kept, rs, fl[..$limit - size(seen)] AS kf, " +
			"truncated OR size(fl) > $limit - size(seen) OR size(rs) = rowsLimit AS truncated ")
		// g is an element of kf ([node, label]), x one of rs: mprops and rprops use them.
		b.WriteString("WITH n, seen, rels, truncated, rs, [g IN kf | g[0]] AS fresh, " +
			"added + [g IN kf | [g[1], " + mprops + "]] AS added, kept ")
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

// PathResult is the shortest connection between two nodes.
type PathResult struct {
	Length    int
	Routes    [][]string  // each shortest path as node ids, from -> to
	Nodes     []Node      // every node on a route, first route first
	Edges     []GraphEdge // every relationship on a route, in route order
	Truncated bool
}

// ShortestPath finds the shortest path(s) from one node to another over the
// given relationship types (either direction), at most maxHops long. It
// returns nil when there is none. Without all, it returns the one path that
// Neo4j's shortestPath finds first: enumerating every shortest path to pick
// a canonical one cost ~20× the database hits at scale M (122k against 5.6k)
// for an answer no more correct. With all, every shortest path, up to
// MaxShortestPaths, sorted by their node-id sequences. A scope keeps the
// path to relationships within it (every relationship of the path must be).
func (s *Store) ShortestPath(ctx context.Context, from, to string, maxHops int, types []RelType, all bool, sc Scope) (*PathResult, error) {
	if maxHops < 1 || maxHops > MaxPathHops {
		return nil, fmt.Errorf("maxHops %d outside 1..%d", maxHops, MaxPathHops)
	}
	pattern, ok, err := relTypesScoped(types, sc)
	if err != nil {
		return nil, err
	}
	if !ok { // no type left: the predicate's type test keeps nothing
		pattern, _ = relTypesPattern(types)
	}
	where := ""
	if p := scopeCypher("r", sc); p != "" {
		// Neo4j checks a predicate on all of a path's relationships while it
		// searches, so the shortest path found is the shortest in scope.
		where = "WHERE all(r IN relationships(p) WHERE " + p + ") "
	}
	// One statement finds both ends and the path: no row means an end is
	// missing (then looked up one by one to name the argument), one row
	// with null lists means there is no path within maxHops. Two lookups
	// fewer than checking the ends first: at ~5 ms a call, round trips are
	// a large part of this field.
	cypher := lookupCypher("from", "a") + lookupCypher("to", "b") +
		fmt.Sprintf("OPTIONAL MATCH p = %s((a)-[%s*..%d]-(b)) ", shortestPathFunc(all), pattern, maxHops) + where +
		"RETURN [x IN nodes(p) | {labels: labels(x), props: properties(x)}] AS ns, " +
		"[r IN relationships(p) | {type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rs " +
		"LIMIT $paths"
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (*PathResult, error) {
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return nil, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"from": from, "to": to, "paths": MaxShortestPaths + 1}, sc, dates))
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			if _, err := s.require(ctx, tx, "from", "", from); err != nil {
				return nil, err
			}
			if _, err := s.require(ctx, tx, "to", "", to); err != nil {
				return nil, err
			}
			return nil, nil
		}
		if ns, _ := recs[0].Get("ns"); ns == nil {
			return nil, nil // both ends exist, no path within maxHops
		}
		type route struct {
			nodes []Node
			edges []GraphEdge
			key   string
		}
		routes := make([]route, 0, len(recs))
		for _, r := range recs {
			ns, _, _ := neo4j.GetRecordValue[[]any](r, "ns")
			rs, _, _ := neo4j.GetRecordValue[[]any](r, "rs")
			var rt route
			ids := make([]string, 0, len(ns))
			for _, x := range ns {
				m, _ := x.(map[string]any)
				labels, _ := m["labels"].([]any)
				props, _ := m["props"].(map[string]any)
				n := Node{Label: primaryLabel(labels), Props: props}
				rt.nodes = append(rt.nodes, n)
				ids = append(ids, n.ID())
			}
			for _, x := range rs {
				m, _ := x.(map[string]any)
				t, _ := m["type"].(string)
				src, _ := m["source"].(string)
				tgt, _ := m["target"].(string)
				props, _ := m["props"].(map[string]any)
				rt.edges = append(rt.edges, GraphEdge{Type: RelType(t), Source: src, Target: tgt, Props: props})
			}
			rt.key = strings.Join(ids, "\x00")
			routes = append(routes, rt)
		}
		res := &PathResult{Length: len(routes[0].edges)}
		if len(routes) > MaxShortestPaths {
			res.Truncated = all
			routes = routes[:MaxShortestPaths]
		}
		sort.Slice(routes, func(i, j int) bool { return routes[i].key < routes[j].key })
		if !all {
			routes = routes[:1]
		}
		seenN, seenE := map[string]bool{}, map[string]bool{}
		for _, rt := range routes {
			ids := make([]string, 0, len(rt.nodes))
			for _, n := range rt.nodes {
				ids = append(ids, n.ID())
				if !seenN[n.ID()] {
					seenN[n.ID()] = true
					res.Nodes = append(res.Nodes, n)
				}
			}
			for _, e := range rt.edges {
				if !seenE[e.Key()] {
					seenE[e.Key()] = true
					res.Edges = append(res.Edges, e)
				}
			}
			res.Routes = append(res.Routes, ids)
		}
		return res, nil
	})
}

// shortestPathFunc is the Cypher path function: one path, or all of them.
func shortestPathFunc(all bool) string {
	if all {
		return "allShortestPaths"
	}
	return "shortestPath"
}

// PartnerEventsPerMember bounds potentialPartners on hub members: shared
// events are sought among each member's most recent events only.
const PartnerEventsPerMember = 50

// partnerTieSlack is how many events beyond the window potentialPartners
// reads by date alone, to find every event tied at the window's boundary
// date without reading the id of all a member's events.
const partnerTieSlack = 20

// PartnerAgreementsPerIssue bounds the agreements potentialPartners reads
// per issue area of the initiative (the most recently adopted).
const PartnerAgreementsPerIssue = 15

// Partner scoring weights (documented in docs/analytics.md).
const (
	WeightSharedEvent = 3
	WeightAgreement   = 2
	WeightIssueArea   = 1
	WeightSought      = 5
)

// PartnerFact is one reason a candidate scored: an event shared with
// members (With: the members' names), an agreement signed on the
// initiative's issues (With: those issue areas' names), a shared issue area
// (With: up to 3 of the actor's initiatives, events or agreements on it), or
// the initiative's sought partnership (Status).
type PartnerFact struct {
	Kind   string // "event", "agreement", "issue", "sought"
	Node   Node   // the event, agreement or issue area; empty for "sought"
	With   []string
	Status string
}

// PartnerCandidate is an actor that is not a member of the initiative.
type PartnerCandidate struct {
	Actor Node
	Score float64
	Facts []PartnerFact
}

// PartnerCaps says which bounds of potentialPartners cut its search: the
// members that took part in more than PartnerEventsPerMember events (only
// their most recent ones were compared), the issue areas addressed by more
// than PartnerAgreementsPerIssue agreements, and the candidates that could
// have ranked but whose issue areas were not checked (PartnerPool).
type PartnerCaps struct {
	MembersCapped, IssuesCapped []string // ids
	// Unchecked counts the candidates left out by PartnerPool: their
	// events, agreements and sought status left them within reach of the
	// answer, but their issue areas were not checked.
	Unchecked int
}

// Capped reports whether any bound cut the search.
func (c PartnerCaps) Capped() bool {
	return len(c.MembersCapped)+len(c.IssuesCapped) > 0 || c.Unchecked > 0
}

// PartnerPool bounds how many candidates potentialPartners checks for
// shared issue areas (the costly part: a walk from each issue area's
// addressers to the candidate), given first.
func PartnerPool(first int) int { return 2*first + 10 }

// partnerIssueFacts is a subquery giving candidate a's issue-area facts:
// each issue area of the initiative that a works on through its
// initiatives (other than i), events or agreements, with up to 3 of them as
// examples. Each (candidate, issue area) check stops at the third witness.
const partnerIssueFacts = `CALL (i, issues, a) {
    UNWIND issues AS ia
    CALL (a, ia, i) {
      MATCH (a)-[ry:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->(y)-[ryi:ADDRESSES]->(ia) WHERE y <> i{{ry}}{{ryi}}
      RETURN y.name AS yname LIMIT 3
    }
    WITH ia, collect(yname) AS via
    RETURN collect({kind: 'issue', status: '', x: ia, via: via}) AS issueFacts
  }`

// PotentialPartners ranks the actors that are not members of the
// initiative by WeightSharedEvent × events shared with a member +
// WeightAgreement × agreements signed that address one of the initiative's
// issue areas + WeightIssueArea × shared issue areas + WeightSought when the
// initiative seeks a partnership with the actor. kinds ("COUNTRY" or an
// organization kind) filters the candidates. One statement (after the id
// check); the caps that cut its search are returned beside the answer.
//
// A scope keeps every relationship the ranking reads within it: the
// members are those of the scope (as of its period), and only the events,
// signatures, issue areas and sought partnerships in scope count.
func (s *Store) PotentialPartners(ctx context.Context, initiativeID string, first int, kinds []string, sc Scope) ([]PartnerCandidate, PartnerCaps, error) {
	if first < 0 || first > MaxAnalyticsFirst {
		return nil, PartnerCaps{}, fmt.Errorf("first %d outside 0..%d", first, MaxAnalyticsFirst)
	}
	// The candidates' facts are gathered in a window (each member's most
	// recent events, each issue's most recent agreements) and grouped by
	// candidate: their base score (events, agreements, sought status).
	// Issue areas add at most $wIssue × |issues| to a base, so only the
	// candidates whose base is within that of the first-th best base can
	// reach the answer ("needed"). Those are checked for issue areas in two
	// steps: the best first of them by base ("head"), then those of the rest
	// that can still reach the lowest final score of the head ("rest", at
	// most PartnerPool(first) - first of them; any more are counted in
	// "unchecked"). A member's window is its events by (startDate desc, id):
	// the id, needed only to break ties at the boundary date, is read for
	// the perMember + tieSlack most recent events only; when those do not
	// hold every event of the boundary date (more ties than the slack), the
	// window is sorted again by both keys over all the member's events.
	// Labels the graph model guarantees (PARTICIPATED_IN
	// joins an actor to an event, SIGNATORY_OF an actor to an agreement)
	// are not re-checked.
	cypher := scopeTemplate(`
MATCH (i:Initiative {id: $id})
CALL (i) { OPTIONAL MATCH (i)<-[rm:MEMBER_OF]-(mem:Actor) WHERE true{{rm}} RETURN collect(DISTINCT mem) AS members }
CALL (i) { OPTIONAL MATCH (i)-[ri:ADDRESSES]->(ia:IssueArea) WHERE true{{ri}} RETURN collect(DISTINCT ia) AS issues }
CALL (i, members, issues) {
  MATCH (i)-[s:SEEKS_PARTNERSHIP_WITH]->(a:Actor) WHERE NOT a IN members{{s}}
  RETURN a, 'sought' AS kind, coalesce(s.status, '') AS status, null AS x, [] AS via, $wSought AS w
  UNION ALL
  UNWIND members AS m
  CALL (m) {
    MATCH (m)-[pm:PARTICIPATED_IN]->(e) WHERE true{{pm}}
    WITH e, e.startDate AS d ORDER BY d DESC LIMIT $perMember + $tieSlack
    WITH collect({e: e, d: d}) AS top
    WITH top, size(top) < $perMember + $tieSlack OR top[-1].d < top[$perMember - 1].d AS complete
    CALL (m, top, complete) {
      WITH * WHERE complete
      UNWIND top AS t
      WITH t.e AS e, t.d AS d ORDER BY d DESC, e.id LIMIT $perMember
      RETURN e
      UNION ALL
      WITH * WHERE NOT complete
      MATCH (m)-[pm:PARTICIPATED_IN]->(e) WHERE true{{pm}} RETURN e ORDER BY e.startDate DESC, e.id LIMIT $perMember
    }
    RETURN e
  }
  WITH members, e, collect(DISTINCT m.name) AS via
  MATCH (e)<-[pa:PARTICIPATED_IN]-(a) WHERE NOT a IN members{{pa}}
  RETURN a, 'event' AS kind, '' AS status, e AS x, via, $wEvent AS w
  UNION ALL
  UNWIND issues AS ia
  WITH members, ia, ia.name AS iname
  CALL (ia) { MATCH (ia)<-[ra:ADDRESSES]-(ag:Agreement) WHERE true{{ra}} RETURN ag ORDER BY ag.adoptedOn DESC, ag.id LIMIT $perIssue }
  WITH members, ag, collect(iname) AS via
  MATCH (ag)<-[sa:SIGNATORY_OF]-(a) WHERE NOT a IN members{{sa}}
  RETURN a, 'agreement' AS kind, '' AS status, ag AS x, via, $wAgreement AS w
}
WITH i, issues, a, kind, status, x, via, w
WHERE $kinds IS NULL OR (a:Country AND 'COUNTRY' IN $kinds) OR (a:Organization AND a.kind IN $kinds)
WITH i, issues, a, collect({kind: kind, status: status, x: x, via: via}) AS facts, sum(w) AS base
ORDER BY base DESC
WITH i, issues, collect({a: a, facts: facts, base: base}) AS ranked
WITH i, issues, CASE WHEN $first = 0 THEN [] WHEN size(ranked) <= $first THEN ranked
  ELSE [c IN ranked WHERE c.base >= ranked[$first - 1].base - $wIssue * size(issues)] END AS needed
UNWIND needed AS c
WITH i, issues, c ORDER BY c.base DESC, c.a.name, c.a.id
WITH i, issues, collect(c) AS needed
CALL (i, issues, needed) {
  UNWIND needed[..$first] AS c
  WITH i, issues, c, c.a AS a
  `+partnerIssueFacts+`
  RETURN collect({a: a, facts: c.facts + issueFacts, score: c.base + $wIssue * size(issueFacts)}) AS head
}
WITH i, issues, needed, head,
  CASE WHEN size(head) < $first THEN null
  ELSE reduce(low = head[0].score, h IN head | CASE WHEN h.score < low THEN h.score ELSE low END) END AS bar
WITH i, issues, head, [c IN needed[$first..] WHERE bar IS NOT NULL AND c.base + $wIssue * size(issues) >= bar] AS rest
WITH i, issues, head, rest[..$pool - $first] AS rest, size(rest) - size(rest[..$pool - $first]) AS unchecked
CALL (i, issues, rest) {
  UNWIND rest AS c
  WITH i, issues, c, c.a AS a
  `+partnerIssueFacts+`
  RETURN collect({a: a, facts: c.facts + issueFacts, score: c.base + $wIssue * size(issueFacts)}) AS checked
}
UNWIND head + checked AS c
WITH c.a AS a, c.facts AS facts, c.score AS score, unchecked
ORDER BY score DESC, a.name, a.id
LIMIT $first
RETURN labels(a) AS labels, properties(a) AS props, score, unchecked,
  [f IN facts | {kind: f.kind, status: f.status, via: f.via,
    labels: CASE WHEN f.x IS NULL THEN [] ELSE labels(f.x) END,
    props: CASE WHEN f.x IS NULL THEN {} ELSE properties(f.x) END}] AS facts`, sc)
	// Which caps cut the window: degrees are read from the count store.
	const capsCypher = `
MATCH (i:Initiative {id: $id})
CALL (i) { OPTIONAL MATCH (i)<-[:MEMBER_OF]-(m:Actor) WHERE COUNT { (m)-[:PARTICIPATED_IN]->() } > $perMember
  RETURN collect(DISTINCT m.id) AS members }
CALL (i) { OPTIONAL MATCH (i)-[:ADDRESSES]->(ia:IssueArea)
  WHERE COUNT { (ia)<-[:ADDRESSES]-(:Agreement) } > $perIssue RETURN collect(DISTINCT ia.id) AS issues }
RETURN members, issues`
	var kindsParam any
	if len(kinds) > 0 {
		kindsParam = kinds
	}
	type answer struct {
		cands []PartnerCandidate
		caps  PartnerCaps
	}
	a, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (answer, error) {
		if _, err := s.require(ctx, tx, "initiativeId", LabelInitiative, initiativeID); err != nil {
			return answer{}, err
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return answer{}, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": initiativeID, "first": first, "kinds": kindsParam,
			"perMember": PartnerEventsPerMember, "tieSlack": partnerTieSlack, "perIssue": PartnerAgreementsPerIssue, "pool": PartnerPool(first),
			"wEvent": WeightSharedEvent, "wAgreement": WeightAgreement, "wIssue": WeightIssueArea, "wSought": WeightSought}, sc, dates))
		if err != nil {
			return answer{}, err
		}
		capRecs, err := s.run(ctx, tx, capsCypher, map[string]any{"id": initiativeID, "perMember": PartnerEventsPerMember, "perIssue": PartnerAgreementsPerIssue})
		if err != nil {
			return answer{}, err
		}
		var caps PartnerCaps
		if len(capRecs) > 0 {
			caps.MembersCapped = stringList(capRecs[0], "members")
			caps.IssuesCapped = stringList(capRecs[0], "issues")
		}
		out := make([]PartnerCandidate, 0, len(recs))
		for _, r := range recs {
			if n, _, _ := neo4j.GetRecordValue[int64](r, "unchecked"); n > 0 {
				caps.Unchecked = int(n)
			}
			c := PartnerCandidate{Actor: nodeFromRecord(r)}
			score, _, _ := neo4j.GetRecordValue[int64](r, "score")
			c.Score = float64(score)
			facts, _, _ := neo4j.GetRecordValue[[]any](r, "facts")
			for _, f := range facts {
				m, _ := f.(map[string]any)
				pf := PartnerFact{}
				pf.Kind, _ = m["kind"].(string)
				pf.Status, _ = m["status"].(string)
				labels, _ := m["labels"].([]any)
				props, _ := m["props"].(map[string]any)
				if len(labels) > 0 {
					pf.Node = Node{Label: primaryLabel(labels), Props: props}
				}
				via, _ := m["via"].([]any)
				for _, v := range via {
					if s, ok := v.(string); ok {
						pf.With = append(pf.With, s)
					}
				}
				sort.Strings(pf.With)
				c.Facts = append(c.Facts, pf)
			}
			sortFacts(c.Facts)
			out = append(out, c)
		}
		return answer{out, caps}, nil
	})
	return a.cands, a.caps, err
}

// stringList reads a list of strings from a record.
func stringList(r *neo4j.Record, key string) []string {
	vs, _, _ := neo4j.GetRecordValue[[]any](r, key)
	return sortedStrings(vs)
}

var factOrder = map[string]int{"sought": 0, "event": 1, "agreement": 2, "issue": 3}

func sortFacts(fs []PartnerFact) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if factOrder[a.Kind] != factOrder[b.Kind] {
			return factOrder[a.Kind] < factOrder[b.Kind]
		}
		an, _ := a.Node.Props["name"].(string)
		bn, _ := b.Node.Props["name"].(string)
		if an != bn {
			return an < bn
		}
		return a.Node.ID() < b.Node.ID()
	})
}

// issueAreasOf is a subquery giving the issue areas of node n: directly
// addressed (initiative, event, agreement) or, for an actor, addressed by
// its initiatives, events and agreements.
const issueAreasOf = `CALL (n) {
  MATCH (n)-[:ADDRESSES]->(ia:IssueArea) RETURN ia
  UNION
  MATCH (n:Actor)-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(ia:IssueArea) RETURN ia
}`

// SharedIssueAreas returns the issue areas both nodes have, by name.
func (s *Store) SharedIssueAreas(ctx context.Context, a, b string) ([]Node, error) {
	cypher := "MATCH (n) WHERE elementId(n) = $eid " + issueAreasOf + " WITH DISTINCT ia RETURN ia.id AS id"
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]Node, error) {
		na, err := s.require(ctx, tx, "a", "", a)
		if err != nil {
			return nil, err
		}
		nb, err := s.require(ctx, tx, "b", "", b)
		if err != nil {
			return nil, err
		}
		sets := [2]map[string]bool{}
		for i, n := range []found{na, nb} {
			recs, err := s.run(ctx, tx, cypher, map[string]any{"eid": n.eid})
			if err != nil {
				return nil, err
			}
			sets[i] = map[string]bool{}
			for _, r := range recs {
				v, _, _ := neo4j.GetRecordValue[string](r, "id")
				sets[i][v] = true
			}
		}
		var both []string
		for id := range sets[0] {
			if sets[1][id] {
				both = append(both, id)
			}
		}
		return s.nodesSorted(ctx, tx, LabelIssueArea, both)
	})
}

// nodesSorted fetches nodes of a label by id, ordered by name then id.
func (s *Store) nodesSorted(ctx context.Context, tx runner, label Label, ids []string) ([]Node, error) {
	if len(ids) == 0 {
		return []Node{}, nil
	}
	recs, err := s.run(ctx, tx, "UNWIND $ids AS id MATCH (n:"+string(label)+" {id: id}) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.name, n.id", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return nodesFromRecords(recs), nil
}

// CommonGround is what every actor of a group shares.
type CommonGround struct {
	IssueAreas, Events, Agreements, Initiatives []Node
}

// CommonGround finds the issue areas, events, agreements and initiatives
// that every actor of ids shares. ids must be 1..MaxCommonGroundIDs actors.
func (s *Store) CommonGround(ctx context.Context, ids []string) (CommonGround, error) {
	uniq := dedupe(ids)
	if len(uniq) == 0 || len(uniq) > MaxCommonGroundIDs {
		return CommonGround{}, fmt.Errorf("%d ids outside 1..%d", len(uniq), MaxCommonGroundIDs)
	}
	const cypher = `
UNWIND $ids AS aid MATCH (n:Actor {id: aid})
CALL (n) {
  MATCH (n)-[:PARTICIPATED_IN]->(x:Event) RETURN 'event' AS kind, x
  UNION
  MATCH (n)-[:SIGNATORY_OF]->(x:Agreement) RETURN 'agreement' AS kind, x
  UNION
  MATCH (n)-[:MEMBER_OF]->(x:Initiative) RETURN 'initiative' AS kind, x
  UNION
  MATCH (n)-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(x:IssueArea) RETURN 'issue' AS kind, x
}
WITH kind, x, count(DISTINCT n) AS c WHERE c = size($ids)
RETURN kind, labels(x) AS labels, properties(x) AS props ORDER BY kind, x.startDate, x.name, x.id`
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (CommonGround, error) {
		got, err := s.existing(ctx, tx, LabelActor, uniq)
		if err != nil {
			return CommonGround{}, err
		}
		for _, id := range uniq {
			if _, ok := got[id]; !ok {
				return CommonGround{}, &MissingError{Argument: "ids", ID: id, Label: LabelActor}
			}
		}
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": uniq})
		if err != nil {
			return CommonGround{}, err
		}
		cg := CommonGround{IssueAreas: []Node{}, Events: []Node{}, Agreements: []Node{}, Initiatives: []Node{}}
		for _, r := range recs {
			kind, _, _ := neo4j.GetRecordValue[string](r, "kind")
			n := nodeFromRecord(r)
			switch kind {
			case "event":
				cg.Events = append(cg.Events, n)
			case "agreement":
				cg.Agreements = append(cg.Agreements, n)
			case "initiative":
				cg.Initiatives = append(cg.Initiatives, n)
			case "issue":
				cg.IssueAreas = append(cg.IssueAreas, n)
			}
		}
		return cg, nil
	})
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// MembershipRow is one MEMBER_OF relationship into a group.
type MembershipRow struct {
	Actor Node
	Props map[string]any
	Group Node // the initiative or organization
}

// Members returns every MEMBER_OF into the initiative or organization id
// within the scope (at most MaxCoalitionRows), ordered by actor name.
func (s *Store) Members(ctx context.Context, id string, sc Scope) ([]MembershipRow, error) {
	cypher := scopeTemplate(`
CALL () { MATCH (g:Initiative {id: $id}) RETURN g UNION MATCH (g:Organization {id: $id}) RETURN g }
MATCH (a:Actor)-[r:MEMBER_OF]->(g) WHERE true{{r}}
RETURN labels(a) AS labels, properties(a) AS props, properties(r) AS rprops, labels(g) AS glabels, properties(g) AS gprops
ORDER BY a.name, a.id LIMIT $limit`, sc)
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]MembershipRow, error) {
		got, err := s.existing(ctx, tx, "", []string{id})
		if err != nil {
			return nil, err
		}
		if n, ok := got[id]; !ok || (n.Label != LabelInitiative && n.Label != LabelOrganization) {
			return nil, &MissingError{Argument: "initiativeId", ID: id, Label: LabelInitiative}
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return nil, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": id, "limit": MaxCoalitionRows}, sc, dates))
		if err != nil {
			return nil, err
		}
		out := make([]MembershipRow, 0, len(recs))
		for _, r := range recs {
			rp, _, _ := neo4j.GetRecordValue[map[string]any](r, "rprops")
			gl, _, _ := neo4j.GetRecordValue[[]any](r, "glabels")
			gp, _, _ := neo4j.GetRecordValue[map[string]any](r, "gprops")
			out = append(out, MembershipRow{Actor: nodeFromRecord(r), Props: rp, Group: Node{Label: primaryLabel(gl), Props: gp}})
		}
		return out, nil
	})
}

// CoParticipation is an actor that took part in events with another.
type CoParticipation struct {
	Actor  Node
	Count  int
	Events []Node // at most MaxCoParticipationEvents, in date order
}

// CoParticipantEvents bounds coParticipants on hub actors: only the actor's
// most recent events (by start date) are compared; CoParticipants reports
// when the actor has more.
const CoParticipantEvents = 500

// CoParticipants returns the actors that took part in the same events as
// actorID, most shared events first (then name), at most first. For an
// actor at more than CoParticipantEvents events, only its most recent ones
// are compared and capped is true (the counts are then those of the window).
//
// A scope keeps both actors' participations within it (an event outside the
// period, or a participation from another source, is not shared).
func (s *Store) CoParticipants(ctx context.Context, actorID string, first int, sc Scope) (cps []CoParticipation, capped bool, err error) {
	if first < 0 || first > MaxAnalyticsFirst {
		return nil, false, fmt.Errorf("first %d outside 0..%d", first, MaxAnalyticsFirst)
	}
	cypher := scopeTemplate(`
MATCH (a:Actor {id: $id})
CALL (a) { MATCH (a)-[pa:PARTICIPATED_IN]->(e:Event) WHERE true{{pa}} RETURN e ORDER BY e.startDate DESC, e.id LIMIT $window }
MATCH (e)<-[po:PARTICIPATED_IN]-(o:Actor)
WHERE o <> a{{po}}
WITH o, collect(DISTINCT e) AS evs
WITH o, evs, size(evs) AS c ORDER BY c DESC, o.name, o.id LIMIT $first
CALL (evs) { UNWIND evs AS e WITH e ORDER BY e.startDate, e.name, e.id LIMIT $maxEvents
  RETURN collect({labels: labels(e), props: properties(e)}) AS top }
RETURN labels(o) AS labels, properties(o) AS props, c, top`, sc)
	type answer struct {
		cps    []CoParticipation
		capped bool
	}
	a, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (answer, error) {
		if _, err := s.require(ctx, tx, "actorId", LabelActor, actorID); err != nil {
			return answer{}, err
		}
		// PARTICIPATED_IN always ends at an Event (CheckEndpoints), so the
		// degree (from the count store) is the number of events.
		deg, err := s.run(ctx, tx, "MATCH (a:Actor {id: $id}) RETURN COUNT { (a)-[:PARTICIPATED_IN]->() } AS n", map[string]any{"id": actorID})
		if err != nil {
			return answer{}, err
		}
		var out answer
		if len(deg) > 0 {
			n, _, _ := neo4j.GetRecordValue[int64](deg[0], "n")
			out.capped = n > CoParticipantEvents
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return answer{}, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": actorID, "first": first, "maxEvents": MaxCoParticipationEvents, "window": CoParticipantEvents}, sc, dates))
		if err != nil {
			return answer{}, err
		}
		out.cps = make([]CoParticipation, 0, len(recs))
		for _, r := range recs {
			c, _, _ := neo4j.GetRecordValue[int64](r, "c")
			top, _, _ := neo4j.GetRecordValue[[]any](r, "top")
			cp := CoParticipation{Actor: nodeFromRecord(r), Count: int(c)}
			for _, x := range top {
				m, _ := x.(map[string]any)
				labels, _ := m["labels"].([]any)
				props, _ := m["props"].(map[string]any)
				cp.Events = append(cp.Events, Node{Label: primaryLabel(labels), Props: props})
			}
			out.cps = append(out.cps, cp)
		}
		return out, nil
	})
	return a.cps, a.capped, err
}

// TimelineArgs filter the events of a timeline. From and To are the first
// and last day ("YYYY-MM-DD") of the range, or "" for open ends.
type TimelineArgs struct {
	ActorID, InitiativeID, IssueAreaID string
	From, To                           string
	First                              int
}

// Timeline lists events in date order. An event counts when its span
// [first day of startDate, last day of endDate or startDate] overlaps
// [From, To]; a date known to the month or year spans its whole range.
func (s *Store) Timeline(ctx context.Context, a TimelineArgs) ([]Node, error) {
	if a.First < 0 || a.First > MaxTimelineFirst {
		return nil, fmt.Errorf("first %d outside 0..%d", a.First, MaxTimelineFirst)
	}
	type anchor struct {
		arg, id, match, exists string
		label                  Label
	}
	anchors := []anchor{
		{"actorId", a.ActorID, "MATCH (:Actor {id: $actorId})-[:PARTICIPATED_IN]->(e:Event) ", "EXISTS { (e)<-[:PARTICIPATED_IN]-(:Actor {id: $actorId}) }", LabelActor},
		{"initiativeId", a.InitiativeID, "MATCH (:Initiative {id: $initiativeId})<-[:PART_OF]-(e:Event) ", "EXISTS { (e)-[:PART_OF]->(:Initiative {id: $initiativeId}) }", LabelInitiative},
		{"issueAreaId", a.IssueAreaID, "MATCH (:IssueArea {id: $issueAreaId})<-[:ADDRESSES]-(e:Event) ", "EXISTS { (e)-[:ADDRESSES]->(:IssueArea {id: $issueAreaId}) }", LabelIssueArea},
	}
	match := ""
	var where []string
	params := map[string]any{"first": a.First, "from": nullable(a.From), "to": nullable(a.To),
		"actorId": nullable(a.ActorID), "initiativeId": nullable(a.InitiativeID), "issueAreaId": nullable(a.IssueAreaID)}
	for _, an := range anchors {
		if an.id == "" {
			continue
		}
		if match == "" {
			match = an.match
		} else {
			where = append(where, an.exists)
		}
	}
	if match == "" {
		match = "MATCH (e:Event) "
	}
	if len(where) > 0 {
		match += "WHERE " + strings.Join(where, " AND ") + " "
	}
	cypher := match + `
WITH DISTINCT e
WITH e, CASE size(e.startDate) WHEN 4 THEN e.startDate + '-01-01' WHEN 7 THEN e.startDate + '-01' ELSE e.startDate END AS first,
  coalesce(e.endDate, e.startDate) AS endRaw
WITH e, first, CASE size(endRaw) WHEN 4 THEN endRaw + '-12-31' WHEN 7 THEN endRaw + '-31' ELSE endRaw END AS last
WHERE ($from IS NULL OR last >= $from) AND ($to IS NULL OR first <= $to)
RETURN labels(e) AS labels, properties(e) AS props ORDER BY first, e.name, e.id LIMIT $first`
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]Node, error) {
		for _, an := range anchors {
			if an.id == "" {
				continue
			}
			if _, err := s.require(ctx, tx, an.arg, an.label, an.id); err != nil {
				return nil, err
			}
		}
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		return nodesFromRecords(recs), nil
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ProjectionTypes are the relationships of the actor–event–initiative
// graph that brokers are ranked on (all join Actors, Events and Initiatives).
var ProjectionTypes = []RelType{RelMemberOf, RelParticipatedIn, RelPartOf, RelFollows, RelSeeksPartnershipWith}

// Projection is the actor–event–initiative graph as adjacency lists over
// dense indexes. Actors maps an index to the actor's id ("" for events and
// initiatives).
type Projection struct {
	Adj        [][]int32
	ActorIDs   []string
	ActorKinds []string // COUNTRY or the organization's kind
	Nodes      int
	Rels       int
}

// LoadProjection reads the projection in one read transaction (two
// statements: the actors, then the relationships grouped by start node).
// It reads every relationship of ProjectionTypes: its cost grows with the
// graph (about a second per million relationships here).
//
// A scope keeps the projection to its relationships (brokers in scope).
func (s *Store) LoadProjection(ctx context.Context, sc Scope) (*Projection, error) {
	pattern, ok, err := relTypesScoped(ProjectionTypes, sc)
	if err != nil {
		return nil, err
	}
	if !ok {
		pattern, _ = relTypesPattern(ProjectionTypes)
	}
	return analyticsRead(ctx, s, ProjectionTimeout, func(tx runner) (*Projection, error) {
		p := &Projection{}
		index := map[string]int32{}
		add := func(eid string) int32 {
			if i, ok := index[eid]; ok {
				return i
			}
			i := int32(len(p.Adj))
			index[eid] = i
			p.Adj = append(p.Adj, nil)
			p.ActorIDs = append(p.ActorIDs, "")
			p.ActorKinds = append(p.ActorKinds, "")
			return i
		}
		recs, err := s.run(ctx, tx, "MATCH (a:Actor) RETURN elementId(a) AS eid, a.id AS id, CASE WHEN a:Country THEN 'COUNTRY' ELSE coalesce(a.kind, '') END AS kind", nil)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			eid, _, _ := neo4j.GetRecordValue[string](r, "eid")
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			kind, _, _ := neo4j.GetRecordValue[string](r, "kind")
			i := add(eid)
			p.ActorIDs[i], p.ActorKinds[i] = id, kind
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return nil, err
		}
		where := ""
		if p := scopeCypher("r", sc); p != "" {
			where = " WHERE " + p
		}
		res, err := tx.Run(ctx, "MATCH (x)-[r"+pattern+"]->(y)"+where+" WITH elementId(x) AS x, collect(elementId(y)) AS ys RETURN x, ys", scopeParams(map[string]any{}, sc, dates))
		if s.counter != nil {
			s.counter(ctx)
		}
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			r := res.Record()
			x, _, _ := neo4j.GetRecordValue[string](r, "x")
			ys, _, _ := neo4j.GetRecordValue[[]any](r, "ys")
			xi := add(x)
			for _, y := range ys {
				ye, _ := y.(string)
				yi := add(ye)
				if yi == xi {
					continue
				}
				p.Adj[xi] = append(p.Adj[xi], yi)
				p.Adj[yi] = append(p.Adj[yi], xi)
				p.Rels++
			}
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		p.Nodes = len(p.Adj)
		// Parallel relationships (two types between the same pair) count once.
		for i, a := range p.Adj {
			p.Adj[i] = uniqInt32(a)
		}
		return p, nil
	})
}

func uniqInt32(a []int32) []int32 {
	if len(a) < 2 {
		return a
	}
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	out := a[:1]
	for _, v := range a[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}
