package store

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// CreateGraph writes a batch in one transaction with CREATE instead of
// MERGE: for bulk loads into an empty database of data known to hold each
// node and each (from, type, to) once, such as synthetic graphs. It skips
// MERGE's existence checks (costly on hub nodes), so it is several times
// faster than WriteGraph, but writing the same batch twice duplicates it
// (node ids are still unique: the constraints refuse a second node).
// Relationships need their endpoints to exist; a missing one fails the
// whole batch with ErrNotFound. For many batches, a Bulk loader is faster
// still (it finds endpoints by element id).
func (s *Store) CreateGraph(ctx context.Context, g GraphWrite) (WriteStats, error) {
	return s.NewBulk().Write(ctx, g)
}

// Bulk loads many batches into an empty database with CREATE (see
// CreateGraph). It remembers the element id of every node it created, so a
// relationship whose endpoints it created is matched by element id (a
// direct record read) instead of a seek in the label's id index: at a
// million relationships that halves Neo4j's work per relationship.
// Relationships to nodes it did not create are matched by label and id.
// Write may be called from several goroutines; a batch's relationships must
// be written after the batches holding their endpoints have returned.
type Bulk struct {
	s    *Store
	mu   sync.RWMutex
	eids map[string]bulkNode // node id -> element id and label
}

type bulkNode struct {
	eid   string
	label Label
}

// NewBulk returns a bulk loader writing through the store.
func (s *Store) NewBulk() *Bulk { return &Bulk{s: s, eids: map[string]bulkNode{}} }

// plainKey is a property key that may stand unquoted in a Cypher map literal.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// propsLiteral returns the map literal {k: row.<field>.k, …} over the keys
// of rows (sorted), or ok=false when a key cannot be written plainly. CREATE
// with a literal avoids the Eager operator `SET x = row.props` brings (the
// planner cannot tell which keys the map sets).
func propsLiteral(rows []map[string]any, field string) (string, bool) {
	keys := map[string]bool{}
	for _, r := range rows {
		m, _ := r[field].(map[string]any)
		for k := range m {
			if !plainKey.MatchString(k) {
				return "", false
			}
			keys[k] = true
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + ": row." + field + "." + k
	}
	return "{" + strings.Join(parts, ", ") + "}", true
}

// Write creates the batch's nodes and relationships in one transaction.
func (b *Bulk) Write(ctx context.Context, g GraphWrite) (WriteStats, error) {
	s := b.s
	if err := checkWrite(g); err != nil {
		return WriteStats{}, err
	}
	labels, nodeGroups := groupByLabel(g.Nodes, nodeLabel)
	keys, relGroups := groupByShape(g.Rels, relShapeOf)
	type stmt struct {
		what, cypher string
		rows         []map[string]any
		want         int   // relationships the statement must create
		label        Label // the nodes' label ("" for relationships)
	}
	var stmts []stmt
	for _, l := range labels {
		labelSet := string(l)
		if l.IsActor() {
			labelSet += ":" + string(LabelActor)
		}
		rows := make([]map[string]any, len(nodeGroups[l]))
		for i, r := range nodeRows(nodeGroups[l]) {
			rows[i] = map[string]any{"props": r}
		}
		cypher := "UNWIND $rows AS row CREATE (n:" + labelSet + ") SET n = row.props RETURN row.props.id AS id, elementId(n) AS eid"
		if lit, ok := propsLiteral(rows, "props"); ok {
			cypher = "UNWIND $rows AS row CREATE (n:" + labelSet + " " + lit + ") RETURN row.props.id AS id, elementId(n) AS eid"
		}
		stmts = append(stmts, stmt{what: "create " + string(l) + " nodes", cypher: cypher, rows: rows, label: l})
	}
	b.mu.RLock()
	for _, k := range keys {
		var byEid, byID []map[string]any
		for _, r := range relGroups[k] {
			props := r.Props
			if props == nil {
				props = map[string]any{}
			}
			a, okA := b.eids[r.From]
			z, okZ := b.eids[r.To]
			if okA && okZ && a.label == r.FromLabel && z.label == r.ToLabel {
				byEid = append(byEid, map[string]any{"a": a.eid, "b": z.eid, "props": props})
			} else {
				byID = append(byID, map[string]any{"from": r.From, "to": r.To, "props": props})
			}
		}
		for _, part := range []struct {
			rows  []map[string]any
			match string
		}{
			{byEid, "MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "},
			{byID, "MATCH (a:" + string(k.from) + " {id: row.from}) MATCH (b:" + string(k.to) + " {id: row.to}) "},
		} {
			if len(part.rows) == 0 {
				continue
			}
			create := "CREATE (a)-[r:" + string(k.t) + "]->(b) SET r = row.props"
			if lit, ok := propsLiteral(part.rows, "props"); ok {
				create = "CREATE (a)-[r:" + string(k.t) + " " + lit + "]->(b)"
			}
			stmts = append(stmts, stmt{what: fmt.Sprintf("%s from %s to %s", k.t, k.from, k.to),
				cypher: "UNWIND $rows AS row " + part.match + create, rows: part.rows, want: len(part.rows)})
		}
	}
	b.mu.RUnlock()

	type result struct {
		stats WriteStats
		eids  map[string]bulkNode
	}
	res, err := write(ctx, s, func(tx runner) (result, error) {
		out := result{eids: map[string]bulkNode{}}
		for _, st := range stmts {
			if s.counter != nil {
				s.counter(ctx)
			}
			r, err := tx.Run(ctx, st.cypher, map[string]any{"rows": st.rows})
			if err != nil {
				return out, fmt.Errorf("%s: %w", st.what, err)
			}
			if st.label != "" { // nodes: read back their element ids
				for r.Next(ctx) {
					rec := r.Record()
					id, _, _ := neo4j.GetRecordValue[string](rec, "id")
					eid, _, _ := neo4j.GetRecordValue[string](rec, "eid")
					out.eids[id] = bulkNode{eid, st.label}
				}
			}
			sum, err := r.Consume(ctx)
			if err != nil {
				return out, fmt.Errorf("%s: %w", st.what, err)
			}
			c := sum.Counters()
			out.stats.NodesCreated += c.NodesCreated()
			out.stats.PropertiesSet += c.PropertiesSet()
			if st.want > 0 {
				if n := c.RelationshipsCreated(); n != st.want {
					return out, fmt.Errorf("%s: %d of %d created: %w (an endpoint does not exist)", st.what, n, st.want, ErrNotFound)
				}
				out.stats.RelsCreated += st.want
			}
		}
		return out, nil
	})
	if err != nil {
		return res.stats, err
	}
	if len(res.eids) > 0 {
		b.mu.Lock()
		for id, n := range res.eids {
			b.eids[id] = n
		}
		b.mu.Unlock()
	}
	return res.stats, nil
}

// DeleteRelationships removes every relationship, 20,000 per transaction,
// each its own short write: a million relationships (the UN votes) would
// outlast the server's transaction timeout as one statement, even one
// that commits in batches (CALL { } IN TRANSACTIONS runs under one outer
// transaction and its timeout).
func (s *Store) DeleteRelationships(ctx context.Context) error {
	for {
		n, err := write(ctx, s, func(tx runner) (int64, error) {
			recs, err := s.run(ctx, tx, "MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(r) AS n", nil)
			if err != nil {
				return 0, err
			}
			n, _ := recs[0].Values[0].(int64)
			return n, nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}
