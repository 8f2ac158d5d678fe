package graph

// Helpers behind the coalition analytics resolvers (analytics.resolvers.go):
// argument checks, store -> model conversion, the readable reasons of
// potential partners, the date rule of `coalition`, and the cache of broker
// scores. No Cypher here: that lives in graph/store (analytics.go and one file per operation).

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph/centrality"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// Defaults of the analytics arguments (caps are in the store).
const (
	DefaultNeighborhoodLimit = 100
	DefaultPathHops          = 6
)

// intArg returns *v or def, checked against [lo, hi].
func intArg(name string, v *int, def, lo, hi int) (int, error) {
	n := def
	if v != nil {
		n = *v
	}
	if n < lo || n > hi {
		return 0, badInput(name, "must be between %d and %d (got %d)", lo, hi, n)
	}
	return n, nil
}

func idArg(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return badInput(name, "must not be empty")
	}
	return nil
}

func relTypes(ts []model.RelationshipType) []store.RelType {
	out := make([]store.RelType, 0, len(ts))
	for _, t := range ts {
		out = append(out, store.RelType(t))
	}
	return out
}

// selectsProperties reports whether the current field's selection (of
// type typ: a Subgraph or Path) asks for the properties of its nodes or
// the properties or evidence of its edges; without, the store reads only
// what a drawing needs.
func selectsProperties(ctx context.Context, typ string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return true // called outside a GraphQL request: read everything
	}
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{typ}) {
		var elem string
		switch f.Name {
		case "nodes":
			elem = "GraphNode"
		case "edges":
			elem = "GraphEdge"
		default:
			continue
		}
		for _, g := range graphql.CollectFields(oc, f.Selections, []string{elem}) {
			if g.Name == "properties" || g.Name == "evidence" {
				return true
			}
		}
	}
	return false
}

func graphNode(n store.Node) *model.GraphNode {
	return &model.GraphNode{NodeID: n.ID(), Label: string(n.Label), Name: graphNodeName(n), Properties: n.Props}
}

// graphNodeName is a GraphNode's name: the node's name, or a Source's title.
func graphNodeName(n store.Node) string {
	name, _ := n.Props["name"].(string)
	if name == "" {
		name, _ = n.Props["title"].(string)
	}
	return name
}

func graphEdge(e store.GraphEdge) *model.GraphEdge {
	props := make(map[string]any, len(e.Props))
	for k, v := range e.Props {
		if k != "evidence" && k != "sourceId" {
			props[k] = v
		}
	}
	return &model.GraphEdge{ID: e.Key(), Type: model.RelationshipType(e.Type), Source: e.Source, Target: e.Target,
		Properties: props, Evidence: model.Rel(e.Props).Evidence()}
}

func graphNodes(ns []store.Node) []*model.GraphNode {
	out := make([]*model.GraphNode, 0, len(ns))
	for _, n := range ns {
		out = append(out, graphNode(n))
	}
	return out
}

func graphEdges(es []store.GraphEdge) []*model.GraphEdge {
	out := make([]*model.GraphEdge, 0, len(es))
	for _, e := range es {
		out = append(out, graphEdge(e))
	}
	return out
}

