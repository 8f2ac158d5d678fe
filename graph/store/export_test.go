package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// HoldReadForTest runs an analytics read transaction that sends one
// statement, waits hold, then sends another.
func HoldReadForTest(ctx context.Context, s *Store, hold time.Duration) error {
	_, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx neo4j.ManagedTransaction) (int, error) {
		if _, err := s.run(ctx, tx, "RETURN 1 AS one", nil); err != nil {
			return 0, err
		}
		time.Sleep(hold)
		_, err := s.run(ctx, tx, "RETURN 2 AS two", nil)
		return 0, err
	})
	return err
}
