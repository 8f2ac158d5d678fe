package httpserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/gqlserver"
)

// readyCacheFor is how long /readyz's answer is reused: it is anonymous
// and unlimited, and each fresh answer costs a ping and two schema queries.
const readyCacheFor = time.Second

// readiness answers /readyz: 200 only when Neo4j answers and the schema's
// constraints and indexes are in place; otherwise 503 with the reason.
// mu is held while an answer is computed, so concurrent probes wait for
// it instead of each querying.
type readiness struct {
	store  *store.Store
	schema *gqlserver.SchemaKeeper

	mu     sync.Mutex
	at     time.Time
	status int
	body   map[string]string
}

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if time.Since(rd.at) >= readyCacheFor {
		rd.status, rd.body = rd.check(r.Context())
		rd.at = time.Now()
	}
	gqlserver.WriteJSON(w, rd.status, rd.body)
}

func (rd *readiness) check(ctx context.Context) (int, map[string]string) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := rd.store.Ping(ctx); err != nil {
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "neo4j unreachable: " + err.Error()}
	}
	missing, err := rd.store.SchemaMissing(ctx)
	if err != nil {
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "cannot read the schema: " + err.Error()}
	}
	if len(missing) > 0 {
		reason := "constraints or indexes not in place: " + strings.Join(missing, ", ")
		if last := rd.schema.LastError(); last != "" {
			reason += " (last attempt: " + last + ")"
		}
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason}
	}
	return http.StatusOK, map[string]string{"status": "ready"}
}
