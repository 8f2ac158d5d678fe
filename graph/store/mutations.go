package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// IDPrefixes maps the prefix of a node id to the node's label: every id in
// the graph is "<prefix><slug>", so a write can name the label (and use the
// label's id constraint) from the id alone.
var IDPrefixes = map[string]Label{
	"country:":    LabelCountry,
	"org:":        LabelOrganization,
	"issue:":      LabelIssueArea,
	"initiative:": LabelInitiative,
	"event:":      LabelEvent,
	"agreement:":  LabelAgreement,
	"source:":     LabelSource,
}

// LabelOfID returns the label an id's prefix stands for.
func LabelOfID(id string) (Label, bool) {
	for p, l := range IDPrefixes {
		if strings.HasPrefix(id, p) && len(id) > len(p) {
			return l, true
		}
	}
	return "", false
}

// PrefixOf returns the id prefix of a label ("org:" for Organization).
func PrefixOf(l Label) string {
	for p, x := range IDPrefixes {
		if x == l {
			return p
		}
	}
	return ""
}

// Audit says who writes and when; it becomes createdBy/createdAt on what
// a write creates and updatedBy/updatedAt on everything it writes.
type Audit struct {
	By string
	At time.Time
}

func (a Audit) at() string { return FormatInstant(a.At) }

// InstantLayout is how the write path stores an instant (createdAt,
// updatedAt): RFC 3339 in UTC with exactly six fraction digits. A fixed
// width sorts as text in time order, and 27 characters fit in Neo4j's
// inline property record, where the nine digits of time.RFC3339Nano (30)
// spill into the dynamic string store: a write that stamps a node and a
// relationship ran about 5 % more statements per second on two cores
// (docs/benchmarks.md).
const InstantLayout = "2006-01-02T15:04:05.000000Z"

// FormatInstant writes t as the write path stores it (InstantLayout).
func FormatInstant(t time.Time) string { return t.UTC().Format(InstantLayout) }

// Evidence is the source and quote a written fact rests on.
type Evidence struct {
	SourceID string
	Quote    string
}

// ErrNoSource is returned when evidence cites a Source node that does not exist.
var ErrNoSource = errors.New("no Source node with this id")

// HasRelationshipsError refuses to delete a node that still has relationships.
type HasRelationshipsError struct {
	ID    string
	Count int
}

func (e *HasRelationshipsError) Error() string {
	return fmt.Sprintf("%s still has %d relationship(s); unlink them or pass detach: true", e.ID, e.Count)
}

// NodeUpsert creates or updates one node by (Label, ID).
type NodeUpsert struct {
	Label Label
	ID    string
	// Props are merged into the node; a nil value removes the property.
	// Keys are the caller's fixed field names, never user strings; they
	// travel as a parameter map, never as Cypher text.
	Props    map[string]any
	Evidence *Evidence
}

// UpsertNode writes n in one transaction and returns the stored node. The
// evidence's Source is checked inside the same transaction after the
// write, so a missing Source rolls the write back (ErrNoSource).
func (s *Store) UpsertNode(ctx context.Context, n NodeUpsert, a Audit) (Node, error) {
	if !ValidLabel(n.Label) {
		return Node{}, fmt.Errorf("label %q is not in the model", n.Label)
	}
	if n.ID == "" {
		return Node{}, fmt.Errorf("a %s node needs an id", n.Label)
	}
	props := make(map[string]any, len(n.Props)+2)
	for k, v := range n.Props {
		props[k] = v
	}
	if n.Evidence != nil {
		props["sourceId"], props["evidence"] = n.Evidence.SourceID, n.Evidence.Quote
	}
	delete(props, "id")
	extra := ""
	if n.Label.IsActor() {
		extra = ", n:Actor"
	}
	cypher := "MERGE (n:" + string(n.Label) + " {id: $id}) " +
		"ON CREATE SET n.createdAt = $at, n.createdBy = $by " +
		"SET n += $props, n.updatedAt = $at, n.updatedBy = $by" + extra + " " +
		"RETURN labels(n) AS labels, properties(n) AS props"
	return write(ctx, s, func(tx runner) (Node, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"id": n.ID, "props": props, "at": a.at(), "by": a.By})
		if err != nil {
			return Node{}, fmt.Errorf("upsert %s %s: %w", n.Label, n.ID, err)
		}
		if n.Evidence != nil {
			if err := s.checkSource(ctx, tx, n.Evidence.SourceID); err != nil {
				return Node{}, err
			}
		}
		return nodeFromRecord(recs[0]), nil
	})
}

func (s *Store) checkSource(ctx context.Context, tx runner, id string) error {
	recs, err := s.run(ctx, tx, "OPTIONAL MATCH (s:Source {id: $id}) RETURN s IS NOT NULL AS found", map[string]any{"id": id})
	if err != nil {
		return err
	}
	if found, _, _ := neo4j.GetRecordValue[bool](recs[0], "found"); !found {
		return fmt.Errorf("source %s: %w", id, ErrNoSource)
	}
	return nil
}

// Deleted is what DeleteNode removed.
type Deleted struct {
	ID                   string
	Label                Label
	RelationshipsDeleted int
}

