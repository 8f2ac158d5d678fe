package coalition

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/lysoen/lysoen/graph/store"
)

// Files of the Correlates of War IGO data and the code crosswalk.
const (
	FileIGOYear   = "cow-igo/igo_year_format3.csv.gz"
	FileStateYear = "cow-igo/state_year_format3.csv.gz"
	FileStates    = "cow-igo/states2016.csv"
	FileCountries = "un-members/country_data.tsv"
	SourceCOW     = "source:cow-igo"
	// COWLastYear is the last year the IGO data observes: a membership
	// still running then has no until.
	COWLastYear = 2014
)

// OrganizationID is the id of a COW organization's node.
func OrganizationID(ioname string) string { return "org:cow-" + strings.ToLower(ioname) }

var cowSource = sourceInfo{
	id:    SourceCOW,
	title: "Correlates of War Intergovernmental Organizations data v3 (Pevehouse, Nordstrom, McManus & Jamison), as packaged by the igoR R package",
	date:  "2014", file: DataDir + "cow-igo/", url: "https://correlatesofwar.org/data-sets/igos/",
	licence:  "© Correlates of War Project, free to use with citation (cow-igo/COPYRIGHTS); igoR package GPL-3",
	citation: "Jon C. W. Pevehouse, Timothy Nordstrom, Roseanne W. McManus and Anne Spencer Jamison, Tracking Organizations in the World: The Correlates of War IGO Version 3.0 datasets, Journal of Peace Research 57(3), 2020",
}

var cowSpec = spec{
	name: "cow-igo", source: cowSource,
	files: []string{FileIGOYear, FileStateYear, FileStates, FileCountries, "cow-igo/COPYRIGHTS", "cow-igo/PACKAGE-DESCRIPTION"},
	code:  []string{"cow.go", "countries.go", "csvfile.go"},
	sets: []store.OwnedRelSet{
		{Type: store.RelMemberOf, FromLabel: store.LabelCountry, ToLabel: store.LabelOrganization, SourceID: SourceCOW, KeyProp: "since"},
	},
	parse: parseCOW,
}

// cowRoles are the membership codes of the IGO data; 0 (not a member), -1
// (the organization did not exist) and -9 (missing) end a span.
var cowRoles = map[int64]string{1: "FULL", 2: "ASSOCIATE", 3: "OBSERVER"}

// cowOverrides maps COW state codes whose Gleditsch-Ward code in
// country_data.tsv is missing or names another state. A code listed with
// a year splits the state: the first entry whose last year is at or after
// the row's year applies.
var cowOverrides = map[int64][]struct {
	last int // last year (inclusive); 0 = no end
	code string
}{
	255: {{1945, "XGMY"}, {0, "DEU"}}, // Prussia / the German Reich to 1945; Germany from 1990
	260: {{0, "DEU"}},                 // the Federal Republic of Germany (ISO 3166-1 DE/DEU)
	265: {{0, "DDDE"}},
	315: {{0, "CSHH"}}, // COW 315 is Czechoslovakia (to 1992); 316 the Czech Republic
	316: {{0, "CZE"}},
	345: {{2002, "YUCS"}, {2005, "CSXX"}, {0, "SRB"}},
	365: {{1991, "SUHH"}, {0, "RUS"}},
	511: {{0, "XZAN"}},
	678: {{0, "XYAR"}},
	679: {{0, "YEM"}},
	680: {{0, "YDYE"}},
	816: {{0, "VNM"}},  // North Vietnam to 1976, then Viet Nam: one state
	817: {{0, "XRVN"}}, // the Republic of Vietnam (South Vietnam), to 1975
	946: {{0, "KIR"}},
	947: {{0, "TUV"}},
	955: {{0, "TON"}},
	970: {{0, "NRU"}},
}

// cowHistorical names the historical states among cowOverrides that the
// states table does not describe well enough.
var cowHistorical = []HistoricalState{
	{"XGMY", "Germany (Prussia to 1871, the German Reich 1871–1945)", "COW abbreviation GMY", "COW ccode 255 to 1945"},
	{"XRVN", "Republic of Vietnam (South Vietnam)", "COW abbreviation RVN", "COW ccode 817"},
}

// cowWalk maps COW state codes onto graph ids by year.
type cowWalk struct {
	cw     *crosswalk
	gw     map[int64]string // Gleditsch-Ward code -> ISO3 (country_data.tsv)
	states map[int64]cowState
}

type cowState struct {
	abb, name string
}

