package voting_test

// The independent side of the tests: the UN voting data read straight from
// the dataset files with compress/gzip and encoding/csv (not through the
// importer, not through Neo4j), and the measures computed from them with
// plain loops.

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const dataDir = "../../seed/data"

type fileRollCall struct {
	rcid       int
	session    int
	date       string
	resolution string
	codes      map[string]bool // topic codes
}

type fileVotes struct {
	rollCalls map[int]*fileRollCall
	// votes[rcid][country id] = "yes" | "no" | "abstain"
	votes map[int]map[string]string
	sel   map[window][]*fileRollCall // selections already made
}

func readCSV(t testing.TB, name string, gz bool) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows[1:] // header
}

// rcidOf reads the files' rcid, written "3.0" in some of them.
func rcidOf(t testing.TB, s string) int {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("rcid %q: %v", s, err)
	}
	return int(f)
}

// countryID maps a row of un_votes.csv.gz to the graph's Country id as
// docs/data.md documents the mapping: ISO 3166-1 alpha-2 to alpha-3 from
// countries/iso3166.csv; the withdrawn codes CS, DD and YD and the rows
// without a code to the historical states; RU before 1991-12-24 to the
// USSR; YU to Yugoslavia, Serbia and Montenegro, then Serbia.
func countryID(iso map[string]string, code, name, date string) string {
	switch {
	case code == "" && name == "Federal Republic of Germany":
		return "country:DEU"
	case code == "" && name == "Yemen Arab Republic":
		return "country:XYAR"
	case code == "" && name == "Zanzibar":
		return "country:XZAN"
	case code == "RU" && date < "1991-12-24":
		return "country:SUHH"
	case code == "YU" && date < "2003-02-04":
		return "country:YUCS"
	case code == "YU" && date < "2006-06-03":
		return "country:CSXX"
	case code == "YU":
		return "country:SRB"
	case code == "CS":
		return "country:CSHH"
	case code == "DD":
		return "country:DDDE"
	case code == "YD":
		return "country:YDYE"
	}
	return "country:" + iso[code]
}

func loadFiles(t testing.TB) *fileVotes {
	iso := map[string]string{}
	for _, r := range readCSV(t, "countries/iso3166.csv", false) {
		iso[r[1]] = r[2]
	}
	fv := &fileVotes{rollCalls: map[int]*fileRollCall{}, votes: map[int]map[string]string{}, sel: map[window][]*fileRollCall{}}
	for _, r := range readCSV(t, "unga-votes/un_roll_calls.csv.gz", true) {
		// rcid,session,importantvote,date,unres,amend,para,short,descr
		id := rcidOf(t, r[0])
		fv.rollCalls[id] = &fileRollCall{rcid: id, session: rcidOf(t, r[1]), date: r[3], resolution: r[4], codes: map[string]bool{}}
	}
	for _, r := range readCSV(t, "unga-votes/un_roll_call_issues.csv.gz", true) {
		fv.rollCalls[rcidOf(t, r[0])].codes[r[1]] = true
	}
	for _, r := range readCSV(t, "unga-votes/un_votes.csv.gz", true) {
		// rcid,country,country_code,vote
		id := rcidOf(t, r[0])
		rc := fv.rollCalls[id]
		if fv.votes[id] == nil {
			fv.votes[id] = map[string]string{}
		}
		c := countryID(iso, r[2], r[1], rc.date)
		if strings.HasSuffix(c, ":") {
			t.Fatalf("un_votes.csv.gz: no ISO code for %q (%s)", r[2], r[1])
		}
		fv.votes[id][c] = r[3]
	}
	return fv
}

// window is a selection as the API defines it: days from..to (inclusive,
// "" open) and a topic code ("" any).
type window struct {
	from, to, code string
}

func (fv *fileVotes) selected(w window) []*fileRollCall {
	if s, ok := fv.sel[w]; ok {
		return s
	}
	var out []*fileRollCall
	for _, rc := range fv.rollCalls {
		if (w.from == "" || rc.date >= w.from) && (w.to == "" || rc.date <= w.to) && (w.code == "" || rc.codes[w.code]) {
			out = append(out, rc)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].date != out[j].date {
			return out[i].date < out[j].date
		}
		return out[i].rcid < out[j].rcid
	})
	fv.sel[w] = out
	return out
}

// matrix returns the agreement of every pair of states (by index in ids)
// over the selection, one roll call at a time.
func (fv *fileVotes) matrix(w window, ids []string) [][]expectPair {
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
	}
	m := make([][]expectPair, len(ids))
	for i := range m {
		m[i] = make([]expectPair, len(ids))
	}
	type cast struct {
		i    int
		vote string
	}
	for _, rc := range fv.selected(w) {
		var voters []cast
		for id, v := range fv.votes[rc.rcid] {
			if i, ok := index[id]; ok {
				voters = append(voters, cast{i, v})
			}
		}
		for x, a := range voters {
			for _, b := range voters[x+1:] {
				m[a.i][b.i].votes++
				m[b.i][a.i].votes++
				if a.vote == b.vote {
					m[a.i][b.i].agreed++
					m[b.i][a.i].agreed++
				}
			}
		}
	}
	return m
}

type expectPair struct{ votes, agreed int }

func (fv *fileVotes) agreement(w window, a, b string) (expectPair, []*fileRollCall) {
	var p expectPair
	var differ []*fileRollCall
	for _, rc := range fv.selected(w) {
		va, okA := fv.votes[rc.rcid][a]
		vb, okB := fv.votes[rc.rcid][b]
		if !okA || !okB {
			continue
		}
		p.votes++
		if va == vb {
			p.agreed++
		} else {
			differ = append(differ, rc)
		}
	}
	return p, differ
}

// states returns every state's number of votes in the selection.
func (fv *fileVotes) states(w window) map[string]int {
	out := map[string]int{}
	for _, rc := range fv.selected(w) {
		for c := range fv.votes[rc.rcid] {
			out[c]++
		}
	}
	return out
}
