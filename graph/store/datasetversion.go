package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DatasetFacts is what identifies the data loaded: every Source node's
// properties (ordered by id), the node and relationship counts, and the
// time of the last write (the latest updatedAt of any node or
// relationship; zero when nothing carries one).
type DatasetFacts struct {
	Sources       []map[string]any
	Nodes, Rels   int
	LastWrite     time.Time
	LastWriteText string // as stored (RFC 3339)
}

// datasetFactsCypher reads the facts in one statement. Counts come from
// Neo4j's count store; the latest updatedAt is a scan of every node and
// relationship, so callers cache the answer and read it again only after
// writes (internal/dataset).
const datasetFactsCypher = `
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { MATCH (s:Source) WITH s ORDER BY s.id RETURN collect(properties(s)) AS sources }
CALL () { MATCH (n) WHERE n.updatedAt IS NOT NULL RETURN max(datetime(n.updatedAt)) AS nw }
CALL () { MATCH ()-[r]->() WHERE r.updatedAt IS NOT NULL RETURN max(datetime(r.updatedAt)) AS rw }
WITH nodes, rels, sources, CASE WHEN rw IS NULL OR (nw IS NOT NULL AND nw >= rw) THEN nw ELSE rw END AS w
RETURN nodes, rels, sources, toString(w) AS lastWrite`

// DatasetFacts reads the facts that make up the dataset version.
func (s *Store) DatasetFacts(ctx context.Context) (DatasetFacts, error) {
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (DatasetFacts, error) {
		recs, err := s.run(ctx, tx, datasetFactsCypher, nil)
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
		if w, isNil, _ := neo4j.GetRecordValue[string](r, "lastWrite"); !isNil && w != "" {
			f.LastWriteText = w
			if t, err := time.Parse(time.RFC3339Nano, w); err == nil {
				f.LastWrite = t.UTC()
			}
		}
		return f, nil
	})
}

// CountsChanged is the cheap check between two reads of DatasetFacts:
// the node and relationship counts from Neo4j's count store.
func (s *Store) CountsChanged(ctx context.Context, nodes, rels int) (bool, error) {
	n, r, err := s.Counts(ctx)
	if err != nil {
		return false, err
	}
	return n != nodes || r != rels, nil
}
