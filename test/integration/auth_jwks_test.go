package integration

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/lysoen/lysoen/internal/testdb"
)

// jwksProvider is an identity provider's jwks_uri for the server under
// test: it publishes the public halves of the keys it is given.
type jwksProvider struct {
	*httptest.Server
	mu   sync.Mutex
	body []byte
}

func (p *jwksProvider) publish(t *testing.T, keys map[string]*rsa.PrivateKey) {
	t.Helper()
	var set []map[string]any
	for kid, k := range keys {
		set = append(set, map[string]any{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
	}
	b, err := json.Marshal(map[string]any{"keys": set})
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.body = b
	p.mu.Unlock()
}

func jwksToken(t *testing.T, kid string, key *rsa.PrivateKey, role string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"sub": "idp-user", "role": role, "aud": "lysoen-test",
		"exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestJWKSRotationOverHTTP: the server takes its JWT keys from a JWK Set;
// the provider rotates from key A to key B while the server runs. B is
// accepted without a restart, A is refused with 401 UNAUTHENTICATED before
// any Cypher runs.
func TestJWKSRotationOverHTTP(t *testing.T) {
	testdb.Seeded(t)
	provider := &jwksProvider{}
	provider.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		provider.mu.Lock()
		defer provider.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(provider.body)
	}))
	defer provider.Close()
	keyA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyB, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	provider.publish(t, map[string]*rsa.PrivateKey{"A": keyA})
	s := startServer(t, map[string]string{
		"LYSOEN_JWT_JWKS_URL": provider.URL + "/.well-known/jwks.json",
		"LYSOEN_JWT_AUDIENCE": "lysoen-test",
		"LYSOEN_READS":        "token",
	})
	read := `{ country(iso3: "CAN") { name } }`
	tokA := jwksToken(t, "A", keyA, "reader")
	if status, resp := postWith(t, s.URL, tokA, read, nil, nil); status != http.StatusOK || len(resp.Errors) > 0 || string(resp.Data) == "null" {
		t.Fatalf("key A before rotation: HTTP %d, %+v", status, resp)
	}

	provider.publish(t, map[string]*rsa.PrivateKey{"B": keyB})
	if status, resp := postWith(t, s.URL, jwksToken(t, "B", keyB, "reader"), read, nil, nil); status != http.StatusOK || len(resp.Errors) > 0 {
		t.Errorf("key B after rotation: HTTP %d, %+v", status, resp)
	}
	status, resp := postWith(t, s.URL, tokA, read, nil, nil)
	if status != http.StatusUnauthorized || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("key A after rotation: HTTP %d, %+v; want 401 UNAUTHENTICATED", status, resp)
	}
	if trips, ok := resp.Extensions["cypherRoundTrips"].(float64); !ok || trips != 0 {
		t.Errorf("key A after rotation: cypherRoundTrips = %v, want 0", resp.Extensions["cypherRoundTrips"])
	}
}
