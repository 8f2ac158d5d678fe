package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// MaxChanges is the most changes one batch may hold, nested relationships
// counted: a batch is one transaction, and Neo4j holds all of it in memory
// until it commits.
const MaxChanges = 5000

// Change is one item of a batch: exactly one of Upsert, Link, Unlink.
type Change struct {
	Upsert *Upsert
	Link   *LinkWrite
	Unlink *UnlinkWrite
}

// UnlinkWrite removes (From)-[Type]->(To).
type UnlinkWrite struct {
	Type               RelType
	From, To           string
	FromLabel, ToLabel Label
}

// ChangeSummary counts what a batch did.
type ChangeSummary struct {
	ID                   string
	NodesCreated         int
	NodesUpdated         int
	RelationshipsCreated int
	RelationshipsUpdated int
	RelationshipsRemoved int
}

// linkRow is a relationship to merge, with the change it comes from.
type linkRow struct {
	index int
	arg   string // "link" or "<upsert field>.memberOf.0"
	w     LinkWrite
}

// ApplyChanges applies changes in one transaction: all of them or none.
// Node upserts run first (Source nodes before the others, so evidence may
// cite a Source the same batch creates), then the check that every cited
// Source exists, then the relationships (nested ones and links), then the
// unlinks. A failure names the change by its index (*ChangeError,
// *ConflictError). A node upserted twice, or a relationship both linked
// and unlinked, is refused before any Cypher runs: the result would depend
// on an order the batch does not keep.
func (s *Store) ApplyChanges(ctx context.Context, changes []Change, a Audit, changeSet string) (ChangeSummary, error) {
	if len(changes) > MaxChanges {
		return ChangeSummary{}, fmt.Errorf("%d changes: %w", len(changes), ErrTooManyChanges)
	}
	plan, err := planChanges(changes)
	if err != nil {
		return ChangeSummary{}, err
	}
	return write(ctx, s, func(tx runner) (ChangeSummary, error) {
		sum := ChangeSummary{ID: changeSet}
		base := map[string]any{"at": a.at(), "by": a.By, "cs": changeSet}
		with := func(k string, v any) map[string]any {
			p := map[string]any{k: v}
			for k, v := range base {
				p[k] = v
			}
			return p
		}
		for _, l := range plan.labels {
			ups := plan.upserts[l]
			rows := make([]map[string]any, len(ups))
			lock := false
			for i, u := range ups {
				rows[i] = map[string]any{"index": plan.index[u.ID], "id": u.ID, "props": upsertProps(*u)}
				lock = lock || u.ExpectedUpdatedAt != nil
			}
			recs, _, err := s.runCounted(ctx, tx, batchNodeStatement(l, lock), with("rows", rows))
			if err != nil {
				return sum, fmt.Errorf("write %s nodes: %w", l, err)
			}
			byID := make(map[string]*Upsert, len(ups))
			for _, u := range ups {
				byID[u.ID] = u
			}
			for _, r := range recs {
				id, _, _ := neo4j.GetRecordValue[string](r, "id")
				created, _, _ := neo4j.GetRecordValue[bool](r, "created")
				prev, _ := r.Get("prev")
				u, ok := byID[id]
				if !ok {
					return sum, fmt.Errorf("write %s nodes: Neo4j answered for %q, not in the batch", l, id)
				}
				if err := checkWritten(plan.index[id], *u, created, prev); err != nil {
					return sum, err
				}
				if created {
					sum.NodesCreated++
				} else {
					sum.NodesUpdated++
				}
			}
		}
		if len(plan.sources) > 0 {
			ids := make([]string, len(plan.sources))
			for i, c := range plan.sources {
				ids[i] = c.id
			}
			recs, err := s.run(ctx, tx, "UNWIND $ids AS sid OPTIONAL MATCH (s:Source {id: sid}) "+
				"RETURN collect(CASE WHEN s IS NULL THEN sid END) AS missing", map[string]any{"ids": ids})
			if err != nil {
				return sum, fmt.Errorf("check sources: %w", err)
			}
			if missing, _, _ := neo4j.GetRecordValue[[]any](recs[0], "missing"); len(missing) > 0 {
				for _, c := range plan.sources {
					if slices.Contains(missing, any(c.id)) {
						return sum, &ChangeError{Index: c.index, Argument: c.arg, Err: fmt.Errorf("source %s: %w", c.id, ErrNoSource)}
					}
				}
			}
		}
		for _, k := range plan.shapes {
			ls := plan.links[k]
			rows := make([]map[string]any, len(ls))
			for i, l := range ls {
				rows[i] = map[string]any{"index": l.index, "arg": l.arg, "from": l.w.From, "to": l.w.To,
					"props": linkPropsWithEvidence(l.w.Props, l.w.Evidence)}
			}
			recs, counters, err := s.runCounted(ctx, tx, batchLinkStatement(k), with("rows", rows))
			if err != nil {
				return sum, fmt.Errorf("write %s relationships: %w", k.t, err)
			}
			if len(recs) > 0 {
				idx, _, _ := neo4j.GetRecordValue[int64](recs[0], "index")
				arg, _, _ := neo4j.GetRecordValue[string](recs[0], "arg")
				noFrom, _, _ := neo4j.GetRecordValue[bool](recs[0], "noFrom")
				end, id := "to", ls[0].w.To
				for _, l := range ls {
					if l.index == int(idx) && l.arg == arg {
						id = l.w.To
						if noFrom {
							end, id = "from", l.w.From
						}
						break
					}
				}
				if arg != "" {
					end = arg + "." + end
				}
				return sum, &ChangeError{Index: int(idx), Argument: end, Err: &EndpointError{End: strings.TrimPrefix(end, arg+"."), ID: id}}
			}
			sum.RelationshipsCreated += counters.RelationshipsCreated()
			sum.RelationshipsUpdated += len(ls) - counters.RelationshipsCreated()
		}
		for _, k := range plan.unlinkShapes {
			us := plan.unlinks[k]
			rows := make([]map[string]any, len(us))
			for i, u := range us {
				rows[i] = map[string]any{"from": u.From, "to": u.To}
			}
			cypher := "UNWIND $rows AS row MATCH (:" + string(k.from) + " {id: row.from})-[r:" + string(k.t) + "]->(:" +
				string(k.to) + " {id: row.to}) DELETE r"
			_, counters, err := s.runCounted(ctx, tx, cypher, map[string]any{"rows": rows})
			if err != nil {
				return sum, fmt.Errorf("remove %s relationships: %w", k.t, err)
			}
			sum.RelationshipsRemoved += counters.RelationshipsDeleted()
		}
		return sum, nil
	})
}

