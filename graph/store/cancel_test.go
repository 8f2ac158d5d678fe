package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// slowQuery would run for minutes; the marker finds it in SHOW TRANSACTIONS.
func slowQuery(marker string) string {
	return fmt.Sprintf("UNWIND range(1, 2000000000) AS x WITH x WHERE x = -1 RETURN count(x) AS %s", marker)
}

// waitTransactions polls SHOW TRANSACTIONS until the number of running
// transactions with marker is want (or a minute passes).
func waitTransactions(t *testing.T, st *store.Store, marker string, want int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ids, err := st.TransactionsRunning(context.Background(), marker)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("transactions running %s: %v, want %d", marker, ids, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCancelStopsTheTransaction: when the request's context is cancelled
// (client gone), the transaction disappears from SHOW TRANSACTIONS.
func TestCancelStopsTheTransaction(t *testing.T) {
	st := testdb.Open(t)
	marker := fmt.Sprintf("lysoen_cancel_%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- st.ReadForTest(ctx, slowQuery(marker)) }()
	waitTransactions(t, st, marker, 1)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read returned %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("read did not return after cancel")
	}
	waitTransactions(t, st, marker, 0)
}

// TestTimeoutStopsTheTransaction: the request timeout is also the
// transaction timeout, so Neo4j ends the work even if the client stays.
func TestTimeoutStopsTheTransaction(t *testing.T) {
	st := testdb.Open(t, func(o *store.Options) { o.TxTimeout = time.Second })
	marker := fmt.Sprintf("lysoen_timeout_%d", time.Now().UnixNano())
	// No deadline on ctx: only the server-side transaction timeout can stop it.
	err := st.ReadForTest(context.Background(), slowQuery(marker))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read returned %v, want a timeout (context.DeadlineExceeded)", err)
	}
	waitTransactions(t, st, marker, 0)
}
