package httpserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// Bookmarks (read-your-own-writes across replicas, docs/operations.md):
// a response whose request committed a write carries extensions.bookmarks,
// a JSON array of opaque strings; the client sends that array back, as
// JSON, in the X-Lysoen-Bookmarks header of its next requests, on any
// replica, and every Neo4j transaction of those requests starts from it.
//
// Neo4j makes a transaction that starts from a bookmark it has not reached
// wait for it, up to db.transaction.bookmark_ready_timeout (2 s, set by
// scripts/neo4j.sh), and such a request is not run again. A client may
// have at most maxBookmarkWaiters requests carrying bookmarks in flight at
// once; more are refused with 429 RATE_LIMITED, so forged bookmarks
// cannot hold the connection pool.
const (
	maxBookmarks       = 32
	maxBookmarkLen     = 1024
	maxBookmarkHeader  = 16 << 10
	maxBookmarkWaiters = 4
)

// bookmarkWaiters counts each client's requests carrying bookmarks.
type bookmarkWaiters struct {
	mu sync.Mutex
	n  map[string]int
}

// acquire takes a place for key, or says there is none.
func (b *bookmarkWaiters) acquire(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == nil {
		b.n = map[string]int{}
	}
	if b.n[key] >= maxBookmarkWaiters {
		return false
	}
	b.n[key]++
	return true
}

func (b *bookmarkWaiters) release(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n[key]--; b.n[key] <= 0 {
		delete(b.n, key)
	}
}

// withBookmarks reads X-Lysoen-Bookmarks and starts the request's causal
// chain from it. A header that is not a JSON array of non-empty strings is
// refused with 400 and BAD_USER_INPUT naming the header, before any Cypher
// runs (ignoring it would silently break read-your-own-writes).
func (s *Server) withBookmarks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bookmarks, err := parseBookmarks(r.Header.Values(graph.BookmarksHeader))
		if err != nil {
			rid := telemetry.RequestID(r.Context())
			gqlserver.WriteJSON(w, http.StatusBadRequest, map[string]any{
				"data": nil,
				"errors": []map[string]any{{
					"message": fmt.Sprintf("header %s: %v", graph.BookmarksHeader, err),
					"extensions": map[string]any{"code": graph.CodeBadUserInput, "argument": graph.BookmarksHeader,
						"requestId": rid},
				}},
				"extensions": map[string]any{"cypherRoundTrips": 0, "requestId": rid},
			})
			return
		}
		if len(bookmarks) > 0 {
			key := s.clientKey(r)
			if !s.bookmarkWaiters.acquire(key) {
				w.Header().Set("Retry-After", "1")
				gqlserver.WriteError(w, http.StatusTooManyRequests, graph.CodeRateLimited,
					fmt.Sprintf("at most %d requests with %s may be in flight per client; wait for one to finish", maxBookmarkWaiters, graph.BookmarksHeader),
					map[string]any{"retryAfterSeconds": 1, "limit": maxBookmarkWaiters})
				return
			}
			defer s.bookmarkWaiters.release(key)
		}
		ctx, _ := store.WithCausal(r.Context(), bookmarks)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// parseBookmarks accepts no header, or one header holding a JSON array of
// non-empty strings (an empty array is the same as no header).
func parseBookmarks(values []string) ([]string, error) {
	switch {
	case len(values) == 0:
		return nil, nil
	case len(values) > 1:
		return nil, fmt.Errorf("send it once, as one JSON array")
	case len(values[0]) > maxBookmarkHeader:
		return nil, fmt.Errorf("longer than %d bytes", maxBookmarkHeader)
	}
	var bookmarks []string
	if err := json.Unmarshal([]byte(values[0]), &bookmarks); err != nil {
		return nil, fmt.Errorf(`must be a JSON array of strings, as in extensions.bookmarks (e.g. ["FB:..."])`)
	}
	if len(bookmarks) > maxBookmarks {
		return nil, fmt.Errorf("at most %d bookmarks", maxBookmarks)
	}
	for _, b := range bookmarks {
		if b == "" || len(b) > maxBookmarkLen {
			return nil, fmt.Errorf("each bookmark must be a non-empty string of at most %d bytes", maxBookmarkLen)
		}
	}
	return bookmarks, nil
}
