package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A dataset import (seed/coalition) owns sets of relationships: all the
// relationships of one type and shape whose sourceId names its Source node.
// SyncOwnedRels makes such a set equal to what the dataset wants, writing
// only the differences, so running an unchanged dataset again changes
// nothing and a changed one is brought up to date (removed rows are
// deleted). The Source node's contentHash tells a later run that a dataset
// was written completely from files with that content.

// OwnedRelSet names a set of relationships a dataset owns.
type OwnedRelSet struct {
	Type               RelType
	FromLabel, ToLabel Label
	SourceID           string // the owner: relationships with this sourceId
	// KeyProp names the property that tells several relationships between
	// the same two nodes apart (MEMBER_OF spans by "since"); "" means at
	// most one per pair.
	KeyProp string
	// Exclusive says that every relationship of the type comes from this
	// source (VOTED), so DatasetState counts it from Neo4j's count store
	// instead of reading each relationship's sourceId.
	Exclusive bool
}

// OwnedRel is one wanted relationship; Props hold every property it should
// have (sourceId included). A nil value is not written.
type OwnedRel struct {
	From, To string
	Props    map[string]any
}

// OwnedStats counts what SyncOwnedRels did.
type OwnedStats struct {
	Created, Updated, Deleted, Unchanged int
	PropertiesSet                        int
}

// Add sums two counts.
func (s *OwnedStats) Add(o OwnedStats) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Deleted += o.Deleted
	s.Unchanged += o.Unchanged
	s.PropertiesSet += o.PropertiesSet
}

// Changed is the number of relationships created, updated or deleted.
func (s OwnedStats) Changed() int { return s.Created + s.Updated + s.Deleted }

type ownedKey struct {
	from, to string
	key      any
}

