package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signingKey is one key of the identity provider in these tests.
type signingKey struct {
	kid, alg string
	use      string // "" (unset), "sig" or "enc"
	priv     crypto.Signer
}

func newRSAKey(t testing.TB, kid string) signingKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, alg: "RS256", priv: k}
}

func newECKey(t testing.TB, kid string) signingKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, alg: "ES256", priv: k}
}

// jwk writes the public half as RFC 7517/7518 JSON by hand, so the test
// checks the library against the format rather than against itself.
func (k signingKey) jwk(t testing.TB) map[string]any {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	m := map[string]any{"kid": k.kid, "alg": k.alg}
	if k.use != "" {
		m["use"] = k.use
	}
	switch pub := k.priv.Public().(type) {
	case *rsa.PublicKey:
		m["kty"] = "RSA"
		m["n"] = b64(pub.N.Bytes())
		m["e"] = b64(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		point, err := pub.Bytes() // 0x04 || X || Y, 32 bytes each on P-256
		if err != nil {
			t.Fatal(err)
		}
		m["kty"], m["crv"] = "EC", "P-256"
		m["x"], m["y"] = b64(point[1:33]), b64(point[33:65])
	default:
		t.Fatalf("unexpected key type %T", pub)
	}
	return m
}

// sign makes a token signed by k, naming k.kid (unless kid is overridden
// in header) with the given alg.
func (k signingKey) sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(k.alg), jwt.MapClaims(claims))
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keyServer is the identity provider's jwks_uri: it serves whatever set
// the test gives it, can go down (503) or hang, and counts requests.
type keyServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    []byte // nil: 503
	hang    bool
	release chan struct{}
	hits    atomic.Int64
}

