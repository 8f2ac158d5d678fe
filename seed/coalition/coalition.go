// Package coalition imports the coalition datasets of seed/data (UN
// General Assembly votes, Correlates of War IGO memberships, informal
// groups, multilateral treaty participation, UN membership years) into
// the graph, for `lysoen import` after the reference data (seed/refimport),
// whose ISO countries it links to.
//
// Every file is read and checked before anything is written: a malformed
// file (not gzip, not CSV, a missing column) is a *FormatError and leaves
// the graph untouched. A row that is well formed but cannot be mapped (an
// unknown country code, a vote that is not yes/no/abstain) is reported in
// the summary with its file, line and reason, never dropped silently.
//
// Each dataset is written as: its Source node, its nodes (through
// store.Sync, which writes only differences), then its relationship sets
// (store.SyncOwnedRels: every relationship of a type whose sourceId is the
// dataset's Source, made equal to what the files say, in batched
// transactions). When all of that is committed, the Source node records
// the content hash of the dataset's files; the next run reads the hash and
// the sizes of the relationship sets and skips a dataset that is unchanged
// and complete, so a no-op run takes seconds. A changed or partly written
// dataset is synced again, which writes only the difference.
//
// Provenance: nodes carry sourceId and evidence (the file and the record's
// key); relationships carry sourceId and their key properties (a vote's
// roll call and country are its endpoints), not a copy of text: the row
// behind a VOTED relationship is the row of un_votes.csv.gz with the roll
// call's rcid and the country's code.
package coalition

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed/refdata"
)

// DataDir is where the dataset folders live in the repository; provenance
// names files by it.
const DataDir = "seed/data/"

// Options tune a run.
type Options struct {
	BatchSize int       // relationships per transaction; default 20,000
	Progress  io.Writer // nil: no progress
	TTY       bool      // redraw one progress line (\r) instead of one line per batch
	By        string    // createdBy/updatedBy on nodes; default "import"
	Now       func() time.Time
	// Only limits the run to the named datasets (e.g. "unga-votes"); empty
	// means all.
	Only []string
	// Force syncs a dataset even when its content hash says it is complete.
	Force bool
	// DryRun reads and maps every file (reporting rejects and conflicts)
	// and writes nothing; with a nil store it does not look at the graph.
	DryRun bool
}

// Rejected is a row the import did not write, and why.
type Rejected = refdata.Rejected

// DatasetSummary is the outcome for one dataset.
type DatasetSummary struct {
	Name     string
	Skipped  bool // unchanged and complete: nothing was written
	DryRun   bool // read and mapped only
	RowsRead map[string]int
	Nodes    store.SyncStats
	Rels     map[store.RelType]store.OwnedStats
	// Augmented counts the relationships of other sources this dataset
	// added properties to.
	Augmented store.SyncStats
	RelCount  map[store.RelType]int // relationships of the dataset after the run
	Duration  time.Duration
}

// Summary is the outcome of a run.
type Summary struct {
	Datasets []DatasetSummary
	Rejected []Rejected
	// Conflicts are facts two sources state differently; the summary says
	// which was kept (docs/data.md gives the rule).
	Conflicts []Conflict
	Duration  time.Duration
}

// Changes is the number of nodes and relationships created, updated or
// deleted; 0 after a run over an unchanged graph.
func (s Summary) Changes() int {
	n := 0
	for _, d := range s.Datasets {
		n += d.Nodes.NodesCreated + d.Nodes.NodesUpdated + d.Augmented.RelsCreated + d.Augmented.RelsUpdated
		for _, r := range d.Rels {
			n += r.Changed()
		}
	}
	return n
}

// relSet is one set of relationships a dataset owns, with what it wants.
type relSet struct {
	set  store.OwnedRelSet
	want []store.OwnedRel
}

// dataset is everything one folder of seed/data writes.
type dataset struct {
	spec
	hash     string
	rowsRead map[string]int
	nodes    []store.SyncNode
	rels     []relSet
	// augment are properties the dataset adds to relationships another
	// source owns (a withdrawal on a UN Treaty Collection SIGNATORY_OF).
	augment []store.SyncRel
}

type sourceInfo struct {
	id, title, date, file, url, licence, citation string
}

func (s sourceInfo) node() store.SyncNode {
	return store.SyncNode{Label: store.LabelSource, ID: s.id, Props: store.OmitEmpty(map[string]any{
		"name": s.title, "title": s.title, "date": s.date, "file": s.file, "url": s.url,
		"licence": s.licence, "citation": s.citation})}
}

// spec is a dataset as the import knows it before reading it: its files
// (the content hash covers them), its Source and the relationship sets it
// owns, in the order parse returns them.
type spec struct {
	name   string
	source sourceInfo
	files  []string
	code   []string // this package's files that map the dataset
	sets   []store.OwnedRelSet
	parse  func(fsys fs.FS, e *env, d *dataset) error
}

