package model

import (
	"fmt"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
)

// BenchmarkFromNodes maps 1,000 stored events (with dates to parse) to
// GraphQL models sharing one sibling group.
func BenchmarkFromNodes(b *testing.B) {
	nodes := make([]store.Node, 1000)
	for i := range nodes {
		nodes[i] = store.Node{Label: store.LabelEvent, Props: map[string]any{
			"id": fmt.Sprintf("event:synth-%06d", i), "name": fmt.Sprintf("Synthetic Event %06d", i),
			"kind": "MEETING", "startDate": "1999-02-10", "datePrecision": "DAY", "status": "HELD"}}
	}
	b.ReportAllocs()
	for b.Loop() {
		if out := FromNodes(nodes); len(out) != len(nodes) {
			b.Fatal(len(out))
		}
	}
}