func newKeyServer(t testing.TB) *keyServer {
	ks := &keyServer{release: make(chan struct{})}
	ks.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.hits.Add(1)
		ks.mu.Lock()
		body, hang := ks.body, ks.hang
		ks.mu.Unlock()
		if hang {
			select {
			case <-ks.release:
			case <-r.Context().Done():
			}
			return
		}
		if body == nil {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(func() {
		close(ks.release)
		ks.Close()
	})
	return ks
}

// serve publishes the given keys (plus any raw JWK objects).
func (ks *keyServer) serve(t testing.TB, keys []signingKey, raw ...map[string]any) {
	t.Helper()
	var set []map[string]any
	for _, k := range keys {
		set = append(set, k.jwk(t))
	}
	set = append(set, raw...)
	b, err := json.Marshal(map[string]any{"keys": set})
	if err != nil {
		t.Fatal(err)
	}
	ks.mu.Lock()
	ks.body, ks.hang = b, false
	ks.mu.Unlock()
}

func (ks *keyServer) down() {
	ks.mu.Lock()
	ks.body, ks.hang = nil, false
	ks.mu.Unlock()
}

func (ks *keyServer) hangRequests() {
	ks.mu.Lock()
	ks.hang = true
	ks.mu.Unlock()
}

// waitHits waits until the server has answered at least n requests.
// Waiting for two more than a count seen means that one whole fetch
// (request, answer, processing) happened after that moment, since the
// refresh loop fetches one at a time.
func (ks *keyServer) waitHits(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ks.hits.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the key server saw %d requests, want at least %d", ks.hits.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a log destination the refresh goroutine may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func jwksAuth(t *testing.T, j JWKSConfig) *Authenticator {
	t.Helper()
	a, err := NewContext(t.Context(), Config{JWT: &JWTConfig{JWKS: &j, Audience: "lysoen", Leeway: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func wantPrincipal(t *testing.T, what string, a *Authenticator, token string, role Role) {
	t.Helper()
	p, err := a.Authenticate("Bearer " + token)
	if err != nil || p.Role != role || p.Name != "jwt:ana" || p.Method != "jwt" {
		t.Errorf("%s: %+v, %v; want jwt:ana with role %s", what, p, err, role)
	}
}

func wantRefused(t *testing.T, what string, a *Authenticator, token string, also error) {
	t.Helper()
	p, err := a.Authenticate("Bearer " + token)
	if !errors.Is(err, ErrUnauthenticated) || (also != nil && !errors.Is(err, also)) {
		t.Errorf("%s: %+v, %v; want ErrUnauthenticated (and %v)", what, p, err, also)
	}
}

// TestJWKSRotation: the provider replaces key A (RS256) by key B (ES256);
// the same Authenticator accepts B at once (an unknown kid refreshes the
// set) and refuses A from then on.
func TestJWKSRotation(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyB := newRSAKey(t, "A"), newECKey(t, "B")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: time.Hour, UnknownKIDInterval: time.Millisecond})
	tokA := keyA.sign(t, claims("editor", time.Hour, "lysoen"))
	wantPrincipal(t, "key A", a, tokA, RoleEditor)
	fetched := ks.hits.Load()

	ks.serve(t, []signingKey{keyB})
	wantPrincipal(t, "key B after rotation", a, keyB.sign(t, claims("admin", time.Hour, []any{"lysoen"})), RoleAdmin)
	if got := ks.hits.Load(); got != fetched+1 {
		t.Errorf("the unknown kid B caused %d fetches, want 1", got-fetched)
	}
	wantRefused(t, "key A after it was removed", a, tokA, errUnknownKID)
	// Claims are still checked with keys from the set.
	wantRefused(t, "key B, wrong audience", a, keyB.sign(t, claims("admin", time.Hour, "else")), jwt.ErrTokenInvalidAudience)
	wantRefused(t, "key B, expired", a, keyB.sign(t, claims("admin", -time.Hour, "lysoen")), jwt.ErrTokenExpired)
	wantRefused(t, "key B, no known role", a, keyB.sign(t, claims("boss", time.Hour, "lysoen")), nil)
}

// TestJWKSBackgroundRefresh: with unknown-kid refreshes used up, the
// periodic refresh alone brings in the new key and drops the old one.
func TestJWKSBackgroundRefresh(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyB := newRSAKey(t, "A"), newECKey(t, "B")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: 20 * time.Millisecond, UnknownKIDInterval: time.Hour})
	tokA, tokB := keyA.sign(t, claims("reader", time.Hour, "lysoen")), keyB.sign(t, claims("analyst", time.Hour, "lysoen"))
	wantRefused(t, "kid B before it is published (uses the one unknown-kid refresh)", a, tokB, errUnknownKID)
	wantPrincipal(t, "key A", a, tokA, RoleReader)

	ks.serve(t, []signingKey{keyB})
	ks.waitHits(t, ks.hits.Load()+2)
	wantPrincipal(t, "key B after a background refresh", a, tokB, RoleAnalyst)
	wantRefused(t, "key A after a background refresh", a, tokA, errUnknownKID)
}

// TestJWKSUnreachable: when the key server fails, the last good keys stay;
// an unknown kid is refused. A server that never fetched refuses all JWTs.
func TestJWKSUnreachable(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyC := newRSAKey(t, "A"), newECKey(t, "C")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: 20 * time.Millisecond, UnknownKIDInterval: time.Millisecond})
	tokA := keyA.sign(t, claims("editor", time.Hour, "lysoen"))
	wantPrincipal(t, "key A", a, tokA, RoleEditor)

	ks.down()
	ks.waitHits(t, ks.hits.Load()+2)
	wantPrincipal(t, "key A while the key server answers 503", a, tokA, RoleEditor)
	wantRefused(t, "unknown kid while the key server answers 503", a, keyC.sign(t, claims("editor", time.Hour, "lysoen")), errUnknownKID)

	url := ks.URL
	ks.CloseClientConnections()
	ks.Listener.Close() // nothing listens on the URL any more
	wantPrincipal(t, "key A with the key server gone", a, tokA, RoleEditor)

	var logs syncBuffer
	fresh, err := NewContext(t.Context(), Config{JWT: &JWTConfig{JWKS: &JWKSConfig{URL: url, RefreshInterval: time.Hour, FetchTimeout: 500 * time.Millisecond},
		Audience: "lysoen"}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if !strings.Contains(logs.String(), "JWKS fetch failed; keeping the last good keys") || !strings.Contains(logs.String(), url) {
		t.Errorf("the failed first fetch was not logged with its URL: %q", logs.String())
	}
	wantRefused(t, "a JWT on a server whose first fetch failed", fresh, tokA, errUnknownKID)
	if p, err := fresh.Authenticate(""); err != nil || p != Anonymous {
		t.Errorf("no header with the key server gone: %+v, %v", p, err)
	}
}

// TestJWKSUnknownKIDRateLimited: random kids cause at most one fetch per
// interval.
func TestJWKSUnknownKIDRateLimited(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyB := newRSAKey(t, "A"), newRSAKey(t, "B")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: time.Hour, UnknownKIDInterval: time.Hour})
	if got := ks.hits.Load(); got != 1 {
		t.Fatalf("%d fetches when the Authenticator was made, want 1", got)
	}
	forge := func(kid string) string {
		k := keyA
		k.kid = kid
		return k.sign(t, claims("admin", time.Hour, "lysoen"))
	}
	wantRefused(t, "kid x1", a, forge("x1"), errUnknownKID)
	if got := ks.hits.Load(); got != 2 {
		t.Errorf("%d fetches after one unknown kid, want 2", got)
	}
	for _, kid := range []string{"x2", "x3", "x4"} {
		wantRefused(t, "kid "+kid, a, forge(kid), errUnknownKID)
	}
	if got := ks.hits.Load(); got != 2 {
		t.Errorf("%d fetches after four unknown kids within the interval, want 2", got)
	}
	// A genuinely new key waits for the periodic refresh too.
	ks.serve(t, []signingKey{keyA, keyB})
	wantRefused(t, "key B while refreshes are rate-limited", a, keyB.sign(t, claims("admin", time.Hour, "lysoen")), errUnknownKID)
	wantPrincipal(t, "key A", a, keyA.sign(t, claims("admin", time.Hour, "lysoen")), RoleAdmin)
}

