package coalition

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed"
)

// Files of the UN General Assembly voting data.
const (
	FileVotes      = "unga-votes/un_votes.csv.gz"
	FileRollCalls  = "unga-votes/un_roll_calls.csv.gz"
	FileRollIssues = "unga-votes/un_roll_call_issues.csv.gz"
	SourceVotes    = "source:unga-votes"
)

// RollCallID is the id of the RollCall node of a roll call.
func RollCallID(rcid int64) string { return "rollcall:unga-" + strconv.FormatInt(rcid, 10) }

// voteValues maps the file's votes onto VOTED.vote.
var voteValues = map[string]string{"yes": "YES", "no": "NO", "abstain": "ABSTAIN"}

// IssueMapping is one topic code of the voting data and the issue area
// its roll calls address.
type IssueMapping struct {
	Code, Label string // as in un_roll_call_issues.csv.gz
	IssueID     string
	Name        string // the issue area's name when the import creates it
	Seed        bool   // the seed's issue area, reused
}

// IssueMappings is the table docs/data.md documents: human rights reuses
// the seed's issue area (the same theme); the others are not among the
// seed's and are created with the dataset's codebook as evidence. The
// seed's landmines and small-arms issues are narrower than "arms control
// and disarmament", so they are not reused for it.
var IssueMappings = []IssueMapping{
	{"hr", "Human rights", "issue:human-rights", "Human Rights", true},
	{"di", "Arms control and disarmament", "issue:arms-control-disarmament", "Arms Control and Disarmament", false},
	{"nu", "Nuclear weapons and nuclear material", "issue:nuclear-weapons", "Nuclear Weapons and Nuclear Material", false},
	{"co", "Colonialism", "issue:colonialism", "Colonialism", false},
	{"me", "Palestinian conflict", "issue:palestinian-conflict", "Palestinian Conflict", false},
	{"ec", "Economic development", "issue:economic-development", "Economic Development", false},
}

var votesSource = sourceInfo{
	id:    SourceVotes,
	title: "United Nations General Assembly Voting Data (Voeten, Strezhnev & Bailey), as packaged by the unvotes R package",
	date:  "2020-01", file: DataDir + "unga-votes/", url: "https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
	licence:  "CC0 (data); MIT (unvotes package)",
	citation: "Erik Voeten, Anton Strezhnev and Michael Bailey, United Nations General Assembly Voting Data, Harvard Dataverse, hdl:1902.1/12379",
}

var votesSpec = spec{
	name: "unga-votes", source: votesSource,
	files: []string{FileVotes, FileRollCalls, FileRollIssues,
		"unga-votes/DATA-RAW-README.md", "unga-votes/PACKAGE-DESCRIPTION", "unga-votes/PACKAGE-LICENSE"},
	code: []string{"votes.go", "countries.go", "csvfile.go"},
	sets: []store.OwnedRelSet{
		{Type: store.RelAddresses, FromLabel: store.LabelRollCall, ToLabel: store.LabelIssueArea, SourceID: SourceVotes},
		{Type: store.RelVoted, FromLabel: store.LabelCountry, ToLabel: store.LabelRollCall, SourceID: SourceVotes, Exclusive: true},
	},
	parse: parseVotes,
}

