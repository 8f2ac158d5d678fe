package centrality

import (
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

func TestPageRankKnownValues(t *testing.T) {
	const d = Damping
	// A star with k leaves (n = k+1): the centre gets x and each leaf y with
	//   x = (1-d)/n + d·k·y   and   y = (1-d)/n + d·x/k,
	// so x = (1+d·k) / (n·(1+d)).
	const k = 5
	var edges [][2]int32
	for i := int32(1); i <= k; i++ {
		edges = append(edges, [2]int32{0, i})
	}
	got := PageRank(undirected(k+1, edges))
	n := float64(k + 1)
	x := (1 + d*k) / (n * (1 + d))
	y := (1-d)/n + d*x/k
	if math.Abs(got[0]-x) > 1e-9 {
		t.Errorf("star centre %v, want %v", got[0], x)
	}
	for i := 1; i <= k; i++ {
		if math.Abs(got[i]-y) > 1e-9 {
			t.Errorf("star leaf %d: %v, want %v", i, got[i], y)
		}
	}
	// A cycle is regular: every node gets 1/n.
	cycle := PageRank(undirected(4, [][2]int32{{0, 1}, {1, 2}, {2, 3}, {3, 0}}))
	for i, s := range cycle {
		if math.Abs(s-0.25) > 1e-9 {
			t.Errorf("cycle node %d: %v, want 0.25", i, s)
		}
	}
	// An isolated node (no neighbours) spreads its rank evenly: with the
	// pair 0-1 and the lone node 2, by symmetry 0 and 1 share p and node 2
	// gets q = (1-d)/3 + d·q/3, so q = (1-d)/(3-d) and p = (1-q)/2.
	lone := PageRank(undirected(3, [][2]int32{{0, 1}}))
	q := (1 - d) / (3 - d)
	if math.Abs(lone[2]-q) > 1e-9 || math.Abs(lone[0]-(1-q)/2) > 1e-9 || math.Abs(lone[1]-(1-q)/2) > 1e-9 {
		t.Errorf("pair and lone node: %v, want [%v %v %v]", lone, (1-q)/2, (1-q)/2, q)
	}
	if len(PageRank(nil)) != 0 {
		t.Error("empty graph")
	}
}

// randomProjection is a graph shaped like the brokers projection: actors
// joined to events and groups, never to each other.
func randomProjection(actors, hubs, links int, seed int64) [][]int32 {
	r := rand.New(rand.NewSource(seed))
	seen := map[[2]int32]bool{}
	var edges [][2]int32
	for len(edges) < links {
		e := [2]int32{int32(r.Intn(actors)), int32(actors + r.Intn(hubs))}
		if !seen[e] {
			seen[e] = true
			edges = append(edges, e)
		}
	}
	return undirected(actors+hubs, edges)
}

func gonumUndirected(adj [][]int32) *simple.UndirectedGraph {
	g := simple.NewUndirectedGraph()
	for v := range adj {
		g.AddNode(simple.Node(v))
	}
	for v, ns := range adj {
		for _, w := range ns {
			if int(w) > v {
				g.SetEdge(simple.Edge{F: simple.Node(v), T: simple.Node(w)})
			}
		}
	}
	return g
}

// TestBetweennessMatchesGonum holds the hand-written Brandes to gonum's
// network.Betweenness (which counts each unordered pair from both ends).
func TestBetweennessMatchesGonum(t *testing.T) {
	adj := randomProjection(120, 40, 400, 3)
	ours := Betweenness(adj, 1000, 0, 0)
	theirs := network.Betweenness(gonumUndirected(adj))
	for v, s := range ours.Scores {
		if math.Abs(s-theirs[int64(v)]/2) > 1e-6*math.Max(1, s) {
			t.Fatalf("node %d: %v, gonum %v", v, s, theirs[int64(v)]/2)
		}
	}
}

// The projection of the real graph has a few thousand nodes; these compare
// the hand-written betweenness with gonum's on one of that size.
func BenchmarkBetweennessHandWritten(b *testing.B) {
	adj := randomProjection(3000, 1000, 20000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Betweenness(adj, 4000, 64, 1999)
	}
}

func BenchmarkBetweennessGonum(b *testing.B) {
	adj := randomProjection(3000, 1000, 20000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		network.Betweenness(gonumUndirected(adj))
	}
}

func BenchmarkPageRank(b *testing.B) {
	adj := randomProjection(3000, 1000, 20000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		PageRank(adj)
	}
}
