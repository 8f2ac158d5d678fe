package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// NodeWrite creates or updates one node by (Label, id).
type NodeWrite struct {
	Label Label
	ID    string
	Props map[string]any // merged into the node; "id" is set from ID
}

// RelWrite creates or updates the one relationship of Type from From to To.
type RelWrite struct {
	Type     RelType
	From, To string
	// FromLabel and ToLabel must be the endpoints' labels; they are checked
	// against the model and used so the MATCH uses the id constraints.
	FromLabel, ToLabel Label
	Props              map[string]any
}

// GraphWrite is a batch of nodes and relationships written in one transaction.
type GraphWrite struct {
	Nodes []NodeWrite
	Rels  []RelWrite
}

// WriteStats counts what a write touched.
type WriteStats struct {
	NodesCreated, RelsCreated, PropertiesSet int
}

// WriteGraph merges a batch in one transaction: either everything is
// written or nothing is. Nodes are merged on id, relationships on
// (from, type, to); properties given replace those stored, others stay.
// Writing the same batch twice leaves the graph as after the first time.
func (s *Store) WriteGraph(ctx context.Context, g GraphWrite) (WriteStats, error) {
	if err := checkWrite(g); err != nil {
		return WriteStats{}, err
	}
	labels, nodeGroups := groupByLabel(g.Nodes, nodeLabel)
	keys, relGroups := groupByShape(g.Rels, relShapeOf)
	return write(ctx, s, func(tx runner) (WriteStats, error) {
		var st WriteStats
		for _, l := range labels {
			extra := ""
			if l.IsActor() {
				extra = " SET n:Actor"
			}
			cypher := "UNWIND $rows AS props MERGE (n:" + string(l) + " {id: props.id}) SET n += props" + extra
			sum, err := s.runSummary(ctx, tx, cypher, map[string]any{"rows": nodeRows(nodeGroups[l])})
			if err != nil {
				return st, fmt.Errorf("write %s nodes: %w", l, err)
			}
			st.NodesCreated += sum.NodesCreated()
			st.PropertiesSet += sum.PropertiesSet()
		}
		for _, k := range keys {
			rows := relRows(relGroups[k])
			cypher := "UNWIND $rows AS row " +
				"OPTIONAL MATCH (a:" + string(k.from) + " {id: row.from}) " +
				"OPTIONAL MATCH (b:" + string(k.to) + " {id: row.to}) " +
				"WITH row, a, b " +
				"CALL (row, a, b) { WITH * WHERE a IS NOT NULL AND b IS NOT NULL " +
				"  MERGE (a)-[r:" + string(k.t) + "]->(b) SET r += row.props RETURN count(r) AS written } " +
				"RETURN row.from AS from, row.to AS to, written"
			recs, err := s.run(ctx, tx, cypher, map[string]any{"rows": rows})
			if err != nil {
				return st, fmt.Errorf("write %s relationships: %w", k.t, err)
			}
			for _, r := range recs {
				if w, _, _ := neo4j.GetRecordValue[int64](r, "written"); w == 0 {
					from, _, _ := neo4j.GetRecordValue[string](r, "from")
					to, _, _ := neo4j.GetRecordValue[string](r, "to")
					return st, fmt.Errorf("%s from %s %q to %s %q: %w (an endpoint does not exist)", k.t, k.from, from, k.to, to, ErrNotFound)
				}
			}
			st.RelsCreated += len(recs)
		}
		return st, nil
	})
}

// runSummary sends one statement and returns its counters.
func (s *Store) runSummary(ctx context.Context, tx runner, cypher string, params map[string]any) (_ neo4j.Counters, err error) {
	if s.counter != nil {
		s.counter(ctx)
	}
	if s.trace != nil {
		var end func(error)
		ctx, end = s.trace(ctx, cypher)
		defer func() { end(err) }()
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, err
	}
	return sum.Counters(), nil
}

