package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"
)

// BenchmarkAuthenticateJWT: the cost of one JWT check per request, for
// each key source (the JWK Set holds the key already).
func BenchmarkAuthenticateJWT(b *testing.B) {
	c := map[string]any{"sub": "ana", "role": "editor", "aud": "lysoen", "exp": time.Now().Add(time.Hour).Unix()}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	pub, err := ParseRSAPublicKey(pemText)
	if err != nil {
		b.Fatal(err)
	}
	hsTok, _ := SignHS256(secret, c)
	rsTok, _ := SignRS256(rsaKey, c)

	ks := newKeyServer(b)
	ecKey := newECKey(b, "B")
	rsJWK := signingKey{kid: "A", alg: "RS256", priv: rsaKey}
	ks.serve(b, []signingKey{rsJWK, ecKey})
	jwks, err := NewContext(b.Context(), Config{JWT: &JWTConfig{JWKS: &JWKSConfig{URL: ks.URL}, Audience: "lysoen"}})
	if err != nil {
		b.Fatal(err)
	}
	defer jwks.Close()

	for _, bc := range []struct {
		name  string
		a     *Authenticator
		token string
	}{
		{"HS256", New(hsConfig()), hsTok},
		{"RS256", New(Config{JWT: &JWTConfig{Alg: "RS256", PublicKey: pub, Audience: "lysoen"}}), rsTok},
		{"JWKS-RS256", jwks, rsJWK.sign(b, c)},
		{"JWKS-ES256", jwks, ecKey.sign(b, c)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			header := "Bearer " + bc.token
			if _, err := bc.a.Authenticate(header); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.a.Authenticate(header); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
