package centrality

import (
	"math"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// PageRank parameters: the usual damping factor, and the 2-norm of the
// change between two iterations below which the power iteration stops.
const (
	Damping   = 0.85
	Tolerance = 1e-12
	// Decimals is the precision scores are rounded to: the iteration
	// starts from a random vector, so digits beyond the tolerance differ
	// from run to run; rounded, equal scores stay equal and rankings stable.
	Decimals = 10
)

// PageRank computes the PageRank of every node of the undirected graph adj
// (adj[v] lists v's neighbours; each edge appears in both lists), each edge
// walked in both directions, with gonum's network.PageRankSparse (a
// well-kept power iteration over a sparse matrix; nodes without neighbours
// spread their rank evenly). Scores sum to 1 and are rounded to Decimals
// places. Cost: O(iterations·(n+m)) time, about 170 iterations at the
// tolerance, and O(n+m) memory for gonum's graph.
func PageRank(adj [][]int32) []float64 {
	out := make([]float64, len(adj))
	if len(adj) == 0 {
		return out
	}
	g := simple.NewDirectedGraph()
	for v := range adj {
		g.AddNode(simple.Node(v))
	}
	for v, ns := range adj {
		for _, w := range ns {
			if int(w) != v {
				g.SetEdge(simple.Edge{F: simple.Node(v), T: simple.Node(w)})
			}
		}
	}
	scale := math.Pow10(Decimals)
	for id, r := range network.PageRankSparse(g, Damping, Tolerance) {
		out[id] = math.Round(r*scale) / scale
	}
	return out
}
