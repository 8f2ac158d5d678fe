package auth

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig says which JWTs are accepted and what they grant. Tokens are
// compact JWS verified with github.com/golang-jwt/jwt/v5 (a well-kept
// library: parsing, signature checks and the registered claims are not
// hand-written here). The key comes from exactly one source:
//
//   - HS256 with a shared Secret (Alg "HS256"),
//   - RS256 with one RSA PublicKey (Alg "RS256"),
//   - a JWK Set fetched from a URL and refreshed (JWKS; Alg is ignored and
//     the asymmetric algorithms in JWKSAlgorithms are accepted).
//
// The token's "alg" header must be an accepted algorithm ("none" and any
// other are refused, so a token cannot choose how it is checked; an HS256
// token is never checked with an RSA key). "exp" is required, "nbf" is
// honoured and must be a NumericDate when present, "aud" must contain
// Audience, and "iss" must equal Issuer when one is configured. The role
// comes from RoleClaim ("role" by default; a string, or a list whose
// highest known role wins).
type JWTConfig struct {
	Alg       string // "HS256" or "RS256" (static keys)
	Secret    []byte // HS256
	PublicKey *rsa.PublicKey
	JWKS      *JWKSConfig // keys from a JWK Set URL instead of a static key
	Audience  string
	Issuer    string
	RoleClaim string
	Leeway    time.Duration    // clock skew allowed on exp and nbf
	Now       func() time.Time // nil: time.Now
}

// ParseRSAPublicKey reads a PEM "PUBLIC KEY" (PKIX) or "RSA PUBLIC KEY" (PKCS#1).
func ParseRSAPublicKey(pemText []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemText)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	switch block.Type {
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the public key is a %T, want RSA", k)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("PEM block %q: want PUBLIC KEY or RSA PUBLIC KEY", block.Type)
}

// verifier checks tokens for one JWTConfig. Its key function is fixed for
// static keys, or reads the refreshing key set for JWKS.
type verifier struct {
	parser    *jwt.Parser
	roleClaim string
	keyfunc   func(ctx context.Context) jwt.Keyfunc
	keys      *keySet // nil for static keys
}

// newVerifier prepares c. ctx bounds the life of a JWKS key set's refresh
// goroutine.
func newVerifier(ctx context.Context, c *JWTConfig, log *slog.Logger) (*verifier, error) {
	v := &verifier{roleClaim: c.RoleClaim}
	if v.roleClaim == "" {
		v.roleClaim = "role"
	}
	var methods []string
	switch {
	case c.JWKS != nil:
		ks, err := newKeySet(ctx, *c.JWKS, log)
		if err != nil {
			return nil, err
		}
		v.keys, v.keyfunc, methods = ks, ks.keyfunc, JWKSAlgorithms
	case c.Alg == "HS256" && len(c.Secret) > 0:
		secret := c.Secret
		v.keyfunc = func(context.Context) jwt.Keyfunc { return func(*jwt.Token) (any, error) { return secret, nil } }
		methods = []string{"HS256"}
	case c.Alg == "RS256" && c.PublicKey != nil:
		pub := c.PublicKey
		v.keyfunc = func(context.Context) jwt.Keyfunc { return func(*jwt.Token) (any, error) { return pub, nil } }
		methods = []string{"RS256"}
	default:
		return nil, fmt.Errorf("JWT algorithm %q is not configured with a key (HS256 with a secret, RS256 with a public key, or a JWKS URL)", c.Alg)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithExpirationRequired(),
		jwt.WithAudience(c.Audience),
		jwt.WithLeeway(c.Leeway),
	}
	if c.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(c.Issuer))
	}
	if c.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(c.Now))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// verify checks a token and returns its principal. ctx bounds any key set
// refresh the token causes (an unknown kid).
func (v *verifier) verify(ctx context.Context, token string) (Principal, error) {
	claims := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(token, claims, v.keyfunc(ctx)); err != nil {
		return Principal{}, fmt.Errorf("%w: JWT: %w", ErrUnauthenticated, err)
	}
	role, ok := roleFromClaim(claims[v.roleClaim])
	if !ok {
		return Principal{}, fmt.Errorf("%w: JWT has no known role in claim %q (reader, analyst, editor, admin)", ErrUnauthenticated, v.roleClaim)
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		sub = "unknown"
	}
	return Principal{Name: "jwt:" + sub, Role: role, Method: "jwt"}, nil
}

// roleFromClaim reads a role claim: a string, or a list of strings of
// which the highest known role is taken.
func roleFromClaim(v any) (Role, bool) {
	var best Role
	consider := func(s string) {
		if r, err := ParseRole(s); err == nil && roleRank[r] > roleRank[best] {
			best = r
		}
	}
	switch x := v.(type) {
	case string:
		consider(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				consider(s)
			}
		}
	}
	return best, best != ""
}

// SignHS256 makes an HS256 token with the given claims. The server never
// signs; tests and operators' scripts use it to make tokens.
func SignHS256(secret []byte, claims map[string]any) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString(secret)
}

// SignRS256 makes an RS256 token (for tests and tooling).
func SignRS256(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(claims)).SignedString(key)
}