// DeleteNode removes the node (label, id). A node with relationships is
// refused with *HasRelationshipsError unless detach is set.
func (s *Store) DeleteNode(ctx context.Context, label Label, id string, detach bool) (Deleted, error) {
	if !ValidLabel(label) {
		return Deleted{}, fmt.Errorf("label %q is not in the model", label)
	}
	return write(ctx, s, func(tx runner) (Deleted, error) {
		recs, err := s.run(ctx, tx, "MATCH (n:"+string(label)+" {id: $id}) RETURN COUNT { (n)--() } AS rels", map[string]any{"id": id})
		if err != nil {
			return Deleted{}, err
		}
		if len(recs) == 0 {
			return Deleted{}, fmt.Errorf("%s %s: %w", label, id, ErrNotFound)
		}
		rels, _, _ := neo4j.GetRecordValue[int64](recs[0], "rels")
		if rels > 0 && !detach {
			return Deleted{}, &HasRelationshipsError{ID: id, Count: int(rels)}
		}
		if _, err := s.run(ctx, tx, "MATCH (n:"+string(label)+" {id: $id}) DETACH DELETE n", map[string]any{"id": id}); err != nil {
			return Deleted{}, err
		}
		return Deleted{ID: id, Label: label, RelationshipsDeleted: int(rels)}, nil
	})
}

// LinkWrite creates or updates the relationship (From)-[Type]->(To).
type LinkWrite struct {
	Type               RelType
	From, To           string
	FromLabel, ToLabel Label
	Props              map[string]any // the relationship's own properties; nil values remove
	Evidence           Evidence
	// ChangeSet, when set, is recorded as changeSetId (see NewChangeSetID).
	ChangeSet string
}

// Linked is a relationship as stored, with its two ends.
type Linked struct {
	Type     RelType
	From, To Node
	Props    map[string]any
}

// EndpointError says which end of a link does not exist.
type EndpointError struct {
	End string // "from" or "to"
	ID  string
}

func (e *EndpointError) Error() string { return fmt.Sprintf("%s node %s does not exist", e.End, e.ID) }
func (e *EndpointError) Unwrap() error { return ErrNotFound }

// Link writes l in one transaction and one statement: it checks the shape
// against the model, and the statement merges the relationship on (from,
// type, to) only when both ends and the evidence's Source exist, reporting
// which are missing otherwise (then nothing is written).
func (s *Store) Link(ctx context.Context, l LinkWrite, a Audit) (Linked, error) {
	if err := CheckEndpoints(l.Type, l.FromLabel, l.ToLabel); err != nil {
		return Linked{}, err
	}
	props := make(map[string]any, len(l.Props)+2)
	for k, v := range l.Props {
		props[k] = v
	}
	props["sourceId"], props["evidence"] = l.Evidence.SourceID, l.Evidence.Quote
	if l.ChangeSet != "" {
		props["changeSetId"] = l.ChangeSet
	}
	params := map[string]any{"from": l.From, "to": l.To, "source": l.Evidence.SourceID, "props": props, "at": a.at(), "by": a.By}
	cypher := "OPTIONAL MATCH (a:" + string(l.FromLabel) + " {id: $from}) OPTIONAL MATCH (b:" + string(l.ToLabel) + " {id: $to}) " +
		"OPTIONAL MATCH (s:Source {id: $source}) " +
		"CALL (a, b, s) { WITH a, b, s WHERE a IS NOT NULL AND b IS NOT NULL AND s IS NOT NULL " +
		"MERGE (a)-[r:" + string(l.Type) + "]->(b) " +
		"ON CREATE SET r.createdAt = $at, r.createdBy = $by " +
		"SET r += $props, r.updatedAt = $at, r.updatedBy = $by " +
		"RETURN collect(properties(r)) AS rels } " +
		"RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, s IS NOT NULL AS hasSource, rels, " +
		"labels(a) AS fromLabels, properties(a) AS fromProps, labels(b) AS toLabels, properties(b) AS toProps"
	return write(ctx, s, func(tx runner) (Linked, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return Linked{}, fmt.Errorf("link %s %s->%s: %w", l.Type, l.From, l.To, err)
		}
		r := recs[0]
		if ok, _, _ := neo4j.GetRecordValue[bool](r, "hasFrom"); !ok {
			return Linked{}, &EndpointError{End: "from", ID: l.From}
		}
		if ok, _, _ := neo4j.GetRecordValue[bool](r, "hasTo"); !ok {
			return Linked{}, &EndpointError{End: "to", ID: l.To}
		}
		if ok, _, _ := neo4j.GetRecordValue[bool](r, "hasSource"); !ok {
			return Linked{}, fmt.Errorf("source %s: %w", l.Evidence.SourceID, ErrNoSource)
		}
		rels, _, _ := neo4j.GetRecordValue[[]any](r, "rels")
		if len(rels) != 1 {
			return Linked{}, fmt.Errorf("link %s %s->%s: merged %d relationships", l.Type, l.From, l.To, len(rels))
		}
		rel, _ := rels[0].(map[string]any)
		fl, _, _ := neo4j.GetRecordValue[[]any](r, "fromLabels")
		fp, _, _ := neo4j.GetRecordValue[map[string]any](r, "fromProps")
		tl, _, _ := neo4j.GetRecordValue[[]any](r, "toLabels")
		tp, _, _ := neo4j.GetRecordValue[map[string]any](r, "toProps")
		return Linked{Type: l.Type, Props: rel,
			From: Node{Label: primaryLabel(fl), Props: fp}, To: Node{Label: primaryLabel(tl), Props: tp}}, nil
	})
}

// Unlink removes (from)-[t]->(to) and reports whether there was one.
func (s *Store) Unlink(ctx context.Context, t RelType, from, to string, fromLabel, toLabel Label) (bool, error) {
	if err := CheckEndpoints(t, fromLabel, toLabel); err != nil {
		return false, err
	}
	cypher := "MATCH (:" + string(fromLabel) + " {id: $from})-[r:" + string(t) + "]->(:" + string(toLabel) + " {id: $to}) " +
		"DELETE r RETURN count(*) AS n"
	return write(ctx, s, func(tx runner) (bool, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"from": from, "to": to})
		if err != nil {
			return false, err
		}
		n, _, _ := neo4j.GetRecordValue[int64](recs[0], "n")
		return n > 0, nil
	})
}