// typed converts stored nodes to models of type T sharing one group.
func typed[T any](ns []store.Node) []T {
	out := make([]T, 0, len(ns))
	for _, m := range model.FromNodes(ns) {
		if t, ok := m.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func nodeName(n store.Node) string {
	s, _ := n.Props["name"].(string)
	return s
}

// partnerCandidate turns a scored candidate into its model, with one
// readable sentence per fact that earned points.
func partnerCandidate(c store.PartnerCandidate, g *model.Group) *model.PartnerCandidate {
	actor, _ := model.FromNode(c.Actor, g).(model.Actor)
	pc := &model.PartnerCandidate{Actor: actor, Score: c.Score, Reasons: []string{},
		SharedIssueAreas: []*model.IssueArea{}, SharedEvents: []*model.Event{}, Agreements: []*model.Agreement{}}
	name := nodeName(c.Actor)
	var events, agreements, issues []store.Node
	for _, f := range c.Facts {
		switch f.Kind {
		case "sought":
			pc.SoughtStatus = model.Enum[model.PartnershipStatus](&f.Status)
			pc.Reasons = append(pc.Reasons, fmt.Sprintf("The initiative seeks a partnership with %s (status %s).", name, strings.ToLower(f.Status)))
		case "event":
			events = append(events, f.Node)
			when := ""
			if d, _ := f.Node.Props["startDate"].(string); d != "" {
				when = " (" + d + ")"
			}
			pc.Reasons = append(pc.Reasons, fmt.Sprintf("%s took part in %s%s together with %s.", name, nodeName(f.Node), when, joinNames(f.With, "member", "members")))
		case "agreement":
			agreements = append(agreements, f.Node)
			pc.Reasons = append(pc.Reasons, fmt.Sprintf("%s signed %s, which addresses %s.", name, nodeName(f.Node), joinNames(f.With, "", "")))
		case "issue":
			issues = append(issues, f.Node)
			pc.Reasons = append(pc.Reasons, fmt.Sprintf("%s works on %s, an issue area of the initiative (through %s).", name, nodeName(f.Node), joinNames(f.With, "", "")))
		}
	}
	pc.SharedEvents = typed[*model.Event](events)
	pc.Agreements = typed[*model.Agreement](agreements)
	pc.SharedIssueAreas = typed[*model.IssueArea](issues)
	return pc
}

// joinNames writes "A", "A and B" or "A, B and C", after the singular or
// plural noun when one is given.
func joinNames(names []string, one, many string) string {
	var s string
	switch len(names) {
	case 0:
		return ""
	case 1:
		s = names[0]
	default:
		s = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	switch {
	case len(names) == 1 && one != "":
		return one + " " + s
	case len(names) > 1 && many != "":
		return many + " " + s
	}
	return s
}

// scopeArg reads a field's asOf and scope arguments into the store's
// Scope (whose doc states the rule of time). fieldTypes are the field's own
// relationshipTypes argument: the types are given in one place or the other.
func scopeArg(asOf *model.Date, sc *model.Scope, fieldTypes []model.RelationshipType) (store.Scope, error) {
	var out store.Scope
	var from, to *model.Date
	if sc != nil {
		if sc.AsOf != nil {
			if asOf != nil {
				return out, badInput("asOf", "give asOf once: as an argument or in scope")
			}
			asOf = sc.AsOf
		}
		from, to = sc.From, sc.To
		if asOf != nil && (from != nil || to != nil) {
			return out, badInput("scope", "asOf is one date and from/to a window: give one or the other")
		}
		if sc.Sources != nil {
			if len(sc.Sources) == 0 {
				return out, badInput("scope.sources", "must name at least one source (leave it out for every source)")
			}
			for _, id := range sc.Sources {
				if err := idArg("scope.sources", id); err != nil {
					return out, err
				}
			}
			out.Sources = slices.Compact(slices.Sorted(slices.Values(sc.Sources))) // order is immaterial to a scope
		}
		if sc.RelationshipTypes != nil {
			if len(fieldTypes) > 0 {
				return out, badInput("scope.relationshipTypes", "the field's relationshipTypes are given too: give the types in one place")
			}
			if len(sc.RelationshipTypes) == 0 {
				return out, badInput("scope.relationshipTypes", "must name at least one type (leave it out for every type)")
			}
			out.Types = relTypes(sc.RelationshipTypes)
		}
	}
	if asOf != nil {
		first, last := asOf.Range()
		out.From, out.To, out.AsOf = first.Format(time.DateOnly), last.Format(time.DateOnly), true
		return out, nil
	}
	if from != nil && to != nil {
		f, _ := from.Range()
		_, l := to.Range()
		if f.After(l) {
			return out, badInput("scope.from", "%s is after to (%s): the window is empty", *from, *to)
		}
	}
	if from != nil {
		f, _ := from.Range()
		out.From = f.Format(time.DateOnly)
	}
	if to != nil {
		_, l := to.Range()
		out.To = l.Format(time.DateOnly)
	}
	return out, nil
}

// Freshness of the broker scores: they are recomputed when the database's
// node or relationship count has changed since they were computed, and in
// any case when they are older than BrokersMaxAge.
const (
	BrokersMaxAge = 10 * time.Minute
	// BrokersMaxExact is the largest projection scored exactly (all sources);
	// larger ones are estimated from BrokersSamples sources.
	BrokersMaxExact = 4000
	BrokersSamples  = 64
	brokersSeed     = 1999
)

type brokerScore struct {
	id, kind string
	score    float64
	degree   int
}

type brokerEntry struct {
	key         string // the scope's
	at          time.Time
	nodes, rels int
	exact       bool
	scores      []brokerScore // actors only, best first
}

// BrokersMaxScopes bounds how many scopes' broker scores are kept (the
// unscoped ones count as one); past it the oldest are dropped.
const BrokersMaxScopes = 16

// scoreCache holds the last actor scores of each scope for one centrality
// measure (betweenness for brokers, PageRank for influence); the zero
// value is ready to use. Scores are computed in the background, detached
// from the request that asked (a large projection can take longer than a
// request may): a request with no scores yet waits for the computation
// until its own deadline; a request that finds stale scores gets them at
// once (computedAt says how old) while fresh ones are computed. One
// computation runs at a time per scope. Scores are fresh while the graph's
// node and relationship counts are those they were computed on and they
// are younger than BrokersMaxAge.
type scoreCache struct {
	mu      sync.Mutex
	entries map[string]*brokerEntry
	running map[string]chan struct{} // closed when the scope's computation ends
	lastErr map[string]error
}

// computeScores scores the actors of a scope's projection; nodes and rels
// are the graph's counts the scores are valid for.
type computeScores func(ctx context.Context, st *store.Store, sc store.Scope, nodes, rels int) (*brokerEntry, error)

func (c *scoreCache) get(ctx context.Context, st *store.Store, sc store.Scope, compute computeScores) (*brokerEntry, error) {
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		return nil, err
	}
	key := sc.Key()
	c.mu.Lock()
	if c.entries == nil {
		c.entries, c.running, c.lastErr = map[string]*brokerEntry{}, map[string]chan struct{}{}, map[string]error{}
	}
	e := c.entries[key]
	if e != nil && e.nodes == nodes && e.rels == rels && time.Since(e.at) < BrokersMaxAge {
		c.mu.Unlock()
		return e, nil
	}
	if c.running[key] == nil {
		done := make(chan struct{})
		c.running[key] = done
		go func() {
			fresh, err := compute(context.WithoutCancel(ctx), st, sc, nodes, rels)
			c.mu.Lock()
			if err == nil {
				c.entries[key] = fresh
				c.evict()
			}
			c.lastErr[key] = err
			delete(c.running, key)
			c.mu.Unlock()
			close(done)
		}()
	}
	running := c.running[key]
	c.mu.Unlock()
	if e != nil {
		return e, nil // stale-while-recomputing
	}
	select {
	case <-running:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] == nil {
		return nil, c.lastErr[key]
	}
	return c.entries[key], nil
}

// evict drops the oldest scores while more than BrokersMaxScopes scopes are
// kept. c.mu is held.
func (c *scoreCache) evict() {
	for len(c.entries) > BrokersMaxScopes {
		var oldest *brokerEntry
		for _, e := range c.entries {
			if oldest == nil || e.at.Before(oldest.at) {
				oldest = e
			}
		}
		delete(c.entries, oldest.key)
		delete(c.lastErr, oldest.key)
	}
}

// computeBrokers loads the scope's projection and scores it by
// betweenness centrality.
func computeBrokers(ctx context.Context, st *store.Store, sc store.Scope, nodes, rels int) (*brokerEntry, error) {
	p, err := st.LoadProjection(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("brokers projection: %w", err)
	}
	res := centrality.Betweenness(p.Adj, BrokersMaxExact, BrokersSamples, brokersSeed)
	return rankActors(p, res.Scores, sc, nodes, rels, res.Exact), nil
}

// rankActors makes a cache entry of the projection's actors with their
// scores, best first (ties: degree, then id).
func rankActors(p *store.Projection, scores []float64, sc store.Scope, nodes, rels int, exact bool) *brokerEntry {
	e := &brokerEntry{key: sc.Key(), at: time.Now(), nodes: nodes, rels: rels, exact: exact}
	for i, id := range p.ActorIDs {
		if id != "" {
			e.scores = append(e.scores, brokerScore{id: id, kind: p.ActorKinds[i], score: scores[i], degree: len(p.Adj[i])})
		}
	}
	sort.Slice(e.scores, func(i, j int) bool {
		a, b := e.scores[i], e.scores[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.degree != b.degree {
			return a.degree > b.degree
		}
		return a.id < b.id
	})
	return e
}

// scoredActor is one actor of a top list, loaded, with its score.
type scoredActor struct {
	actor model.Actor
	brokerScore
}

// topActors picks the entry's first n scores (of kind, when given) and
// loads their actors in one round trip; actors deleted since the
// computation are skipped.
func topActors(ctx context.Context, st *store.Store, e *brokerEntry, n int, kind *model.ActorKind) ([]scoredActor, error) {
	var top []brokerScore
	for _, s := range e.scores {
		if len(top) == n {
			break
		}
		if kind == nil || s.kind == string(*kind) {
			top = append(top, s)
		}
	}
	ids := make([]string, 0, len(top))
	for _, s := range top {
		ids = append(ids, s.id)
	}
	nodes, err := st.NodesByIDs(ctx, store.LabelActor, ids)
	if err != nil {
		return nil, err
	}
	list := make([]store.Node, 0, len(ids))
	for _, id := range ids {
		if nd, ok := nodes[id]; ok {
			list = append(list, nd)
		}
	}
	g := model.NewGroup(list)
	out := make([]scoredActor, 0, len(top))
	for _, s := range top {
		nd, ok := nodes[s.id]
		if !ok {
			continue // deleted since the scores were computed
		}
		a, _ := model.FromNode(nd, g).(model.Actor)
		out = append(out, scoredActor{actor: a, brokerScore: s})
	}
	return out, nil
}

// reportCap tells the client that a cap of the field cut its search, in the
// response's extensions: {"capped": {"<field path>": {...}}} (a field path
// per aliased occurrence). Called outside a GraphQL request (a resolver
// called directly), it does nothing.
func reportCap(ctx context.Context, info map[string]any) {
	if !graphql.HasOperationContext(ctx) {
		return
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return
	}
	defer func() { _ = recover() }() // no response context: nothing to report into
	graphql.RegisterExtension(ctx, "capped."+fc.Path().String(), info)
}
