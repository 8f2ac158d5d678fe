package store

import (
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// BenchmarkEdgeCypher builds the batched Cypher of one relationship field
// with a nested where (on the other end and on the relationship) and an
// orderBy: what a selection like
// `members(where: {role: {eq: FOUNDER}, actor: {name: {startsWith: "C"}}}, orderBy: [{since: DESC}])`
// turns into, once per (list, field) per request.
func BenchmarkEdgeCypher(b *testing.B) {
	q := EdgeQuery{
		Other: Filter{Conds: []Cond{{Prop: "name", Op: OpStartsWith, Value: "C"}}},
		Rel:   []Cond{{Prop: "role", Op: OpEq, Value: "FOUNDER"}},
		Order: []SortKey{{Prop: "since", Desc: true, OnRel: true}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InitiativeMembers.cypher(q, map[string]any{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEdgeCypherPlain is the same field without arguments (the common case).
func BenchmarkEdgeCypherPlain(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InitiativeMembers.cypher(EdgeQuery{}, map[string]any{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNodeFromRecord maps 1,000 driver records (labels + properties,
// as every node read returns them) to store nodes.
func BenchmarkNodeFromRecord(b *testing.B) {
	recs := make([]*neo4j.Record, 1000)
	for i := range recs {
		recs[i] = &neo4j.Record{Keys: []string{"labels", "props"}, Values: []any{
			[]any{"Event"},
			map[string]any{"id": fmt.Sprintf("event:synth-%06d", i), "name": fmt.Sprintf("Synthetic Event %06d", i),
				"kind": "MEETING", "startDate": "1999-02-10", "datePrecision": "DAY", "status": "HELD"},
		}}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			if n := nodeFromRecord(r); n.Label != LabelEvent {
				b.Fatal(n.Label)
			}
		}
	}
}

// BenchmarkEdgeCypherAhead builds the nested shape's second statement: the
// memberships of a page of countries (with a where) and, fetched ahead in
// the same statement, the issue areas of every initiative at their other
// end (EdgeSpec.cypher with an Ahead).
func BenchmarkEdgeCypherAhead(b *testing.B) {
	q := EdgeQuery{Other: Filter{And: []Filter{{Label: LabelInitiative}}}}
	aheads := []Ahead{{Spec: InitiativeIssueAreas}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ActorMemberships.cypher(q, map[string]any{}, aheads...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEdgesFromListAhead decodes what that statement returns for one
// country: 28 memberships, each with 2–3 issue areas fetched ahead (the
// nested shape returns 555 memberships and 1,300 issue-area rows for 20
// countries at scale S).
func BenchmarkEdgesFromListAhead(b *testing.B) {
	raw := make([]any, 28)
	for i := range raw {
		areas := make([]any, 2+i%2)
		for j := range areas {
			areas[j] = []any{map[string]any{}, []any{"IssueArea"}, map[string]any{"id": fmt.Sprintf("issue:synth-%03d", j), "name": "Synthetic Issue"}}
		}
		raw[i] = []any{map[string]any{"role": "MEMBER", "since": "1999"}, []any{"Initiative"},
			map[string]any{"id": fmt.Sprintf("initiative:synth-%05d", i), "name": "Synthetic Initiative", "startDate": "1998"}, areas}
	}
	aheads := []Ahead{{Spec: InitiativeIssueAreas}}
	b.ReportAllocs()
	for b.Loop() {
		if es := edgesFromList(raw, aheads); len(es) != 28 || len(es[0].Ahead[0]) != 2 {
			b.Fatal(len(es))
		}
	}
}
