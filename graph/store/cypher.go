package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Researchers' read-only Cypher. A query text from a client runs only if it
// cannot build a value larger than Neo4j's memory limits bound (guard 0,
// cypherguard.go) and passes every guard below, each of which would refuse
// a write on its own:
//
//  1. EXPLAIN first: the planner's query type must be read-only ("r");
//     "rw", "w" and "s" (schema and DBMS) are refused before anything runs.
//  2. The EXPLAIN plan must not contain an operator with effects outside the
//     graph that the planner still calls "r": LOAD CSV (reads files and
//     URLs), TERMINATE TRANSACTIONS, SHOW TRANSACTIONS/SETTINGS, and any
//     procedure not on the read-only allow-list below.
//  3. The query runs in a READ access-mode transaction, which the server
//     refuses to write in.
//  4. That transaction is always rolled back, never committed.
//
// A transaction timeout (also applied to reading the answer) bounds the
// time; a row cap and a byte cap bound the answer, which is read from Neo4j
// a batch at a time and no further than the caps; and the Store runs at
// most Options.CypherConcurrency of these queries at once, so no more than
// that many can be building large values in Neo4j's heap together.

// Cypher limits used when CypherOptions leaves them zero.
const (
	DefaultCypherMaxRows     = 1000
	DefaultCypherMaxBytes    = 8 << 20
	DefaultCypherTimeout     = 10 * time.Second
	DefaultCypherConcurrency = 1
	cypherFetchSize          = 100 // records per PULL: reading stops within a batch of a cap
	cypherReadGrace          = 5 * time.Second
)

// CypherOptions bound one researcher query.
type CypherOptions struct {
	MaxRows  int           // rows returned at most; more set Truncated
	MaxBytes int           // approximate JSON size of the rows at most; more set Truncated
	Timeout  time.Duration // server-side transaction timeout, and the time to read the answer
}

// CypherResult is the answer: column names and rows of JSON-ready values
// (see serialize for how nodes, relationships and paths look).
type CypherResult struct {
	Columns         []string
	Rows            [][]any
	Truncated       bool
	TruncatedReason string // "maxRows" or "maxBytes" when Truncated
	QueryType       string // always "r" for an answered query
}

// CypherBusyError: the Store already runs as many researcher queries as
// it may at once.
type CypherBusyError struct {
	Max int
}

func (e *CypherBusyError) Error() string {
	return fmt.Sprintf("%d analyst Cypher queries are already running, the most this server runs at once; retry when one has finished", e.Max)
}

// CypherRefusedError is a query the guards refuse: a write, a schema or
// administration command, or an operation with effects outside the graph.
type CypherRefusedError struct {
	Reason string
}

func (e *CypherRefusedError) Error() string { return "query refused: " + e.Reason }

// CypherInputError is a query the database rejects as written: a syntax
// error, an unknown procedure, a missing parameter, a type error. Message
// is Neo4j's own description, safe to show since the text is the caller's.
type CypherInputError struct {
	Code    string // Neo4j status code, e.g. Neo.ClientError.Statement.SyntaxError
	Message string
}

func (e *CypherInputError) Error() string { return e.Message }

// CypherLimitError is a query the database stopped because it needed more
// memory than a query may have: over the transaction memory limits, or
// values built inside one expression too large for the heap (Neo4j then
// reports an unknown error; the query fails, the database carries on).
type CypherLimitError struct {
	Reason string
}

func (e *CypherLimitError) Error() string { return "query stopped: " + e.Reason }

// readOnlyProcedures may be called from a researcher query: they only read
// the graph or its schema. Any other procedure is refused, even those the
// planner reports as read-only (db.stats.clear, db.awaitIndexes, …).
var readOnlyProcedures = map[string]bool{
	"db.labels":                                true,
	"db.relationshipTypes":                     true,
	"db.propertyKeys":                          true,
	"db.schema.visualization":                  true,
	"db.schema.nodeTypeProperties":             true,
	"db.schema.relTypeProperties":              true,
	"db.index.fulltext.queryNodes":             true,
	"db.index.fulltext.queryRelationships":     true,
	"db.index.fulltext.listAvailableAnalyzers": true,
	"db.info": true,
}

