package coalition

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed/refdata"
)

// Files of the multilateral agreements data (manytreaties).
const (
	FileGGOParties    = "treaties-ggo/parties_GGO.csv.gz"
	FileGGOAgreements = "treaties-ggo/agreements_GGO.csv.gz"
	SourceGGO         = "source:manytreaties-ggo"
	notEnded          = "9999-12-31" // the files' "not ended"
)

var ggoSource = sourceInfo{
	id:    SourceGGO,
	title: "Global governance agreements and their parties (GGO), as packaged by the manytreaties R package",
	date:  "2020", file: DataDir + "treaties-ggo/", url: "https://github.com/globalgov/manytreaties",
	licence:  "CC BY 4.0",
	citation: "James Hollway et al., manytreaties: Treaties for manydata (GGO agreements and memberships)",
}

var ggoSpec = spec{
	name: "treaties-ggo", source: ggoSource,
	files: []string{FileGGOParties, FileGGOAgreements, "treaties-ggo/PACKAGE-DESCRIPTION"},
	code:  []string{"ggo.go", "countries.go", "csvfile.go", "informal.go"},
	sets: []store.OwnedRelSet{
		{Type: store.RelSignatoryOf, FromLabel: store.LabelCountry, ToLabel: store.LabelAgreement, SourceID: SourceGGO},
	},
	parse: parseGGO,
}

// GGOToUNTC maps GGO agreements onto the treaties of the UN Treaty
// Collection files (seed/refdata), so a state has one SIGNATORY_OF per
// agreement. docs/data.md documents the table and the rule.
var GGOToUNTC = map[string]string{
	"STTICC_1998A": "rome-statute",
	"ICCPR_1966A":  "iccpr",
	"ICESCR_1966A": "icescr",
	"ELMFDW_1979A": "cedaw",
	"TCIDTP_1984A": "cat",
	"RGHTSC_1989A": "crc",
	"RGHTPD_2006A": "crpd",
	"ICERD_1965A":  "cerd",
	"IP04MF_1990A": "cmw",
	"PD04WD_1992A": "cwc",
	"PMHEMT_1977A": "enmod",
	"CMNTBT_1996A": "ctbt",
}

// ggoStates are the GGO stateIDs beyond manyiosStates that name a state;
// the other non-ISO ids name organizations (EUE, EC, EFTA, IO-…) or
// territories (ANT) and are reported.
var ggoStates = map[string]string{
	"CSK": "CSHH", "SCG": "CSXX", "YMD": "YDYE", "YAR": "XYAR", "ROM": "ROU", "PRU": "XGMY", "HSG": "XHSG",
	"YPR": "YDYE", "GDR": "DDDE", "LES": "LSO", // COW abbreviations
}

// AgreementIDForGGO is the Agreement id of a GGO treaty: the UN Treaty
// Collection one when mapped, else agreement:ggo-<treatyID>.
func AgreementIDForGGO(treatyID string) string {
	if t, ok := GGOToUNTC[treatyID]; ok {
		return refdata.AgreementID(t)
	}
	r := strings.NewReplacer("_", "-", ":", "--", " ", "-")
	return "agreement:ggo-" + strings.ToLower(r.Replace(treatyID))
}

// ggoDate checks a GGO date: YYYY, YYYY-MM or YYYY-MM-DD, with a trailing
// "?" when the coders were unsure; 0001-01-01 stands for no date. It
// returns the date and its flag.
func ggoDate(s string) (date string, unsure, ok bool) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "?") {
		s, unsure = strings.TrimSuffix(s, "?"), true
	}
	if strings.HasPrefix(s, "0001") {
		return "", unsure, true // the files' "no date"
	}
	switch len(s) {
	case 0:
		return "", false, true
	case 4:
		return s, unsure, isDay(s + "-01-01")
	case 7:
		return s, unsure, isDay(s + "-01")
	case 10:
		return s, unsure, isDay(s)
	}
	return "", false, false
}

// Conflict is a fact two sources state differently, with what was kept.
type Conflict struct {
	File, Name, Reason string
	Line               int
}

