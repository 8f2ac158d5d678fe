// Package refimport loads the real-world reference data (seed/refdata:
// ISO 3166 countries, UN treaty participation) into the graph beside the
// seed, for `lysoen import`.
//
// What it writes:
//   - a Source node per reference file (and one for the treaty-to-issue
//     classification in seed/refdata/treaties.go);
//   - every ISO country as a Country (iso3, iso2, m49, region, subRegion),
//     merged with the seed's countries on the id country:<ISO3>;
//   - every treaty as an Agreement (name, kind, mtdsgNo, openYear,
//     sourceUrl, acronym and aliases: its usual names) with ADDRESSES edges to the issue areas refdata assigns it,
//     only for issue areas that exist in the seed (seed/seed.json);
//   - every state action as SIGNATORY_OF {signed, ratified, method,
//     sourceUrl, note} from the Country to the Agreement.
//
// Provenance: the import never overwrites a name, sourceId or evidence
// already there (the seed's wording and evidence sentence stay); it sets
// them only on what it creates. Its own provenance is always in
// refSourceId (the Source node of the file) and refEvidence (the file,
// line and a literal description of the row).
//
// Each batch (BatchSize nodes/relationships) is one transaction that
// writes only what differs from the stored graph, so a second run changes
// nothing (no property set, updatedAt untouched) and an interrupted run
// can simply be run again.
package refimport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed"
	"github.com/lysoen/lysoen/seed/refdata"
)

// DataDir is where the reference files live in the repository; provenance
// names files by it.
const DataDir = "seed/data/"

// Source nodes written by the import.
const (
	SourceCountries      = "source:iso3166"
	SourceUNArmsControl  = "source:untc-arms-control"
	SourceUNHumanRights  = "source:untc-human-rights"
	SourceRomeStatute    = "source:untc-rome-statute-2015"
	SourceClassification = "source:refdata-treaty-issues"
)

type sourceInfo struct {
	id, title, date, file, url string
}

var sources = []sourceInfo{
	{SourceCountries, "ISO 3166-1 countries with UN M49 regions (lukes/ISO-3166-Countries-with-Regional-Codes)", "2024-06",
		DataDir + refdata.FileCountries, "https://github.com/lukes/ISO-3166-Countries-with-Regional-Codes"},
	{SourceUNArmsControl, "UN Treaty Collection, chapter XXVI (disarmament): signatures and consents to be bound, scraped by mgaldino/treaties-ideal-point", "2026-02",
		DataDir + refdata.FileUNArmsControl, "https://github.com/mgaldino/treaties-ideal-point"},
	{SourceUNHumanRights, "UN Treaty Collection, chapter IV (human rights): signatures and consents to be bound, scraped by mgaldino/treaties-ideal-point", "2026-02",
		DataDir + refdata.FileUNHumanRights, "https://github.com/mgaldino/treaties-ideal-point"},
	{SourceRomeStatute, "UN Treaty Collection, chapter XVIII-10: Rome Statute participants, March 2015 snapshot via zmjones/untreaties", "2015-03",
		DataDir + refdata.FileRomeStatute, "https://github.com/zmjones/untreaties"},
	{SourceClassification, "Lysøen's classification of the reference treaties by issue area (knownTreaties in seed/refdata/treaties.go)", "",
		"seed/refdata/treaties.go", ""},
}

var sourceOfFile = map[string]string{
	refdata.FileCountries:     SourceCountries,
	refdata.FileUNArmsControl: SourceUNArmsControl,
	refdata.FileUNHumanRights: SourceUNHumanRights,
	refdata.FileRomeStatute:   SourceRomeStatute,
}

// Options tune a run.
type Options struct {
	BatchSize int       // nodes + relationships per transaction; default 500
	Progress  io.Writer // nil: no progress
	TTY       bool      // draw a progress bar (\r) instead of one line per batch
	By        string    // createdBy/updatedBy; default "import"
	Now       func() time.Time
}

// Rejected is a row or a record the import did not write, and why.
type Rejected = refdata.Rejected

// Summary is the outcome of a run.
type Summary struct {
	RowsRead map[string]int
	Stats    store.SyncStats
	Rejected []Rejected
	Batches  int
	Duration time.Duration
}

