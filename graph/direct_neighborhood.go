package graph

// neighborhood as a direct read: the Subgraph a drawing asks for (ids,
// labels, names, edge ends and types) is written straight to JSON from
// store.Neighborhood's answer. A 100-node neighbourhood has a few hundred
// GraphNode and GraphEdge objects, and gqlgen's per-field execution of
// them was about half of the server's CPU for this field (BENCHMARKS.md).
// A selection of properties or evidence takes the resolver path.

import (
	"bytes"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// subgraphPlan is a planned neighborhood field.
type subgraphPlan struct {
	query    store.NeighborhoodQuery
	fields   []graphql.CollectedField            // the Subgraph's
	elements map[string][]graphql.CollectedField // by alias of a nodes or edges field: its GraphNode or GraphEdge fields
}

// graphElementFields are the fields of GraphNode and GraphEdge a direct
// read writes.
var graphElementFields = map[string]map[string]bool{
	"GraphNode": {"__typename": true, "id": true, "label": true, "name": true},
	"GraphEdge": {"__typename": true, "id": true, "type": true, "source": true, "target": true},
}

// neighborhood plans neighborhood(…) { nodes edges truncated }, leaving to
// the resolver the arguments it refuses (Neighborhood in
// analytics.resolvers.go, whose checks it shares).
func (p *planner) neighborhood(f graphql.CollectedField, raw map[string]any) (rootPlan, bool) {
	r := rootPlan{field: f, kind: rootNeighborhood}
	args, err := p.ec.field_Query_neighborhood_args(p.ctx, raw)
	if err != nil {
		return r, false
	}
	id := arg[string](args, "id")
	depth, errDepth := intArg("depth", arg[*int](args, "depth"), 1, 1, store.MaxNeighborhoodDepth)
	limit, errLimit := intArg("limit", arg[*int](args, "limit"), DefaultNeighborhoodLimit, 1, store.MaxNeighborhoodLimit)
	if idArg("id", id) != nil || errDepth != nil || errLimit != nil {
		return r, false
	}
	sub := &subgraphPlan{query: store.NeighborhoodQuery{ID: id, Depth: depth, Limit: limit,
		Types: relTypes(arg[[]model.RelationshipType](args, "relationshipTypes"))}, elements: map[string][]graphql.CollectedField{}}
	var ok bool
	if sub.fields, ok = p.collect(f.Selections, "Subgraph"); !ok {
		return r, false
	}
	for _, c := range sub.fields {
		var typ string
		switch c.Name {
		case "__typename", "truncated":
			continue
		case "nodes":
			typ = "GraphNode"
		case "edges":
			typ = "GraphEdge"
		default:
			return r, false
		}
		elem, ok := p.collect(c.Selections, typ)
		if !ok {
			return r, false
		}
		for _, e := range elem {
			if !graphElementFields[typ][e.Name] {
				return r, false // properties or evidence: the resolver reads and writes them
			}
		}
		sub.elements[c.Alias] = elem
	}
	r.subgraph = sub
	return r, true
}

// write writes the Subgraph as the resolver path would.
func (sub *subgraphPlan) write(buf *bytes.Buffer, sg store.Subgraph) {
	buf.WriteByte('{')
	for i, c := range sub.fields {
		writeField(buf, i, c.Alias)
		switch c.Name {
		case "__typename":
			writeString(buf, "Subgraph")
		case "truncated":
			buf.WriteString(strconv.FormatBool(sg.Truncated))
		case "nodes":
			buf.WriteByte('[')
			for j, n := range sg.Nodes {
				if j > 0 {
					buf.WriteByte(',')
				}
				writeGraphNode(buf, sub.elements[c.Alias], n)
			}
			buf.WriteByte(']')
		case "edges":
			buf.WriteByte('[')
			for j, e := range sg.Edges {
				if j > 0 {
					buf.WriteByte(',')
				}
				writeGraphEdge(buf, sub.elements[c.Alias], e)
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
}

func writeGraphNode(buf *bytes.Buffer, fields []graphql.CollectedField, n store.Node) {
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.Alias)
		switch f.Name {
		case "__typename":
			writeString(buf, "GraphNode")
		case "id":
			writeString(buf, n.ID())
		case "label":
			writeString(buf, string(n.Label))
		case "name":
			writeString(buf, graphNodeName(n))
		}
	}
	buf.WriteByte('}')
}

func writeGraphEdge(buf *bytes.Buffer, fields []graphql.CollectedField, e store.GraphEdge) {
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.Alias)
		switch f.Name {
		case "__typename":
			writeString(buf, "GraphEdge")
		case "id":
			writeString(buf, e.Key())
		case "type":
			writeString(buf, string(e.Type))
		case "source":
			writeString(buf, e.Source)
		case "target":
			writeString(buf, e.Target)
		}
	}
	buf.WriteByte('}')
}
