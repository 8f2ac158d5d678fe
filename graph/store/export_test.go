package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ReadForTest runs one statement through the store's read helper (the path
// every API read takes: session, managed transaction, tx timeout, ctx).
func (s *Store) ReadForTest(ctx context.Context, cypher string) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
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