// Run reads the reference files from fsys (data.FS for the embedded ones)
// and writes them through st.
func Run(ctx context.Context, st *store.Store, fsys fs.FS, opt Options) (Summary, error) {
	start := time.Now()
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.By == "" {
		opt.By = "import"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	ds, err := refdata.Load(fsys)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{RowsRead: ds.RowsRead, Rejected: append([]Rejected(nil), ds.Rejected...)}
	seedFile, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed/seed.json", seed.SourceText)
	if err != nil {
		return sum, err
	}

	batches := plan(ds, seedFile, opt.BatchSize, &sum.Rejected)
	total := 0
	for _, b := range batches {
		total += len(b.Nodes) + len(b.Rels)
	}
	done := 0
	p := progress{w: opt.Progress, tty: opt.TTY, total: total}
	for i, b := range batches {
		stats, err := st.Sync(ctx, b.SyncBatch, store.Audit{By: opt.By, At: opt.Now()})
		if err != nil {
			p.finish()
			return sum, fmt.Errorf("batch %d/%d (%s): %w (the batches before it are committed; run the import again to finish)", i+1, len(batches), b.what, err)
		}
		sum.Stats.Add(stats)
		sum.Batches++
		done += len(b.Nodes) + len(b.Rels)
		p.step(i+1, len(batches), b.what, done)
	}
	p.finish()
	sum.Duration = time.Since(start)
	return sum, nil
}

type batch struct {
	store.SyncBatch
	what string
}

// plan turns the dataset into batches: sources, issue areas, agreements and
// ADDRESSES first; then countries; then the actions, size at a time.
func plan(ds *refdata.Dataset, sf *seed.File, size int, rejected *[]Rejected) []batch {
	var head store.SyncBatch
	// The seed's Source (issue areas cite it) and the import's Sources.
	head.Nodes = append(head.Nodes, store.SyncNode{Label: store.LabelSource, ID: sf.Source.ID, Init: store.OmitEmpty(map[string]any{
		"name": sf.Source.Title, "title": sf.Source.Title, "date": sf.Source.Date, "file": sf.Source.File})})
	for _, s := range sources {
		head.Nodes = append(head.Nodes, store.SyncNode{Label: store.LabelSource, ID: s.id, Props: store.OmitEmpty(map[string]any{
			"name": s.title, "title": s.title, "date": s.date, "file": s.file, "url": s.url})})
	}
	seedIssues := map[string]seed.NodeEntry{}
	for _, n := range sf.Nodes {
		if n.Label == string(store.LabelIssueArea) {
			seedIssues[n.ID] = n
		}
	}
	usedIssues := map[string]bool{}
	for _, t := range ds.Treaties {
		src := sourceOfFile[t.File]
		ev := fmt.Sprintf("%s%s: the rows with treaty_id %s (%q, UNTC %s)", DataDir, t.File, t.ID, t.Name, t.MTDSGNo)
		props := store.EmptyToNil(map[string]any{"name": t.Name, "kind": t.Kind, "mtdsgNo": t.MTDSGNo, "openYear": t.OpenYear,
			"sourceUrl": t.SourceURL, "acronym": t.Acronym, "refSourceId": src, "refEvidence": ev})
		if len(t.Aliases) > 0 {
			props["aliases"] = t.Aliases
		}
		head.Nodes = append(head.Nodes, store.SyncNode{Label: store.LabelAgreement, ID: t.AgreementID, Props: props,
			Init: map[string]any{"sourceId": src, "evidence": ev}})
		for _, issue := range t.IssueAreaIDs {
			if _, ok := seedIssues[issue]; !ok {
				*rejected = append(*rejected, Rejected{File: "seed/refdata/treaties.go", Name: t.ID,
					Reason: fmt.Sprintf("issue area %s is not in seed/seed.json: no ADDRESSES edge from %s", issue, t.AgreementID)})
				continue
			}
			usedIssues[issue] = true
			cev := fmt.Sprintf("seed/refdata/treaties.go, knownTreaties[%q]: %s addresses %s", t.ID, t.AgreementID, issue)
			head.Rels = append(head.Rels, store.SyncRel{Type: store.RelAddresses, From: t.AgreementID, To: issue,
				FromLabel: store.LabelAgreement, ToLabel: store.LabelIssueArea,
				Props: map[string]any{"refSourceId": SourceClassification, "refEvidence": cev},
				Init:  map[string]any{"sourceId": SourceClassification, "evidence": cev}})
		}
	}
	// Issue areas come from the seed, with the seed's own properties and
	// evidence, written only where absent (so the seed stays the authority).
	issueIDs := make([]string, 0, len(usedIssues))
	for id := range usedIssues {
		issueIDs = append(issueIDs, id)
	}
	sort.Strings(issueIDs)
	for _, id := range issueIDs {
		n := seedIssues[id]
		init := map[string]any{"sourceId": sf.Source.ID, "evidence": n.Evidence}
		for k, v := range n.Properties {
			if s, ok := v.(string); ok {
				init[k] = s
			}
		}
		head.Nodes = append(head.Nodes, store.SyncNode{Label: store.LabelIssueArea, ID: id, Init: init})
	}
	out := []batch{{head, "sources, issue areas, agreements"}}

	var cur store.SyncBatch
	for _, c := range ds.Countries {
		ev := fmt.Sprintf("%s%s line %d: %s, alpha-2 %s, alpha-3 %s, M49 %s, region %q, sub-region %q",
			DataDir, refdata.FileCountries, c.Line, c.Name, c.ISO2, c.ISO3, c.M49, c.Region, c.SubRegion)
		cur.Nodes = append(cur.Nodes, store.SyncNode{Label: store.LabelCountry, ID: "country:" + c.ISO3,
			Props: store.EmptyToNil(map[string]any{"iso3": c.ISO3, "iso2": c.ISO2, "m49": c.M49, "region": c.Region, "subRegion": c.SubRegion,
				"refSourceId": SourceCountries, "refEvidence": ev}),
			Init: map[string]any{"name": c.Name, "sourceId": SourceCountries, "evidence": ev}})
		if len(cur.Nodes) == size {
			out = append(out, batch{cur, "countries"})
			cur = store.SyncBatch{}
		}
	}
	if len(cur.Nodes) > 0 {
		out = append(out, batch{cur, "countries"})
		cur = store.SyncBatch{}
	}
	for _, a := range ds.Actions {
		src := sourceOfFile[a.File]
		ev := actionEvidence(a)
		cur.Rels = append(cur.Rels, store.SyncRel{Type: store.RelSignatoryOf, From: "country:" + a.ISO3, To: refdata.AgreementID(a.TreatyID),
			FromLabel: store.LabelCountry, ToLabel: store.LabelAgreement,
			Props: store.EmptyToNil(map[string]any{"signed": a.Signed, "ratified": a.Ratified, "method": a.Method, "note": a.Note,
				"sourceUrl": a.SourceURL, "refSourceId": src, "refEvidence": ev}),
			Init: map[string]any{"sourceId": src, "evidence": ev}})
		if len(cur.Rels) == size {
			out = append(out, batch{cur, "signatures"})
			cur = store.SyncBatch{}
		}
	}
	if len(cur.Rels) > 0 {
		out = append(out, batch{cur, "signatures"})
	}
	return out
}

// actionEvidence describes the CSV row(s) of an action literally.
func actionEvidence(a refdata.Action) string {
	var parts []string
	if a.Signed != "" {
		parts = append(parts, "signature "+a.Signed)
	}
	if a.Ratified != "" {
		parts = append(parts, strings.ToLower(strings.ReplaceAll(a.Method, "_", " "))+" "+a.Ratified)
	}
	return fmt.Sprintf("%s%s line %d: %s, %s: %s", DataDir, a.File, a.Line, a.CountryName, a.TreatyID, strings.Join(parts, ", "))
}

// progress reports batches: a bar on a terminal, plain lines otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	total int
	drawn bool
}

