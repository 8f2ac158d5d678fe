package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestAnalyticsTransactionTimeout: an analytics statement that outlives
// its timeout is ended by the server and reported as
// context.DeadlineExceeded (TIMEOUT in the API), not as an internal error.
// The statement below would run for minutes, far longer than the timeout
// plus Neo4j's timeout check interval (2 s), so the outcome does not depend
// on the machine's speed.
func TestAnalyticsTransactionTimeout(t *testing.T) {
	st := testdb.Open(t)
	ctx := store.WithAnalyticsTimeout(context.Background(), 200*time.Millisecond)
	began := time.Now()
	err := store.SlowReadForTest(ctx, st)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v after %v, want a deadline error", err, time.Since(began))
	}
	var n4j *neo4j.Neo4jError
	if errors.As(err, &n4j) {
		t.Logf("server said %s", n4j.Code)
	}
}