// refusedOperators are plan operators of "read-only" queries that act
// outside the graph or reveal other sessions.
var refusedOperators = map[string]string{
	"LoadCSV":               "LOAD CSV reads files and URLs; only the graph may be queried",
	"TerminateTransactions": "TERMINATE TRANSACTIONS stops other sessions' work",
	"ShowTransactions":      "SHOW TRANSACTIONS reveals other sessions' queries",
	"ShowSettings":          "SHOW SETTINGS reveals the server configuration",
	"AdministrationCommand": "administration commands are not allowed",
	"TransactionApply":      "CALL { … } IN TRANSACTIONS commits transactions of its own; a researcher query runs in one read-only transaction that is rolled back",
	"TransactionForeach":    "CALL { … } IN TRANSACTIONS commits transactions of its own; a researcher query runs in one read-only transaction that is rolled back",
}

// ReadCypher runs a researcher's query after the guards described above.
func (s *Store) ReadCypher(ctx context.Context, query string, params map[string]any, opts CypherOptions) (CypherResult, error) {
	return s.readCypher(ctx, query, params, opts, true)
}

// readCypher is ReadCypher; explain=false skips guards 1 and 2 so a test
// can prove that the read access mode alone refuses writes.
func (s *Store) readCypher(ctx context.Context, query string, params map[string]any, opts CypherOptions, explain bool) (CypherResult, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultCypherMaxRows
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultCypherMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultCypherTimeout
	}
	if strings.TrimSpace(query) == "" {
		return CypherResult{}, &CypherInputError{Message: "the query is empty"}
	}
	if err := checkValueSize(query); err != nil {
		return CypherResult{}, err
	}
	if name, bad := tooLargeInteger(map[string]any(params)); bad {
		return CypherResult{}, &CypherParamError{Message: fmt.Sprintf("parameter %s: an integer outside Cypher's 64-bit range (-2^63 to 2^63-1); send it as a string or a float with a fraction", name)}
	}
	params = normalizeParams(params).(map[string]any)
	select {
	case s.cypherSlots <- struct{}{}:
		defer func() { <-s.cypherSlots }()
	default:
		return CypherResult{}, &CypherBusyError{Max: cap(s.cypherSlots)}
	}
	// Neo4j's timeout stops the query, not the streaming of an answer it
	// has already computed: the whole exchange is bounded here as well,
	// with cypherReadGrace for the answer to arrive.
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout+cypherReadGrace)
	defer cancel()

	cfg := neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.database, FetchSize: min(opts.MaxRows+1, cypherFetchSize)}
	if c := CausalFrom(ctx); c != nil {
		cfg.BookmarkManager = c.mgr
	}
	session := s.driver.NewSession(ctx, cfg)
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(opts.Timeout),
		neo4j.WithTxMetadata(map[string]any{"app": "lysoen", "kind": "researcher-cypher"}))
	if err != nil {
		return CypherResult{}, cypherError(ctx, err)
	}
	// Guard 4: nothing a researcher query does is ever committed.
	defer tx.Rollback(context.WithoutCancel(ctx))

	out := CypherResult{QueryType: "r"}
	if explain {
		if s.counter != nil {
			s.counter(ctx)
		}
		res, err := tx.Run(ctx, "EXPLAIN "+query, params)
		if err != nil {
			return CypherResult{}, cypherError(ctx, err)
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return CypherResult{}, cypherError(ctx, err)
		}
		if err := checkPlan(sum); err != nil {
			return CypherResult{}, err
		}
	}

	if s.counter != nil {
		s.counter(ctx)
	}
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return CypherResult{}, cypherError(ctx, err)
	}
	keys, err := res.Keys()
	if err != nil {
		return CypherResult{}, cypherError(ctx, err)
	}
	out.Columns = keys
	out.Rows = [][]any{}
	var rels []*relOut
	size := 0
	for res.NextRecord(ctx, nil) {
		if len(out.Rows) == opts.MaxRows {
			out.Truncated, out.TruncatedReason = true, "maxRows"
			break
		}
		rec := res.Record()
		row := make([]any, len(rec.Values))
		for i, v := range rec.Values {
			row[i] = serialize(v, &rels)
		}
		if size += jsonSize(row); size > opts.MaxBytes {
			out.Truncated, out.TruncatedReason = true, "maxBytes"
			break
		}
		out.Rows = append(out.Rows, row)
	}
	if err := res.Err(); err != nil {
		return CypherResult{}, cypherError(ctx, err)
	}
	if !out.Truncated {
		if _, err := res.Consume(ctx); err != nil {
			return CypherResult{}, cypherError(ctx, err)
		}
	}
	// Roll back now: a truncated result's remaining records are discarded,
	// not buffered.
	_ = tx.Rollback(ctx)
	if err := s.endpointIDs(ctx, rels); err != nil {
		return CypherResult{}, err
	}
	return out, nil
}

