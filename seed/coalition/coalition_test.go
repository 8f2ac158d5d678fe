package coalition

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// The facts below are read from the files by the test itself (its own
// gzip and CSV reading, not the importer's parser) and compared with the
// graph after one full import.

// fileRows reads a data file of data.FS into maps by header.
func fileRows(t *testing.T, name string, comma rune, keep func(map[string]string) bool) []map[string]string {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var in io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		in = gz
	}
	r := csv.NewReader(in)
	r.Comma = comma
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		if keep == nil || keep(m) {
			out = append(out, m)
		}
	}
}

func query(t *testing.T, st *store.Store, cypher string, params map[string]any) []*neo4j.Record {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%v\n%s", err, cypher)
	}
	return res.Records
}

func strs(t *testing.T, st *store.Store, cypher string, params map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range query(t, st, cypher, params) {
		out = append(out, fmt.Sprint(r.Values[0]))
	}
	sort.Strings(out)
	return out
}

func num(s string) string { return strings.TrimSuffix(s, ".0") }

// snapshot is the content of what the import wrote: every property of the
// roll calls, organizations, informal groups, memberships and treaty
// parties, as one sorted list (the votes are compared by a checksum).
func snapshot(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"MATCH (n) WHERE n:RollCall OR n:Organization OR n:Initiative OR n:Agreement OR n:Country OR n:Source OR n:IssueArea RETURN n.id AS k, properties(n) AS p",
		"MATCH (a)-[r:MEMBER_OF|SIGNATORY_OF|ADDRESSES|PART_OF]->(b) RETURN a.id + ' ' + type(r) + ' ' + b.id AS k, properties(r) AS p",
		"MATCH (c)-[v:VOTED]->(r) WITH v.vote + ' ' + v.sourceId AS k, count(*) AS n, sum(size(c.id) * size(r.id)) AS w RETURN k, {n: n, w: w} AS p",
	} {
		for _, r := range query(t, st, q, nil) {
			props, _ := r.Values[1].(map[string]any)
			keys := make([]string, 0, len(props))
			for k := range props {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			line := fmt.Sprint(r.Values[0])
			for _, k := range keys {
				line += fmt.Sprintf(" %s=%v", k, props[k])
			}
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return out
}

func TestImport(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}

	// A malformed file: a clear error naming file and line, nothing written.
	n0, r0, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := fstest.MapFS{}
	if err := fs.WalkDir(data.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.FS, p)
		bad[p] = &fstest.MapFile{Data: b}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	bad[FileIIGOMembers] = &fstest.MapFile{Data: append(append([]byte(nil), bad[FileIIGOMembers].Data...), []byte("CAN,Canada,\"HSN,Human Security Network,1998,,2017\n")...)}
	_, err = Run(ctx, st, bad, Options{})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != FileIIGOMembers || fe.Line != 3504 || !strings.Contains(err.Error(), "seed/data/informal-igos/memberships_IIGO.csv line 3504") {
		t.Fatalf("malformed file: err = %v", err)
	}
	if n, r, _ := st.Counts(ctx); n != n0 || r != r0 {
		t.Fatalf("a malformed file wrote: %d nodes, %d relationships before; %d, %d after", n0, r0, n, r)
	}

	sum, err := Run(ctx, st, data.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first import: %s, %d changes", sum.Duration, sum.Changes())

	t.Run("votes", func(t *testing.T) { checkVotes(t, st) })
	t.Run("roll call issue areas", func(t *testing.T) { checkIssues(t, st) })
	t.Run("UN members in 2000", func(t *testing.T) { checkUNMembers(t, st) })
	t.Run("Rome Statute", func(t *testing.T) { checkRome(t, st) })
	t.Run("Human Security Network", func(t *testing.T) { checkHSN(t, st) })
	t.Run("rejects", func(t *testing.T) { checkRejects(t, sum) })
	t.Run("nine agreed issues", func(t *testing.T) {
		got := strs(t, st, "MATCH (:Initiative {id: 'initiative:lysoen-partnership'})-[:ADDRESSES]->(i) RETURN i.name", nil)
		want := []string{"Arctic and Northern Cooperation", "Child Labour", "Gender Dimensions of Armed Conflict", "Human Rights",
			"Humanitarian Law", "International Criminal Court", "Landmines", "Small Arms Proliferation", "War-Affected Children"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("partnership issue areas %v, want the text's nine %v", got, want)
		}
	})

	// A second run changes nothing and skips every dataset; a forced run
	// (the full comparison, without the hash) changes nothing either.
	before := snapshot(t, st)
	again, err := Run(ctx, st, data.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range again.Datasets {
		if !d.Skipped {
			t.Errorf("second run wrote %s", d.Name)
		}
	}
	forced, err := Run(ctx, st, data.FS, Options{Force: true, Only: []string{"cow-igo", "informal-igos", "treaties-ggo", "un-members"}})
	if err != nil {
		t.Fatal(err)
	}
	if again.Changes() != 0 || forced.Changes() != 0 {
		t.Errorf("changes on rerun: %d, forced %d", again.Changes(), forced.Changes())
	}
	after := snapshot(t, st)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("content changed on rerun (%d lines before, %d after)", len(before), len(after))
	}
}

func checkVotes(t *testing.T, st *store.Store) {
	sample := map[string]bool{"3": true, "77": true, "1500": true, "4000": true, "6000": true}
	dates := map[string]string{}
	for _, r := range fileRows(t, FileRollCalls, ',', nil) {
		dates[num(r["rcid"])] = r["date"]
	}
	want := map[string]map[string]string{} // rcid -> ISO2 (or name) -> vote
	counts := map[string]int{}
	for _, r := range fileRows(t, FileVotes, ',', func(r map[string]string) bool { return sample[num(r["rcid"])] }) {
		id := num(r["rcid"])
		counts[id]++
		if want[id] == nil {
			want[id] = map[string]string{}
		}
		want[id][r["country_code"]+"|"+r["country"]] = strings.ToUpper(r["vote"])
	}
	for rcid := range sample {
		recs := query(t, st, `MATCH (c:Country)-[v:VOTED]->(r:RollCall {rcid: $rcid}) RETURN c.iso2 AS iso2, c.historical AS h, v.vote AS vote, r.date AS date`,
			map[string]any{"rcid": mustInt(t, rcid)})
		if len(recs) != counts[rcid] || counts[rcid] == 0 {
			t.Errorf("roll call %s: %d VOTED, %d rows in the file", rcid, len(recs), counts[rcid])
		}
		got := map[string]string{}
		for _, r := range recs {
			iso2, _ := r.Values[0].(string)
			if iso2 != "" {
				got[iso2] = r.Values[2].(string)
			}
			if d := r.Values[3]; d != dates[rcid] {
				t.Errorf("roll call %s date %v, file %s", rcid, d, dates[rcid])
			}
		}
		for k, v := range want[rcid] {
			code := strings.SplitN(k, "|", 2)[0]
			switch code {
			case "", "RU", "YU", "CS", "DD", "YD": // historical or split by date: checked below
				continue
			}
			if got[code] != v {
				t.Errorf("roll call %s: %s voted %q in the graph, %q in the file", rcid, k, got[code], v)
			}
		}
	}
	// Canada's first recorded vote (rcid 3) and the USSR's, kept apart from Russia.
	for _, c := range []struct{ who, rcid, vote string }{{"country:CAN", "3", want["3"]["CA|Canada"]}, {"country:SUHH", "3", want["3"]["RU|Russia"]}} {
		got := strs(t, st, "MATCH (:Country {id: $c})-[v:VOTED]->(:RollCall {rcid: $r}) RETURN v.vote", map[string]any{"c": c.who, "r": mustInt(t, c.rcid)})
		if len(got) != 1 || got[0] != c.vote || c.vote == "" {
			t.Errorf("%s on roll call %s: %v, file %q", c.who, c.rcid, got, c.vote)
		}
	}
	if n := strs(t, st, "MATCH (:Country {id: 'country:RUS'})-[:VOTED]->(r:RollCall) WHERE r.date < '1991-12-24' RETURN count(*)", nil); n[0] != "0" {
		t.Errorf("Russia holds %s votes from before 1991-12-24 (the USSR's)", n[0])
	}
}

func checkIssues(t *testing.T, st *store.Store) {
	want := map[string]int{}
	for _, r := range fileRows(t, FileRollIssues, ',', nil) {
		want[r["short_name"]]++
	}
	for _, code := range []string{"hr", "me", "nu"} {
		got := strs(t, st, "MATCH (:RollCall)-[a:ADDRESSES {code: $c}]->(i:IssueArea) WITH i, count(*) AS n RETURN i.id + ' ' + toString(n)", map[string]any{"c": code})
		if len(got) != 1 || !strings.HasSuffix(got[0], " "+strconv.Itoa(want[code])) {
			t.Errorf("topic %s: %v, file %d rows", code, got, want[code])
		}
	}
	if got := strs(t, st, "MATCH (:RollCall)-[:ADDRESSES {code: 'hr'}]->(i:IssueArea) RETURN DISTINCT i.id + ' ' + i.sourceId", nil); len(got) != 1 || got[0] != "issue:human-rights source:human-security-1999" {
		t.Errorf("human-rights votes address %v, want the seed's issue area", got)
	}
}

func checkUNMembers(t *testing.T, st *store.Store) {
	var header []string // the COW states that were full members in 2000
	rows := fileRows(t, FileStateYear, ',', func(r map[string]string) bool { return num(r["year"]) == "2000" && num(r["un"]) == "1" })
	for _, r := range rows {
		header = append(header, num(r["ccode"]))
	}
	got := strs(t, st, `MATCH (c:Country)-[m:MEMBER_OF {role: 'FULL'}]->(:Organization {id: 'org:cow-un'})
		WHERE m.since <= '2000' AND coalesce(m.until, '9999') >= '2000' RETURN c.id`, nil)
	if len(got) != len(header) || len(got) < 180 {
		t.Errorf("UN members in 2000: %d in the graph, %d states in the file", len(got), len(header))
	}
	// Switzerland joined in 2002: its span starts then and runs to the data's end.
	sw := fileRows(t, FileStateYear, ',', func(r map[string]string) bool { return num(r["ccode"]) == "225" && num(r["un"]) == "1" })
	first := "9999"
	for _, r := range sw {
		if y := num(r["year"]); y < first {
			first = y
		}
	}
	if got := strs(t, st, "MATCH (:Country {id: 'country:CHE'})-[m:MEMBER_OF]->(:Organization {id: 'org:cow-un'}) RETURN m.role + ' ' + m.since + ' ' + coalesce(m.until, '-')", nil); len(got) != 1 || got[0] != "FULL "+first+" -" {
		t.Errorf("Switzerland in the UN: %v, file first year %s", got, first)
	}
	if got := strs(t, st, "MATCH (c:Country {id: 'country:CHE'}) RETURN c.unMemberSince", nil); got[0] != "2002" {
		t.Errorf("Switzerland unMemberSince %v", got)
	}
}

func checkRome(t *testing.T, st *store.Store) {
	want := map[string]string{}
	var palestine string
	for _, r := range fileRows(t, FileGGOParties, ',', func(r map[string]string) bool { return r["treatyID"] == "STTICC_1998A" }) {
		if r["StateEnd"] != "" && r["StateEnd"] != "9999-12-31" {
			want["country:"+r["stateID"]] = r["StateEnd"]
		}
		if r["stateID"] == "PSE" {
			palestine = r["StateRatification"]
		}
	}
	got := strs(t, st, "MATCH (c:Country)-[s:SIGNATORY_OF]->(:Agreement {id: 'agreement:rome-statute'}) WHERE s.until IS NOT NULL RETURN c.id + ' ' + s.until + ' ' + s.endReason", nil)
	var exp []string
	for c, d := range want {
		exp = append(exp, c+" "+d+" WITHDRAWAL")
	}
	sort.Strings(exp)
	if strings.Join(got, "|") != strings.Join(exp, "|") || len(exp) != 2 {
		t.Errorf("Rome Statute withdrawals %v, file %v", got, exp)
	}
	// One relationship per state and agreement; Palestine from GGO only.
	if got := strs(t, st, "MATCH (c:Country)-[s:SIGNATORY_OF]->(:Agreement {id: 'agreement:rome-statute'}) WITH c, count(s) AS n WHERE n > 1 RETURN c.id", nil); len(got) > 0 {
		t.Errorf("several Rome Statute relationships for %v", got)
	}
	if got := strs(t, st, "MATCH (:Country {id: 'country:PSE'})-[s:SIGNATORY_OF]->(:Agreement {id: 'agreement:rome-statute'}) RETURN s.ratified + ' ' + s.sourceId", nil); len(got) != 1 || got[0] != palestine+" "+SourceGGO {
		t.Errorf("Palestine and the Rome Statute: %v, file %s", got, palestine)
	}
}

func checkHSN(t *testing.T, st *store.Store) {
	var want []string
	for _, r := range fileRows(t, FileIIGOMembers, ',', func(r map[string]string) bool { return r["igoID"] == "HSN" }) {
		want = append(want, "country:"+r["stateID"]+" MEMBER 2017")
	}
	sort.Strings(want)
	got := strs(t, st, "MATCH (c:Country)-[m:MEMBER_OF]->(i:Initiative {id: 'initiative:human-security-network', kind: 'INFORMAL_GROUP', startDate: '1998'}) RETURN c.id + ' ' + m.role + ' ' + m.asOf", nil)
	if strings.Join(got, "|") != strings.Join(want, "|") || len(want) != 13 {
		t.Errorf("Human Security Network members\n got %v\nwant %v", got, want)
	}
}

func checkRejects(t *testing.T, sum Summary) {
	// Kosovo has no ISO 3166-1 code: each of its rows in the minilateral
	// data is reported, with its line.
	kos := len(fileRows(t, FileMIGOMembers, ',', func(r map[string]string) bool { return r["stateID"] == "KOS" }))
	got := 0
	for _, r := range sum.Rejected {
		if r.File == "" || r.Line < 2 || r.Reason == "" {
			t.Errorf("reject without file, line or reason: %+v", r)
		}
		if r.File == FileMIGOMembers && strings.Contains(r.Reason, `"KOS"`) {
			got++
		}
	}
	if got != kos || kos == 0 {
		t.Errorf("Kosovo's minilateral rows: %d reported, %d in the file", got, kos)
	}
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
