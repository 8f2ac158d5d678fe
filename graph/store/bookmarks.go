package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrBadBookmark is returned when Neo4j refuses the bookmarks a request
// sent (not bookmarks of this database, or malformed).
var ErrBadBookmark = errors.New("invalid bookmark")

// Causal is one request's causal chain: every session the request opens
// starts from its bookmarks (the ones the client sent back, then those of
// the request's own transactions), so on a cluster a read routed to any
// reader sees what the client wrote before, on this replica or another.
type Causal struct {
	mgr   neo4j.BookmarkManager
	sent  bool // the client sent bookmarks
	wrote atomic.Bool
}

type causalKey struct{}

// WithCausal starts a request's causal chain from the client's bookmarks
// (none is fine).
func WithCausal(ctx context.Context, bookmarks []string) (context.Context, *Causal) {
	c := &Causal{mgr: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{
		InitialBookmarks: neo4j.BookmarksFromRawValues(bookmarks...)}), sent: len(bookmarks) > 0}
	return context.WithValue(ctx, causalKey{}, c), c
}

// CausalFrom returns the request's causal chain, or nil.
func CausalFrom(ctx context.Context) *Causal {
	c, _ := ctx.Value(causalKey{}).(*Causal)
	return c
}

// Wrote says whether a write transaction of the request committed.
func (c *Causal) Wrote() bool { return c.wrote.Load() }

// Bookmarks are the bookmarks after the request's last transaction: what
// the client sends back to read its own writes.
func (c *Causal) Bookmarks(ctx context.Context) ([]string, error) {
	b, err := c.mgr.GetBookmarks(ctx)
	return neo4j.BookmarksToRawValues(b), err
}

// session opens a session in mode, in the request's causal chain if it has one.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	cfg := neo4j.SessionConfig{AccessMode: mode, DatabaseName: s.database}
	if c := CausalFrom(ctx); c != nil {
		cfg.BookmarkManager = c.mgr
	}
	return s.driver.NewSession(ctx, cfg)
}

// bookmarkError marks err ErrBadBookmark when Neo4j did not accept the
// bookmarks the client sent (the only bookmarks that can be wrong).
func bookmarkError(ctx context.Context, err error) error {
	var n4j *neo4j.Neo4jError
	if c := CausalFrom(ctx); c != nil && c.sent && errors.As(err, &n4j) &&
		(n4j.Code == "Neo.ClientError.Transaction.InvalidBookmark" || n4j.Code == "Neo.ClientError.Transaction.InvalidBookmarkMixture") {
		return fmt.Errorf("%w: %s", ErrBadBookmark, n4j.Msg)
	}
	return err
}
