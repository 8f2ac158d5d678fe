package store

import (
	"context"
	_ "embed" // fixed statements live in .cypher files beside this one
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The dataset's version node: one (:DatasetVersion {id: DatasetVersionID})
// whose lastWrite and writes record the store's writes (write in store.go:
// in each write's transaction, or after the commit through RecordWrites). It is not part of the graph
// model: no list, lookup or export reads it.
const (
	LabelDatasetVersion = "DatasetVersion"
	DatasetVersionID    = "dataset"
)

// recordWriteCypher records a committed write: its time (the transaction's
// start, UTC) and one more write. An index seek on the id constraint; the
// node's lock is taken last in the transaction and held only until its
// commit, so concurrent writes wait for each other's commit only.
//
//go:embed dataset_record_write.cypher
var recordWriteCypher string

// DatasetFacts is what identifies the data loaded: every Source node's
// properties (ordered by id), the node and relationship counts, and the
// time and number of the writes recorded on the version node (zero when
// nothing was recorded).
type DatasetFacts struct {
	Sources       []map[string]any
	Nodes, Rels   int
	LastWrite     time.Time
	LastWriteText string // as stored (RFC 3339)
	// Writes counts the write transactions recorded; Recorded is false
	// when the database has no version node yet (loaded by an older
	// server, or written only by other clients).
	Writes   int64
	Recorded bool
}

// countsCypher counts the nodes (but the version node) and the
// relationships from Neo4j's count store.
//
//go:embed dataset_counts.cypher
var countsCypher string

// BackgroundMarker opens the statements the server runs on its own, not
// for a request (the dataset version's poll and scan), so that tools
// counting a request's statements in Neo4j's query log can leave them out.
const BackgroundMarker = "/* lysoen:background */"

// datasetFactsCypher reads the facts in one statement: counts from Neo4j's
// count store, the Source nodes (a few dozen) and the version node by its
// unique id. It reads no other node, so the keeper can run it every few
// seconds.
var datasetFactsCypher = BackgroundMarker + "\n" + datasetFactsFile

//go:embed dataset_facts.cypher
var datasetFactsFile string

// lastUpdateCypher is the latest updatedAt of any node or relationship: a
// scan of the whole graph (seconds at scale M), for what the version node
// cannot know — writes made to Neo4j directly, not through this API.
var lastUpdateCypher = BackgroundMarker + "\n" + lastUpdateFile

//go:embed dataset_last_update.cypher
var lastUpdateFile string

// DatasetFacts reads the facts that make up the dataset version.
func (s *Store) DatasetFacts(ctx context.Context) (DatasetFacts, error) {
	return read(ctx, s, func(tx runner) (DatasetFacts, error) {
		recs, err := s.run(ctx, tx, datasetFactsCypher, map[string]any{"id": DatasetVersionID})
		if err != nil || len(recs) == 0 {
			return DatasetFacts{}, err
		}
		r := recs[0]
		n, _, _ := neo4j.GetRecordValue[int64](r, "nodes")
		rl, _, _ := neo4j.GetRecordValue[int64](r, "rels")
		f := DatasetFacts{Nodes: int(n), Rels: int(rl)}
		srcs, _, _ := neo4j.GetRecordValue[[]any](r, "sources")
		for _, x := range srcs {
			if m, ok := x.(map[string]any); ok {
				f.Sources = append(f.Sources, m)
			}
		}
		f.Writes, _, _ = neo4j.GetRecordValue[int64](r, "writes")
		f.Recorded, _, _ = neo4j.GetRecordValue[bool](r, "recorded")
		if w, isNil, _ := neo4j.GetRecordValue[string](r, "lastWrite"); !isNil && w != "" {
			f.LastWriteText = w
			if t, err := time.Parse(time.RFC3339Nano, w); err == nil {
				f.LastWrite = t.UTC()
			}
		}
		return f, nil
	})
}

// LastUpdate scans every node and relationship for the latest updatedAt
// (zero when none has one). Expensive: the keeper runs it when a database
// has no version node yet and, rarely, to see direct writes.
func (s *Store) LastUpdate(ctx context.Context) (time.Time, error) {
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (time.Time, error) {
		recs, err := s.run(ctx, tx, lastUpdateCypher, nil)
		if err != nil || len(recs) == 0 {
			return time.Time{}, err
		}
		w, isNil, _ := neo4j.GetRecordValue[string](recs[0], "lastWrite")
		if isNil || w == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, w)
		if err != nil {
			return time.Time{}, fmt.Errorf("latest updatedAt %q: %w", w, err)
		}
		return t.UTC(), nil
	})
}

// RecordWrite records on the version node a write that did not go through
// this store (found by LastUpdate or by a change of the counts): the
// version node's lastWrite becomes at when that is later, and its writes
// count grows by one, so the dataset version changes.
func (s *Store) RecordWrite(ctx context.Context, at time.Time) error {
	return s.RecordWrites(ctx, 1, at)
}

// RecordWrites records n writes on the version node, the last of them
// committed at at: the writes committed through a store set to
// RecordWritesAfterCommit. lastWrite becomes at when that is later, and
// the writes count grows by n. The statement is marked as the server's
// own (BackgroundMarker): no request sent it.
func (s *Store) RecordWrites(ctx context.Context, n int64, at time.Time) error {
	_, err := writeTx(ctx, s, func(tx runner) (struct{}, error) {
		_, err := s.run(ctx, tx, recordWritesCypher,
			map[string]any{"id": DatasetVersionID, "n": n, "at": at.UTC().Format(time.RFC3339Nano)})
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("record writes on the dataset version: %w", err)
	}
	return nil
}

// recordWritesCypher adds writes to the version node (RecordWrites).
var recordWritesCypher = BackgroundMarker + "\n" + recordWritesFile

//go:embed dataset_record_writes.cypher
var recordWritesFile string

// CountsChanged is the cheap check between two reads of DatasetFacts:
// the node and relationship counts from Neo4j's count store.
func (s *Store) CountsChanged(ctx context.Context, nodes, rels int) (bool, error) {
	n, r, err := s.Counts(ctx)
	if err != nil {
		return false, err
	}
	return n != nodes || r != rels, nil
}
