package synth

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
)

func TestScalesAreTheAdvertisedSize(t *testing.T) {
	// Pure Go, no database. Only S here, to keep `make test` fast; M
	// (100,500 nodes, 1,124,870 relationships for seed 1) is counted by
	// `go run ./synth/cmd/synth -scale M` when it loads.
	c := Count(1, ScaleS)
	if c.Nodes < 9000 || c.Nodes > 11000 || c.Rels < 80000 {
		t.Errorf("S has %d nodes and %d relationships, want about 10,000 nodes", c.Nodes, c.Rels)
	}
}

func TestGenerateIsDeterministicAndValid(t *testing.T) {
	var a, b []store.GraphWrite
	for w := range Generate(7, ScaleTiny) {
		a = append(a, w)
	}
	for w := range Generate(7, ScaleTiny) {
		b = append(b, w)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different graphs")
	}
	ids := map[string]store.Label{}
	for _, w := range a {
		if len(w.Nodes) > ScaleTiny.BatchSize || len(w.Rels) > ScaleTiny.BatchSize {
			t.Fatalf("batch of %d nodes, %d relationships exceeds %d", len(w.Nodes), len(w.Rels), ScaleTiny.BatchSize)
		}
		for _, n := range w.Nodes {
			if _, dup := ids[n.ID]; dup {
				t.Fatalf("node %s generated twice", n.ID)
			}
			ids[n.ID] = n.Label
		}
		for _, r := range w.Rels {
			// Every endpoint was generated earlier, with the label the relationship claims.
			if ids[r.From] != r.FromLabel || ids[r.To] != r.ToLabel {
				t.Fatalf("%s %s(%s) -> %s(%s): endpoint missing or mislabelled", r.Type, r.From, r.FromLabel, r.To, r.ToLabel)
			}
			if err := store.CheckEndpoints(r.Type, r.FromLabel, r.ToLabel); err != nil {
				t.Fatal(err)
			}
		}
	}
	var c []store.GraphWrite
	for w := range Generate(8, ScaleTiny) {
		c = append(c, w)
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same graph")
	}
}

// TestDegreesAreHeavyTailedButPlausible checks the popularity laws at S:
// the busiest country is at a few percent of all events (not a monopoly),
// yet several times the median country; organizations are long-tailed.
func TestDegreesAreHeavyTailedButPlausible(t *testing.T) {
	events := map[string]int{}
	for b := range Generate(1, ScaleS) {
		for _, r := range b.Rels {
			if r.Type == store.RelParticipatedIn {
				events[r.From]++
			}
		}
	}
	stats := func(prefix string) (top, median int) {
		var xs []int
		for id, n := range events {
			if strings.HasPrefix(id, prefix) {
				xs = append(xs, n)
			}
		}
		sort.Sort(sort.Reverse(sort.IntSlice(xs)))
		return xs[0], xs[len(xs)/2]
	}
	top, median := stats("country:")
	if share := float64(top) / float64(ScaleS.Events); share > 0.10 || share < 0.02 || top < 3*median {
		t.Errorf("busiest country at %d of %d events (median country %d): want a few percent, several times the median", top, ScaleS.Events, median)
	}
	top, median = stats("org:")
	if share := float64(top) / float64(ScaleS.Events); share > 0.05 || median > 20 || top < 10*median {
		t.Errorf("busiest organization at %d of %d events, median %d: want a long tail", top, ScaleS.Events, median)
	}
}
