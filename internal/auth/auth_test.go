package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

var secret = []byte("a-test-secret-of-at-least-32-bytes!!")

func hsConfig() Config {
	return Config{JWT: &JWTConfig{Alg: "HS256", Secret: secret, Audience: "lysoen", Leeway: 30 * time.Second}}
}

func claims(role string, exp time.Duration, aud any) map[string]any {
	return map[string]any{"sub": "ana", "role": role, "aud": aud, "exp": time.Now().Add(exp).Unix()}
}

func mustSign(t *testing.T, c map[string]any) string {
	t.Helper()
	tok, err := SignHS256(secret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAPIKeys(t *testing.T) {
	keys, err := ParseKeys("ed:editor:" + HashKey("k-editor") + ",\n# a comment\nad:admin:" + HashKey("k-admin"))
	if err != nil {
		t.Fatal(err)
	}
	a := New(Config{Keys: keys})
	p, err := a.Authenticate("Bearer k-editor")
	if err != nil || p.Role != RoleEditor || p.Name != "key:ed" || p.Method != "api-key" {
		t.Errorf("editor key: %+v, %v", p, err)
	}
	if p, err := a.Authenticate("bearer k-admin"); err != nil || p.Role != RoleAdmin {
		t.Errorf("admin key (scheme case-insensitive): %+v, %v", p, err)
	}
	for _, h := range []string{"Bearer nope", "Basic k-editor", "Bearer", "k-editor"} {
		if _, err := a.Authenticate(h); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%q: err = %v, want ErrUnauthenticated", h, err)
		}
	}
	if p, err := a.Authenticate(""); err != nil || p != Anonymous {
		t.Errorf("no header, reads open: %+v, %v", p, err)
	}
	if _, err := New(Config{ReadsNeedToken: true}).Authenticate(""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("no header, reads need a token: err = %v", err)
	}
	for _, bad := range []string{"x:editor", "x:boss:" + HashKey("k"), "x:editor:abcd", ":editor:" + HashKey("k"),
		"x:editor:" + HashKey("a") + ",x:reader:" + HashKey("b")} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
}

func TestRoles(t *testing.T) {
	cases := []struct {
		p    Principal
		want Role
		err  error
	}{
		{Anonymous, RoleReader, nil},
		{Anonymous, RoleEditor, ErrUnauthenticated},
		{Principal{Name: "key:r", Role: RoleReader, Method: "api-key"}, RoleEditor, ErrForbidden},
		{Principal{Name: "key:a", Role: RoleAnalyst, Method: "api-key"}, RoleAnalyst, nil},
		{Principal{Name: "key:a", Role: RoleAnalyst, Method: "api-key"}, RoleEditor, ErrForbidden},
		{Principal{Name: "key:e", Role: RoleEditor, Method: "api-key"}, RoleAnalyst, nil},
		{Principal{Name: "key:e", Role: RoleEditor, Method: "api-key"}, RoleAdmin, ErrForbidden},
		{Principal{Name: "key:ad", Role: RoleAdmin, Method: "api-key"}, RoleAdmin, nil},
	}
	for _, c := range cases {
		err := c.p.Require(c.want)
		if (c.err == nil) != (err == nil) || (c.err != nil && !errors.Is(err, c.err)) {
			t.Errorf("%s (%s) Require(%s) = %v, want %v", c.p.Name, c.p.Role, c.want, err, c.err)
		}
	}
}

func TestJWTHS256(t *testing.T) {
	a := New(hsConfig())
	p, err := a.Authenticate("Bearer " + mustSign(t, claims("editor", time.Hour, "lysoen")))
	if err != nil || p.Role != RoleEditor || p.Name != "jwt:ana" || p.Method != "jwt" {
		t.Fatalf("valid token: %+v, %v", p, err)
	}
	if p, err := a.Authenticate("Bearer " + mustSign(t, claims("admin", time.Hour, []any{"other", "lysoen"}))); err != nil || p.Role != RoleAdmin {
		t.Errorf("audience list: %+v, %v", p, err)
	}
	noExp := claims("editor", time.Hour, "lysoen")
	delete(noExp, "exp")
	notYet := claims("editor", time.Hour, "lysoen")
	notYet["nbf"] = time.Now().Add(time.Hour).Unix()
	nbfString := claims("editor", time.Hour, "lysoen")
	nbfString["nbf"] = time.Now().Add(time.Hour).Format(time.RFC3339) // a string, not a NumericDate
	other, _ := SignHS256([]byte("another-secret-another-secret-xx!!"), claims("editor", time.Hour, "lysoen"))
	good := mustSign(t, claims("editor", time.Hour, "lysoen"))
	parts := strings.Split(good, ".")
	noneTok := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
	bad := map[string]string{
		"expired":         mustSign(t, claims("editor", -time.Hour, "lysoen")),
		"wrong audience":  mustSign(t, claims("editor", time.Hour, "someone-else")),
		"no audience":     mustSign(t, claims("editor", time.Hour, nil)),
		"no exp":          mustSign(t, noExp),
		"not yet valid":   mustSign(t, notYet),
		"string nbf":      mustSign(t, nbfString),
		"unknown role":    mustSign(t, claims("superuser", time.Hour, "lysoen")),
		"other secret":    other,
		"alg none":        noneTok,
		"tampered claims": parts[0] + "." + mustSignPart(t) + "." + parts[2],
	}
	for name, tok := range bad {
		if p, err := a.Authenticate("Bearer " + tok); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%s: %+v, %v; want ErrUnauthenticated", name, p, err)
		}
	}
	if _, err := New(Config{}).Authenticate("Bearer " + good); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("JWT on a server without JWT config: %v", err)
	}
}