// checkPlan applies guards 1 and 2 to an EXPLAIN summary.
func checkPlan(sum neo4j.ResultSummary) error {
	switch t := sum.StatementType(); t {
	case neo4j.StatementTypeReadOnly:
	case neo4j.StatementTypeReadWrite, neo4j.StatementTypeWriteOnly:
		return &CypherRefusedError{Reason: fmt.Sprintf("the query writes to the graph (query type %q); only read-only queries are allowed", queryTypeCode(t))}
	case neo4j.StatementTypeSchemaWrite:
		return &CypherRefusedError{Reason: `the query is a schema or administration command (query type "s"); only read-only queries are allowed`}
	default:
		return &CypherRefusedError{Reason: "the query type could not be determined; only read-only queries are allowed"}
	}
	var refusal error
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		if p == nil || refusal != nil {
			return
		}
		op, _, _ := strings.Cut(p.Operator(), "@")
		if why, bad := refusedOperators[op]; bad {
			refusal = &CypherRefusedError{Reason: why}
			return
		}
		if op == "ProcedureCall" {
			details, _ := p.Arguments()["Details"].(string)
			name, _, _ := strings.Cut(details, "(")
			name = strings.TrimSpace(name)
			if !readOnlyProcedures[name] {
				refusal = &CypherRefusedError{Reason: fmt.Sprintf("procedure %s is not on the read-only allow-list (%s)", name, strings.Join(ReadOnlyProcedures(), ", "))}
				return
			}
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(sum.Plan())
	return refusal
}

// ReadOnlyProcedures lists the procedures a researcher query may call.
func ReadOnlyProcedures() []string {
	out := make([]string, 0, len(readOnlyProcedures))
	for p := range readOnlyProcedures {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func queryTypeCode(t neo4j.StatementType) string {
	switch t {
	case neo4j.StatementTypeReadOnly:
		return "r"
	case neo4j.StatementTypeReadWrite:
		return "rw"
	case neo4j.StatementTypeWriteOnly:
		return "w"
	case neo4j.StatementTypeSchemaWrite:
		return "s"
	}
	return "unknown"
}

// cypherError sorts a driver error into refused, bad input, timeout or
// unavailable; anything else stays internal.
func cypherError(ctx context.Context, err error) error {
	if errors.Is(bookmarkError(ctx, err), ErrBadBookmark) {
		return bookmarkError(ctx, err)
	}
	if ctx.Err() != nil {
		// The request's deadline or cancellation, however the driver words it.
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	var n4j *neo4j.Neo4jError
	if errors.As(err, &n4j) {
		switch {
		case strings.HasPrefix(n4j.Code, "Neo.ClientError.Transaction.TransactionTimedOut"):
			return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		case memoryLimit(n4j):
			return &CypherLimitError{Reason: "it needs more memory than the database can give a query (" + n4j.Msg + ")"}
		case n4j.Code == "Neo.DatabaseError.General.UnknownError":
			// What Neo4j answers when the query's own thread ran out of heap
			// or stack (a huge list built in an expression, a value nested
			// thousands deep): nothing else of the query's is in danger.
			return &CypherLimitError{Reason: "Neo4j could not evaluate it; a query fails this way when it builds a value too large for the database's memory or nested too deeply"}
		case n4j.Code == "Neo.ClientError.Statement.AccessMode",
			strings.HasPrefix(n4j.Code, "Neo.ClientError.Security."):
			return &CypherRefusedError{Reason: "the database refused it in a read-only transaction: " + n4j.Msg}
		case strings.HasPrefix(n4j.Code, "Neo.ClientError.Statement."),
			strings.HasPrefix(n4j.Code, "Neo.ClientError.Procedure."),
			strings.HasPrefix(n4j.Code, "Neo.ClientError.Schema."),
			n4j.Code == "Neo.ClientError.Transaction.InvalidBookmark":
			return &CypherInputError{Code: n4j.Code, Message: n4j.Msg}
		}
	}
	return classify(err)
}

// CypherParamError is a parameter value Cypher cannot take as sent.
type CypherParamError struct {
	Message string
}

func (e *CypherParamError) Error() string { return e.Message }

// tooLargeInteger finds a JSON integer (no fraction, no exponent) that
// does not fit in an int64: normalizeValue would turn it into a float and
// silently change its value.
func tooLargeInteger(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		if _, err := x.Int64(); err != nil && !strings.ContainsAny(string(x), ".eE") {
			return "", true
		}
	case map[string]any:
		for k, e := range x {
			if name, bad := tooLargeInteger(e); bad {
				return strings.TrimSuffix(k+"."+name, "."), true
			}
		}
	case []any:
		for i, e := range x {
			if name, bad := tooLargeInteger(e); bad {
				return strings.TrimSuffix(fmt.Sprintf("%d.%s", i, name), "."), true
			}
		}
	}
	return "", false
}

// normalizeParams turns JSON numbers (json.Number, float64 with no
// fraction) into the int64 and float64 values the driver sends.
func normalizeParams(v any) any {
	switch x := v.(type) {
	case nil:
		return map[string]any{}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeValue(e)
		}
		return out
	}
	return v
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	}
	return v
}

// jsonSize estimates the bytes of v's JSON (strings counted as their bytes
// plus quotes, numbers as 20), cheaply enough to run on every row.
func jsonSize(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + 2
	case []byte:
		return len(x)*4/3 + 4
	case []any:
		n := 2
		for _, e := range x {
			n += jsonSize(e) + 1
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + jsonSize(e)
		}
		return n
	}
	return 20
}