// Counts returns the number of nodes and of relationships in the
// database (from Neo4j's count store), the dataset's version node left out:
// it records writes, it is not data.
func (s *Store) Counts(ctx context.Context) (nodes, rels int, err error) {
	type pair struct{ n, r int }
	p, err := read(ctx, s, func(tx runner) (pair, error) {
		recs, err := s.run(ctx, tx, countsCypher, nil)
		if err != nil {
			return pair{}, err
		}
		n, _, _ := neo4j.GetRecordValue[int64](recs[0], "n")
		r, _, _ := neo4j.GetRecordValue[int64](recs[0], "r")
		return pair{int(n), int(r)}, nil
	})
	return p.n, p.r, err
}

// DeleteAll removes every node and relationship, in batches so a large
// graph does not need one huge transaction. Tests and `reset` use it.
func (s *Store) DeleteAll(ctx context.Context) error {
	// Relationships first, in their own small batches: detaching a hub node
	// with all its relationships at once can exceed the transaction memory limit.
	if err := s.DeleteRelationships(ctx); err != nil {
		return err
	}
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.database})
	defer session.Close(ctx)
	// CALL { } IN TRANSACTIONS must run in an implicit (auto-commit) transaction.
	res, err := session.Run(ctx, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
	if err != nil {
		return classify(err)
	}
	_, err = res.Consume(ctx)
	return classify(err)
}

// relShape is a relationship type with its endpoint labels: the writers
// send one UNWIND statement per shape, with the labels in the Cypher text.
type relShape struct {
	t        RelType
	from, to Label
}

func (k relShape) less(o relShape) bool {
	if k.t != o.t {
		return k.t < o.t
	}
	if k.from != o.from {
		return k.from < o.from
	}
	return k.to < o.to
}

// groupByLabel groups items by label, labels in a deterministic order
// (comparable runs, fewer deadlocks between concurrent writers).
func groupByLabel[T any](items []T, label func(T) Label) ([]Label, map[Label][]T) {
	groups := map[Label][]T{}
	for _, it := range items {
		groups[label(it)] = append(groups[label(it)], it)
	}
	keys := make([]Label, 0, len(groups))
	for l := range groups {
		keys = append(keys, l)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys, groups
}

// groupByShape groups relationships by shape, in a deterministic order.
func groupByShape[T any](items []T, shape func(T) relShape) ([]relShape, map[relShape][]T) {
	groups := map[relShape][]T{}
	for _, it := range items {
		groups[shape(it)] = append(groups[shape(it)], it)
	}
	keys := make([]relShape, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	return keys, groups
}

// checkWrite validates a batch against the model before any Cypher runs.
func checkWrite(g GraphWrite) error {
	for _, n := range g.Nodes {
		if !ValidLabel(n.Label) {
			return fmt.Errorf("node %s: label %q is not in the model", n.ID, n.Label)
		}
		if n.ID == "" {
			return fmt.Errorf("a %s node has no id", n.Label)
		}
	}
	for _, r := range g.Rels {
		if err := CheckEndpoints(r.Type, r.FromLabel, r.ToLabel); err != nil {
			return fmt.Errorf("relationship %s->%s: %w", r.From, r.To, err)
		}
	}
	return nil
}

// nodeRows turns nodes into UNWIND rows: their properties with the id.
func nodeRows(nodes []NodeWrite) []map[string]any {
	rows := make([]map[string]any, len(nodes))
	for i, n := range nodes {
		props := make(map[string]any, len(n.Props)+1)
		for k, v := range n.Props {
			props[k] = v
		}
		props["id"] = n.ID
		rows[i] = props
	}
	return rows
}

// relRows turns relationships into UNWIND rows.
func relRows(rels []RelWrite) []map[string]any {
	rows := make([]map[string]any, len(rels))
	for i, r := range rels {
		props := r.Props
		if props == nil {
			props = map[string]any{}
		}
		rows[i] = map[string]any{"from": r.From, "to": r.To, "props": props}
	}
	return rows
}

func nodeLabel(n NodeWrite) Label    { return n.Label }
func relShapeOf(r RelWrite) relShape { return relShape{r.Type, r.FromLabel, r.ToLabel} }
