package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ReadForTest runs one statement through the store's read helper (the path
// every API read takes: session, managed transaction, tx timeout, ctx).
func (s *Store) ReadForTest(ctx context.Context, cypher string) error {
	_, err := read(ctx, s, func(tx runner) (any, error) {
		return s.run(ctx, tx, cypher, nil)
	})
	return err
}

// TransactionsRunning lists the transactions Neo4j is running whose query
// contains marker (SHOW TRANSACTIONS, from another session).
func (s *Store) TransactionsRunning(ctx context.Context, marker string) ([]string, error) {
	res, err := neo4j.ExecuteQuery(ctx, s.driver,
		"SHOW TRANSACTIONS YIELD transactionId, currentQuery WHERE currentQuery CONTAINS $marker AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' RETURN transactionId",
		map[string]any{"marker": marker}, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range res.Records {
		id, _ := r.Get("transactionId")
		ids = append(ids, id.(string))
	}
	return ids, nil
}

// SlowReadForTest runs an analytics read whose one statement would take
// minutes: 10^10 rows, none kept.
func SlowReadForTest(ctx context.Context, s *Store) error {
	_, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (int, error) {
		_, err := s.run(ctx, tx, "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS none", nil)
		return 0, err
	})
	return err
}

// ReadCypherAccessModeOnly runs a query with guards 1 and 2 (EXPLAIN query
// type and plan) switched off, so tests can prove that the read access mode
// alone refuses writes.
func (s *Store) ReadCypherAccessModeOnly(ctx context.Context, query string, params map[string]any, opts CypherOptions) (CypherResult, error) {
	return s.readCypher(ctx, query, params, opts, false)
}

// DateCondForTest builds the Cypher condition of c on variable n of label l
// and runs it over rows ({startDate, endDate} maps bound to n), returning
// the indexes of the rows it keeps.
func (s *Store) DateCondForTest(ctx context.Context, l Label, c Cond, rows []map[string]any) ([]int64, error) {
	params := map[string]any{"rows": rows}
	cond, err := newWhereBuilder(params).node(Filter{Conds: []Cond{c}}, "n", l)
	if err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx runner) ([]int64, error) {
		recs, err := s.run(ctx, tx, "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS n WHERE "+cond+" RETURN collect(i) AS kept", params)
		if err != nil {
			return nil, err
		}
		kept, _, err := neo4j.GetRecordValue[[]any](recs[0], "kept")
		out := make([]int64, len(kept))
		for i, k := range kept {
			out[i], _ = k.(int64)
		}
		return out, err
	})
}

// ChangeSetStatementsForTest are ChangeSet's two statements.
func ChangeSetStatementsForTest() (nodes, rels string) {
	return changeSetNodesCypher, changeSetRelsCypher
}

// StatementFilesForTest returns every embedded .cypher file by name.
func StatementFilesForTest() (map[string]string, error) {
	entries, err := statementFiles.ReadDir(".")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := statementFiles.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = string(b)
	}
	return out, nil
}

// UpsertsQueuedForTest says whether an upsert of node id is in flight and
// how many wait behind it.
func (s *Store) UpsertsQueuedForTest(id string) (inFlight bool, waiting int) {
	s.upserts.mu.Lock()
	defer s.upserts.mu.Unlock()
	queued, inFlight := s.upserts.nodes[id]
	return inFlight, len(queued)
}

// UpsertQueueNodesForTest is how many nodes the upsert queue keeps an entry for.
func (s *Store) UpsertQueueNodesForTest() int {
	s.upserts.mu.Lock()
	defer s.upserts.mu.Unlock()
	return len(s.upserts.nodes)
}

// OnUpsertGroupForTest makes the upsert queue tell sent the size of each
// group it sends.
func (s *Store) OnUpsertGroupForTest(sent func(n int)) {
	s.upserts.mu.Lock()
	defer s.upserts.mu.Unlock()
	s.upserts.sent = sent
}