// actor returns the Country id of a COW state in a year, or a reason.
func (w *cowWalk) actor(ccode int64, year int) (string, string) {
	if ov, ok := cowOverrides[ccode]; ok {
		for _, o := range ov {
			if o.last == 0 || year <= o.last {
				return "country:" + o.code, ""
			}
		}
	}
	if iso3, ok := w.gw[ccode]; ok {
		if !w.cw.iso3[iso3] {
			return "", fmt.Sprintf("COW state %d maps to %s, which is not an ISO 3166-1 country in countries/iso3166.csv", ccode, iso3)
		}
		return "country:" + iso3, ""
	}
	s, ok := w.states[ccode]
	if !ok {
		return "", fmt.Sprintf("COW state code %d is not in %s", ccode, FileStates)
	}
	return "country:X" + s.abb, ""
}

// readCOWStates reads states2016.csv and the Gleditsch-Ward codes of
// country_data.tsv, and adds a historical state for every COW state with
// neither an ISO code nor an override (the pre-1945 states).
func readCOWStates(fsys fs.FS, e *env, d *dataset) (*cowWalk, error) {
	w := &cowWalk{cw: e.cw, gw: map[int64]string{}, states: map[int64]cowState{}}
	err := readCSV(fsys, FileCountries, '\t', []string{"ISO3", "GWcode", "name_short"}, func(r row) error {
		d.rowsRead[FileCountries]++
		if gw, ok := intField(r.get("GWcode")); ok {
			w.gw[gw] = r.get("ISO3")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, FileStates, ',', []string{"stateabb", "ccode", "statenme", "styear", "endyear"}, func(r row) error {
		d.rowsRead[FileStates]++
		cc, ok := intField(r.get("ccode"))
		if !ok {
			e.reject(FileStates, r.line, r.get("statenme"), "ccode is not a number")
			return nil
		}
		if _, dup := w.states[cc]; !dup { // a state with two periods has two rows
			w.states[cc] = cowState{abb: r.get("stateabb"), name: r.get("statenme")}
		}
		return nil
	})
	return w, err
}

// parseCOW reads the organizations and turns the state-year membership
// table into spans.
func parseCOW(fsys fs.FS, e *env, d *dataset) error {
	w, err := readCOWStates(fsys, e, d)
	if err != nil {
		return err
	}
	type org struct {
		ioname, name, start, end, accuracy string
		ionum                              int64
		line                               int
	}
	orgs := map[string]*org{}
	var order []string
	err = readCSV(fsys, FileIGOYear, ',', []string{"ioname", "orgname", "year", "sdate", "deaddate", "longorgname", "ionum", "accuracyofpre1965membershipdates"}, func(r row) error {
		d.rowsRead[FileIGOYear]++
		io := r.get("ioname")
		if _, ok := orgs[strings.ToLower(io)]; ok {
			return nil
		}
		num, ok := intField(r.get("ionum"))
		if !ok {
			e.reject(FileIGOYear, r.line, io, fmt.Sprintf("ionum %q is not a number", r.get("ionum")))
			return nil
		}
		o := &org{ioname: io, name: r.get("longorgname"), ionum: num, line: r.line, accuracy: r.get("accuracyofpre1965membershipdates")}
		if o.name == "" {
			o.name = r.get("orgname")
		}
		if y, ok := intField(r.get("sdate")); ok {
			o.start = strconv.FormatInt(y, 10)
		}
		if y, ok := intField(r.get("deaddate")); ok {
			o.end = strconv.FormatInt(y, 10)
		}
		orgs[strings.ToLower(io)] = o
		order = append(order, strings.ToLower(io))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range order {
		o := orgs[k]
		ev := fmt.Sprintf("%s%s line %d (ioname %s, ionum %d)", DataDir, FileIGOYear, o.line, o.ioname, o.ionum)
		props := store.EmptyToNil(map[string]any{"name": o.name, "acronym": o.ioname, "cowId": o.ionum, "kind": "INTERGOVERNMENTAL",
			"startDate": o.start, "endDate": o.end, "sourceId": SourceCOW, "evidence": ev})
		if o.start != "" {
			props["datePrecision"] = "YEAR"
		}
		if o.accuracy != "" && !strings.HasPrefix(o.accuracy, "Not applicable") {
			props["pre1965DatesAccuracy"] = o.accuracy
		}
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelOrganization, ID: OrganizationID(o.ioname), Props: props})
	}

	// The state-year table, kept compact (one byte per organization) and
	// sorted by actor and year: two COW codes can name one actor (255 and
	// 260 are both Germany in 1990), and a split state changes actor.
	type stateYear struct {
		actor string
		year  int
		ccode int64
		codes []int8 // cowRoles key, 0 for none
	}
	var rows []stateYear
	used := map[string]bool{}
	rejectedState := map[int64]bool{}
	var orgCols []string
	err = readCSV(fsys, FileStateYear, ',', []string{"ccode", "year", "state"}, func(r row) error {
		d.rowsRead[FileStateYear]++
		if orgCols == nil {
			orgCols = make([]string, len(r.rec))
			for name, i := range r.cols {
				if i >= 3 {
					if _, ok := orgs[name]; !ok {
						return &FormatError{File: FileStateYear, Line: 1, Err: fmt.Errorf("column %q is no organization of %s", name, FileIGOYear)}
					}
					orgCols[i] = name
				}
			}
		}
		cc, ok1 := intField(r.get("ccode"))
		yr, ok2 := intField(r.get("year"))
		if !ok1 || !ok2 {
			e.reject(FileStateYear, r.line, r.get("state"), "ccode or year is not a number")
			return nil
		}
		actor, reason := w.actor(cc, int(yr))
		if reason != "" {
			// Report a state once, with the row it first appears on.
			if !rejectedState[cc] {
				rejectedState[cc] = true
				e.reject(FileStateYear, r.line, r.get("state"), reason+" (every row of this state is left out)")
			}
			return nil
		}
		sy := stateYear{actor: actor, year: int(yr), ccode: cc, codes: make([]int8, len(r.rec))}
		for i := 3; i < len(r.rec); i++ {
			v := r.rec[i]
			n, ok := intField(v)
			if !ok && v != "" {
				e.reject(FileStateYear, r.line, r.get("state"), fmt.Sprintf("column %s: %q is not a membership code", orgCols[i], v))
				continue
			}
			if _, member := cowRoles[n]; member && v != "" {
				sy.codes[i] = int8(n)
				used[actor] = true
			}
		}
		rows = append(rows, sy)
		return nil
	})
	if err != nil {
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].actor != rows[j].actor {
			return rows[i].actor < rows[j].actor
		}
		return rows[i].year < rows[j].year
	})
	// Merge two rows of one actor and year: a member under either code is
	// a member; the stronger role (full before associate before observer) wins.
	merged := rows[:0]
	for _, r := range rows {
		if n := len(merged); n > 0 && merged[n-1].actor == r.actor && merged[n-1].year == r.year {
			m := merged[n-1]
			for i, c := range r.codes {
				if c != 0 && (m.codes[i] == 0 || c < m.codes[i]) {
					m.codes[i] = c
				}
			}
			continue
		}
		merged = append(merged, r)
	}

	// Spans: per (actor, organization), a run of consecutive observed
	// years (rows of that actor) with the same role.
	type span struct {
		actor, org  string
		role        string
		since, last int
		ccode       int64
	}
	var spans []span
	for i := 0; i < len(merged); {
		j := i
		for j < len(merged) && merged[j].actor == merged[i].actor {
			j++
		}
		for col := 3; col < len(orgCols); col++ {
			var cur *span
			for _, r := range merged[i:j] {
				c := r.codes[col]
				if c == 0 {
					if cur != nil {
						spans = append(spans, *cur)
						cur = nil
					}
					continue
				}
				role := cowRoles[int64(c)]
				if cur != nil && cur.role == role {
					cur.last = r.year
					continue
				}
				if cur != nil {
					spans = append(spans, *cur)
				}
				cur = &span{actor: r.actor, org: orgCols[col], role: role, since: r.year, last: r.year, ccode: r.ccode}
			}
			if cur != nil {
				spans = append(spans, *cur)
			}
		}
		i = j
	}
	set := relSet{set: d.sets[0]}
	for _, sp := range spans {
		props := map[string]any{"role": sp.role, "since": strconv.Itoa(sp.since), "datePrecision": "YEAR",
			"cowStateCode": sp.ccode, "sourceId": SourceCOW}
		if sp.last < COWLastYear {
			props["until"] = strconv.Itoa(sp.last)
		}
		set.want = append(set.want, store.OwnedRel{From: sp.actor, To: OrganizationID(orgs[sp.org].ioname), Props: props})
	}
	// Historical states: the fixed table, then the pre-1945 states.
	hist := append(append([]HistoricalState(nil), historicalStates...), cowHistorical...)
	known := map[string]bool{}
	for _, h := range hist {
		known["country:"+h.Code] = true
		if used["country:"+h.Code] {
			d.nodes = append(d.nodes, historicalNode(h, SourceCOW, DataDir+FileStateYear))
		}
	}
	for cc, s := range w.states {
		id := "country:X" + s.abb
		if !used[id] || known[id] {
			continue
		}
		known[id] = true
		d.nodes = append(d.nodes, historicalNode(HistoricalState{Code: "X" + s.abb, Name: s.name, CodeSrc: "COW abbreviation " + s.abb,
			Note: fmt.Sprintf("COW ccode %d", cc)}, SourceCOW, DataDir+FileStateYear))
	}
	d.rels = []relSet{set}
	return nil
}
