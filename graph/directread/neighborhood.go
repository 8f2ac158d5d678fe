package directread

// neighborhood as a direct read: the Subgraph a drawing asks for (ids,
// labels, names, edge ends and types) is written straight to JSON from
// store.Neighborhood's answer. A 100-node neighbourhood has a few hundred
// GraphNode and GraphEdge objects, and gqlgen's per-field execution of
// them was about half of the server's CPU for this field (docs/benchmarks.md).
// A selection of properties or evidence takes the resolver path.

import (
	"bytes"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
)

// subgraphPlan is a planned neighborhood field.
type subgraphPlan struct {
	fields   []graphql.CollectedField            // the Subgraph's
	elements map[string][]graphql.CollectedField // by alias of a nodes or edges field: its GraphNode or GraphEdge fields
}

// graphElementFields are the fields of GraphNode and GraphEdge a direct
// read writes.
var graphElementFields = map[string]map[string]bool{
	"GraphNode": {"__typename": true, "nodeId": true, "label": true, "name": true},
	"GraphEdge": {"__typename": true, "id": true, "type": true, "source": true, "target": true},
}

// bindNeighborhood reads neighborhood(id, depth, limit, relationshipTypes),
// without asOf or scope, leaving to the resolver the arguments it refuses
// (graph.NeighborhoodArgs shares its checks).
func (p *planner) bindNeighborhood(r *rootPlan, args map[string]any) bool {
	q, ok := graph.NeighborhoodArgs(args)
	if !ok {
		return false
	}
	r.kind, r.hood = rootNeighborhood, q
	return true
}

// subgraph plans the selection of neighborhood: { nodes edges truncated }.
func (p *planner) subgraph(r *rootPlan) bool {
	sub := &subgraphPlan{elements: map[string][]graphql.CollectedField{}}
	var ok bool
	if sub.fields, ok = p.collect(r.field.Selections, "Subgraph"); !ok {
		return false
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
			return false
		}
		elem, ok := p.collect(c.Selections, typ)
		if !ok {
			return false
		}
		for _, e := range elem {
			if !graphElementFields[typ][e.Name] {
				return false // properties or evidence: the resolver reads and writes them
			}
		}
		sub.elements[c.Alias] = elem
	}
	r.subgraph = sub
	return true
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
			writeGraphElements(buf, sub.elements[c.Alias], "GraphNode", len(sg.Nodes),
				func(j int, field string) string { return graphNodeField(sg.Nodes[j], field) })
		case "edges":
			writeGraphElements(buf, sub.elements[c.Alias], "GraphEdge", len(sg.Edges),
				func(j int, field string) string { return graphEdgeField(sg.Edges[j], field) })
		}
	}
	buf.WriteByte('}')
}

// writeGraphElements writes a list of n objects of type typ whose every
// field is a string (graphElementFields): value(i, field) for the i-th.
func writeGraphElements(buf *bytes.Buffer, fields []graphql.CollectedField, typ string, n int, value func(i int, field string) string) {
	buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('{')
		for j, f := range fields {
			writeField(buf, j, f.Alias)
			if f.Name == "__typename" {
				writeString(buf, typ)
			} else {
				writeString(buf, value(i, f.Name))
			}
		}
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
}

// graphNodeField is a GraphNode field's value, as graphNode sets it.
func graphNodeField(n store.Node, field string) string {
	switch field {
	case "nodeId":
		return n.ID()
	case "label":
		return string(n.Label)
	case "name":
		return graph.GraphNodeName(n)
	}
	return ""
}

// graphEdgeField is a GraphEdge field's value, as graphEdge sets it.
func graphEdgeField(e store.GraphEdge, field string) string {
	switch field {
	case "id":
		return e.Key()
	case "type":
		return string(e.Type)
	case "source":
		return e.Source
	case "target":
		return e.Target
	}
	return ""
}