// mustSignPart returns the payload segment of a token granting admin.
func mustSignPart(t *testing.T) string {
	return strings.Split(mustSign(t, claims("admin", time.Hour, "lysoen")), ".")[1]
}

func TestJWTRS256(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	env := map[string]string{EnvRS256Key: string(pemText), EnvAudience: "lysoen-test", EnvIssuer: "https://idp.example"}
	cfg, err := FromEnv(func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := New(cfg)
	c := claims("reader", time.Hour, "lysoen-test")
	c["iss"] = "https://idp.example"
	tok, err := SignRS256(key, c)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.Authenticate("Bearer " + tok); err != nil || p.Role != RoleReader {
		t.Errorf("RS256: %+v, %v", p, err)
	}
	c["iss"] = "https://evil.example"
	tok, _ = SignRS256(key, c)
	if _, err := a.Authenticate("Bearer " + tok); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("wrong issuer accepted: %v", err)
	}
	// An HS256 token signed with the public key as secret (alg confusion) is refused.
	c["iss"] = "https://idp.example"
	hs, _ := SignHS256(pemText, c)
	if _, err := a.Authenticate("Bearer " + hs); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("alg confusion accepted: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{EnvAPIKeys: "ed:editor:" + HashKey("x"), EnvAPIKeysFile: "keys.txt", EnvReads: "token",
		EnvHS256Secret: string(secret)}
	files := map[string]string{"keys.txt": "# operators\nad:admin:" + HashKey("y") + "\n"}
	cfg, err := FromEnv(func(k string) string { return env[k] }, func(p string) ([]byte, error) { return []byte(files[p]), nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Keys) != 2 || !cfg.ReadsNeedToken || cfg.JWT == nil || cfg.JWT.Audience != "lysoen" {
		t.Errorf("config = %+v", cfg)
	}
	env[EnvHS256Secret] = "short"
	if _, err := FromEnv(func(k string) string { return env[k] }, func(p string) ([]byte, error) { return []byte(files[p]), nil }); err == nil {
		t.Error("a short HS256 secret was accepted")
	}
}

func TestKeyCommands(t *testing.T) {
	var out bytes.Buffer
	if err := KeyCommand("new-key", []string{"-name", "ana", "-role", "editor"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := strings.TrimSpace(lines[1])
	line := lines[len(lines)-1]
	if !strings.HasPrefix(key, "lsn_") || line != "ana:editor:"+HashKey(key) {
		t.Fatalf("new-key printed %q", out.String())
	}
	keys, err := ParseKeys(line)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := New(Config{Keys: keys}).Authenticate("Bearer " + key); err != nil || p.Name != "key:ana" {
		t.Errorf("the printed key does not authenticate: %+v %v", p, err)
	}
	out.Reset()
	if err := KeyCommand("hash-key", []string{"-name", "bo", "-role", "admin"}, strings.NewReader(key+"\n"), &out, &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "bo:admin:"+HashKey(key) {
		t.Errorf("hash-key printed %q", got)
	}
}