func (p *progress) step(i, n int, what string, done int) {
	if p.w == nil {
		return
	}
	if !p.tty {
		fmt.Fprintf(p.w, "import: batch %d/%d (%s) committed: %d/%d nodes and relationships\n", i, n, what, done, p.total)
		return
	}
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = done * width / p.total
	}
	fmt.Fprintf(p.w, "\rimport [%s%s] %5d/%d %-34s", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, p.total, what)
	p.drawn = true
}

func (p *progress) finish() {
	if p.w != nil && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// Write prints the summary: rows read, what was created or updated, and
// every rejected row with its file, line, name and reason.
func (s Summary) Write(w io.Writer) {
	files := make([]string, 0, len(s.RowsRead))
	total := 0
	for f, n := range s.RowsRead {
		files = append(files, f)
		total += n
	}
	sort.Strings(files)
	fmt.Fprintf(w, "import summary (%d batches, %s)\n", s.Batches, s.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "  rows read: %d\n", total)
	for _, f := range files {
		fmt.Fprintf(w, "    %s%s: %d\n", DataDir, f, s.RowsRead[f])
	}
	st := s.Stats
	fmt.Fprintf(w, "  nodes: %d created, %d updated, %d unchanged\n", st.NodesCreated, st.NodesUpdated, st.NodesUnchanged)
	fmt.Fprintf(w, "  relationships: %d created, %d updated, %d unchanged\n", st.RelsCreated, st.RelsUpdated, st.RelsUnchanged)
	fmt.Fprintf(w, "  properties set: %d\n", st.PropertiesSet)
	fmt.Fprintf(w, "  rejected: %d\n", len(s.Rejected))
	for _, r := range s.Rejected {
		loc := r.File
		if r.File != "seed/refdata/treaties.go" {
			loc = DataDir + r.File
		}
		if r.Line > 0 {
			loc += fmt.Sprintf(" line %d", r.Line)
		}
		fmt.Fprintf(w, "    %s: %q: %s\n", loc, r.Name, r.Reason)
	}
}
