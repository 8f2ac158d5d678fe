package store

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// SyncNode is a node a bulk import wants in the graph: Props are the
// import's own values and replace stored ones; Init values are written only
// where the property is absent (e.g. name, sourceId and evidence, so the
// seed's wording and evidence are never overwritten).
type SyncNode struct {
	Label       Label
	ID          string
	Props, Init map[string]any // string values, or []string lists
}

// SyncRel is a relationship a bulk import wants, with the same Props/Init split.
type SyncRel struct {
	Type               RelType
	From, To           string
	FromLabel, ToLabel Label
	Props, Init        map[string]any
}

// SyncBatch is written by Sync in one transaction.
type SyncBatch struct {
	Nodes []SyncNode
	Rels  []SyncRel
}

// SyncStats counts what Sync did.
type SyncStats struct {
	NodesCreated, NodesUpdated, NodesUnchanged int
	RelsCreated, RelsUpdated, RelsUnchanged    int
	PropertiesSet                              int
}

// Add sums two counts.
func (s *SyncStats) Add(o SyncStats) {
	s.NodesCreated += o.NodesCreated
	s.NodesUpdated += o.NodesUpdated
	s.NodesUnchanged += o.NodesUnchanged
	s.RelsCreated += o.RelsCreated
	s.RelsUpdated += o.RelsUpdated
	s.RelsUnchanged += o.RelsUnchanged
	s.PropertiesSet += o.PropertiesSet
}

// Sync makes the graph hold a batch, in one transaction, writing only what
// differs: it reads the stored nodes and relationships of the batch,
// compares them with the wanted properties, and sets just the differences.
// A node or relationship it creates gets createdAt/createdBy; one it
// changes gets updatedAt/updatedBy; one already as wanted is not touched,
// so running the same batch twice sets no property the second time.
func (s *Store) Sync(ctx context.Context, b SyncBatch, a Audit) (SyncStats, error) {
	for _, n := range b.Nodes {
		if !ValidLabel(n.Label) || n.ID == "" {
			return SyncStats{}, fmt.Errorf("sync node %q: label %q is not in the model or the id is empty", n.ID, n.Label)
		}
	}
	for _, r := range b.Rels {
		if err := CheckEndpoints(r.Type, r.FromLabel, r.ToLabel); err != nil {
			return SyncStats{}, fmt.Errorf("sync relationship %s->%s: %w", r.From, r.To, err)
		}
	}
	labels, nodeGroups := groupByLabel(b.Nodes, func(n SyncNode) Label { return n.Label })
	keys, relGroups := groupByShape(b.Rels, func(r SyncRel) relShape { return relShape{r.Type, r.FromLabel, r.ToLabel} })
	at := a.at()

	return write(ctx, s, func(tx runner) (SyncStats, error) {
		var st SyncStats
		for _, l := range labels {
			group := nodeGroups[l]
			ids := make([]string, len(group))
			for i, n := range group {
				ids[i] = n.ID
			}
			recs, err := s.run(ctx, tx, "UNWIND $ids AS id MATCH (n:"+string(l)+" {id: id}) RETURN n.id AS id, properties(n) AS props",
				map[string]any{"ids": ids})
			if err != nil {
				return st, fmt.Errorf("read %s nodes: %w", l, err)
			}
			stored := make(map[string]map[string]any, len(recs))
			for _, r := range recs {
				id, _, _ := neo4j.GetRecordValue[string](r, "id")
				p, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
				stored[id] = p
			}
			var rows []map[string]any
			for _, n := range group {
				set, created := diff(stored[n.ID], stored[n.ID] != nil, n.Props, n.Init, a.By, at)
				switch {
				case created:
					st.NodesCreated++
				case len(set) > 0:
					st.NodesUpdated++
				default:
					st.NodesUnchanged++
					continue
				}
				rows = append(rows, map[string]any{"id": n.ID, "set": set})
			}
			if len(rows) == 0 {
				continue
			}
			extra := ""
			if l.IsActor() {
				extra = " SET n:Actor"
			}
			sum, err := s.runSummary(ctx, tx, "UNWIND $rows AS row MERGE (n:"+string(l)+" {id: row.id}) SET n += row.set"+extra,
				map[string]any{"rows": rows})
			if err != nil {
				return st, fmt.Errorf("write %s nodes: %w", l, err)
			}
			st.PropertiesSet += sum.PropertiesSet()
		}
		for _, k := range keys {
			group := relGroups[k]
			pairs := make([]map[string]any, len(group))
			for i, r := range group {
				pairs[i] = map[string]any{"from": r.From, "to": r.To}
			}
			match := "MATCH (a:" + string(k.from) + " {id: row.from})-[r:" + string(k.t) + "]->(b:" + string(k.to) + " {id: row.to}) "
			recs, err := s.run(ctx, tx, "UNWIND $rows AS row "+match+"RETURN row.from AS from, row.to AS to, properties(r) AS props",
				map[string]any{"rows": pairs})
			if err != nil {
				return st, fmt.Errorf("read %s relationships: %w", k.t, err)
			}
			type pair struct{ from, to string }
			stored := make(map[pair]map[string]any, len(recs))
			for _, r := range recs {
				f, _, _ := neo4j.GetRecordValue[string](r, "from")
				t, _, _ := neo4j.GetRecordValue[string](r, "to")
				p, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
				stored[pair{f, t}] = p
			}
			var rows []map[string]any
			for _, r := range group {
				old := stored[pair{r.From, r.To}]
				set, created := diff(old, old != nil, r.Props, r.Init, a.By, at)
				switch {
				case created:
					st.RelsCreated++
				case len(set) > 0:
					st.RelsUpdated++
				default:
					st.RelsUnchanged++
					continue
				}
				rows = append(rows, map[string]any{"from": r.From, "to": r.To, "set": set})
			}
			if len(rows) == 0 {
				continue
			}
			cypher := "UNWIND $rows AS row MATCH (a:" + string(k.from) + " {id: row.from}) MATCH (b:" + string(k.to) + " {id: row.to}) " +
				"MERGE (a)-[r:" + string(k.t) + "]->(b) SET r += row.set RETURN count(r) AS written"
			if s.counter != nil {
				s.counter(ctx)
			}
			res, err := tx.Run(ctx, cypher, map[string]any{"rows": rows})
			if err != nil {
				return st, fmt.Errorf("write %s relationships: %w", k.t, err)
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return st, fmt.Errorf("write %s relationships: %w", k.t, err)
			}
			if n, _, _ := neo4j.GetRecordValue[int64](rec, "written"); int(n) != len(rows) {
				return st, fmt.Errorf("%s: %d of %d relationships have a missing endpoint: %w", k.t, len(rows)-int(n), len(rows), ErrNotFound)
			}
			sum, err := res.Consume(ctx)
			if err != nil {
				return st, err
			}
			st.PropertiesSet += sum.Counters().PropertiesSet()
		}
		return st, nil
	})
}

