// Package export writes a subgraph of Lysøen as files that graph tools
// read: GEXF 1.3 (Gephi, networkx), GraphML (Cytoscape, igraph, networkx)
// and CSV (a nodes file and an edges file in a zip, for pandas, R, igraph).
//
// Every node keeps its id, type (its model label, e.g. Country) and name;
// every edge its id, source, target and type; both keep every stored
// property, provenance included (sourceId, evidence). Dates stay at their
// precision: a node's or relationship's period (since/until, startDate/
// endDate, …) becomes a GEXF spell — and periodStart/periodEnd columns in
// GraphML and CSV — that covers the whole year or month a year- or
// month-precise date stands for, never an invented day.
//
// The encoders stream: they write element by element through a buffered
// writer and never build the document in memory. They are hand-written
// over encoding/xml, encoding/csv and archive/zip: no maintained Go library
// writes GEXF 1.3 spells, and the GraphML needed is a few elements.
package export

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/lysoen/lysoen/graph/model"
)

// Graph is a subgraph to export. The caller fills it from the store; the
// encoders only read it.
type Graph struct {
	Meta  Meta
	Nodes []Node
	Edges []Edge
}

// Node is a node with its model label and every stored property.
type Node struct {
	ID    string
	Type  string // the model label: Country, Organization, Event, …
	Name  string
	Props map[string]any
}

// Edge is a relationship in its stored direction with every stored property.
type Edge struct {
	ID     string // source|TYPE|target, as the API's GraphEdge.id
	Type   string // the relationship type: MEMBER_OF, …
	Source string
	Target string
	Props  map[string]any
	// Weight is the edge's weight where it has one (a voting agreement's
	// score): GEXF's edge weight, which Gephi's layouts and networkx read.
	Weight *float64
}

// Meta describes an export: what was asked, from which dataset version,
// and whether a cap cut it.
type Meta struct {
	// Title says what the subgraph is ("Neighbourhood of country:CAN, depth 2").
	Title string
	// Query is the request that produced it (path and query string).
	Query string
	// DatasetVersion identifies the data it was read from; the same version
	// gives the same export.
	DatasetVersion string
	// LastWrite is the time of the last write to the data (zero if unknown).
	LastWrite time.Time
	// Generated is when the export was written.
	Generated time.Time
	// Truncated is true when a limit or cap cut the subgraph; Note says which.
	Truncated bool
	Note      string
	// About is where the sources, their versions, licences and citations are listed.
	About string
}

// description is the metadata as readable lines (GEXF's description, the
// zip's comment).
func (m Meta) description() string {
	s := m.Title + ".\nQuery: " + m.Query + "\nDataset version: " + m.DatasetVersion
	if !m.LastWrite.IsZero() {
		s += " (last write " + m.LastWrite.UTC().Format(time.RFC3339) + ")"
	}
	s += "\nGenerated: " + m.Generated.UTC().Format(time.RFC3339)
	if m.Truncated {
		s += "\nTRUNCATED: " + m.Note
	} else {
		s += "\nComplete: no limit cut this subgraph."
	}
	if m.About != "" {
		s += "\nSources, licences and citations: " + m.About
	}
	return s
}

// fields is Meta as ordered name/value pairs (GraphML graph data, CSV metadata).
func (m Meta) fields() []field {
	lw := ""
	if !m.LastWrite.IsZero() {
		lw = m.LastWrite.UTC().Format(time.RFC3339)
	}
	return []field{
		{"title", typeString, m.Title},
		{"query", typeString, m.Query},
		{"datasetVersion", typeString, m.DatasetVersion},
		{"lastWrite", typeString, lw},
		{"generated", typeString, m.Generated.UTC().Format(time.RFC3339)},
		{"truncated", typeBool, strconv.FormatBool(m.Truncated)},
		{"truncatedNote", typeString, m.Note},
		{"about", typeString, m.About},
	}
}

type field struct {
	name, typ, value string
}

// Attribute value types, named as GEXF and GraphML name them.
const (
	typeString = "string"
	typeLong   = "long"
	typeDouble = "double"
	typeBool   = "boolean"
)

// Derived columns: the period a node or edge stands for, as first and last
// day (ISO dates), empty when open.
const (
	colPeriodStart = "periodStart"
	colPeriodEnd   = "periodEnd"
)

// column is one attribute of nodes or edges: its name in the file, the
// stored property it comes from, and its type.
type column struct {
	name, prop, typ string
}

// reserved are names the formats or their readers already use for nodes
// and edges (networkx sets label, id and weight itself; Gephi and igraph
// read source, target, type). A property of such a name is written as
// property_<name>.
var reserved = map[string]bool{"id": true, "type": true, "name": true, "label": true, "source": true, "target": true,
	"weight": true, "start": true, "end": true, "spells": true, colPeriodStart: true, colPeriodEnd: true}

