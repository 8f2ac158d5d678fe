package httpserver

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestRateLimiterBuckets: a client gets its burst at once, then one
// request per 1/rate; the wait it is told is the time to its next token;
// clients do not share buckets; a bucket idle until full is forgotten.
func TestRateLimiterBuckets(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	rl := newRateLimiter(2, 3, "header:X-Client") // 2/s after a burst of 3
	rl.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := rl.allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := rl.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("past the burst: allowed %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := rl.allow("b"); !ok {
		t.Fatal("another client was refused")
	}
	now = now.Add(250 * time.Millisecond)
	if ok, wait := rl.allow("a"); ok || wait != 250*time.Millisecond {
		t.Fatalf("after 250ms: allowed %v, wait %v; want refused, 250ms", ok, wait)
	}
	now = now.Add(250 * time.Millisecond)
	if ok, _ := rl.allow("a"); !ok {
		t.Fatal("after 500ms the next token was refused")
	}
	// Idle past a full refill (1.5 s) and past the sweep interval: forgotten.
	now = now.Add(2 * time.Minute)
	rl.allow("c")
	rl.mu.Lock()
	_, aKept := rl.clients["a"]
	rl.mu.Unlock()
	if aKept {
		t.Error("an idle, full bucket was kept")
	}

	req := httptest.NewRequest("POST", "/graphql", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	if got := rl.key(req); got != "192.0.2.7" {
		t.Errorf("key without the header: %q, want the IP", got)
	}
	req.Header.Set("X-Client", "abc")
	if got := rl.key(req); got != "abc" {
		t.Errorf("key with the header: %q", got)
	}
}