// sameValue compares a stored property with a wanted one. Lists come back
// from the driver as []any and are wanted as []string (an agreement's
// aliases): equal when they hold the same strings in the same order.
func sameValue(stored, want any) bool {
	if w, ok := want.([]string); ok {
		got, ok := stored.([]any)
		if !ok || len(got) != len(w) {
			return false
		}
		for i := range w {
			if s, _ := got[i].(string); s != w[i] {
				return false
			}
		}
		return true
	}
	if _, ok := stored.([]any); ok {
		return false // a list stored where a scalar is wanted
	}
	return stored == want
}

// diff returns the properties to set so that a stored entity (old, which
// exists when found) holds props, and init where it has nothing; with the
// audit stamps. An empty map means nothing to do.
func diff(old map[string]any, found bool, props, init map[string]any, by, at string) (map[string]any, bool) {
	set := map[string]any{}
	for k, v := range props {
		// A nil value means "absent": removed when stored, skipped otherwise.
		if (found && !sameValue(old[k], v)) || (!found && v != nil) {
			set[k] = v
		}
	}
	for k, v := range init {
		if _, has := old[k]; !has {
			set[k] = v
		}
	}
	if !found {
		set["createdAt"], set["createdBy"] = at, by
	}
	if len(set) > 0 {
		set["updatedAt"], set["updatedBy"] = at, by
	}
	return set, !found
}

// OmitEmpty drops the empty strings of a property map (a property the
// data leaves blank is not written). It changes m and returns it.
func OmitEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// EmptyToNil turns the empty strings of a property map into nil, so Sync
// removes an optional property the data no longer has. It changes m and
// returns it.
func EmptyToNil(m map[string]any) map[string]any {
	for k, v := range m {
		if v == "" {
			m[k] = nil
		}
	}
	return m
}
