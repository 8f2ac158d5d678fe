package export

import (
	"io"
	"strconv"
)

// WriteGraphML writes g as GraphML with typed keys (long, double, boolean,
// string), as Cytoscape, igraph and networkx read them. The metadata is
// graph data (for="graph" keys); each element's period is in its
// periodStart/periodEnd attributes (ISO days, empty when open).
func WriteGraphML(w io.Writer, g *Graph) error {
	x := newXMLWriter(w)
	x.start("graphml", "xmlns", "http://graphml.graphdrawing.org/xmlns",
		"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")

	meta := g.Meta.fields()
	for i, f := range meta {
		graphmlKey(x, "g"+strconv.Itoa(i), "graph", f.name, f.typ)
	}
	ncols := append([]column{{name: "type", typ: typeString}, {name: "name", typ: typeString},
		{name: colPeriodStart, typ: typeString}, {name: colPeriodEnd, typ: typeString}}, columns(g.nodeProps, nodeFixed)...)
	ecols := append([]column{{name: "type", typ: typeString},
		{name: colPeriodStart, typ: typeString}, {name: colPeriodEnd, typ: typeString}}, columns(g.edgeProps, edgeFixed)...)
	for i, c := range ncols {
		graphmlKey(x, "n"+strconv.Itoa(i), "node", c.name, c.typ)
	}
	for i, c := range ecols {
		graphmlKey(x, "e"+strconv.Itoa(i), "edge", c.name, c.typ)
	}

	x.start("graph", "id", "lysoen", "edgedefault", "directed")
	for i, f := range meta {
		if f.value != "" {
			x.textElement("data", f.value, "key", "g"+strconv.Itoa(i))
		}
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		p := nodePeriod(*n)
		x.start("node", "id", n.ID)
		graphmlData(x, "n", []string{n.Type, n.Name, p.start, p.end}, ncols[4:], n.Props)
		x.end("node")
		x.element()
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		p := edgePeriod(*e)
		x.start("edge", "id", e.ID, "source", e.Source, "target", e.Target)
		graphmlData(x, "e", []string{e.Type, p.start, p.end}, ecols[3:], e.Props)
		x.end("edge")
		x.element()
	}
	x.end("graph")
	x.end("graphml")
	return x.close()
}

func graphmlKey(x *xmlWriter, id, class, name, typ string) {
	x.empty("key", "id", id, "for", class, "attr.name", name, "attr.type", typ)
}

// graphmlData writes the fixed values (keys prefix0…) and then the
// properties present (the keys after them).
func graphmlData(x *xmlWriter, prefix string, fixed []string, cols []column, props map[string]any) {
	for i, v := range fixed {
		if v != "" {
			x.textElement("data", v, "key", prefix+strconv.Itoa(i))
		}
	}
	for i, c := range cols {
		if v, ok := props[c.prop]; ok && v != nil {
			x.textElement("data", text(v, c.typ), "key", prefix+strconv.Itoa(len(fixed)+i))
		}
	}
}
