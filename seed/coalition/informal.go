package coalition

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode"

	"github.com/lysoen/lysoen/graph/store"
)

// Files of the informal and minilateral groups (manyios).
const (
	FileIIGOMembers = "informal-igos/memberships_IIGO.csv"
	FileIIGOOrgs    = "informal-igos/organizations_IIGO.csv"
	FileMIGOMembers = "informal-igos/memberships_MIGO.csv.gz"
	SourceInformal  = "source:manyios-informal-igos"
	// IIGOYear is the year of the informal groups' cross-section.
	IIGOYear = "2017"
	// MIGOLastYear is the last year of the minilateral member-years.
	MIGOLastYear = 2010
)

var informalSource = sourceInfo{
	id:    SourceInformal,
	title: "Informal intergovernmental organizations (Vabulas & Snidal) and minilateral groups (Roger & Rowan), as packaged by the manyios R package",
	date:  "2025-06", file: DataDir + "informal-igos/", url: "https://github.com/globalgov/manyios",
	licence:  "CC BY 4.0",
	citation: "Felicity Vabulas and Duncan Snidal, Organization without delegation: Informal intergovernmental organizations (IIGOs) and the spectrum of intergovernmental arrangements, Review of International Organizations 8, 2013; Charles Roger and Sam Rowan, minilateral groups data; packaged by James Hollway et al., manyios",
}

var informalSpec = spec{
	name: "informal-igos", source: informalSource,
	files: []string{FileIIGOMembers, FileIIGOOrgs, FileMIGOMembers, "informal-igos/PACKAGE-DESCRIPTION"},
	code:  []string{"informal.go", "countries.go", "csvfile.go"},
	sets: []store.OwnedRelSet{
		{Type: store.RelMemberOf, FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative, SourceID: SourceInformal, KeyProp: "since"},
	},
	parse: parseInformal,
}

// InformalGroupID is the id of an informal group's Initiative: the slug of
// its title (initiative:human-security-network).
func InformalGroupID(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return "initiative:" + strings.TrimSuffix(b.String(), "-")
}

// manyiosStates maps the manyios stateIDs that are not ISO 3166-1 alpha-3
// codes; an empty stateID is mapped by the state's name.
var manyiosStates = map[string]string{
	"ALG":       "DZA", // Algeria under its COW abbreviation
	"GIN - GNQ": "GNQ", // Equatorial Guinea
	"DDR":       "DDDE",
	"YUG":       "YUCS",
	"AUH":       "XAUH",
	"RVN":       "XRVN",
}

var manyiosNames = map[string]string{
	"Democratic Republic of the Congo": "COD",
	"Congo Brazzaville":                "COG",
	"SA£o TomA(100) PrA-ncipe":         "STP", // São Tomé and Príncipe, mis-encoded in the file
}

func (c *crosswalk) manyios(stateID, name string) (string, string) {
	if code, ok := manyiosStates[stateID]; ok {
		return "country:" + code, ""
	}
	if stateID == "" {
		if code, ok := manyiosNames[name]; ok {
			return "country:" + code, ""
		}
		return "", "no stateID and the name is not in the table of states without one"
	}
	if c.iso3[stateID] {
		return "country:" + stateID, ""
	}
	return "", fmt.Sprintf("stateID %q is neither an ISO 3166-1 alpha-3 code nor in the table of exceptions", stateID)
}

