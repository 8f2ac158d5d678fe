package export

import (
	"encoding/xml"
	"io"
	"strconv"
)

// flushEvery is how many nodes or edges are written between flushes, so a
// large export reaches the client while it is being written.
const flushEvery = 256

// xmlWriter wraps encoding/xml's token encoder (which buffers its output)
// and keeps the first error, so the element writers stay readable.
type xmlWriter struct {
	enc     *xml.Encoder
	err     error
	written int
}

func newXMLWriter(w io.Writer) *xmlWriter {
	x := &xmlWriter{enc: xml.NewEncoder(w)}
	x.enc.Indent("", " ")
	x.raw(xml.ProcInst{Target: "xml", Inst: []byte(`version="1.0" encoding="UTF-8"`)})
	return x
}

func (x *xmlWriter) raw(t xml.Token) {
	if x.err == nil {
		x.err = x.enc.EncodeToken(t)
	}
}

func (x *xmlWriter) start(name string, attrs ...string) {
	se := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		se.Attr = append(se.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	x.raw(se)
}

func (x *xmlWriter) end(name string) { x.raw(xml.EndElement{Name: xml.Name{Local: name}}) }

// empty writes <name attrs…/> (encoding/xml writes it as start and end tags).
func (x *xmlWriter) empty(name string, attrs ...string) {
	x.start(name, attrs...)
	x.end(name)
}

func (x *xmlWriter) textElement(name, text string, attrs ...string) {
	x.start(name, attrs...)
	x.raw(xml.CharData(text))
	x.end(name)
}

// element counts a written node or edge and flushes now and then.
func (x *xmlWriter) element() {
	x.written++
	if x.written%flushEvery == 0 && x.err == nil {
		x.err = x.enc.Flush()
	}
}

func (x *xmlWriter) close() error {
	if x.err == nil {
		x.err = x.enc.Close()
	}
	return x.err
}

// WriteGEXF writes g as GEXF 1.3 with mode="dynamic" and timeformat="date":
// each node and edge with a known period carries one spell from its first
// to its last day (inclusive, as GEXF intervals are), a start or end left
// out where it is open or unknown. Node and edge properties are static
// attributes; the metadata is the file's <meta> description.
func WriteGEXF(w io.Writer, g *Graph) error {
	x := newXMLWriter(w)
	x.start("gexf", "xmlns", "http://gexf.net/1.3", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "version", "1.3")
	x.start("meta", "lastmodifieddate", g.Meta.Generated.UTC().Format(isoDay))
	x.textElement("creator", "Lysøen")
	x.textElement("keywords", "lysoen, dataset "+g.Meta.DatasetVersion)
	x.textElement("description", g.Meta.description())
	x.end("meta")
	x.start("graph", "defaultedgetype", "directed", "mode", "dynamic", "timeformat", "date")

	// Attribute ids are n0, n1… and e0, e1…: short, and never a name a
	// reader treats specially (networkx keys its own weight attribute "weight").
	ncols := append([]column{{name: "type", typ: typeString}}, columns(g.nodeProps, nodeFixed)...)
	ecols := append([]column{{name: "type", typ: typeString}}, columns(g.edgeProps, edgeFixed)...)
	gexfAttributes(x, "node", "n", ncols)
	gexfAttributes(x, "edge", "e", ecols)

	x.start("nodes", "count", strconv.Itoa(len(g.Nodes)))
	for i := range g.Nodes {
		n := &g.Nodes[i]
		x.start("node", "id", n.ID, "label", n.Name)
		gexfValues(x, "n", ncols, n.Type, n.Props)
		gexfSpell(x, nodePeriod(*n))
		x.end("node")
		x.element()
	}
	x.end("nodes")
	x.start("edges", "count", strconv.Itoa(len(g.Edges)))
	for i := range g.Edges {
		e := &g.Edges[i]
		attrs := []string{"id", e.ID, "source", e.Source, "target", e.Target, "label", e.Type}
		if e.Weight != nil {
			attrs = append(attrs, "weight", strconv.FormatFloat(*e.Weight, 'g', -1, 64))
		}
		x.start("edge", attrs...)
		gexfValues(x, "e", ecols, e.Type, e.Props)
		gexfSpell(x, edgePeriod(*e))
		x.end("edge")
		x.element()
	}
	x.end("edges")
	x.end("graph")
	x.end("gexf")
	return x.close()
}

func gexfAttributes(x *xmlWriter, class, prefix string, cols []column) {
	x.start("attributes", "class", class, "mode", "static")
	for i, c := range cols {
		x.empty("attribute", "id", prefix+strconv.Itoa(i), "title", c.name, "type", c.typ)
	}
	x.end("attributes")
}

// gexfValues writes the type (first column) and every property present.
func gexfValues(x *xmlWriter, prefix string, cols []column, typ string, props map[string]any) {
	x.start("attvalues")
	x.empty("attvalue", "for", prefix+"0", "value", typ)
	for i, c := range cols[1:] {
		if v, ok := props[c.prop]; ok && v != nil {
			x.empty("attvalue", "for", prefix+strconv.Itoa(i+1), "value", text(v, c.typ))
		}
	}
	x.end("attvalues")
}

func gexfSpell(x *xmlWriter, p period) {
	if p.empty() {
		return
	}
	var attrs []string
	if p.start != "" {
		attrs = append(attrs, "start", p.start)
	}
	if p.end != "" {
		attrs = append(attrs, "end", p.end)
	}
	x.start("spells")
	x.empty("spell", attrs...)
	x.end("spells")
}
