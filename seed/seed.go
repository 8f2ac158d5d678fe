// Package seed holds the first source of the graph — Canada's 1999 account
// of the Lysøen Partnership (human-security-1999.txt) — the structured graph
// read from it (seed.json, every fact with the sentence it rests on), and
// the loader that validates the file and writes it through the store.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// SourceText is the 1999 text, verbatim.
//
//go:embed human-security-1999.txt
var SourceText string

// GraphJSON is the structured seed graph.
//
//go:embed seed.json
var GraphJSON []byte

// File is the seed file's structure.
type File struct {
	Source        SourceEntry `json:"source"`
	Nodes         []NodeEntry `json:"nodes"`
	Relationships []RelEntry  `json:"relationships"`
}

// SourceEntry describes the document the facts come from.
type SourceEntry struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date"`
	File  string `json:"file"`
}

// NodeEntry is one node and the sentence it rests on.
type NodeEntry struct {
	Label      string         `json:"label"`
	ID         string         `json:"id"`
	Properties map[string]any `json:"properties"`
	Evidence   string         `json:"evidence"`
}

// RelEntry is one relationship and the sentence it rests on.
type RelEntry struct {
	Type       string         `json:"type"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Properties map[string]any `json:"properties"`
	Evidence   string         `json:"evidence"`
}

// Error says which file and which entry of a seed file is wrong.
type Error struct {
	File  string
	Entry string // e.g. `nodes[3] (country:CAN)`
	Msg   string
}

func (e *Error) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Entry, e.Msg)
}

// idPrefix is the id prefix each label's ids must use.
var idPrefix = map[store.Label]string{
	store.LabelCountry: "country:", store.LabelOrganization: "org:", store.LabelIssueArea: "issue:",
	store.LabelInitiative: "initiative:", store.LabelEvent: "event:", store.LabelAgreement: "agreement:",
}

// dateProps are the properties that must hold a Date ("1999", "1998-12", "1998-05-11").
var dateProps = []string{"startDate", "endDate", "adoptedOn", "since", "until", "signed", "ratified", "date"}

// Parse reads and validates a seed file against its source text. It
// returns every problem found, each naming the file and the entry, so a
// broken file is rejected before anything is written.
func Parse(r io.Reader, fileName, sourceText string) (*File, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, &Error{File: fileName, Msg: "not a valid seed file: " + err.Error()}
	}
	var errs []error
	bad := func(entry, format string, a ...any) {
		errs = append(errs, &Error{File: fileName, Entry: entry, Msg: fmt.Sprintf(format, a...)})
	}
	if f.Source.ID == "" || !strings.HasPrefix(f.Source.ID, "source:") {
		bad("source", "id must start with \"source:\" (got %q)", f.Source.ID)
	}
	if f.Source.Date != "" {
		if _, err := model.ParseDate(f.Source.Date); err != nil {
			bad("source", "date: %v", err)
		}
	}
	checkEvidence := func(entry, ev string) {
		switch {
		case strings.TrimSpace(ev) == "":
			bad(entry, "evidence is empty: every fact needs the sentence it rests on")
		case !strings.Contains(sourceText, ev):
			bad(entry, "evidence %q is not a passage of the source text", ev)
		}
	}
	checkDates := func(entry string, props map[string]any) {
		for _, k := range dateProps {
			v, ok := props[k]
			if !ok {
				continue
			}
			s, isString := v.(string)
			if !isString {
				bad(entry, "%s must be a date string, got %v", k, v)
				continue
			}
			if _, err := model.ParseDate(s); err != nil {
				bad(entry, "%s: %v", k, err)
			}
		}
		if since, until := str(props["since"]), str(props["until"]); since != "" && until != "" && until < since {
			bad(entry, "until %s is before since %s", until, since)
		}
		if start, end := str(props["startDate"]), str(props["endDate"]); start != "" && end != "" && end < start {
			bad(entry, "endDate %s is before startDate %s", end, start)
		}
	}

	labels := map[string]store.Label{}
	for i, n := range f.Nodes {
		entry := fmt.Sprintf("nodes[%d] (%s)", i, n.ID)
		l := store.Label(n.Label)
		prefix, ok := idPrefix[l]
		switch {
		case !ok:
			bad(entry, "label %q is not one of Country, Organization, IssueArea, Initiative, Event, Agreement", n.Label)
		case !strings.HasPrefix(n.ID, prefix) || len(n.ID) == len(prefix):
			bad(entry, "a %s id must look like %s<slug>", l, prefix)
		}
		if _, dup := labels[n.ID]; dup {
			bad(entry, "id %s appears twice", n.ID)
		}
		labels[n.ID] = l
		if str(n.Properties["name"]) == "" {
			bad(entry, "name is missing or empty")
		}
		if _, has := n.Properties["id"]; has {
			bad(entry, "properties must not repeat the id")
		}
		if l == store.LabelCountry {
			iso3 := str(n.Properties["iso3"])
			if len(iso3) != 3 || strings.ToUpper(iso3) != iso3 || n.ID != "country:"+iso3 {
				bad(entry, "a country needs iso3 (three capital letters) and the id country:<iso3>")
			}
		}
		checkDates(entry, n.Properties)
		if p := str(n.Properties["datePrecision"]); p != "" {
			if start := str(n.Properties["startDate"]); start != "" && string(model.Date(start).Precision()) != p {
				bad(entry, "datePrecision %s does not match startDate %q", p, start)
			}
		}
		checkEvidence(entry, n.Evidence)
	}
	type relKey struct{ t, from, to string }
	seenRel := map[relKey]bool{}
	for i, r := range f.Relationships {
		entry := fmt.Sprintf("relationships[%d] (%s %s->%s)", i, r.Type, r.From, r.To)
		fromL, okFrom := labels[r.From]
		toL, okTo := labels[r.To]
		if !okFrom {
			bad(entry, "from %q is not a node of this file", r.From)
		}
		if !okTo {
			bad(entry, "to %q is not a node of this file", r.To)
		}
		if okFrom && okTo {
			if err := store.CheckEndpoints(store.RelType(r.Type), fromL, toL); err != nil {
				bad(entry, "%v", err)
			}
		}
		k := relKey{r.Type, r.From, r.To}
		if seenRel[k] {
			bad(entry, "the same relationship appears twice")
		}
		seenRel[k] = true
		checkDates(entry, r.Properties)
		checkEvidence(entry, r.Evidence)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &f, nil
}

// Write turns a parsed seed file into one store batch: the Source node,
// every node and every relationship, each carrying sourceId and evidence.
func (f *File) Write() store.GraphWrite {
	var g store.GraphWrite
	g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelSource, ID: f.Source.ID, Props: map[string]any{
		"name": f.Source.Title, "title": f.Source.Title, "date": f.Source.Date, "file": f.Source.File,
	}})
	labels := map[string]store.Label{}
	for _, n := range f.Nodes {
		l := store.Label(n.Label)
		labels[n.ID] = l
		props := map[string]any{"sourceId": f.Source.ID, "evidence": n.Evidence}
		for k, v := range n.Properties {
			props[k] = v
		}
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: l, ID: n.ID, Props: props})
	}
	for _, r := range f.Relationships {
		props := map[string]any{"sourceId": f.Source.ID, "evidence": r.Evidence}
		for k, v := range r.Properties {
			props[k] = v
		}
		g.Rels = append(g.Rels, store.RelWrite{Type: store.RelType(r.Type), From: r.From, To: r.To,
			FromLabel: labels[r.From], ToLabel: labels[r.To], Props: props})
	}
	return g
}

// Load validates the embedded seed graph and writes it in one transaction.
// Loading twice leaves the graph as after the first load.
func Load(ctx context.Context, s *store.Store) (store.WriteStats, error) {
	return LoadFrom(ctx, s, bytes.NewReader(GraphJSON), "seed/seed.json", SourceText)
}

// LoadFrom validates a seed file and writes it; a file with any problem
// writes nothing.
func LoadFrom(ctx context.Context, s *store.Store, r io.Reader, fileName, sourceText string) (store.WriteStats, error) {
	f, err := Parse(r, fileName, sourceText)
	if err != nil {
		return store.WriteStats{}, err
	}
	stats, err := s.WriteGraph(ctx, f.Write())
	if err != nil {
		return stats, fmt.Errorf("%s: %w", fileName, err)
	}
	return stats, nil
}

func str(v any) string { s, _ := v.(string); return s }