// TestJWKSFetchBounded: a key server that hangs holds a request no longer
// than the fetch timeout.
func TestJWKSFetchBounded(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyB := newRSAKey(t, "A"), newRSAKey(t, "B")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: time.Hour, FetchTimeout: 200 * time.Millisecond, UnknownKIDInterval: time.Millisecond})
	ks.hangRequests() // released only when the test ends
	wantRefused(t, "unknown kid while the key server hangs", a, keyB.sign(t, claims("editor", time.Hour, "lysoen")), errUnknownKID)
	wantPrincipal(t, "key A while the key server hangs", a, keyA.sign(t, claims("editor", time.Hour, "lysoen")), RoleEditor)
	// The caller's context also ends the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.AuthenticateContext(ctx, "Bearer "+keyB.sign(t, claims("editor", time.Hour, "lysoen"))); !errors.Is(err, errUnknownKID) {
		t.Errorf("unknown kid with a cancelled request context: %v", err)
	}
}

// TestJWKSRefusals: with a key set, a token cannot choose a symmetric
// algorithm, skip the signature, omit its kid, or use a key for another
// algorithm or purpose.
func TestJWKSRefusals(t *testing.T) {
	ks := newKeyServer(t)
	keyA := newRSAKey(t, "A")
	enc := newRSAKey(t, "E")
	enc.use = "enc"
	secretKey := []byte("a-shared-secret-published-by-mistake!")
	ks.serve(t, []signingKey{keyA, enc}, map[string]any{"kty": "oct", "kid": "S", "k": base64.RawURLEncoding.EncodeToString(secretKey)})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: time.Hour, UnknownKIDInterval: time.Hour})
	c := claims("admin", time.Hour, "lysoen")
	wantPrincipal(t, "key A", a, keyA.sign(t, c), RoleAdmin)

	hs := func(kid string, key []byte) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(c))
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	nBytes := keyA.priv.Public().(*rsa.PublicKey).N.Bytes()
	noKid := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(c))
	noKidTok, err := noKid.SignedString(keyA.priv)
	if err != nil {
		t.Fatal(err)
	}
	rs384 := jwt.NewWithClaims(jwt.SigningMethodRS384, jwt.MapClaims(c))
	rs384.Header["kid"] = "A" // A is published with alg RS256
	rs384Tok, err := rs384.SignedString(keyA.priv)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(keyA.sign(t, c), ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"A"}`)) + "." + parts[1] + "."
	cases := map[string]string{
		"HS256 with kid A, signed with A's modulus": hs("A", nBytes),
		"HS256 with the symmetric key S":            hs("S", secretKey),
		"RS256 naming the symmetric key S":          func() string { k := keyA; k.kid = "S"; return k.sign(t, c) }(),
		"alg none with kid A":                       none,
		"no kid":                                    noKidTok,
		"RS384 with a key published for RS256":      rs384Tok,
		"a key published for encryption":            enc.sign(t, c),
		"key A's signature on other claims":         parts[0] + "." + strings.Split(keyA.sign(t, claims("reader", time.Hour, "lysoen")), ".")[1] + "." + parts[2],
	}
	for name, tok := range cases {
		wantRefused(t, name, a, tok, nil)
	}
}

// TestJWKSClose: after Close the set is no longer fetched; the keys held
// keep verifying.
func TestJWKSClose(t *testing.T) {
	ks := newKeyServer(t)
	keyA := newRSAKey(t, "A")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: 10 * time.Millisecond, UnknownKIDInterval: time.Hour})
	ks.waitHits(t, 3)
	a.Close()
	time.Sleep(50 * time.Millisecond) // a fetch that was in flight finishes
	after := ks.hits.Load()
	time.Sleep(200 * time.Millisecond) // twenty refresh intervals
	if got := ks.hits.Load(); got != after {
		t.Errorf("%d fetches after Close", got-after)
	}
	wantPrincipal(t, "key A after Close", a, keyA.sign(t, claims("reader", time.Hour, "lysoen")), RoleReader)
}

func TestJWKSFromEnv(t *testing.T) {
	get := func(env map[string]string) (Config, error) {
		return FromEnv(func(k string) string { return env[k] }, func(string) ([]byte, error) { return nil, errors.New("no files") })
	}
	cfg, err := get(map[string]string{EnvJWKSURL: "https://idp.example/.well-known/jwks.json", EnvAudience: "api"})
	if err != nil {
		t.Fatal(err)
	}
	want := JWKSConfig{URL: "https://idp.example/.well-known/jwks.json", RefreshInterval: 15 * time.Minute, FetchTimeout: 2 * time.Second, UnknownKIDInterval: time.Minute}
	if cfg.JWT == nil || cfg.JWT.JWKS == nil || *cfg.JWT.JWKS != want || cfg.JWT.Audience != "api" || cfg.JWT.Leeway != 30*time.Second {
		t.Errorf("config = %+v", cfg.JWT)
	}
	cfg, err = get(map[string]string{EnvJWKSURL: "http://127.0.0.1:9/jwks", EnvJWKSRefresh: "30s", EnvJWKSTimeout: "500ms", EnvJWKSUnknownKIDGap: "10s"})
	if err != nil {
		t.Fatal(err)
	}
	want = JWKSConfig{URL: "http://127.0.0.1:9/jwks", RefreshInterval: 30 * time.Second, FetchTimeout: 500 * time.Millisecond, UnknownKIDInterval: 10 * time.Second}
	if *cfg.JWT.JWKS != want {
		t.Errorf("JWKS config = %+v, want %+v", *cfg.JWT.JWKS, want)
	}
	for _, ok := range []string{"http://localhost:8080/jwks", "http://[::1]/jwks", "HTTPS://idp.example/k"} {
		if _, err := get(map[string]string{EnvJWKSURL: ok}); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	bad := []map[string]string{
		{EnvJWKSURL: "http://idp.example/jwks"}, // clear text over a network
		{EnvJWKSURL: "http://10.0.0.1/jwks"},    // idem
		{EnvJWKSURL: "file:///etc/jwks.json"},   // not a web URL
		{EnvJWKSURL: "/jwks.json"},              // not absolute
		{EnvJWKSURL: "https://idp.example/k", EnvHS256Secret: string(secret)},
		{EnvJWKSURL: "https://idp.example/k", EnvRS256Key: "-----BEGIN PUBLIC KEY-----"},
		{EnvJWKSURL: "https://idp.example/k", EnvJWKSRefresh: "soon"},
		{EnvJWKSURL: "https://idp.example/k", EnvJWKSRefresh: "-1m"},
		{EnvJWKSURL: "https://idp.example/k", EnvJWKSTimeout: "1m"}, // requests would wait too long
		{EnvJWKSRefresh: "1m"},                                      // a JWKS setting without a URL
	}
	for _, env := range bad {
		if _, err := get(env); err == nil {
			t.Errorf("FromEnv(%v) accepted", env)
		}
	}
}

// TestNewRefusesUnusableJWTConfig: a hand-made Config New cannot use makes
// every JWT refused (never accepted), and says why.
func TestNewRefusesUnusableJWTConfig(t *testing.T) {
	keys, _ := ParseKeys("ed:editor:" + HashKey("k"))
	a, err := NewContext(t.Context(), Config{Keys: keys, JWT: &JWTConfig{JWKS: &JWKSConfig{URL: "http://idp.example/jwks"}}})
	if err == nil {
		t.Fatal("a clear-text JWKS URL to a remote host was accepted")
	}
	defer a.Close()
	if _, err := a.Authenticate("Bearer " + mustSign(t, claims("editor", time.Hour, "lysoen"))); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("JWT with an unusable configuration: %v", err)
	}
	if p, err := a.Authenticate("Bearer k"); err != nil || p.Name != "key:ed" {
		t.Errorf("API key with an unusable JWT configuration: %+v, %v", p, err)
	}
}

// TestJWKSConcurrent: requests verify while the set is refreshed under
// them (run with -race); every token signed with a key that stays
// published is accepted throughout.
func TestJWKSConcurrent(t *testing.T) {
	ks := newKeyServer(t)
	keyA, keyB := newRSAKey(t, "A"), newECKey(t, "B")
	ks.serve(t, []signingKey{keyA})
	a := jwksAuth(t, JWKSConfig{URL: ks.URL, RefreshInterval: 5 * time.Millisecond, UnknownKIDInterval: time.Millisecond})
	tokA := keyA.sign(t, claims("editor", time.Hour, "lysoen"))
	tokB := keyB.sign(t, claims("editor", time.Hour, "lysoen"))
	var wg sync.WaitGroup
	var refusedA atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := a.Authenticate("Bearer " + tokA); err != nil {
					refusedA.Add(1)
				}
				a.Authenticate("Bearer " + tokB) // accepted or not, depending on the moment
			}
		}()
	}
	for range 20 {
		ks.serve(t, []signingKey{keyA, keyB})
		ks.serve(t, []signingKey{keyA})
	}
	wg.Wait()
	if n := refusedA.Load(); n != 0 {
		t.Errorf("key A, published throughout, was refused %d times", n)
	}
}
