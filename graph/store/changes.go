package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file holds the curator's write path: a node upsert with the
// relationships it starts (a nested upsert, one statement), and a batch of
// upserts, links and unlinks applied in one transaction. Both record a
// change-set id (changeSetId) on everything they write, check optimistic
// concurrency (expectedUpdatedAt), and refuse to create a node or
// relationship without evidence. Any failure returns an error from inside
// the transaction function, so the driver rolls everything back.

// NewChangeSetID returns a fresh change-set id, "changeset:" and 16
// lower-case base-36 digits: 10 of microseconds since 1970 (fixed width
// until 2084, so the ids sort by time) and 6 random ones, unique without
// a round trip. 26 characters of that alphabet fit in Neo4j's inline
// property record; the id is written on everything a change touches and
// indexed, and the longer readable form spilled into the dynamic string
// store (docs/benchmarks.md).
func NewChangeSetID(at time.Time) string {
	return "changeset:" + base36(uint64(at.UnixMicro()), 10) + base36(rand.Uint64N(changeSetRandoms), 6)
}

// changeSetRandoms is 36^6: six base-36 digits.
const changeSetRandoms = 36 * 36 * 36 * 36 * 36 * 36

// base36 writes v in base 36, zero-padded to at least width digits.
func base36(v uint64, width int) string {
	digits := strconv.FormatUint(v, 36)
	return strings.Repeat("0", max(0, width-len(digits))) + digits
}

// ErrConflict is returned when an upsert's expectedUpdatedAt is not the
// stored updatedAt: someone else wrote the node since the caller read it.
var ErrConflict = errors.New("conflict")

// ConflictError names the node whose updatedAt was not the expected one.
type ConflictError struct {
	Index    int // the change in a batch; -1 for a single upsert
	ID       string
	Expected string
	Stored   string // "" when the node does not exist
}