func parseGGO(fsys fs.FS, e *env, d *dataset) error {
	type agreement struct {
		title, begin, end, force, kind, domain string
		line                                   int
		file                                   string
	}
	agreements := map[string]*agreement{}
	var order []string
	err := readCSV(fsys, FileGGOAgreements, ',', []string{"treatyID", "Title", "Begin", "End", "Force", "TypeDomain", "TypeAgree"}, func(r row) error {
		d.rowsRead[FileGGOAgreements]++
		id := r.get("treatyID")
		if id == "" || r.get("Title") == "" {
			e.reject(FileGGOAgreements, r.line, id, "no treatyID or no Title")
			return nil
		}
		if _, dup := agreements[id]; dup {
			e.reject(FileGGOAgreements, r.line, id, "a second row for this treatyID (the first is kept)")
			return nil
		}
		a := &agreement{title: r.get("Title"), kind: strings.ToUpper(r.get("TypeAgree")), domain: r.get("TypeDomain"), line: r.line, file: FileGGOAgreements}
		for col, dst := range map[string]*string{"Begin": &a.begin, "End": &a.end, "Force": &a.force} {
			if v, _, ok := ggoDate(r.get(col)); ok && v != notEnded {
				*dst = v
			}
		}
		agreements[id] = a
		order = append(order, id)
		return nil
	})
	if err != nil {
		return err
	}

	type party struct {
		who, treaty                  string
		signed, ratified, force, end string
		ended, open, unsure          bool
		line                         int
	}
	parties := map[[2]string]*party{}
	var porder [][2]string
	used := map[string]bool{}
	earliest := func(a, b string) string {
		if a == "" || (b != "" && b < a) {
			return b
		}
		return a
	}
	err = readCSV(fsys, FileGGOParties, ',', []string{"stateID", "treatyID", "Title", "Begin", "End", "Force", "StateSignature", "StateRatification", "StateForce", "StateEnd"}, func(r row) error {
		d.rowsRead[FileGGOParties]++
		tid := r.get("treatyID")
		if _, ok := agreements[tid]; !ok {
			// An agreement missing from agreements_GGO.csv.gz: its title
			// and dates are on the party's row.
			if tid == "" || r.get("Title") == "" {
				e.reject(FileGGOParties, r.line, r.get("stateID"), "no treatyID or no Title")
				return nil
			}
			a := &agreement{title: r.get("Title"), line: r.line, file: FileGGOParties}
			for col, dst := range map[string]*string{"Begin": &a.begin, "End": &a.end, "Force": &a.force} {
				if v, _, ok := ggoDate(r.get(col)); ok && v != notEnded {
					*dst = v
				}
			}
			agreements[tid] = a
			order = append(order, tid)
		}
		sid := r.get("stateID")
		var who, reason string
		if code, ok := ggoStates[sid]; ok {
			who = "country:" + code
		} else {
			who, reason = e.cw.manyios(sid, "")
		}
		if reason != "" {
			e.reject(FileGGOParties, r.line, sid, reason+" (organizations and territories are not states)")
			return nil
		}
		var dates [4]string
		unsure := false
		for i, col := range []string{"StateSignature", "StateRatification", "StateForce", "StateEnd"} {
			v, u, ok := ggoDate(r.get(col))
			if !ok {
				e.reject(FileGGOParties, r.line, sid, fmt.Sprintf("%s %q is not a date", col, r.get(col)))
				return nil
			}
			dates[i], unsure = v, unsure || u
		}
		k := [2]string{who, tid}
		p := parties[k]
		if p == nil {
			p = &party{who: who, treaty: tid, line: r.line}
			parties[k] = p
			porder = append(porder, k)
		}
		// Several rows for one state and agreement become one
		// relationship: the earliest signature, consent and entry into
		// force; an end only when every row ended (the latest end).
		p.signed = earliest(p.signed, dates[0])
		p.ratified = earliest(p.ratified, dates[1])
		p.force = earliest(p.force, dates[2])
		p.unsure = p.unsure || unsure
		if dates[3] == "" || dates[3] == notEnded {
			p.open = true
		} else if dates[3] > p.end {
			p.end, p.ended = dates[3], true
		}
		used[who] = true
		return nil
	})
	if err != nil {
		return err
	}

	set := relSet{set: d.sets[0]}
	wantAgreement := map[string]bool{}
	for _, k := range porder {
		p := parties[k]
		a := agreements[p.treaty]
		aid := AgreementIDForGGO(p.treaty)
		wantAgreement[p.treaty] = true
		until, reason := "", ""
		if p.ended && !p.open {
			until = p.end
			reason = "WITHDRAWAL"
			if a.end != "" && p.end >= a.end {
				reason = "AGREEMENT_ENDED"
			}
		}
		if untc, mapped := GGOToUNTC[p.treaty]; mapped && strings.HasPrefix(p.who, "country:") {
			iso3 := strings.TrimPrefix(p.who, "country:")
			if act, ok := e.ref.Lookup(untc, iso3); ok {
				// The UN Treaty Collection file is the depositary's record:
				// its relationship stays the one, its dates win; GGO adds
				// what it lacks (an end) and differences are reported.
				if p.signed != "" && act.Signed != "" && p.signed != act.Signed {
					e.conflict(FileGGOParties, p.line, p.who, fmt.Sprintf("%s: signature %s in GGO, %s in %s: the UN Treaty Collection's is kept", untc, p.signed, act.Signed, act.File))
				}
				if p.ratified != "" && act.Ratified != "" && p.ratified != act.Ratified {
					e.conflict(FileGGOParties, p.line, p.who, fmt.Sprintf("%s: consent to be bound %s in GGO, %s in %s: the UN Treaty Collection's is kept", untc, p.ratified, act.Ratified, act.File))
				}
				d.augment = append(d.augment, store.SyncRel{Type: store.RelSignatoryOf, From: p.who, To: aid,
					FromLabel: store.LabelCountry, ToLabel: store.LabelAgreement,
					Props: map[string]any{"until": nilIfEmpty(until), "endReason": nilIfEmpty(reason), "ggoTreatyId": p.treaty,
						"untilSourceId": sourceIf(until, SourceGGO)}})
				continue
			}
		}
		props := map[string]any{"signed": nilIfEmpty(p.signed), "ratified": nilIfEmpty(p.ratified), "inForce": nilIfEmpty(p.force),
			"until": nilIfEmpty(until), "endReason": nilIfEmpty(reason), "ggoTreatyId": p.treaty, "sourceId": SourceGGO}
		if p.unsure {
			props["datesUncertain"] = true
		}
		set.want = append(set.want, store.OwnedRel{From: p.who, To: aid, Props: props})
	}
	for _, id := range order {
		a := agreements[id]
		if !wantAgreement[id] {
			continue // no party: nothing to link (the agreement stays in the file)
		}
		ev := fmt.Sprintf("%s%s line %d (treatyID %s)", DataDir, a.file, a.line, id)
		if _, mapped := GGOToUNTC[id]; mapped {
			d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelAgreement, ID: AgreementIDForGGO(id), Props: map[string]any{"ggoId": id}})
			continue
		}
		props := store.EmptyToNil(map[string]any{"name": a.title, "ggoId": id, "kind": a.kind, "domain": a.domain,
			"beginDate": a.begin, "endDate": a.end, "inForceDate": a.force, "sourceId": SourceGGO, "evidence": ev})
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelAgreement, ID: AgreementIDForGGO(id), Props: props})
	}
	hist := append(append([]HistoricalState(nil), historicalStates...), cowHistorical...)
	hist = append(hist, HistoricalState{"XAUH", "Austria-Hungary", "COW abbreviation AUH", "COW ccode 300"},
		HistoricalState{"XHSG", "Hesse Grand Ducal", "COW abbreviation HSG", "COW ccode 275"})
	for _, h := range hist {
		if used["country:"+h.Code] {
			d.nodes = append(d.nodes, historicalNode(h, SourceGGO, DataDir+FileGGOParties))
			used["country:"+h.Code] = false
		}
	}
	d.rels = []relSet{set}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func sourceIf(s, src string) any {
	if s == "" {
		return nil
	}
	return src
}