// specs lists the datasets in the order they are written.
var specs = []spec{votesSpec, cowSpec, informalSpec, ggoSpec, unMembersSpec}

// env is what the parsers share: the country crosswalk and the reject list.
type env struct {
	cw        *crosswalk
	ref       *refdata.Dataset
	rejected  []Rejected
	conflicts []Conflict
}

func (e *env) conflict(file string, line int, name, reason string) {
	e.conflicts = append(e.conflicts, Conflict{File: file, Line: line, Name: name, Reason: reason})
}

func (e *env) reject(file string, line int, name, reason string) {
	e.rejected = append(e.rejected, Rejected{File: file, Line: line, Name: name, Reason: reason})
}

// Run reads the datasets from fsys (data.FS for the embedded ones) and
// writes them through st.
func Run(ctx context.Context, st *store.Store, fsys fs.FS, opt Options) (Summary, error) {
	start := time.Now()
	if opt.BatchSize <= 0 {
		opt.BatchSize = 20000
	}
	if opt.By == "" {
		opt.By = "import"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	var sum Summary
	ref, err := refdata.Load(fsys)
	if err != nil {
		return sum, err
	}
	e := &env{cw: newCrosswalk(ref.Countries), ref: ref}
	p := &progress{w: opt.Progress, tty: opt.TTY}
	// Hash every dataset and compare with the graph; read every changed
	// one before the first write, so a malformed file stops the run with
	// nothing written.
	var todo []*dataset
	for _, sp := range specs {
		if len(opt.Only) > 0 && !slices.Contains(opt.Only, sp.name) {
			continue
		}
		t0 := time.Now()
		d := &dataset{spec: sp, rowsRead: map[string]int{}}
		if d.hash, err = hashFiles(fsys, sp.files, sp.code); err != nil {
			return sum, err
		}
		var stored string
		var storedCounts, counts []int
		if st != nil {
			stored, storedCounts, counts, err = st.DatasetState(ctx, sp.source.id, sp.sets)
			if err != nil {
				return sum, fmt.Errorf("dataset %s: %w", sp.name, err)
			}
		}
		if st != nil && stored == d.hash && !opt.Force && equalInts(storedCounts, counts) {
			ds := DatasetSummary{Name: sp.name, Skipped: true, RelCount: map[store.RelType]int{}, Duration: time.Since(t0)}
			for i, set := range sp.sets {
				ds.RelCount[set.Type] += counts[i]
			}
			sum.Datasets = append(sum.Datasets, ds)
			p.line(fmt.Sprintf("%s: unchanged (content hash %s…) and complete, skipped", sp.name, d.hash[:12]))
			continue
		}
		if err := sp.parse(fsys, e, d); err != nil {
			return sum, err
		}
		if len(d.rels) != len(sp.sets) {
			return sum, fmt.Errorf("dataset %s: %d relationship sets read, %d declared", sp.name, len(d.rels), len(sp.sets))
		}
		todo = append(todo, d)
	}
	sum.Rejected, sum.Conflicts = e.rejected, e.conflicts
	if opt.DryRun || st == nil {
		for _, d := range todo {
			ds := DatasetSummary{Name: d.name, DryRun: true, RowsRead: d.rowsRead, RelCount: map[store.RelType]int{}}
			for _, r := range d.rels {
				ds.RelCount[r.set.Type] += len(r.want)
			}
			sum.Datasets = append(sum.Datasets, ds)
		}
		sum.Duration = time.Since(start)
		return sum, nil
	}
	for _, d := range todo {
		ds, err := write(ctx, st, d, opt, p)
		sum.Datasets = append(sum.Datasets, ds)
		if err != nil {
			p.finish()
			return sum, fmt.Errorf("dataset %s: %w (what is committed stays; run the import again to finish)", d.name, err)
		}
	}
	p.finish()
	sum.Duration = time.Since(start)
	return sum, nil
}

// write syncs one dataset, then records its content hash and sizes.
func write(ctx context.Context, st *store.Store, d *dataset, opt Options, p *progress) (DatasetSummary, error) {
	start := time.Now()
	out := DatasetSummary{Name: d.name, RowsRead: d.rowsRead, Rels: map[store.RelType]store.OwnedStats{}, RelCount: map[store.RelType]int{}}
	audit := store.Audit{By: opt.By, At: opt.Now()}
	nodes := append([]store.SyncNode{d.source.node()}, d.nodes...)
	const nodeBatch = 2000
	for i := 0; i < len(nodes); i += nodeBatch {
		s, err := st.Sync(ctx, store.SyncBatch{Nodes: nodes[i:min(i+nodeBatch, len(nodes))]}, audit)
		if err != nil {
			return out, fmt.Errorf("nodes: %w", err)
		}
		out.Nodes.Add(s)
		p.step(d.name, "nodes", min(i+nodeBatch, len(nodes)), len(nodes))
	}
	counts := make([]int, len(d.rels))
	for i, r := range d.rels {
		what := string(r.set.Type)
		s, err := st.SyncOwnedRels(ctx, r.set, r.want, opt.BatchSize, func(done, total int) { p.step(d.name, what, done, total) })
		o := out.Rels[r.set.Type]
		o.Add(s)
		out.Rels[r.set.Type] = o
		if err != nil {
			return out, err
		}
		out.RelCount[r.set.Type] += len(r.want)
		counts[i] = len(r.want)
	}
	for i := 0; i < len(d.augment); i += nodeBatch {
		s, err := st.Sync(ctx, store.SyncBatch{Rels: d.augment[i:min(i+nodeBatch, len(d.augment))]}, audit)
		if err != nil {
			return out, fmt.Errorf("relationships of other sources: %w", err)
		}
		out.Augmented.Add(s)
		p.step(d.name, "SIGNATORY_OF (UNTC)", min(i+nodeBatch, len(d.augment)), len(d.augment))
	}
	if err := st.SetContentHash(ctx, d.source.id, d.hash, counts); err != nil {
		return out, err
	}
	out.Duration = time.Since(start)
	p.line(fmt.Sprintf("%s: written in %s", d.name, out.Duration.Round(time.Millisecond)))
	return out, nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Write prints the summary: per dataset the rows read and what was
// created, updated, deleted or left alone; then every rejected row with
// its file, line and reason.
func (s Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "coalition data import summary (%s)\n", s.Duration.Round(time.Millisecond))
	for _, d := range s.Datasets {
		state := "written"
		switch {
		case d.DryRun:
			state = "read and mapped (dry run, nothing written)"
		case d.Skipped:
			state = "unchanged and complete, skipped (its rejected rows were listed when it was written; docs/data.md)"
		}
		fmt.Fprintf(w, "  %s: %s in %s\n", d.Name, state, d.Duration.Round(time.Millisecond))
		files := make([]string, 0, len(d.RowsRead))
		for f := range d.RowsRead {
			files = append(files, f)
		}
		sort.Strings(files)
		for _, f := range files {
			fmt.Fprintf(w, "    rows read %s%s: %d\n", DataDir, f, d.RowsRead[f])
		}
		if !d.Skipped && !d.DryRun {
			n := d.Nodes
			fmt.Fprintf(w, "    nodes: %d created, %d updated, %d unchanged\n", n.NodesCreated, n.NodesUpdated, n.NodesUnchanged)
		}
		types := make([]string, 0, len(d.RelCount))
		for t := range d.RelCount {
			types = append(types, string(t))
		}
		sort.Strings(types)
		for _, t := range types {
			r := d.Rels[store.RelType(t)]
			if d.Skipped || d.DryRun {
				fmt.Fprintf(w, "    %s: %d\n", t, d.RelCount[store.RelType(t)])
				continue
			}
			fmt.Fprintf(w, "    %s: %d created, %d updated, %d deleted, %d unchanged\n", t, r.Created, r.Updated, r.Deleted, r.Unchanged)
		}
		if a := d.Augmented; a.RelsCreated+a.RelsUpdated+a.RelsUnchanged > 0 {
			fmt.Fprintf(w, "    relationships of other sources completed: %d updated, %d unchanged, %d created\n", a.RelsUpdated, a.RelsUnchanged, a.RelsCreated)
		}
	}
	fmt.Fprintf(w, "  conflicts between sources: %d (the UN Treaty Collection's dates are kept)\n", len(s.Conflicts))
	for _, c := range s.Conflicts {
		fmt.Fprintf(w, "    %s%s line %d: %s: %s\n", DataDir, c.File, c.Line, c.Name, c.Reason)
	}
	fmt.Fprintf(w, "  rejected: %d\n", len(s.Rejected))
	for _, r := range s.Rejected {
		loc := DataDir + r.File
		if r.Line > 0 {
			loc += fmt.Sprintf(" line %d", r.Line)
		}
		fmt.Fprintf(w, "    %s: %q: %s\n", loc, r.Name, r.Reason)
	}
}

// progress reports batches: one redrawn line on a terminal, plain lines otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	drawn bool
}

func (p *progress) step(dataset, what string, done, total int) {
	if p.w == nil {
		return
	}
	if !p.tty {
		fmt.Fprintf(p.w, "import: %s %s %d/%d\n", dataset, what, done, total)
		return
	}
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	fmt.Fprintf(p.w, "\rimport %-14s %-14s [%s%s] %7d/%d", dataset, what, strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, total)
	p.drawn = true
}

func (p *progress) line(s string) {
	if p.w == nil {
		return
	}
	p.finish()
	fmt.Fprintf(p.w, "import: %s\n", s)
}

func (p *progress) finish() {
	if p.w != nil && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
