package main

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// rateLimiter is a token bucket per client: each client may send burst
// requests at once, then rate per second. Idle buckets are forgotten.
type rateLimiter struct {
	rate    float64
	burst   float64
	key     func(r *http.Request) string
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int, keySpec string) *rateLimiter {
	rl := &rateLimiter{rate: rate, burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
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
	defer rl.mu.Unlock()
	if now.Sub(rl.swept) > time.Minute {
		// A bucket idle long enough to be full again is the same as no bucket.
		full := time.Duration(rl.burst / rl.rate * float64(time.Second))
		for k, b := range rl.buckets {
			if now.Sub(b.last) > full {
				delete(rl.buckets, k)
			}
		}
		rl.swept = now
	}
	b := rl.buckets[key]
	if b == nil {
		b = &bucket{tokens: rl.burst, last: now}
		rl.buckets[key] = b
	}
	b.tokens = math.Min(rl.burst, b.tokens+now.Sub(b.last).Seconds()*rl.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rl.rate * float64(time.Second))
	return false, wait
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
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			if m != nil {
				m.CountRateLimited()
			}
			gqlserver.WriteError(w, http.StatusTooManyRequests, graph.CodeRateLimited,
				"too many requests; slow down", map[string]any{"retryAfterSeconds": max(secs, 1)})
			return
		}
		next.ServeHTTP(w, r)
	})
}