// relOut is a serialized relationship whose endpoints' `id` properties are
// filled in after the rows are read.
type relOut struct {
	m          map[string]any
	start, end string // element ids
}

// serialize turns a driver value into JSON-ready data:
//
//	node:         {"elementId", "id", "labels", "properties"}
//	relationship: {"elementId", "type", "startElementId", "endElementId", "startId", "endId", "properties"}
//	path:         {"nodes": [...], "relationships": [...]}
//	temporal:     ISO 8601 string; point: {"srid", "x", "y"[, "z"]}
func serialize(v any, rels *[]*relOut) any {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
		return x
	case []byte:
		return x // encoded as base64 by encoding/json
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = serialize(e, rels)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = serialize(e, rels)
		}
		return out
	case dbtype.Node:
		labels := append([]string{}, x.Labels...)
		sort.Strings(labels)
		return map[string]any{"elementId": x.ElementId, "id": x.Props["id"], "labels": labels,
			"properties": serialize(x.Props, rels)}
	case dbtype.Relationship:
		m := map[string]any{"elementId": x.ElementId, "type": x.Type, "startElementId": x.StartElementId,
			"endElementId": x.EndElementId, "startId": nil, "endId": nil, "properties": serialize(x.Props, rels)}
		*rels = append(*rels, &relOut{m: m, start: x.StartElementId, end: x.EndElementId})
		return m
	case dbtype.Path:
		nodes := make([]any, len(x.Nodes))
		for i, n := range x.Nodes {
			nodes[i] = serialize(n, rels)
		}
		rs := make([]any, len(x.Relationships))
		for i, r := range x.Relationships {
			rs[i] = serialize(r, rels)
		}
		return map[string]any{"nodes": nodes, "relationships": rs}
	case dbtype.Date:
		return x.String()
	case dbtype.LocalTime:
		return x.String()
	case dbtype.LocalDateTime:
		return x.String()
	case dbtype.Time:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case dbtype.Duration:
		return x.String()
	case dbtype.Point2D:
		return map[string]any{"srid": x.SpatialRefId, "x": x.X, "y": x.Y}
	case dbtype.Point3D:
		return map[string]any{"srid": x.SpatialRefId, "x": x.X, "y": x.Y, "z": x.Z}
	}
	return fmt.Sprint(v)
}

// endpointIDs fills startId/endId of the relationships in the answer with
// their endpoints' `id` property, in one read statement of our own.
func (s *Store) endpointIDs(ctx context.Context, rels []*relOut) error {
	if len(rels) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var eids []string
	for _, r := range rels {
		for _, e := range []string{r.start, r.end} {
			if !seen[e] {
				seen[e] = true
				eids = append(eids, e)
			}
		}
	}
	recs, err := read(ctx, s, func(tx runner) ([]*neo4j.Record, error) {
		return s.run(ctx, tx, "UNWIND $eids AS eid MATCH (n) WHERE elementId(n) = eid RETURN eid, n.id AS id", map[string]any{"eids": eids})
	})
	if err != nil {
		return err
	}
	ids := map[string]any{}
	for _, r := range recs {
		eid, _, _ := neo4j.GetRecordValue[string](r, "eid")
		id, _ := r.Get("id")
		ids[eid] = id
	}
	for _, r := range rels {
		r.m["startId"], r.m["endId"] = ids[r.start], ids[r.end]
	}
	return nil
}
