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
	nodeGroups := map[Label][]map[string]any{}
	for _, n := range g.Nodes {
		if !ValidLabel(n.Label) {
			return WriteStats{}, fmt.Errorf("node %s: label %q is not in the model", n.ID, n.Label)
		}
		if n.ID == "" {
			return WriteStats{}, fmt.Errorf("a %s node has no id", n.Label)
		}
		props := map[string]any{}
		for k, v := range n.Props {
			props[k] = v
		}
		props["id"] = n.ID
		nodeGroups[n.Label] = append(nodeGroups[n.Label], map[string]any{"id": n.ID, "props": props})
	}
	type relKey struct {
		t        RelType
		from, to Label
	}
	relGroups := map[relKey][]map[string]any{}
	for _, r := range g.Rels {
		if err := CheckEndpoints(r.Type, r.FromLabel, r.ToLabel); err != nil {
			return WriteStats{}, fmt.Errorf("relationship %s->%s: %w", r.From, r.To, err)
		}
		props := r.Props
		if props == nil {
			props = map[string]any{}
		}
		k := relKey{r.Type, r.FromLabel, r.ToLabel}
		relGroups[k] = append(relGroups[k], map[string]any{"from": r.From, "to": r.To, "props": props})
	}
	// Deterministic statement order makes runs comparable and deadlocks less likely.
	labels := make([]Label, 0, len(nodeGroups))
	for l := range nodeGroups {
		labels = append(labels, l)
	}
	sort.Slice(labels, func(i, j int) bool { return labels[i] < labels[j] })
	keys := make([]relKey, 0, len(relGroups))
	for k := range relGroups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.t != b.t {
			return a.t < b.t
		}
		if a.from != b.from {
			return a.from < b.from
		}
		return a.to < b.to
	})

	return write(ctx, s, func(tx neo4j.ManagedTransaction) (WriteStats, error) {
		var st WriteStats
		for _, l := range labels {
			extra := ""
			if l.IsActor() {
				extra = " SET n:Actor"
			}
			cypher := "UNWIND $rows AS row MERGE (n:" + string(l) + " {id: row.id}) SET n += row.props" + extra
			sum, err := s.runSummary(ctx, tx, cypher, map[string]any{"rows": nodeGroups[l]})
			if err != nil {
				return st, fmt.Errorf("write %s nodes: %w", l, err)
			}
			st.NodesCreated += sum.NodesCreated()
			st.PropertiesSet += sum.PropertiesSet()
		}
		for _, k := range keys {
			rows := relGroups[k]
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
func (s *Store) runSummary(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (neo4j.Counters, error) {
	if s.counter != nil {
		s.counter(ctx)
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

// Counts returns the number of nodes and of relationships in the database.
func (s *Store) Counts(ctx context.Context) (nodes, rels int, err error) {
	type pair struct{ n, r int }
	p, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (pair, error) {
		recs, err := s.run(ctx, tx, "CALL () { MATCH (n) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() RETURN count(r) AS r } RETURN n, r", nil)
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
