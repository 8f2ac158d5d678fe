package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// CreateGraph writes a batch in one transaction with CREATE instead of
// MERGE: for bulk loads into an empty database of data known to hold each
// node and each (from, type, to) once, such as synthetic graphs. It skips
// MERGE's existence checks (costly on hub nodes), so it is several times
// faster than WriteGraph, but writing the same batch twice duplicates it
// (node ids are still unique: the constraints refuse a second node).
// Relationships need their endpoints to exist; a missing one fails the
// whole batch with ErrNotFound.
func (s *Store) CreateGraph(ctx context.Context, g GraphWrite) (WriteStats, error) {
	nodeGroups := map[Label][]map[string]any{}
	for _, n := range g.Nodes {
		if !ValidLabel(n.Label) {
			return WriteStats{}, fmt.Errorf("node %s: label %q is not in the model", n.ID, n.Label)
		}
		if n.ID == "" {
			return WriteStats{}, fmt.Errorf("a %s node has no id", n.Label)
		}
		props := make(map[string]any, len(n.Props)+1)
		for k, v := range n.Props {
			props[k] = v
		}
		props["id"] = n.ID
		nodeGroups[n.Label] = append(nodeGroups[n.Label], props)
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
			labelSet := string(l)
			if l.IsActor() {
				labelSet += ":" + string(LabelActor)
			}
			sum, err := s.runSummary(ctx, tx, "UNWIND $rows AS props CREATE (n:"+labelSet+") SET n = props", map[string]any{"rows": nodeGroups[l]})
			if err != nil {
				return st, fmt.Errorf("create %s nodes: %w", l, err)
			}
			st.NodesCreated += sum.NodesCreated()
			st.PropertiesSet += sum.PropertiesSet()
		}
		for _, k := range keys {
			rows := relGroups[k]
			cypher := "UNWIND $rows AS row MATCH (a:" + string(k.from) + " {id: row.from}) MATCH (b:" + string(k.to) + " {id: row.to}) " +
				"CREATE (a)-[r:" + string(k.t) + "]->(b) SET r = row.props"
			sum, err := s.runSummary(ctx, tx, cypher, map[string]any{"rows": rows})
			if err != nil {
				return st, fmt.Errorf("create %s relationships: %w", k.t, err)
			}
			if n := sum.RelationshipsCreated(); n != len(rows) {
				return st, fmt.Errorf("%s from %s to %s: %d of %d created: %w (an endpoint does not exist)", k.t, k.from, k.to, n, len(rows), ErrNotFound)
			}
			st.RelsCreated += len(rows)
			st.PropertiesSet += sum.PropertiesSet()
		}
		return st, nil
	})
}

// DeleteRelationships removes every relationship in batches of 20,000 (one
// transaction each). DeleteAll detaches hub nodes with all their
// relationships in one batch, which can exceed the transaction memory limit
// on a large graph; deleting the relationships first keeps each batch small.
func (s *Store) DeleteRelationships(ctx context.Context) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.database})
	defer session.Close(ctx)
	// CALL { } IN TRANSACTIONS must run in an implicit (auto-commit) transaction.
	res, err := session.Run(ctx, "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS", nil)
	if err != nil {
		return classify(err)
	}
	_, err = res.Consume(ctx)
	return classify(err)
}
