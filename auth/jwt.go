package auth

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// JWTConfig verifies compact JWS tokens signed with exactly one algorithm:
// HS256 with a shared secret, or RS256 with an RSA public key. The token's
// "alg" header must name that algorithm ("none" and any other are refused,
// so a token cannot choose how it is checked). "exp" is required, "nbf" is
// honoured, "aud" must contain Audience, and "iss" must equal Issuer when
// one is configured. The role comes from RoleClaim ("role" by default; a
// string, or a list whose highest known role wins).
type JWTConfig struct {
	Alg       string // "HS256" or "RS256"
	Secret    []byte // HS256
	PublicKey *rsa.PublicKey
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

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
}

// Verify checks a token and returns its principal.
func (c *JWTConfig) Verify(token string) (Principal, error) {
	fail := func(format string, a ...any) (Principal, error) {
		return Principal{}, fmt.Errorf("%w: JWT %s", ErrUnauthenticated, fmt.Sprintf(format, a...))
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fail("is not header.payload.signature")
	}
	var h jwtHeader
	if err := decodeSegment(parts[0], &h); err != nil {
		return fail("header: %v", err)
	}
	if h.Alg != c.Alg {
		return fail("alg %q is not accepted (this server accepts %s)", h.Alg, c.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fail("signature is not base64url")
	}
	signed := []byte(parts[0] + "." + parts[1])
	switch c.Alg {
	case "HS256":
		mac := hmac.New(sha256.New, c.Secret)
		mac.Write(signed)
		if !hmac.Equal(sig, mac.Sum(nil)) {
			return fail("signature does not verify")
		}
	case "RS256":
		sum := sha256.Sum256(signed)
		if c.PublicKey == nil || rsa.VerifyPKCS1v15(c.PublicKey, crypto.SHA256, sum[:], sig) != nil {
			return fail("signature does not verify")
		}
	default:
		return fail("algorithm %q is not configured", c.Alg)
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fail("claims: %v", err)
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	exp, ok := numericDate(claims["exp"])
	if !ok {
		return fail("has no exp claim (an expiry is required)")
	}
	if now.After(exp.Add(c.Leeway)) {
		return fail("expired at %s", exp.UTC().Format(time.RFC3339))
	}
	if raw, present := claims["nbf"]; present {
		// Present but not a NumericDate: refused, not ignored (ignoring it
		// would make a token valid earlier than its issuer said).
		nbf, ok := numericDate(raw)
		if !ok {
			return fail("nbf claim is not a NumericDate (seconds since 1970)")
		}
		if now.Add(c.Leeway).Before(nbf) {
			return fail("is not valid before %s", nbf.UTC().Format(time.RFC3339))
		}
	}
	if !hasAudience(claims["aud"], c.Audience) {
		return fail("audience does not include %q", c.Audience)
	}
	if c.Issuer != "" {
		if iss, _ := claims["iss"].(string); iss != c.Issuer {
			return fail("issuer %q is not %q", iss, c.Issuer)
		}
	}
	claim := c.RoleClaim
	if claim == "" {
		claim = "role"
	}
	role, ok := roleFromClaim(claims[claim])
	if !ok {
		return fail("has no known role in claim %q (reader, analyst, editor, admin)", claim)
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		sub = "unknown"
	}
	return Principal{Name: "jwt:" + sub, Role: role, Method: "jwt"}, nil
}

func decodeSegment(seg string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("not base64url")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errors.New("not a JSON object")
	}
	return nil
}

func numericDate(v any) (time.Time, bool) {
	f, ok := v.(float64)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

func hasAudience(v any, want string) bool {
	switch a := v.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if s, _ := x.(string); s == want {
				return true
			}
		}
	}
	return false
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
// signs; `lysoen` tests and operators' scripts use it to make tokens.
func SignHS256(secret []byte, claims map[string]any) (string, error) {
	head, body, err := segments("HS256", claims)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(head + "." + body))
	return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// SignRS256 makes an RS256 token (for tests and tooling).
func SignRS256(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	head, body, err := segments("RS256", claims)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(head + "." + body))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return head + "." + body + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

func segments(alg string, claims map[string]any) (string, string, error) {
	h, _ := json.Marshal(jwtHeader{Alg: alg, Typ: "JWT"})
	b, err := json.Marshal(claims)
	if err != nil {
		return "", "", err
	}
	return base64.RawURLEncoding.EncodeToString(h), base64.RawURLEncoding.EncodeToString(b), nil
}
