package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// JWKSAlgorithms are the token algorithms accepted with a JWK Set: the
// asymmetric ones only. A shared secret has no place in a published key
// set, and refusing HS* here means no key from the set is ever used as an
// HMAC secret.
var JWKSAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Defaults for JWKSConfig's zero fields.
const (
	DefaultJWKSRefresh         = 15 * time.Minute
	DefaultJWKSTimeout         = 2 * time.Second
	DefaultJWKSUnknownKIDEvery = time.Minute
	// maxJWKSBytes caps a key set response; a larger one fails the fetch
	// (and the last good keys stay).
	maxJWKSBytes = 1 << 20
)

// JWKSConfig fetches the verification keys from a JWK Set URL (an
// identity provider's jwks_uri) and keeps them fresh, so a key rotation at
// the provider needs no restart. The key set is kept by
// github.com/MicahParks/keyfunc/v3 over github.com/MicahParks/jwkset
// (keyfunc is a jwt.Keyfunc for golang-jwt/jwt/v5 backed by jwkset's key
// storage; fetching, parsing JWKs of every common key type and the refresh
// loop are not hand-written here).
//
// Behaviour:
//   - The set is fetched once when the Authenticator is made and then
//     every RefreshInterval in the background. A successful fetch replaces
//     the whole set, so a key the provider removed is refused from then on.
//   - A failed fetch (host unreachable, non-200, bad JSON, larger than
//     1 MiB) keeps the last good keys and is logged; tokens signed with
//     them keep working. If the first fetch fails the set starts empty and
//     every JWT is refused until a fetch succeeds.
//   - A token must name its key with a "kid" header. A kid that is not in
//     the set triggers one refresh, at most once per UnknownKIDInterval
//     for the whole server (so random kids cannot make the server hammer
//     the provider); if the kid is still unknown, or a refresh is not
//     allowed yet, the token is refused (UNAUTHENTICATED).
//   - No request waits on the provider for longer than FetchTimeout; every
//     fetch, background or not, is bounded by it. Redirects are not
//     followed.
//   - Keys whose "use" is "enc" are ignored; a key whose "alg" is set must
//     match the token's.
type JWKSConfig struct {
	// URL of the JWK Set: https, or http to a loopback host only (tests,
	// development).
	URL                string
	RefreshInterval    time.Duration // 0: DefaultJWKSRefresh
	FetchTimeout       time.Duration // 0: DefaultJWKSTimeout
	UnknownKIDInterval time.Duration // 0: DefaultJWKSUnknownKIDEvery
}

func (c JWKSConfig) withDefaults() JWKSConfig {
	if c.RefreshInterval <= 0 {
		c.RefreshInterval = DefaultJWKSRefresh
	}
	if c.FetchTimeout <= 0 {
		c.FetchTimeout = DefaultJWKSTimeout
	}
	if c.UnknownKIDInterval <= 0 {
		c.UnknownKIDInterval = DefaultJWKSUnknownKIDEvery
	}
	return c
}

// CheckJWKSURL accepts an absolute https URL, or http to a loopback host
// (localhost, 127.0.0.0/8, ::1): keys fetched in clear over a network
// could be replaced by anyone on the path.
func CheckJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("%q: http is allowed only to a loopback host; use https", raw)
	}
	return fmt.Errorf("%q: the scheme must be https", raw)
}

// keySet is a JWK Set that refreshes in the background until its context
// ends.
type keySet struct {
	kf      keyfunc.Keyfunc
	timeout time.Duration
	log     *slog.Logger
}

// newKeySet fetches the set once (waiting at most FetchTimeout; a failure
// is logged, not returned) and starts the refresh goroutine, which stops
// when ctx ends.
func newKeySet(ctx context.Context, c JWKSConfig, log *slog.Logger) (*keySet, error) {
	c = c.withDefaults()
	if err := CheckJWKSURL(c.URL); err != nil {
		return nil, fmt.Errorf("JWKS URL: %w", err)
	}
	client := &http.Client{
		Timeout:   c.FetchTimeout,
		Transport: limitBody{base: http.DefaultTransport, max: maxJWKSBytes},
		// A redirect is answered as is (a non-200 status fails the fetch):
		// the configured URL is the only place keys come from.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	base, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{c.URL}, keyfunc.Override{
		Client:            client,
		HTTPTimeout:       c.FetchTimeout,
		RateLimitWaitMax:  c.FetchTimeout,
		RefreshInterval:   c.RefreshInterval,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(c.UnknownKIDInterval), 1),
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				log.WarnContext(ctx, "JWKS fetch failed; keeping the last good keys", "url", u, "err", err)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", c.URL, err)
	}
	// The same storage, with "enc" keys refused (keyfunc's default
	// constructor accepts any use).
	kf, err := keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: base.Storage(), UseWhitelist: []jwkset.USE{jwkset.UseSig, ""}})
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", c.URL, err)
	}
	return &keySet{kf: kf, timeout: c.FetchTimeout, log: log}, nil
}

// errUnknownKID: the token names a key the set does not hold.
var errUnknownKID = errors.New("key id is not in the key set")

// keyfunc returns the jwt.Keyfunc for one request: it finds the token's
// kid in the set, refreshing the set (rate-limited, bounded by the fetch
// timeout and ctx) when the kid is unknown.
func (k *keySet) keyfunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		kid, _ := t.Header[jwkset.HeaderKID].(string)
		if kid == "" {
			return nil, errors.New(`no "kid" header (keys from a JWK Set are chosen by kid)`)
		}
		ctx, cancel := context.WithTimeout(ctx, k.timeout)
		defer cancel()
		// Storage().KeyRead refreshes on an unknown kid; its errors (not
		// found, refresh not allowed yet, fetch failed) all mean the key
		// is not available to this request.
		if _, err := k.kf.Storage().KeyRead(ctx, kid); err != nil {
			k.log.DebugContext(ctx, "JWT with an unknown kid", "kid", kid, "err", err)
			return nil, fmt.Errorf("%w: %q", errUnknownKID, kid)
		}
		// The key is now in memory: this read checks alg and use.
		return k.kf.KeyfuncCtx(ctx)(t)
	}
}

// limitBody caps response bodies, so a huge key set fails its fetch
// instead of filling memory.
type limitBody struct {
	base http.RoundTripper
	max  int64
}

func (l limitBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = limitedReadCloser{Reader: io.LimitReader(resp.Body, l.max), Closer: resp.Body}
	return resp, nil
}

type limitedReadCloser struct {
	io.Reader
	io.Closer
}
