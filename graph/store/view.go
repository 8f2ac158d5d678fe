package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// MaxViewNodes caps the nodes of an exported view (InducedSubgraph); its
// relationships are capped at edgesPerNode per node, as a neighbourhood's.
const MaxViewNodes = 2000

// EdgesPerNode is the relationship budget per node of a neighbourhood or
// a view: at most EdgesPerNode × its node limit relationships.
const EdgesPerNode = edgesPerNode

// InducedSubgraph reads the nodes with the given ids (any model label;
// unknown ids are left out) and every relationship among them of the given
// types (every model type when empty), at most edgesPerNode × len(ids) of
// them (Truncated when more): what the explorer shows, read again from the
// database with every property, for an export.
func (s *Store) InducedSubgraph(ctx context.Context, ids []string, types []RelType) (Subgraph, error) {
	if len(ids) == 0 || len(ids) > MaxViewNodes {
		return Subgraph{}, fmt.Errorf("%d ids outside 1..%d", len(ids), MaxViewNodes)
	}
	pattern, err := relTypesPattern(types)
	if err != nil {
		return Subgraph{}, err
	}
	parts := make([]string, 0, len(PrimaryLabels))
	for _, l := range PrimaryLabels {
		parts = append(parts, "MATCH (x:"+string(l)+" {id: id}) RETURN x")
	}
	cypher := "UNWIND $ids AS id CALL (id) { " + strings.Join(parts, " UNION ") + " } " +
		"WITH collect(DISTINCT x) AS ns " +
		"CALL (ns) { UNWIND ns AS a MATCH (a)-[r" + pattern + "]->(b) WHERE b IN ns " +
		"WITH a, r, b LIMIT $rows RETURN collect([a.id, type(r), b.id, properties(r)]) AS rs } " +
		"RETURN [n IN ns | [" + primaryLabelCypher("n") + ", properties(n)]] AS nodes, rs"
	maxEdges := edgesPerNode * len(ids)
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (Subgraph, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": ids, "rows": maxEdges + 1})
		if err != nil || len(recs) == 0 {
			return Subgraph{}, err
		}
		var sg Subgraph
		nodes, _, _ := neo4j.GetRecordValue[[]any](recs[0], "nodes")
		for _, x := range nodes {
			row, _ := x.([]any)
			if len(row) != 2 {
				continue
			}
			label, _ := row[0].(string)
			props, _ := row[1].(map[string]any)
			sg.Nodes = append(sg.Nodes, Node{Label: Label(label), Props: props})
		}
		rs, _, _ := neo4j.GetRecordValue[[]any](recs[0], "rs")
		for _, x := range rs {
			row, _ := x.([]any)
			if len(row) != 4 {
				continue
			}
			if len(sg.Edges) == maxEdges {
				sg.Truncated = true
				break
			}
			src, _ := row[0].(string)
			typ, _ := row[1].(string)
			tgt, _ := row[2].(string)
			props, _ := row[3].(map[string]any)
			sg.Edges = append(sg.Edges, GraphEdge{Type: RelType(typ), Source: src, Target: tgt, Props: props})
		}
		return sg, nil
	})
}