// columns lists the properties found on the elements, typed by every value
// seen (integers only: long; numbers: double; booleans: boolean; anything
// else, lists included: string), sorted by name. Properties already
// written as fixed columns (skip) are left out.
func columns(props func(yield func(map[string]any) bool), skip map[string]bool) []column {
	types := map[string]string{}
	for p := range props {
		for k, v := range p {
			if skip[k] || v == nil {
				continue
			}
			t := valueType(v)
			switch prev, ok := types[k]; {
			case !ok || prev == t:
				types[k] = t
			case (prev == typeLong && t == typeDouble) || (prev == typeDouble && t == typeLong):
				types[k] = typeDouble
			default:
				types[k] = typeString
			}
		}
	}
	out := make([]column, 0, len(types))
	for k, t := range types {
		name := k
		if reserved[k] {
			name = "property_" + k
		}
		out = append(out, column{name: name, prop: k, typ: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func valueType(v any) string {
	switch v.(type) {
	case int64, int, int32:
		return typeLong
	case float64, float32:
		return typeDouble
	case bool:
		return typeBool
	}
	return typeString
}

// text writes a property value as the text of its column type. Lists and
// maps become JSON; anything else (Neo4j temporal values) its string form.
func text(v any, typ string) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case []any, map[string]any:
		b, err := json.Marshal(x)
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// period is the time a node or edge stands for, as first and last day;
// an empty end is open (still valid), an empty start unknown.
type period struct {
	start, end string
}

func (p period) empty() bool { return p.start == "" && p.end == "" }

// Which properties date an element. An Event or RollCall happened within its
// date's range; an initiative, organization or agreement exists from its
// start (adoption) on, until its end if it has one.
var (
	nodeStartProps = []string{"startDate", "adoptedOn"}
	nodeEndProps   = []string{"endDate"}
	// Labels whose `date` is when they happened (a Source's date is its
	// publication, not a period).
	instantLabels = map[string]bool{"Event": true, "RollCall": true}
	// An edge starts at the earliest of these (a membership's since, a
	// signature or ratification, a voting agreement's first shared roll
	// call) and ends at until (left, withdrew) or the last shared roll call.
	edgeStartProps = []string{"since", "signed", "ratified", "firstVote"}
	edgeEndProps   = []string{"until", "lastVote"}
)

const isoDay = "2006-01-02"

// nodePeriod dates a node from its start/end properties at their precision.
func nodePeriod(n Node) period {
	startProps := nodeStartProps
	if instantLabels[n.Type] {
		startProps = append(startProps[:len(startProps):len(startProps)], "date")
	}
	first, firstLast, started := earliest(n.Props, startProps)
	var p period
	if started {
		p.start = first.Format(isoDay)
	}
	if last, ended := latest(n.Props, nodeEndProps); ended {
		p.end = last.Format(isoDay)
	} else if started && instantLabels[n.Type] {
		// An event known only by its start lasted within that date's range.
		p.end = firstLast.Format(isoDay)
	}
	return p
}

// edgePeriod dates a relationship from since/signed/ratified to until.
func edgePeriod(e Edge) period {
	var p period
	if first, _, ok := earliest(e.Props, edgeStartProps); ok {
		p.start = first.Format(isoDay)
	}
	if last, ok := latest(e.Props, edgeEndProps); ok {
		p.end = last.Format(isoDay)
	}
	return p
}

// earliest returns the first day of the earliest date among keys, and the
// last day of that date's range.
func earliest(props map[string]any, keys []string) (first, last time.Time, ok bool) {
	for _, k := range keys {
		d, good := dateOf(props[k])
		if !good {
			continue
		}
		f, l := d.Range()
		if !ok || f.Before(first) {
			first, last, ok = f, l, true
		}
	}
	return first, last, ok
}

// latest returns the last day of the latest date among keys.
func latest(props map[string]any, keys []string) (last time.Time, ok bool) {
	for _, k := range keys {
		d, good := dateOf(props[k])
		if !good {
			continue
		}
		if _, l := d.Range(); !ok || l.After(last) {
			last, ok = l, true
		}
	}
	return last, ok
}

func dateOf(v any) (model.Date, bool) {
	s, _ := v.(string)
	if s == "" {
		return "", false
	}
	d, err := model.ParseDate(s)
	return d, err == nil
}

// nodeProps and edgeProps iterate the elements' properties (for columns).
func (g *Graph) nodeProps(yield func(map[string]any) bool) {
	for i := range g.Nodes {
		if !yield(g.Nodes[i].Props) {
			return
		}
	}
}

func (g *Graph) edgeProps(yield func(map[string]any) bool) {
	for i := range g.Edges {
		if !yield(g.Edges[i].Props) {
			return
		}
	}
}

// Fixed node and edge columns are not repeated from the properties.
var (
	nodeFixed = map[string]bool{"id": true, "name": true}
	edgeFixed = map[string]bool{}
)
