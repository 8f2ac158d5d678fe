package store

// The actor–event–initiative projection that brokers and influence rank.

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

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
