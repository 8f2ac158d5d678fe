package export

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"io"
	"time"
)

// The files of a CSV export.
const (
	CSVNodesFile    = "nodes.csv"
	CSVEdgesFile    = "edges.csv"
	CSVMetadataFile = "metadata.json"
)

// WriteCSVZip writes g as a zip of nodes.csv, edges.csv (RFC 4180, UTF-8,
// a header row; one column per property, empty where a property is absent;
// lists as JSON) and metadata.json; the metadata is also the zip's comment.
// Each file is compressed and sent as it is written.
func WriteCSVZip(w io.Writer, g *Graph) error {
	z := zip.NewWriter(w)
	mod := g.Meta.Generated
	if mod.IsZero() {
		mod = time.Now()
	}

	ncols := columns(g.nodeProps, nodeFixed)
	f, err := z.CreateHeader(&zip.FileHeader{Name: CSVNodesFile, Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	c := csv.NewWriter(f)
	if err := c.Write(header([]string{"id", "type", "name", colPeriodStart, colPeriodEnd}, ncols)); err != nil {
		return err
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		p := nodePeriod(*n)
		if err := c.Write(row([]string{n.ID, n.Type, n.Name, p.start, p.end}, ncols, n.Props)); err != nil {
			return err
		}
		if (i+1)%flushEvery == 0 {
			c.Flush()
		}
	}
	if c.Flush(); c.Error() != nil {
		return c.Error()
	}

	ecols := columns(g.edgeProps, edgeFixed)
	f, err = z.CreateHeader(&zip.FileHeader{Name: CSVEdgesFile, Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	c = csv.NewWriter(f)
	if err := c.Write(header([]string{"id", "source", "target", "type", colPeriodStart, colPeriodEnd}, ecols)); err != nil {
		return err
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		p := edgePeriod(*e)
		if err := c.Write(row([]string{e.ID, e.Source, e.Target, e.Type, p.start, p.end}, ecols, e.Props)); err != nil {
			return err
		}
		if (i+1)%flushEvery == 0 {
			c.Flush()
		}
	}
	if c.Flush(); c.Error() != nil {
		return c.Error()
	}

	f, err = z.CreateHeader(&zip.FileHeader{Name: CSVMetadataFile, Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	meta := map[string]any{"nodes": len(g.Nodes), "edges": len(g.Edges)}
	for _, fl := range g.Meta.fields() {
		if fl.typ == typeBool {
			meta[fl.name] = fl.value == "true"
		} else {
			meta[fl.name] = fl.value
		}
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(meta); err != nil {
		return err
	}
	if err := z.SetComment(g.Meta.description()); err != nil {
		return err
	}
	return z.Close()
}

func header(fixed []string, cols []column) []string {
	out := append([]string{}, fixed...)
	for _, c := range cols {
		out = append(out, c.name)
	}
	return out
}

func row(fixed []string, cols []column, props map[string]any) []string {
	out := append(make([]string, 0, len(fixed)+len(cols)), fixed...)
	for _, c := range cols {
		v, ok := props[c.prop]
		if !ok || v == nil {
			out = append(out, "")
			continue
		}
		out = append(out, text(v, c.typ))
	}
	return out
}