func (e *ConflictError) Error() string {
	if e.Stored == "" {
		return fmt.Sprintf("%s does not exist, so it cannot have updatedAt %s", e.ID, e.Expected)
	}
	return fmt.Sprintf("%s was updated at %s, not %s: read it again and re-apply the change", e.ID, e.Stored, e.Expected)
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// ChangeError is a failure found by Neo4j (a missing end, Source or
// evidence) in change Index of a batch (-1 for a single upsert), with the
// argument at fault relative to that change (e.g. "memberOf.0.to").
type ChangeError struct {
	Index    int
	Argument string
	Err      error
}

func (e *ChangeError) Error() string { return e.Err.Error() }
func (e *ChangeError) Unwrap() error { return e.Err }

// ErrNoEvidence is returned when a write would create a node without
// evidence: every fact in the graph rests on a source.
var ErrNoEvidence = errors.New("a new node needs evidence: cite the source that states it")

// NestedLink is a relationship written from the upserted node.
type NestedLink struct {
	Type    RelType
	To      string
	ToLabel Label
	// Props are the relationship's own properties (nil values remove);
	// Evidence is required.
	Props    map[string]any
	Evidence Evidence
	Arg      string // where the link is in the input, e.g. "memberOf.0"
}

// Upsert is one node upsert with the relationships it starts.
type Upsert struct {
	Label Label
	ID    string
	// Props are merged into the node; a nil value removes the property.
	// Keys are the caller's fixed field names.
	Props    map[string]any
	Evidence *Evidence
	// ExpectedUpdatedAt, when set, must equal the stored updatedAt.
	ExpectedUpdatedAt *string
	Links             []NestedLink
}

// Written is a node as stored after an upsert.
type Written struct {
	Node    Node
	Created bool
}

// shapeKey is a nested link's shape: its type and the label it points at.
type shapeKey struct {
	t  RelType
	to Label
}

// UpsertNested writes u in one statement: the node, then every
// relationship it starts (merged on (node, type, to)). The statement
// checks first that each end and each cited Source exist, that a new node
// has evidence and that the node's updatedAt is the expected one, and
// writes only when all hold, so it never has to be rolled back: writeOne
// can run it as an auto-commit transaction. Otherwise it returns the error
// and nothing is written. Upserts of one node wait their turn in the
// store's upsertQueue; those that waited together commit together.
func (s *Store) UpsertNested(ctx context.Context, u Upsert, a Audit, changeSet string) (Written, error) {
	if err := checkUpsert(u); err != nil {
		return Written{}, err
	}
	cypher, params, shapes := nestedStatement(u, a, changeSet)
	use := func(recs []*neo4j.Record) (Written, error) {
		if len(recs) != 1 {
			return Written{}, fmt.Errorf("upsert %s %s: %d records, want 1", u.Label, u.ID, len(recs))
		}
		r := recs[0]
		if missing, _, _ := neo4j.GetRecordValue[[]any](r, "missingSources"); len(missing) > 0 {
			id, _ := missing[0].(string)
			return Written{}, &ChangeError{Index: -1, Argument: sourceArg(u, id), Err: fmt.Errorf("source %s: %w", id, ErrNoSource)}
		}
		for i, k := range shapes {
			missing, _, _ := neo4j.GetRecordValue[[]any](r, fmt.Sprintf("missing%d", i))
			if len(missing) == 0 {
				continue
			}
			to, _ := missing[0].(string)
			for _, l := range u.Links {
				if l.Type == k.t && l.ToLabel == k.to && l.To == to {
					return Written{}, &ChangeError{Index: -1, Argument: l.Arg + ".to", Err: &EndpointError{End: "to", ID: to}}
				}
			}
		}
		if written, _, _ := neo4j.GetRecordValue[bool](r, "written"); !written {
			// The node was to be updated only (a stale or absent node for
			// expectedUpdatedAt, an absent one without evidence).
			if u.ExpectedUpdatedAt != nil {
				stored, _, _ := neo4j.GetRecordValue[string](r, "stored")
				return Written{}, &ConflictError{Index: -1, ID: u.ID, Expected: *u.ExpectedUpdatedAt, Stored: stored}
			}
			return Written{}, &ChangeError{Index: -1, Argument: "evidence", Err: fmt.Errorf("%s: %w", u.ID, ErrNoEvidence)}
		}
		created, _, _ := neo4j.GetRecordValue[bool](r, "created")
		prev, _ := r.Get("prev")
		if err := checkWritten(-1, u, created, prev); err != nil {
			return Written{}, err
		}
		labels, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
		props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
		return Written{Node: Node{Label: primaryLabel(labels), Props: props}, Created: created}, nil
	}
	w := &queuedUpsert{ctx: ctx, cypher: cypher, params: params, use: use, done: make(chan struct{}),
		grouped: func() string { return nestedCypher(u, shapes, true) }}
	return s.upserts.do(s, u.ID, w)
}

// checkWritten applies the rules Neo4j's answer decides: evidence on a new
// node, and the expected updatedAt.
func checkWritten(index int, u Upsert, created bool, prev any) error {
	if u.ExpectedUpdatedAt != nil {
		stored, _ := prev.(string)
		if created || !sameInstant(stored, *u.ExpectedUpdatedAt) {
			return &ConflictError{Index: index, ID: u.ID, Expected: *u.ExpectedUpdatedAt, Stored: stored}
		}
	}
	if created && u.Evidence == nil && u.Label != LabelSource {
		return &ChangeError{Index: index, Argument: "evidence", Err: fmt.Errorf("%s: %w", u.ID, ErrNoEvidence)}
	}
	return nil
}

// sameInstant reports whether a stored updatedAt is the expected one,
// which is in FormatInstant's form. A stored value in another RFC 3339
// form (more fraction digits, an offset: written with Cypher directly or
// by another version of the server) is compared as an instant cut to the
// microsecond.
func sameInstant(stored, expected string) bool {
	if stored == expected {
		return true
	}
	if len(stored) == len(InstantLayout) {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, stored)
	return err == nil && FormatInstant(t) == expected
}

// sourceArg names the input field that cites source id.
func sourceArg(u Upsert, id string) string {
	if u.Evidence != nil && u.Evidence.SourceID == id {
		return "evidence.sourceId"
	}
	for _, l := range u.Links {
		if l.Evidence.SourceID == id {
			return l.Arg + ".evidence.sourceId"
		}
	}
	return "evidence.sourceId"
}

func checkUpsert(u Upsert) error {
	if !ValidLabel(u.Label) {
		return fmt.Errorf("label %q is not in the model", u.Label)
	}
	if u.ID == "" {
		return fmt.Errorf("a %s node needs an id", u.Label)
	}
	for _, l := range u.Links {
		if err := CheckEndpoints(l.Type, u.Label, l.ToLabel); err != nil {
			return err
		}
	}
	return nil
}

// upsertProps are the properties an upsert sets: the given ones and the evidence.
func upsertProps(u Upsert) map[string]any {
	props := make(map[string]any, len(u.Props)+2)
	for k, v := range u.Props {
		props[k] = v
	}
	if u.Evidence != nil {
		props["sourceId"], props["evidence"] = u.Evidence.SourceID, u.Evidence.Quote
	}
	delete(props, "id")
	return props
}

// linkPropsWithEvidence are the properties a link sets: its own and the evidence.
func linkPropsWithEvidence(own map[string]any, ev Evidence) map[string]any {
	props := make(map[string]any, len(own)+2)
	for k, v := range own {
		props[k] = v
	}
	props["sourceId"], props["evidence"] = ev.SourceID, ev.Quote
	return props
}

// nestedStatement builds the one statement of a nested upsert. Labels and
// types come from the model's allow-lists (checkUpsert); every value is a
// parameter. One CALL per link shape (type, end label), so the MATCH of
// the end uses that label's id constraint.
func nestedStatement(u Upsert, a Audit, changeSet string) (string, map[string]any, []shapeKey) {
	sources := map[string]bool{}
	if u.Evidence != nil {
		sources[u.Evidence.SourceID] = true
	}
	groups := map[shapeKey][]map[string]any{}
	for _, l := range u.Links {
		k := shapeKey{l.Type, l.ToLabel}
		groups[k] = append(groups[k], map[string]any{"to": l.To, "props": linkPropsWithEvidence(l.Props, l.Evidence)})
		sources[l.Evidence.SourceID] = true
	}
	shapes := make([]shapeKey, 0, len(groups))
	for k := range groups {
		shapes = append(shapes, k)
	}
	sort.Slice(shapes, func(i, j int) bool {
		if shapes[i].t != shapes[j].t {
			return shapes[i].t < shapes[j].t
		}
		return shapes[i].to < shapes[j].to
	})
	srcList := make([]string, 0, len(sources))
	for id := range sources {
		srcList = append(srcList, id)
	}
	sort.Strings(srcList)

	params := map[string]any{"id": u.ID, "props": upsertProps(u), "at": a.at(), "by": a.By, "cs": changeSet, "sources": srcList}
	for i, k := range shapes {
		params[fmt.Sprintf("links%d", i)] = groups[k]
	}
	if u.ExpectedUpdatedAt != nil {
		params["expected"] = *u.ExpectedUpdatedAt
	}
	return nestedCypher(u, shapes, false), params, shapes
}

// nestedCypher is the text of nestedStatement. grouped, it upserts each
// map of the list $group (each one's parameters of the single statement)
// in list order, one record each, every upsert seeing the writes of those
// before it (upsertQueue sends upserts of one node so).
func nestedCypher(u Upsert, shapes []shapeKey, grouped bool) string {
	// p refers to a parameter; scope lists the variables a CALL imports.
	p := func(name string) string { return "$" + name }
	scope := func(vars string) string { return "(" + vars + ")" }
	if grouped {
		p = func(name string) string { return "item." + name }
		scope = func(vars string) string {
			if vars == "" {
				return "(item)"
			}
			return "(item, " + vars + ")"
		}
	}
	var b strings.Builder
	if grouped {
		b.WriteString("UNWIND range(0, size($group) - 1) AS i WITH i, $group[i] AS item CALL (item) { ")
	}
	// Reads first (cited sources, the links' ends), then the node's write:
	// the node's write lock is taken as late as possible and held for the
	// writes alone, which matters when many writers touch one node.
	b.WriteString("CALL " + scope("") + " { UNWIND " + p("sources") + " AS sid OPTIONAL MATCH (s:Source {id: sid}) " +
		"RETURN collect(CASE WHEN s IS NULL THEN sid END) AS missingSources } ")
	carried := "missingSources"
	ready := "size(missingSources) = 0"
	ends := "ready"
	for i, k := range shapes {
		fmt.Fprintf(&b, "CALL %s { UNWIND %s AS l OPTIONAL MATCH (b:%s {id: l.to}) "+
			"RETURN collect(CASE WHEN b IS NULL THEN l.to END) AS missing%d, "+
			"collect(CASE WHEN b IS NOT NULL THEN {b: b, props: l.props} END) AS ends%d } ", scope(""), p(fmt.Sprintf("links%d", i)), k.to, i, i)
		carried += fmt.Sprintf(", missing%d", i)
		ready += fmt.Sprintf(" AND size(missing%d) = 0", i)
		ends += fmt.Sprintf(", ends%d", i)
	}
	// The write runs only when every check passed. A node that must exist
	// already (one with an expectedUpdatedAt, or one upserted without
	// evidence, which may update but never create) is matched, not merged.
	b.WriteString("WITH *, " + ready + " AS ready OPTIONAL CALL " + scope(ends) + " { WITH * WHERE ready ")
	mustExist := u.ExpectedUpdatedAt != nil || (u.Evidence == nil && u.Label != LabelSource)
	if mustExist {
		b.WriteString("MATCH (n:" + string(u.Label) + " {id: " + p("id") + "}) ")
	} else {
		b.WriteString("MERGE (n:" + string(u.Label) + " {id: " + p("id") + "}) ON CREATE SET n.createdAt = " + p("at") + ", n.createdBy = " + p("by") + " ")
	}
	if u.ExpectedUpdatedAt != nil {
		// Take the node's write lock before reading updatedAt, so no other
		// writer can change it between the check and the write.
		// A stored value in another RFC 3339 form is compared as an
		// instant cut to the microsecond, as sameInstant does (by epoch
		// second and microsecond: datetime equality also compares zones).
		b.WriteString("SET n.`_lock` = true WITH *, n.updatedAt AS prev REMOVE n.`_lock` WITH * WHERE CASE " +
			"WHEN prev = " + p("expected") + " THEN true WHEN prev IS NULL OR size(prev) = " + strconv.Itoa(len(InstantLayout)) + " THEN false " +
			"ELSE datetime(prev).epochSeconds = datetime(" + p("expected") + ").epochSeconds " +
			"AND datetime(prev).microsecond = datetime(" + p("expected") + ").microsecond END ")
	} else {
		b.WriteString("WITH *, n.updatedAt AS prev ")
	}
	b.WriteString("WITH *, n.createdAt = " + p("at") + " AND n.createdBy = " + p("by") + " AS created ")
	b.WriteString("SET n += " + p("props") + ", n.updatedAt = " + p("at") + ", n.updatedBy = " + p("by") + ", n.changeSetId = " + p("cs"))
	if u.Label.IsActor() {
		b.WriteString(", n:Actor")
	}
	b.WriteString(" ")
	keep := "" // what the link's WITH keeps besides n
	if grouped {
		keep = "item, "
	}
	for i, k := range shapes {
		fmt.Fprintf(&b, "WITH * CALL %s { UNWIND ends%d AS e WITH %sn, e.b AS b, e.props AS props "+
			"MERGE (n)-[r:%s]->(b) ON CREATE SET r.createdAt = %s, r.createdBy = %s "+
			"SET r += props, r.updatedAt = %s, r.updatedBy = %s, r.changeSetId = %s } ",
			scope(fmt.Sprintf("n, ends%d", i)), i, keep, k.t, p("at"), p("by"), p("at"), p("by"), p("cs"))
	}
	// The node's labels and properties are read here, just after its own
	// write: in a group a later upsert may change them.
	b.WriteString("RETURN n AS node, created, prev, labels(n) AS labels, properties(n) AS props } ")
	if u.ExpectedUpdatedAt != nil {
		// For the conflict's message: the updatedAt stored now.
		b.WriteString("CALL " + scope("") + " { OPTIONAL MATCH (cur:" + string(u.Label) + " {id: " + p("id") + "}) RETURN cur.updatedAt AS stored } ")
		carried += ", stored"
	}
	columns := carried + ", written, created, prev, labels, props"
	b.WriteString("RETURN " + carried + ", node IS NOT NULL AS written, created, prev, labels, props")
	if grouped {
		b.WriteString(" } RETURN i, " + columns)
	}
	return b.String()
}

// AuditTime is the updatedAt a write with a records (RFC 3339, UTC).
func AuditTime(a Audit) string { return a.at() }
