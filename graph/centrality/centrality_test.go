package centrality

import (
	"math"
	"testing"
)

func undirected(n int, edges [][2]int32) [][]int32 {
	adj := make([][]int32, n)
	for _, e := range edges {
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	return adj
}

func TestBetweennessPathAndStar(t *testing.T) {
	// Path 0-1-2-3: node 1 lies on {0,2},{0,3}; node 2 on {0,3},{1,3}.
	got := Betweenness(undirected(4, [][2]int32{{0, 1}, {1, 2}, {2, 3}}), 100, 0, 1)
	want := []float64{0, 2, 2, 0}
	for i := range want {
		if math.Abs(got.Scores[i]-want[i]) > 1e-9 {
			t.Fatalf("path: scores %v, want %v", got.Scores, want)
		}
	}
	// Square 0-1-2-3-0: each pair of opposite corners has two shortest
	// paths, so each node gets 1/2.
	got = Betweenness(undirected(4, [][2]int32{{0, 1}, {1, 2}, {2, 3}, {3, 0}}), 100, 0, 1)
	for i, s := range got.Scores {
		if math.Abs(s-0.5) > 1e-9 {
			t.Fatalf("square: node %d has %v, want 0.5", i, s)
		}
	}
	if !got.Exact {
		t.Fatal("small graph should be exact")
	}
}

func TestBetweennessSampledIsDeterministic(t *testing.T) {
	// A star with 50 leaves: the centre lies on all C(50,2)=1225 leaf pairs.
	var edges [][2]int32
	for i := int32(1); i <= 50; i++ {
		edges = append(edges, [2]int32{0, i})
	}
	adj := undirected(51, edges)
	a := Betweenness(adj, 10, 20, 7)
	b := Betweenness(adj, 10, 20, 7)
	if a.Exact || a.Sources != 20 {
		t.Fatalf("expected a sampled run from 20 sources, got exact=%v sources=%d", a.Exact, a.Sources)
	}
	for i := range a.Scores {
		if a.Scores[i] != b.Scores[i] {
			t.Fatal("same seed, different scores")
		}
	}
	if a.Scores[0] < 600 || a.Scores[0] > 2500 {
		t.Fatalf("sampled centre score %v far from 1225", a.Scores[0])
	}
	exact := Betweenness(adj, 100, 0, 0)
	if exact.Scores[0] != 1225 {
		t.Fatalf("exact centre score %v, want 1225", exact.Scores[0])
	}
}