// SyncOwnedRels makes the set hold exactly want. It reads the stored set
// once, then writes creations, updates and deletions in transactions of at
// most batch relationships each, calling step after each commit with the
// number of relationships written so far. Both endpoints of every wanted
// relationship must exist; a missing one fails with ErrNotFound before
// anything is written. An interrupted run leaves whole batches behind and
// is completed by running it again.
func (s *Store) SyncOwnedRels(ctx context.Context, set OwnedRelSet, want []OwnedRel, batch int, step func(done, total int)) (OwnedStats, error) {
	var st OwnedStats
	if err := CheckEndpoints(set.Type, set.FromLabel, set.ToLabel); err != nil {
		return st, err
	}
	if batch <= 0 {
		batch = 10000
	}
	keyOf := func(from, to string, props map[string]any) ownedKey {
		k := ownedKey{from: from, to: to}
		if set.KeyProp != "" {
			k.key = props[set.KeyProp]
		}
		return k
	}
	type stored struct {
		eid   string
		props map[string]any
	}
	// Read the stored set a slice of end nodes at a time, each slice its
	// own short read (870,000 votes would outlast a transaction timeout).
	have := map[ownedKey]stored{}
	const endNodes = 200
	q := "MATCH (b:" + string(set.ToLabel) + ") WITH b ORDER BY b.id SKIP $skip LIMIT $limit " +
		"MATCH (a:" + string(set.FromLabel) + ")-[r:" + string(set.Type) + "]->(b) " +
		"WHERE r.sourceId = $src RETURN a.id AS a, b.id AS b, elementId(r) AS eid, properties(r) AS p"
	ends, err := s.countNodes(ctx, set.ToLabel)
	if err != nil {
		return st, fmt.Errorf("read %s (%s): %w", set.Type, set.SourceID, err)
	}
	for skip := 0; skip < ends; skip += endNodes {
		type page struct {
			rows []stored
			keys []ownedKey
		}
		pg, err := read(ctx, s, func(tx runner) (page, error) {
			var out page
			err := s.each(ctx, tx, q, map[string]any{"src": set.SourceID, "skip": skip, "limit": endNodes}, func(r *neo4j.Record) error {
				v := r.Values
				a, _ := v[0].(string)
				b, _ := v[1].(string)
				eid, _ := v[2].(string)
				p, _ := v[3].(map[string]any)
				out.rows = append(out.rows, stored{eid, p})
				out.keys = append(out.keys, keyOf(a, b, p))
				return nil
			})
			return out, err
		})
		if err != nil {
			return st, fmt.Errorf("read %s (%s): %w", set.Type, set.SourceID, err)
		}
		for i, k := range pg.keys {
			have[k] = pg.rows[i]
		}
	}

	var creates, updates, deletes []map[string]any
	seen := make(map[ownedKey]bool, len(want))
	for _, w := range want {
		k := keyOf(w.From, w.To, w.Props)
		if seen[k] {
			return st, fmt.Errorf("%s %s->%s (%v): wanted twice", set.Type, w.From, w.To, k.key)
		}
		seen[k] = true
		props := map[string]any{}
		for p, v := range w.Props {
			if v != nil {
				props[p] = v
			}
		}
		old, ok := have[k]
		if !ok {
			creates = append(creates, map[string]any{"from": w.From, "to": w.To, "props": props})
			continue
		}
		setProps := map[string]any{}
		for p, v := range props {
			if old.props[p] != v {
				setProps[p] = v
			}
		}
		for p := range old.props {
			if _, keep := props[p]; !keep {
				setProps[p] = nil
			}
		}
		if len(setProps) == 0 {
			st.Unchanged++
			continue
		}
		updates = append(updates, map[string]any{"r": old.eid, "set": setProps})
	}
	for k, old := range have {
		if !seen[k] {
			deletes = append(deletes, map[string]any{"r": old.eid})
		}
	}
	if len(creates) > 0 {
		if err := s.resolveEndpoints(ctx, set, creates); err != nil {
			return st, err
		}
	}
	sort.SliceStable(creates, func(i, j int) bool { return creates[i]["b"].(string) < creates[j]["b"].(string) })

	total := len(creates) + len(updates) + len(deletes)
	done := 0
	for _, part := range []struct {
		rows   []map[string]any
		cypher string
		count  *int
	}{
		{deletes, "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.r DELETE r", &st.Deleted},
		{updates, "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.r SET r += row.set", &st.Updated},
	} {
		for i := 0; i < len(part.rows); i += batch {
			rows := part.rows[i:min(i+batch, len(part.rows))]
			c, err := write(ctx, s, func(tx runner) (neo4j.Counters, error) {
				return s.runSummary(ctx, tx, part.cypher, map[string]any{"rows": rows})
			})
			if err != nil {
				return st, fmt.Errorf("write %s (%s): %w", set.Type, set.SourceID, err)
			}
			*part.count += len(rows)
			st.PropertiesSet += c.PropertiesSet()
			done += len(rows)
			if step != nil {
				step(done, total)
			}
		}
	}
	for i := 0; i < len(creates); i += batch {
		rows := creates[i:min(i+batch, len(creates))]
		cypher, params := createOwned(set.Type, rows)
		c, err := write(ctx, s, func(tx runner) (neo4j.Counters, error) {
			return s.runSummary(ctx, tx, cypher, params)
		})
		if err == nil && c.RelationshipsCreated() != len(rows) {
			err = fmt.Errorf("%d of %d created: %w (an endpoint is gone)", c.RelationshipsCreated(), len(rows), ErrNotFound)
		}
		if err != nil {
			return st, fmt.Errorf("write %s (%s): %w", set.Type, set.SourceID, err)
		}
		st.Created += len(rows)
		st.PropertiesSet += c.PropertiesSet()
		done += len(rows)
		if step != nil {
			step(done, total)
		}
	}
	return st, nil
}

// countNodes is the number of nodes of label l (from the count store).
func (s *Store) countNodes(ctx context.Context, l Label) (int, error) {
	return read(ctx, s, func(tx runner) (int, error) {
		recs, err := s.run(ctx, tx, "MATCH (b:"+string(l)+") RETURN count(b) AS n", nil)
		if err != nil {
			return 0, err
		}
		n, _ := recs[0].Values[0].(int64)
		return int(n), nil
	})
}

