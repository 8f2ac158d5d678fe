package refimport

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refdata"
)

// luncheon are the nine countries of the 25 September 1998 luncheon.
var luncheon = []string{"AUT", "CHL", "IRL", "JOR", "NLD", "SVN", "ZAF", "CHE", "THA"}

// cancelAfter cancels a context once n progress lines have been written.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n -= bytes.Count(p, []byte("\n"))
	if c.n <= 0 {
		c.cancel()
	}
	return len(p), nil
}

func signatures(t *testing.T, st *store.Store, agreement string) map[string]map[string]any {
	t.Helper()
	edges, err := st.Edges(context.Background(), store.AgreementSignatories, []string{agreement})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, e := range edges[agreement] {
		out[e.Other.ID()] = e.Props
	}
	return out
}

// TestImportRealFiles loads the real reference files over the seed: an
// interrupted run is finished by running again, known facts come out
// right, the seed's evidence stays, and a further run changes nothing.
func TestImportRealFiles(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()

	// Interrupted after the third batch: what was committed stays, and the
	// next run finishes the job.
	cctx, cancel := context.WithCancel(ctx)
	_, err := Run(cctx, st, data.FS, Options{Progress: &cancelAfter{n: 3, cancel: cancel}})
	cancel()
	if err == nil || !strings.Contains(err.Error(), "run the import again") {
		t.Fatalf("interrupted run: err = %v", err)
	}
	var out bytes.Buffer
	first, err := Run(ctx, st, data.FS, Options{Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if first.Batches != 11 || strings.Count(out.String(), "\n") != 11 || !strings.Contains(out.String(), "batch 11/11 (signatures)") {
		t.Errorf("progress lines:\n%s", out.String())
	}
	s := first.Stats
	// 5 import sources + the seed source, 10 issue areas, 31 agreements, 249 countries.
	if n := s.NodesCreated + s.NodesUpdated + s.NodesUnchanged; n != 1+5+9+31+249 {
		t.Errorf("nodes seen = %d (%+v)", n, s)
	}
	// 1541 + 2560 + 153 signatures and the ADDRESSES edges.
	if r := s.RelsCreated + s.RelsUpdated + s.RelsUnchanged; r != 4254+37 {
		t.Errorf("relationships seen = %d (%+v)", r, s)
	}
	if s.RelsCreated == 0 || s.RelsUnchanged == 0 {
		t.Errorf("the finishing run should create the rest and leave the interrupted run's edges alone: %+v", s)
	}
	if len(first.Rejected) != 7 {
		t.Errorf("rejected = %+v, want the 7 rows without an ISO code", first.Rejected)
	}

	ottawa := signatures(t, st, "agreement:ottawa")
	if can := ottawa["country:CAN"]; can["ratified"] != "1997-12-03" || can["signed"] != "1997-12-03" || can["method"] != "RATIFICATION" ||
		can["sourceId"] != SourceUNArmsControl || !strings.HasPrefix(can["sourceUrl"].(string), "https://treaties.un.org/") ||
		!strings.Contains(can["evidence"].(string), "un-arms-control.csv line 1044: Canada, ottawa") {
		t.Errorf("Canada and the Mine Ban Convention: %v", can)
	}
	for _, iso3 := range luncheon {
		if p := ottawa["country:"+iso3]; p == nil || p["ratified"] == nil {
			t.Errorf("%s is not recorded as party to the Mine Ban Convention: %v", iso3, p)
		}
	}
	// CCW Amended Protocol II: the signature column is the consent date.
	if p := signatures(t, st, "agreement:ccw-p2a")["country:CAN"]; p["method"] != refdata.MethodConsentToBeBound || p["signed"] != nil || p["note"] == nil {
		t.Errorf("Canada and CCW Amended Protocol II: %v", p)
	}

	// The seed's countries merged with the ISO list, keeping the seed's name and evidence.
	can, err := st.NodeByID(ctx, store.LabelCountry, "country:CAN")
	if err != nil {
		t.Fatal(err)
	}
	p := can.Props
	if p["name"] != "Canada" || !strings.HasPrefix(p["evidence"].(string), "On May 11, 1998, Canada and Norway") || p["sourceId"] != "source:human-security-1999" ||
		p["region"] != "Americas" || p["subRegion"] != "Northern America" || p["refSourceId"] != SourceCountries ||
		!strings.Contains(p["refEvidence"].(string), "countries/iso3166.csv line") {
		t.Errorf("country:CAN = %v", p)
	}
	if nld, _ := st.NodeByID(ctx, store.LabelCountry, "country:NLD"); nld.Props["name"] != "Netherlands" {
		t.Errorf("the seed's name for NLD was overwritten: %v", nld.Props["name"])
	}
	if bol, _ := st.NodeByID(ctx, store.LabelCountry, "country:BOL"); bol.Props["name"] != "Bolivia, Plurinational State of" || bol.Props["sourceId"] != SourceCountries {
		t.Errorf("country:BOL = %v", bol.Props)
	}
	issues, err := st.Edges(ctx, store.AgreementIssueAreas, []string{"agreement:ottawa", "agreement:crc-op-ac"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for id, es := range issues {
		for _, e := range es {
			got[id] = append(got[id], e.Other.ID())
		}
	}
	if strings.Join(got["agreement:ottawa"], ",") != "issue:humanitarian-law,issue:landmines" ||
		strings.Join(got["agreement:crc-op-ac"], ",") != "issue:child-soldiers,issue:war-affected-children" {
		t.Errorf("ADDRESSES: %v", got)
	}

	// A second run changes nothing: no property set, updatedAt untouched.
	before := signatures(t, st, "agreement:ottawa")["country:CAN"]["updatedAt"]
	nodes, rels, _ := st.Counts(ctx)
	second, err := Run(ctx, st, data.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2 := second.Stats
	if s2.NodesCreated+s2.NodesUpdated+s2.RelsCreated+s2.RelsUpdated+s2.PropertiesSet != 0 {
		t.Errorf("second run changed something: %+v", s2)
	}
	if after := signatures(t, st, "agreement:ottawa")["country:CAN"]["updatedAt"]; after != before {
		t.Errorf("updatedAt moved from %v to %v", before, after)
	}
	if n2, r2, _ := st.Counts(ctx); n2 != nodes || r2 != rels {
		t.Errorf("counts moved: %d/%d -> %d/%d", nodes, rels, n2, r2)
	}
	var sum bytes.Buffer
	second.Write(&sum)
	for _, want := range []string{"rows read: 4510", "nodes: 0 created, 0 updated, 295 unchanged", "properties set: 0", "rejected: 7",
		`seed/data/treaties/un-human-rights.csv line 2185: "European Union"`} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
}

// TestImportMalformedRow: a row the CSV reader cannot parse is reported
// with its file and line, and the good rows around it are imported.
func TestImportMalformedRow(t *testing.T) {
	st := testdb.Seeded(t)
	real := func(name string) []byte {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lines := strings.SplitAfter(string(real(refdata.FileUNArmsControl)), "\n")
	var canada string
	for _, l := range lines {
		if strings.HasPrefix(l, "Canada,ottawa,") {
			canada = l
		}
	}
	arms := lines[0] + "Nor\"way,ottawa,bare quote\r\n" + canada + "Chile,ottawa,too,few,fields\r\n"
	fsys := fstest.MapFS{
		refdata.FileCountries:     {Data: real(refdata.FileCountries)},
		refdata.FileUNArmsControl: {Data: []byte(arms)},
		refdata.FileUNHumanRights: {Data: []byte(strings.SplitAfter(string(real(refdata.FileUNHumanRights)), "\n")[0])},
		refdata.FileRomeStatute:   {Data: []byte(strings.SplitAfter(string(real(refdata.FileRomeStatute)), "\n")[0])},
	}
	var bar bytes.Buffer
	sum, err := Run(context.Background(), st, fsys, Options{Progress: &bar, TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	var lineTwo, lineFour bool
	for _, r := range sum.Rejected {
		if r.File == refdata.FileUNArmsControl && r.Line == 2 {
			lineTwo = true
		}
		if r.File == refdata.FileUNArmsControl && r.Line == 4 && r.Name == "Chile" {
			lineFour = true
		}
	}
	if !lineTwo || !lineFour || len(sum.Rejected) != 2 {
		t.Errorf("rejected = %+v, want lines 2 and 4 of %s", sum.Rejected, refdata.FileUNArmsControl)
	}
	var text bytes.Buffer
	sum.Write(&text)
	if !strings.Contains(text.String(), "seed/data/treaties/un-arms-control.csv line 4: \"Chile\"") {
		t.Errorf("summary:\n%s", text.String())
	}
	if p := signatures(t, st, "agreement:ottawa")["country:CAN"]; p["ratified"] != "1997-12-03" {
		t.Errorf("the good row between the bad ones was not imported: %v", p)
	}
	if !strings.Contains(bar.String(), "\rimport [") || !strings.HasSuffix(bar.String(), "\n") {
		t.Errorf("terminal progress bar: %q", bar.String())
	}
}
