package auth

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Environment variables read by FromEnv.
const (
	EnvAPIKeys      = "LYSOEN_API_KEYS"      // "name:role:sha256hex,..."
	EnvAPIKeysFile  = "LYSOEN_API_KEYS_FILE" // a file of such entries, one per line, # comments
	EnvHS256Secret  = "LYSOEN_JWT_HS256_SECRET"
	EnvRS256Key     = "LYSOEN_JWT_RS256_PUBLIC_KEY"      // PEM text
	EnvRS256KeyFile = "LYSOEN_JWT_RS256_PUBLIC_KEY_FILE" // PEM file
	EnvAudience     = "LYSOEN_JWT_AUDIENCE"              // default "lysoen"
	EnvIssuer       = "LYSOEN_JWT_ISSUER"                // optional
	EnvRoleClaim    = "LYSOEN_JWT_ROLE_CLAIM"            // default "role"
	EnvReads        = "LYSOEN_READS"                     // "open" (default) or "token"
	// JWKS: keys from a JWK Set URL, refreshed (see JWKSConfig).
	EnvJWKSURL           = "LYSOEN_JWT_JWKS_URL"                  // https (http only to loopback)
	EnvJWKSRefresh       = "LYSOEN_JWT_JWKS_REFRESH"              // background refresh interval, default 15m
	EnvJWKSTimeout       = "LYSOEN_JWT_JWKS_TIMEOUT"              // bound on each fetch, default 2s, at most 10s
	EnvJWKSUnknownKIDGap = "LYSOEN_JWT_JWKS_UNKNOWN_KID_INTERVAL" // at most one unknown-kid refresh per interval, default 1m
)

// maxJWKSTimeout keeps the wait a request may spend on the key server short.
const maxJWKSTimeout = 10 * time.Second

// FromEnv builds the configuration from the environment. readFile reads
// the files named by *_FILE variables (os.ReadFile in the server).
func FromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	var c Config
	keys, err := ParseKeys(getenv(EnvAPIKeys))
	if err != nil {
		return c, fmt.Errorf("%s: %w", EnvAPIKeys, err)
	}
	c.Keys = keys
	if path := getenv(EnvAPIKeysFile); path != "" {
		b, err := readFile(path)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvAPIKeysFile, err)
		}
		more, err := ParseKeys(string(b))
		if err != nil {
			return c, fmt.Errorf("%s %s: %w", EnvAPIKeysFile, path, err)
		}
		c.Keys = append(c.Keys, more...)
	}
	seen := map[string]bool{}
	for _, k := range c.Keys {
		if seen[k.Name] {
			return c, fmt.Errorf("API key %s is configured twice", k.Name)
		}
		seen[k.Name] = true
	}

	secret := getenv(EnvHS256Secret)
	pemText := []byte(getenv(EnvRS256Key))
	if path := getenv(EnvRS256KeyFile); path != "" {
		if pemText, err = readFile(path); err != nil {
			return c, fmt.Errorf("%s: %w", EnvRS256KeyFile, err)
		}
	}
	jwksURL := getenv(EnvJWKSURL)
	sources := 0
	for _, set := range []bool{secret != "", len(pemText) > 0, jwksURL != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return c, fmt.Errorf("set one JWT key source: %s, an RS256 public key (%s or %s) or %s", EnvHS256Secret, EnvRS256Key, EnvRS256KeyFile, EnvJWKSURL)
	}
	if jwksURL == "" {
		for _, name := range []string{EnvJWKSRefresh, EnvJWKSTimeout, EnvJWKSUnknownKIDGap} {
			if getenv(name) != "" {
				return c, fmt.Errorf("%s is set but %s is not", name, EnvJWKSURL)
			}
		}
	}
	switch {
	case secret != "":
		if len(secret) < 32 {
			return c, fmt.Errorf("%s must be at least 32 bytes", EnvHS256Secret)
		}
		c.JWT = &JWTConfig{Alg: "HS256", Secret: []byte(secret)}
	case len(pemText) > 0:
		pub, err := ParseRSAPublicKey(pemText)
		if err != nil {
			return c, fmt.Errorf("RS256 public key: %w", err)
		}
		c.JWT = &JWTConfig{Alg: "RS256", PublicKey: pub}
	case jwksURL != "":
		if err := CheckJWKSURL(jwksURL); err != nil {
			return c, fmt.Errorf("%s: %w", EnvJWKSURL, err)
		}
		j := JWKSConfig{URL: jwksURL}
		for _, d := range []struct {
			name string
			into *time.Duration
			def  time.Duration
		}{
			{EnvJWKSRefresh, &j.RefreshInterval, DefaultJWKSRefresh},
			{EnvJWKSTimeout, &j.FetchTimeout, DefaultJWKSTimeout},
			{EnvJWKSUnknownKIDGap, &j.UnknownKIDInterval, DefaultJWKSUnknownKIDEvery},
		} {
			*d.into = d.def
			if v := getenv(d.name); v != "" {
				if *d.into, err = time.ParseDuration(v); err != nil || *d.into <= 0 {
					return c, fmt.Errorf("%s must be a positive duration such as 30s or 15m (got %q)", d.name, v)
				}
			}
		}
		if j.FetchTimeout > maxJWKSTimeout {
			return c, fmt.Errorf("%s must be at most %s: requests wait on it", EnvJWKSTimeout, maxJWKSTimeout)
		}
		c.JWT = &JWTConfig{JWKS: &j}
	}
	if c.JWT != nil {
		c.JWT.Audience = getenv(EnvAudience)
		if c.JWT.Audience == "" {
			c.JWT.Audience = "lysoen"
		}
		c.JWT.Issuer = getenv(EnvIssuer)
		c.JWT.RoleClaim = getenv(EnvRoleClaim)
		c.JWT.Leeway = 30 * time.Second
	}
	switch strings.ToLower(getenv(EnvReads)) {
	case "", "open":
	case "token":
		c.ReadsNeedToken = true
	default:
		return c, fmt.Errorf("%s must be open or token (got %q)", EnvReads, getenv(EnvReads))
	}
	return c, nil
}

// NewKey returns a fresh random API key (32 random bytes, base64url, with
// a "lsn_" prefix so it is recognisable in a secret scanner).
func NewKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "lsn_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// KeyCommand runs `lysoen new-key` (make a key and its configuration line)
// or `lysoen hash-key` (the line for a key read from stdin).
func KeyCommand(cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "the key's name, recorded as createdBy/updatedBy (key:<name>)")
	roleFlag := fs.String("role", string(RoleEditor), "reader, analyst, editor or admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || strings.ContainsAny(*name, ":,\n") {
		return errors.New("-name is required and must not contain ':' or ','")
	}
	role, err := ParseRole(*roleFlag)
	if err != nil {
		return err
	}
	var key string
	switch cmd {
	case "new-key":
		if key, err = NewKey(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "API key (give it to the caller; it is not stored anywhere):\n  %s\n", key)
		fmt.Fprintf(stdout, "Configuration line (add it to %s, comma-separated, or to the file named by %s):\n", EnvAPIKeys, EnvAPIKeysFile)
	case "hash-key":
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if key = strings.TrimSpace(line); key == "" {
			return errors.New("hash-key reads the key from stdin: echo \"$KEY\" | lysoen hash-key -name NAME -role ROLE")
		}
	default:
		return fmt.Errorf("unknown key command %q", cmd)
	}
	fmt.Fprintf(stdout, "%s:%s:%s\n", *name, role, HashKey(key))
	return nil
}
