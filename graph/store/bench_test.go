package store

import (
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// BenchmarkEdgeCypher builds the batched Cypher of one relationship field
// with a nested where (on the other end and on the relationship) and an
// orderBy: what a selection like
// `members(where: {role: {eq: "FOUNDER"}, actor: {name: {startsWith: "C"}}}, orderBy: [{since: DESC}])`
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
