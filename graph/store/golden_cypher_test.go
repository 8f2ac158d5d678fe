package store

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/cypher-golden from the builders")

// TestListCypherGolden pins the statement the list builder writes for a
// few filters a client sends (testdata/cypher-golden, one file per case:
// the MATCH … WHERE, ORDER BY, the sort keys and the parameters). A change
// to the builders shows up here as a diff to read, not only as a changed
// answer; `go test ./graph/store -run TestListCypherGolden -update`
// rewrites the files after a deliberate change.
func TestListCypherGolden(t *testing.T) {
	cursor := &Cursor{Keys: []string{"1996-09-13", "1234"}, ID: "rollcall:1234", Order: "date,rcid"}
	cases := []struct {
		name  string
		label Label
		q     ListQuery
	}{
		{"countries-name-contains", LabelCountry, ListQuery{
			Where: Filter{Conds: []Cond{{Prop: "name", Op: OpContains, Value: "land"}}},
			Page:  Page{First: 20}}},
		{"events-1999-with-canada", LabelEvent, ListQuery{
			Where: Filter{
				Conds: []Cond{{Prop: "startDate", EndProp: "endDate", Op: OpOverlaps, Value: DateRange{From: "1999-01-01", To: "1999-12-31"}}},
				Rels: []RelFilter{{Type: RelParticipatedIn, Dir: Incoming, Other: LabelActor,
					Where: Filter{Conds: []Cond{{Prop: "id", Op: OpEq, Value: "country:CAN"}}}}}},
			Order: []SortKey{{Prop: "startDate", Desc: true}},
			Page:  Page{First: 10}}},
		{"agreements-or-not-last", LabelAgreement, ListQuery{
			Where: Filter{Or: []Filter{
				{Conds: []Cond{{Prop: "kind", Op: OpEq, Value: "DECLARATION"}}},
				{Not: &Filter{Conds: []Cond{{Prop: "acronym", Op: OpPresent, Value: true}}}}}},
			Page: Page{Last: 5, HasLast: true, OnlyLast: true}}},
		{"countries-ratified-in-window", LabelCountry, ListQuery{
			Where: Filter{Rels: []RelFilter{{Type: RelSignatoryOf, Dir: Outgoing, Other: LabelAgreement,
				Where:    Filter{Conds: []Cond{{Prop: "id", Op: OpIn, Value: []string{"agreement:rome-statute", "agreement:ottawa"}}}},
				RelConds: []Cond{{Prop: "ratified", Op: OpWithin, Value: DateRange{From: "1998-01-01", To: "2000-12-31"}}}}}},
			Page: Page{First: 50}}},
		{"rollcalls-after-cursor", LabelRollCall, ListQuery{
			Where: Filter{Conds: []Cond{{Prop: "date", Op: OpWithin, Value: DateRange{From: "1995-01-01", To: "2004-12-31"}}}},
			Page:  Page{First: 20, After: cursor}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := planList(c.label, c.q)
			if err != nil {
				t.Fatal(err)
			}
			params, err := json.MarshalIndent(l.params, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join([]string{l.match, l.order, "keys " + l.keys, "params " + string(params)}, "\n") + "\n"
			file := filepath.Join("testdata", "cypher-golden", c.name+".txt")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("the builder writes\n%s\n%s holds\n%s", got, file, want)
			}
		})
	}
}
