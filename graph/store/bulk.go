package store

import (
	"context"
	"fmt"

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
	if err := checkWrite(g); err != nil {
		return WriteStats{}, err
	}
	labels, nodeGroups := groupByLabel(g.Nodes, nodeLabel)
	keys, relGroups := groupByShape(g.Rels, relShapeOf)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (WriteStats, error) {
		var st WriteStats
		for _, l := range labels {
			labelSet := string(l)
			if l.IsActor() {
				labelSet += ":" + string(LabelActor)
			}
			sum, err := s.runSummary(ctx, tx, "UNWIND $rows AS props CREATE (n:"+labelSet+") SET n = props", map[string]any{"rows": nodeRows(nodeGroups[l])})
			if err != nil {
				return st, fmt.Errorf("create %s nodes: %w", l, err)
			}
			st.NodesCreated += sum.NodesCreated()
			st.PropertiesSet += sum.PropertiesSet()
		}
		for _, k := range keys {
			rows := relRows(relGroups[k])
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
