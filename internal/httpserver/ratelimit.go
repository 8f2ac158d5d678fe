package httpserver

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// rateLimiter keeps a token bucket per client (golang.org/x/time/rate):
// each client may send burst requests at once, then rate per second. A
// client is its IP address, or a header a trusted proxy sets. Idle buckets
// are forgotten.
type rateLimiter struct {
	rate    rate.Limit
	burst   int
	key     func(r *http.Request) string
	now     func() time.Time
	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

type client struct {
	limiter *rate.Limiter
	last    time.Time
}

// newRateLimiter limits each client to perSecond requests a second after
// a burst; keySpec is "ip" or "header:<Name>".
func newRateLimiter(perSecond float64, burst int, keySpec string) *rateLimiter {
	rl := &rateLimiter{rate: rate.Limit(perSecond), burst: burst, now: time.Now, clients: map[string]*client{}}
	if name, ok := strings.CutPrefix(keySpec, "header:"); ok {
		rl.key = func(r *http.Request) string {
			if v := r.Header.Get(name); v != "" {
				return v
			}
			return clientIP(r)
		}
	} else {
		rl.key = clientIP
	}
	return rl
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow takes a token for key; when none is left it says how long to wait.
func (rl *rateLimiter) allow(key string) (bool, time.Duration) {
	now := rl.now()
	rl.mu.Lock()
	if now.Sub(rl.swept) > time.Minute {
		// A bucket idle long enough to be full again is the same as no bucket.
		full := time.Duration(float64(rl.burst) / float64(rl.rate) * float64(time.Second))
		for k, c := range rl.clients {
			if now.Sub(c.last) > full {
				delete(rl.clients, k)
			}
		}
		rl.swept = now
	}
	c := rl.clients[key]
	if c == nil {
		c = &client{limiter: rate.NewLimiter(rl.rate, rl.burst)}
		rl.clients[key] = c
	}
	c.last = now
	rl.mu.Unlock()
	if c.limiter.AllowN(now, 1) {
		return true, 0
	}
	tokens := c.limiter.TokensAt(now)
	return false, time.Duration((1 - tokens) / float64(rl.rate) * float64(time.Second))
}

// middleware answers 429 RATE_LIMITED with Retry-After when the client's
// bucket is empty. CORS preflights are not counted.
func (rl *rateLimiter) middleware(m *telemetry.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ok, wait := rl.allow(rl.key(r))
		if !ok {
			secs := max(int(math.Ceil(wait.Seconds())), 1)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			if m != nil {
				m.CountRateLimited()
			}
			gqlserver.WriteError(w, http.StatusTooManyRequests, graph.CodeRateLimited,
				"too many requests; slow down", map[string]any{"retryAfterSeconds": secs})
			return
		}
		next.ServeHTTP(w, r)
	})
}