// resolveEndpoints sets "a" and "b" of each row to the element ids of its
// "from" and "to" nodes, so the writes find them by a direct record read.
func (s *Store) resolveEndpoints(ctx context.Context, set OwnedRelSet, rows []map[string]any) error {
	for _, end := range []struct {
		field, into string
		label       Label
	}{{"from", "a", set.FromLabel}, {"to", "b", set.ToLabel}} {
		idset := map[string]bool{}
		for _, r := range rows {
			idset[r[end.field].(string)] = true
		}
		ids := make([]string, 0, len(idset))
		for id := range idset {
			ids = append(ids, id)
		}
		eids, err := s.ElementIDs(ctx, end.label, ids)
		if err != nil {
			return err
		}
		for _, r := range rows {
			id := r[end.field].(string)
			eid, ok := eids[id]
			if !ok {
				return fmt.Errorf("%s %s->%s: no %s node %s: %w", set.Type, r["from"], r["to"], end.label, id, ErrNotFound)
			}
			r[end.into] = eid
		}
	}
	return nil
}

// ElementIDs returns the element id of each node of label l among ids that
// exists.
func (s *Store) ElementIDs(ctx context.Context, l Label, ids []string) (map[string]string, error) {
	if !ValidLabel(l) {
		return nil, fmt.Errorf("label %q is not in the model", l)
	}
	return read(ctx, s, func(tx runner) (map[string]string, error) {
		out := make(map[string]string, len(ids))
		err := s.each(ctx, tx, "UNWIND $ids AS id MATCH (n:"+string(l)+" {id: id}) RETURN n.id AS id, elementId(n) AS eid",
			map[string]any{"ids": ids}, func(r *neo4j.Record) error {
				id, _ := r.Values[0].(string)
				eid, _ := r.Values[1].(string)
				out[id] = eid
				return nil
			})
		return out, err
	})
}

// DatasetState is what the graph holds of a dataset: the content hash and
// the sizes of its relationship sets that its Source node recorded when it
// was last written completely (empty when never), and how many
// relationships of each owned set carry its sourceId now.
func (s *Store) DatasetState(ctx context.Context, sourceID string, sets []OwnedRelSet) (hash string, recorded, counts []int, err error) {
	type state struct {
		hash             string
		recorded, counts []int
	}
	for _, set := range sets {
		if err := CheckEndpoints(set.Type, set.FromLabel, set.ToLabel); err != nil {
			return "", nil, nil, err
		}
	}
	v, err := read(ctx, s, func(tx runner) (state, error) {
		var out state
		recs, err := s.run(ctx, tx, "OPTIONAL MATCH (s:Source {id: $id}) RETURN s.contentHash AS h, s.relationshipCounts AS c",
			map[string]any{"id": sourceID})
		if err != nil {
			return out, err
		}
		if len(recs) == 1 {
			out.hash, _ = recs[0].Values[0].(string)
			c, _ := recs[0].Values[1].([]any)
			for _, n := range c {
				i, _ := n.(int64)
				out.recorded = append(out.recorded, int(i))
			}
		}
		for _, set := range sets {
			q := "MATCH (:" + string(set.FromLabel) + ")-[r:" + string(set.Type) + "]->(:" + string(set.ToLabel) + ") " +
				"WHERE r.sourceId = $src RETURN count(r) AS n"
			if set.Exclusive {
				q = "MATCH ()-[r:" + string(set.Type) + "]->() RETURN count(r) AS n"
			}
			recs, err := s.run(ctx, tx, q, map[string]any{"src": set.SourceID})
			if err != nil {
				return out, err
			}
			n, _ := recs[0].Values[0].(int64)
			out.counts = append(out.counts, int(n))
		}
		return out, nil
	})
	return v.hash, v.recorded, v.counts, err
}