// parseVotes reads the roll calls, their topic codes and the votes.
func parseVotes(fsys fs.FS, e *env, d *dataset) error {
	dates := map[int64]string{}
	err := readCSV(fsys, FileRollCalls, ',', []string{"rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"}, func(r row) error {
		d.rowsRead[FileRollCalls]++
		rcid, ok := intField(r.get("rcid"))
		if !ok {
			e.reject(FileRollCalls, r.line, r.get("rcid"), "rcid is not a number")
			return nil
		}
		if _, dup := dates[rcid]; dup {
			e.reject(FileRollCalls, r.line, r.get("rcid"), "a second row for the same rcid")
			return nil
		}
		session, ok := intField(r.get("session"))
		if !ok {
			e.reject(FileRollCalls, r.line, r.get("rcid"), fmt.Sprintf("session %q is not a number", r.get("session")))
			return nil
		}
		date := r.get("date")
		if !isDay(date) {
			e.reject(FileRollCalls, r.line, r.get("rcid"), fmt.Sprintf("date %q is not YYYY-MM-DD", date))
			return nil
		}
		flags := map[string]any{}
		for col, prop := range map[string]string{"importantvote": "important", "amend": "amendment", "para": "paragraph"} {
			v, ok := boolField(r.get(col))
			if !ok {
				e.reject(FileRollCalls, r.line, r.get("rcid"), fmt.Sprintf("%s %q is not 0, 1 or empty", col, r.get(col)))
				return nil
			}
			flags[prop] = v
		}
		dates[rcid] = date
		title, res := r.get("short"), r.get("unres")
		name := title
		if name == "" {
			name = res
		}
		if name == "" {
			name = fmt.Sprintf("UN General Assembly roll call %d", rcid)
		}
		ev := fmt.Sprintf("%s%s line %d (rcid %d)", DataDir, FileRollCalls, r.line, rcid)
		props := store.EmptyToNil(map[string]any{"rcid": rcid, "session": session, "date": date, "datePrecision": "DAY",
			"resolution": res, "title": title, "description": r.get("descr"), "name": name,
			"important": flags["important"], "amendment": flags["amendment"], "paragraph": flags["paragraph"],
			"sourceId": SourceVotes, "evidence": ev})
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelRollCall, ID: RollCallID(rcid), Props: props})
		return nil
	})
	if err != nil {
		return err
	}

	// Issue areas: the seed's where reused (its own wording and evidence,
	// written only if absent), the others from the codebook.
	seedFile, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed/seed.json", seed.SourceText)
	if err != nil {
		return err
	}
	byCode := map[string]IssueMapping{}
	for _, m := range IssueMappings {
		byCode[m.Code] = m
		if m.Seed {
			for _, n := range seedFile.Nodes {
				if n.ID == m.IssueID {
					init := map[string]any{"sourceId": seedFile.Source.ID, "evidence": n.Evidence}
					for k, v := range n.Properties {
						if s, ok := v.(string); ok {
							init[k] = s
						}
					}
					d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelIssueArea, ID: m.IssueID, Init: init})
				}
			}
			continue
		}
		ev := fmt.Sprintf("%s%s: topic code %q, %q (the codebook of the UN General Assembly voting data)", DataDir, FileRollIssues, m.Code, m.Label)
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelIssueArea, ID: m.IssueID,
			Props: map[string]any{"name": m.Name, "sourceId": SourceVotes, "evidence": ev}})
	}
	addresses := relSet{set: d.sets[0]}
	seenIssue := map[[2]string]bool{}
	err = readCSV(fsys, FileRollIssues, ',', []string{"rcid", "short_name", "issue"}, func(r row) error {
		d.rowsRead[FileRollIssues]++
		rcid, ok := intField(r.get("rcid"))
		if !ok {
			e.reject(FileRollIssues, r.line, r.get("rcid"), "rcid is not a number")
			return nil
		}
		if _, ok := dates[rcid]; !ok {
			e.reject(FileRollIssues, r.line, r.get("rcid"), "no roll call with this rcid in "+FileRollCalls)
			return nil
		}
		m, ok := byCode[r.get("short_name")]
		if !ok {
			e.reject(FileRollIssues, r.line, r.get("rcid"), fmt.Sprintf("unknown topic code %q", r.get("short_name")))
			return nil
		}
		k := [2]string{RollCallID(rcid), m.IssueID}
		if seenIssue[k] {
			e.reject(FileRollIssues, r.line, r.get("rcid"), "the same topic code twice for one roll call")
			return nil
		}
		seenIssue[k] = true
		addresses.want = append(addresses.want, store.OwnedRel{From: k[0], To: k[1], Props: map[string]any{"sourceId": SourceVotes, "code": m.Code}})
		return nil
	})
	if err != nil {
		return err
	}

	voted := relSet{set: d.sets[1]}
	voted.want = make([]store.OwnedRel, 0, 870109)
	seenVote := map[[2]string]bool{}
	used := map[string]bool{}
	err = readCSV(fsys, FileVotes, ',', []string{"rcid", "country", "country_code", "vote"}, func(r row) error {
		d.rowsRead[FileVotes]++
		name := r.get("country")
		rcid, ok := intField(r.get("rcid"))
		if !ok {
			e.reject(FileVotes, r.line, name, fmt.Sprintf("rcid %q is not a number", r.get("rcid")))
			return nil
		}
		date, ok := dates[rcid]
		if !ok {
			e.reject(FileVotes, r.line, name, fmt.Sprintf("no roll call %d in %s", rcid, FileRollCalls))
			return nil
		}
		vote, ok := voteValues[r.get("vote")]
		if !ok {
			e.reject(FileVotes, r.line, name, fmt.Sprintf("vote %q is not yes, no or abstain", r.get("vote")))
			return nil
		}
		who, reason := e.cw.voter(r.get("country_code"), name, date)
		if reason != "" {
			e.reject(FileVotes, r.line, name, reason)
			return nil
		}
		k := [2]string{who, RollCallID(rcid)}
		if seenVote[k] {
			e.reject(FileVotes, r.line, name, fmt.Sprintf("a second vote by %s on roll call %d", who, rcid))
			return nil
		}
		seenVote[k] = true
		used[who] = true
		voted.want = append(voted.want, store.OwnedRel{From: who, To: k[1], Props: map[string]any{"vote": vote, "sourceId": SourceVotes}})
		return nil
	})
	if err != nil {
		return err
	}
	d.nodes = append(d.nodes, e.historicalNodes(used, SourceVotes, DataDir+FileVotes)...)
	d.rels = []relSet{addresses, voted}
	return nil
}

// historicalNodes returns the Country nodes of the historical states among
// used ids, with the dataset's provenance written only where absent.
func (e *env) historicalNodes(used map[string]bool, source, file string) []store.SyncNode {
	var out []store.SyncNode
	for _, h := range historicalStates {
		if !used["country:"+h.Code] {
			continue
		}
		out = append(out, historicalNode(h, source, file))
	}
	return out
}

func historicalNode(h HistoricalState, source, file string) store.SyncNode {
	ev := fmt.Sprintf("%s names %s (%s)", file, h.Name, h.Note)
	return store.SyncNode{Label: store.LabelCountry, ID: "country:" + h.Code,
		Props: map[string]any{"historical": true, "historicalCode": h.Code, "historicalCodeSource": h.CodeSrc},
		Init:  map[string]any{"name": h.Name, "sourceId": source, "evidence": ev}}
}

// isDay reports whether s is YYYY-MM-DD.
func isDay(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