// parseInformal reads the informal groups (a 2017 cross-section) and the
// minilateral member-years.
func parseInformal(fsys fs.FS, e *env, d *dataset) error {
	type group struct {
		id, acronym, title, begin, end, domain string
		line                                   int
		file                                   string
	}
	// A group is its igoID and title: two pairs of groups share an igoID
	// (BP: the Budapest and the Bali Process; G11: the Cartagena Group and
	// the Group of 11) and two have none (Quint, Normandy Format).
	groups := map[string]*group{}  // igoID|Title -> group
	byIgo := map[string][]string{} // igoID -> keys
	var order []string
	ids := map[string]string{} // initiative id -> igoID, to catch two groups with one title
	add := func(g *group) {
		id := InformalGroupID(g.title)
		if other, clash := ids[id]; clash && other != g.acronym {
			id = InformalGroupID(g.title + " " + g.acronym)
		}
		ids[id] = g.acronym
		g.id = id
		k := g.acronym + "|" + g.title
		groups[k] = g
		byIgo[g.acronym] = append(byIgo[g.acronym], k)
		order = append(order, k)
	}
	year := func(s string) string {
		if n, ok := intField(s); ok {
			return strconv.FormatInt(n, 10)
		}
		return ""
	}
	err := readCSV(fsys, FileIIGOOrgs, ',', []string{"igoID", "Title", "Begin", "End", "Domain"}, func(r row) error {
		d.rowsRead[FileIIGOOrgs]++
		if r.get("Title") == "" {
			e.reject(FileIIGOOrgs, r.line, r.get("igoID"), "no Title")
			return nil
		}
		if _, dup := groups[r.get("igoID")+"|"+r.get("Title")]; dup {
			e.reject(FileIIGOOrgs, r.line, r.get("Title"), "a second row for igoID "+r.get("igoID")+" and this title")
			return nil
		}
		add(&group{acronym: r.get("igoID"), title: r.get("Title"), begin: year(r.get("Begin")), end: year(r.get("End")),
			domain: r.get("Domain"), line: r.line, file: FileIIGOOrgs})
		return nil
	})
	if err != nil {
		return err
	}
	set := relSet{set: d.sets[0]}
	seen := map[[2]string]bool{}
	used := map[string]bool{}
	err = readCSV(fsys, FileIIGOMembers, ',', []string{"stateID", "StateName", "igoID", "Title", "Begin", "End", "Year"}, func(r row) error {
		d.rowsRead[FileIIGOMembers]++
		igo := r.get("igoID")
		if r.get("Title") == "" {
			e.reject(FileIIGOMembers, r.line, r.get("StateName"), "no Title")
			return nil
		}
		g, ok := groups[igo+"|"+r.get("Title")]
		if !ok { // a group missing from organizations_IIGO.csv: its title is on the row
			add(&group{acronym: igo, title: r.get("Title"), begin: year(r.get("Begin")), end: year(r.get("End")), line: r.line, file: FileIIGOMembers})
			g = groups[igo+"|"+r.get("Title")]
		}
		who, reason := e.cw.manyios(r.get("stateID"), r.get("StateName"))
		if reason != "" {
			e.reject(FileIIGOMembers, r.line, r.get("StateName"), reason)
			return nil
		}
		k := [2]string{who, g.id}
		if seen[k] {
			e.reject(FileIIGOMembers, r.line, r.get("StateName"), fmt.Sprintf("a second row for %s in %s", who, g.title))
			return nil
		}
		seen[k] = true
		used[who] = true
		props := map[string]any{"role": "MEMBER", "asOf": r.get("Year"), "table": "IIGO", "sourceId": SourceInformal}
		if r.get("Year") != IIGOYear {
			e.reject(FileIIGOMembers, r.line, r.get("StateName"), fmt.Sprintf("Year %q: the file is a cross-section of %s", r.get("Year"), IIGOYear))
			return nil
		}
		set.want = append(set.want, store.OwnedRel{From: who, To: g.id, Props: props})
		return nil
	})
	if err != nil {
		return err
	}

	// Minilateral groups: member-years into spans of consecutive years.
	type span struct {
		who, igo    string
		since, last int
		code        int64
	}
	open := map[[2]string]*span{}
	var spans []span
	err = readCSV(fsys, FileMIGOMembers, ',', []string{"igoID", "stateID", "StateName", "membership", "Year", "Begin", "End"}, func(r row) error {
		d.rowsRead[FileMIGOMembers]++
		igo := r.get("igoID")
		y, ok := intField(r.get("Year"))
		code, ok2 := intField(r.get("membership"))
		if igo == "" || !ok || !ok2 {
			e.reject(FileMIGOMembers, r.line, r.get("StateName"), "no igoID, or Year or membership is not a number")
			return nil
		}
		who, reason := e.cw.manyios(r.get("stateID"), r.get("StateName"))
		if reason != "" {
			e.reject(FileMIGOMembers, r.line, r.get("StateName"), reason)
			return nil
		}
		// The minilateral data shares igoIDs with the informal groups only
		// sometimes: a row joins an informal group whose igoID and start
		// year are its own, else a group of its own.
		gk := "migo:" + igo
		for _, k := range byIgo[igo] {
			if groups[k].begin == year(r.get("Begin")) {
				gk = k
			}
		}
		if _, ok := groups[gk]; !ok {
			// The package gives no title for most minilateral groups.
			groups[gk] = &group{acronym: igo, title: igo, id: "initiative:migo-" + strings.TrimPrefix(InformalGroupID(igo), "initiative:"),
				begin: year(r.get("Begin")), end: year(r.get("End")), line: r.line, file: FileMIGOMembers}
			order = append(order, gk)
		}
		used[who] = true
		k := [2]string{who, gk}
		s := open[k]
		switch {
		case s != nil && s.code == code && int(y) == s.last+1:
			s.last = int(y)
		case s != nil && int(y) <= s.last:
			e.reject(FileMIGOMembers, r.line, r.get("StateName"), fmt.Sprintf("year %d of %s again or out of order", y, igo))
		default:
			if s != nil {
				spans = append(spans, *s)
			}
			open[k] = &span{who: who, igo: gk, since: int(y), last: int(y), code: code}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, s := range open {
		spans = append(spans, *s)
	}
	for _, s := range spans {
		props := map[string]any{"role": "MEMBER", "since": strconv.Itoa(s.since), "datePrecision": "YEAR",
			"membershipCode": s.code, "table": "MIGO", "sourceId": SourceInformal}
		if s.last < MIGOLastYear {
			props["until"] = strconv.Itoa(s.last)
		}
		set.want = append(set.want, store.OwnedRel{From: s.who, To: groups[s.igo].id, Props: props})
	}
	for _, igo := range order {
		g := groups[igo]
		ev := fmt.Sprintf("%s%s line %d (igoID %s)", DataDir, g.file, g.line, g.acronym)
		props := store.EmptyToNil(map[string]any{"name": g.title, "acronym": g.acronym, "kind": "INFORMAL_GROUP",
			"startDate": g.begin, "endDate": g.end, "domain": g.domain, "sourceId": SourceInformal, "evidence": ev})
		if g.begin != "" || g.end != "" {
			props["datePrecision"] = "YEAR"
		}
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelInitiative, ID: g.id, Props: props})
	}
	hist := append(append([]HistoricalState(nil), historicalStates...), cowHistorical...)
	hist = append(hist, HistoricalState{"XAUH", "Austria-Hungary", "COW abbreviation AUH", "COW ccode 300"})
	for _, h := range hist {
		if used["country:"+h.Code] {
			d.nodes = append(d.nodes, historicalNode(h, SourceInformal, DataDir+"informal-igos/"))
		}
	}
	d.rels = []relSet{set}
	return nil
}
