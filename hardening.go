package main

import (
	"net/http"

	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// guards are the hardening pieces shared by the handlers.
type guards struct {
	metrics *telemetry.Metrics
	limiter *rateLimiter // nil: no rate limit
}

func newGuards(c config.Config, sessions func() int64) *guards {
	g := &guards{metrics: telemetry.NewMetrics(sessions)}
	if h := c; h.RateLimit > 0 {
		g.limiter = newRateLimiter(h.RateLimit, h.RateBurst, h.RateLimitKey)
	}
	return g
}

// protectGraphQL wraps the GraphQL endpoint: CORS first (so refusals carry
// CORS headers a browser can read), then the rate limit, then the body size.
func (a *app) protectGraphQL(next http.Handler) http.Handler {
	h := gqlserver.BodyLimit(a.cfg.Limits.MaxBodyBytes, gqlserver.TypedErrors(next))
	if a.guards.limiter != nil {
		h = a.guards.limiter.middleware(a.guards.metrics, h)
	}
	return cors(a.cfg.CORSOrigins, h)
}