// ErrTooManyChanges refuses a batch over MaxChanges.
var ErrTooManyChanges = fmt.Errorf("a batch holds at most %d changes (nested relationships counted); split it", MaxChanges)

// changePlan is a batch grouped into the statements that write it.
type changePlan struct {
	labels       []Label
	upserts      map[Label][]*Upsert
	index        map[string]int // node id -> its change
	sources      []citation     // every cited Source, with its first citation
	shapes       []relShape
	links        map[relShape][]linkRow
	unlinkShapes []relShape
	unlinks      map[relShape][]UnlinkWrite
}

type citation struct {
	id    string
	index int
	arg   string
}

type relKey struct {
	t        RelType
	from, to string
}

// planChanges checks a batch against the model and groups it, before any
// Cypher runs. Sizes count nested relationships.
func planChanges(changes []Change) (changePlan, error) {
	p := changePlan{upserts: map[Label][]*Upsert{}, index: map[string]int{},
		links: map[relShape][]linkRow{}, unlinks: map[relShape][]UnlinkWrite{}}
	size := 0
	cited := map[string]bool{}
	cite := func(id string, index int, arg string) {
		if !cited[id] {
			cited[id] = true
			p.sources = append(p.sources, citation{id, index, arg})
		}
	}
	linked := map[relKey]int{}
	var rows []linkRow
	var unlinks []UnlinkWrite
	unlinkIndex := map[relKey]int{}
	for i, c := range changes {
		n := 0
		for _, set := range []bool{c.Upsert != nil, c.Link != nil, c.Unlink != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return p, &ChangeError{Index: i, Argument: "", Err: fmt.Errorf("a change sets exactly one of its fields (%d set)", n)}
		}
		switch {
		case c.Upsert != nil:
			u := c.Upsert
			if err := checkUpsert(*u); err != nil {
				return p, &ChangeError{Index: i, Err: err}
			}
			if first, dup := p.index[u.ID]; dup {
				return p, &ChangeError{Index: i, Argument: "id", Err: fmt.Errorf("%s is already upserted by change %d: merge the two", u.ID, first)}
			}
			p.index[u.ID] = i
			p.upserts[u.Label] = append(p.upserts[u.Label], u)
			if u.Evidence != nil {
				cite(u.Evidence.SourceID, i, "evidence.sourceId")
			}
			for _, l := range u.Links {
				w := LinkWrite{Type: l.Type, From: u.ID, To: l.To, FromLabel: u.Label, ToLabel: l.ToLabel, Props: l.Props, Evidence: l.Evidence}
				rows = append(rows, linkRow{index: i, arg: l.Arg, w: w})
				linked[relKey{l.Type, u.ID, l.To}] = i
				cite(l.Evidence.SourceID, i, l.Arg+".evidence.sourceId")
			}
			size += 1 + len(u.Links)
		case c.Link != nil:
			l := *c.Link
			if err := CheckEndpoints(l.Type, l.FromLabel, l.ToLabel); err != nil {
				return p, &ChangeError{Index: i, Argument: "type", Err: err}
			}
			rows = append(rows, linkRow{index: i, arg: "", w: l})
			linked[relKey{l.Type, l.From, l.To}] = i
			cite(l.Evidence.SourceID, i, "evidence.sourceId")
			size++
		default:
			u := *c.Unlink
			if err := CheckEndpoints(u.Type, u.FromLabel, u.ToLabel); err != nil {
				return p, &ChangeError{Index: i, Argument: "type", Err: err}
			}
			unlinks = append(unlinks, u)
			unlinkIndex[relKey{u.Type, u.From, u.To}] = i
			size++
		}
		if size > MaxChanges {
			return p, fmt.Errorf("%d changes and more: %w", size, ErrTooManyChanges)
		}
	}
	for k, i := range unlinkIndex {
		if j, both := linked[k]; both {
			return p, &ChangeError{Index: max(i, j), Err: fmt.Errorf("%s from %s to %s is both linked (change %d) and unlinked (change %d)", k.t, k.from, k.to, j, i)}
		}
	}
	// Sources first: evidence may cite a Source created in the same batch.
	for l := range p.upserts {
		p.labels = append(p.labels, l)
	}
	slices.SortFunc(p.labels, func(a, b Label) int {
		if (a == LabelSource) != (b == LabelSource) {
			if a == LabelSource {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	p.shapes, p.links = groupByShape(rows, func(r linkRow) relShape {
		return relShape{r.w.Type, r.w.FromLabel, r.w.ToLabel}
	})
	p.unlinkShapes, p.unlinks = groupByShape(unlinks, func(u UnlinkWrite) relShape { return relShape{u.Type, u.FromLabel, u.ToLabel} })
	return p, nil
}

// batchNodeStatement upserts a list of nodes of one label and returns, per
// node id, whether it created the node and the updatedAt it found.
func batchNodeStatement(l Label, lock bool) string {
	c := "UNWIND $rows AS row MERGE (n:" + string(l) + " {id: row.id}) ON CREATE SET n.createdAt = $at, n.createdBy = $by "
	if lock {
		c += "SET n.`_lock` = true "
	}
	c += "WITH row, n, n.createdAt = $at AND n.createdBy = $by AS created, n.updatedAt AS prev " +
		"SET n += row.props, n.updatedAt = $at, n.updatedBy = $by, n.changeSetId = $cs"
	if l.IsActor() {
		c += ", n:Actor"
	}
	if lock {
		c += " REMOVE n.`_lock`"
	}
	return c + " RETURN row.id AS id, created, prev"
}

// batchLinkStatement merges a list of relationships of one shape, and
// returns the first row (by change index) with a missing end, if any.
func batchLinkStatement(k relShape) string {
	return "UNWIND $rows AS row " +
		"OPTIONAL MATCH (a:" + string(k.from) + " {id: row.from}) OPTIONAL MATCH (b:" + string(k.to) + " {id: row.to}) " +
		"FOREACH (_ IN CASE WHEN a IS NULL OR b IS NULL THEN [] ELSE [1] END | " +
		"MERGE (a)-[r:" + string(k.t) + "]->(b) ON CREATE SET r.createdAt = $at, r.createdBy = $by " +
		"SET r += row.props, r.updatedAt = $at, r.updatedBy = $by, r.changeSetId = $cs) " +
		"WITH row, a, b WHERE a IS NULL OR b IS NULL " +
		"RETURN row.index AS index, row.arg AS arg, a IS NULL AS noFrom ORDER BY index LIMIT 1"
}

// runCounted sends one statement and returns its records and counters.
func (s *Store) runCounted(ctx context.Context, tx runner, cypher string, params map[string]any) (_ []*neo4j.Record, _ neo4j.Counters, err error) {
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
		return nil, nil, err
	}
	recs := []*neo4j.Record{}
	for res.Next(ctx) {
		recs = append(recs, res.Record())
	}
	if err := res.Err(); err != nil {
		return nil, nil, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, nil, err
	}
	return recs, sum.Counters(), nil
}

// ChangeSetItems is what one change set wrote and what still carries its id:
// a later write of the same node or relationship records its own.
type ChangeSetItems struct {
	Nodes []Node
	Rels  []Linked
}

// ChangeSet lists up to first nodes and first relationships whose
// changeSetId is id, by id. One index seek per label and relationship type
// (the range_*_changesetid indexes) finds them: a Neo4j index covers one
// label or type, so the statements are unions over the model's allow-lists.
func (s *Store) ChangeSet(ctx context.Context, id string, first int) (ChangeSetItems, error) {
	return read(ctx, s, func(tx runner) (ChangeSetItems, error) {
		var out ChangeSetItems
		recs, err := s.run(ctx, tx, changeSetNodesCypher, map[string]any{"id": id, "first": first})
		if err != nil {
			return out, fmt.Errorf("change set %s nodes: %w", id, err)
		}
		for _, r := range recs {
			out.Nodes = append(out.Nodes, nodeFromRecord(r))
		}
		recs, err = s.run(ctx, tx, changeSetRelsCypher, map[string]any{"id": id, "first": first})
		if err != nil {
			return out, fmt.Errorf("change set %s relationships: %w", id, err)
		}
		for _, r := range recs {
			t, _, _ := neo4j.GetRecordValue[string](r, "type")
			p, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
			fl, _, _ := neo4j.GetRecordValue[[]any](r, "fromLabels")
			fp, _, _ := neo4j.GetRecordValue[map[string]any](r, "fromProps")
			tl, _, _ := neo4j.GetRecordValue[[]any](r, "toLabels")
			tp, _, _ := neo4j.GetRecordValue[map[string]any](r, "toProps")
			out.Rels = append(out.Rels, Linked{Type: RelType(t), Props: p,
				From: Node{Label: primaryLabel(fl), Props: fp}, To: Node{Label: primaryLabel(tl), Props: tp}})
		}
		return out, nil
	})
}

// changeSetNodesCypher and changeSetRelsCypher are ChangeSet's statements,
// built once from the fixed label and type lists.
var changeSetNodesCypher, changeSetRelsCypher = changeSetStatements()

func changeSetStatements() (nodes, rels string) {
	var n, r []string
	for _, l := range PrimaryLabels {
		n = append(n, fmt.Sprintf("MATCH (n:%s) WHERE n.changeSetId = $id RETURN n", l))
	}
	for _, t := range sortedRelTypes() {
		r = append(r, fmt.Sprintf("MATCH (a)-[r:%s]->(b) WHERE r.changeSetId = $id RETURN a, r, b", t))
	}
	nodes = "CALL { " + strings.Join(n, " UNION ALL ") + " } " +
		"RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $first"
	rels = "CALL { " + strings.Join(r, " UNION ALL ") + " } " +
		"RETURN type(r) AS type, properties(r) AS props, labels(a) AS fromLabels, properties(a) AS fromProps, " +
		"labels(b) AS toLabels, properties(b) AS toProps ORDER BY a.id, type(r), b.id LIMIT $first"
	return nodes, rels
}
