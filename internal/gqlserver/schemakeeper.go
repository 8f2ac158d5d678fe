package gqlserver

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// SchemaKeeper applies the constraints and indexes at start-up, retrying in
// the background while Neo4j is unreachable, so the server can start before
// the database and become ready by itself.
type SchemaKeeper struct {
	store  *store.Store
	logger *slog.Logger
	mu     sync.Mutex
	last   string
}

// NewSchemaKeeper keeps st's schema in place.
func NewSchemaKeeper(st *store.Store, logger *slog.Logger) *SchemaKeeper {
	return &SchemaKeeper{store: st, logger: logger}
}

// LastError is the last failed attempt's error, "" once the schema is in place.
func (k *SchemaKeeper) LastError() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.last
}

// Keep tries until the schema is in place or ctx ends.
func (k *SchemaKeeper) Keep(ctx context.Context) {
	delay := 500 * time.Millisecond
	for {
		attemptCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := k.store.EnsureSchema(attemptCtx)
		cancel()
		if err == nil {
			k.mu.Lock()
			k.last = ""
			k.mu.Unlock()
			k.logger.Info("schema in place: constraints and indexes online")
			return
		}
		k.mu.Lock()
		k.last = err.Error()
		k.mu.Unlock()
		k.logger.Warn("cannot apply schema yet; retrying", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 10*time.Second)
	}
}