// SetContentHash records on a Source node that its dataset was written
// completely from files with this content hash, giving the sizes of its
// relationship sets (in DatasetState's order).
func (s *Store) SetContentHash(ctx context.Context, sourceID, hash string, counts []int) error {
	var c any // null when the dataset owns no relationships: Neo4j would type an empty list as strings
	if len(counts) > 0 {
		list := make([]int64, len(counts))
		for i, n := range counts {
			list[i] = int64(n)
		}
		c = list
	}
	_, err := write(ctx, s, func(tx runner) (struct{}, error) {
		recs, err := s.run(ctx, tx, "MATCH (s:Source {id: $id}) SET s.contentHash = $h, s.relationshipCounts = $c RETURN s.id AS id",
			map[string]any{"id": sourceID, "h": hash, "c": c})
		if err == nil && len(recs) != 1 {
			err = fmt.Errorf("source %s: %w", sourceID, ErrNotFound)
		}
		return struct{}{}, err
	})
	return err
}

// createOwned builds the statement creating rows (sorted by their "b"
// endpoint): the "from" nodes are sought once per transaction ($as, each
// element id once) and the rows grouped by their "to" node, each holding
// the position of its "from" node and the properties not shared by every
// row; the shared ones come once as $common. For 870,000 votes between
// 200 countries and 6,000 roll calls this sends a tenth of the bytes of
// one map per relationship and seeks each node once per transaction.
func createOwned(t RelType, rows []map[string]any) (string, map[string]any) {
	common := map[string]any{}
	for k, v := range rows[0]["props"].(map[string]any) {
		common[k] = v
	}
	for _, r := range rows[1:] {
		p := r["props"].(map[string]any)
		for k, v := range common {
			if pv, ok := p[k]; !ok || pv != v {
				delete(common, k)
			}
		}
	}
	pos := map[string]int{}
	var as []string
	var groups []map[string]any
	var cur map[string]any
	for _, r := range rows {
		a := r["a"].(string)
		i, ok := pos[a]
		if !ok {
			i = len(as)
			pos[a] = i
			as = append(as, a)
		}
		rest := map[string]any{}
		for k, v := range r["props"].(map[string]any) {
			if _, shared := common[k]; !shared {
				rest[k] = v
			}
		}
		if cur == nil || cur["b"] != r["b"] {
			cur = map[string]any{"b": r["b"], "r": []any{}}
			groups = append(groups, cur)
		}
		cur["r"] = append(cur["r"].([]any), map[string]any{"a": int64(i), "p": rest})
	}
	var restRows []map[string]any
	for _, g := range groups {
		for _, x := range g["r"].([]any) {
			restRows = append(restRows, x.(map[string]any))
		}
	}
	var parts []string
	if lit, ok := propsLiteral(restRows, "p"); ok && lit != "{}" {
		parts = append(parts, strings.TrimSuffix(strings.TrimPrefix(lit, "{"), "}"))
	}
	keys := make([]string, 0, len(common))
	for k := range common {
		if !plainKey.MatchString(k) {
			return createOwnedPlain(t, rows)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": $common."+k)
	}
	if _, ok := propsLiteral(restRows, "p"); !ok {
		return createOwnedPlain(t, rows)
	}
	cypher := "UNWIND $as AS aid MATCH (a) WHERE elementId(a) = aid WITH collect(a) AS as " +
		"WHERE size(as) = size($as) " +
		"UNWIND $groups AS g MATCH (b) WHERE elementId(b) = g.b " +
		"UNWIND g.r AS row WITH as[row.a] AS a, b, row " +
		"CREATE (a)-[r:" + string(t) + " {" + strings.Join(parts, ", ") + "}]->(b)"
	return cypher, map[string]any{"as": as, "groups": groups, "common": common}
}

// createOwnedPlain is createOwned for property keys that cannot stand in a
// map literal.
func createOwnedPlain(t RelType, rows []map[string]any) (string, map[string]any) {
	return "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b " +
		"CREATE (a)-[r:" + string(t) + "]->(b) SET r = row.props", map[string]any{"rows": rows}
}
