// Package auth decides who a caller is (API keys configured by the operator
// and stored hashed, or JWTs signed with an HS256 secret, an RS256 key or a
// key from a JWK Set that refreshes) and what that caller may do (roles). It speaks no HTTP and no Cypher: the
// HTTP layer hands it the Authorization header, and the GraphQL layer asks
// the resulting Principal for a role before any resolver runs.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Role is what a caller may do. Roles are ordered: each includes the
// rights of the ones before it (reader < analyst < editor < admin).
type Role string

const (
	// RoleReader may run queries (the role of anonymous callers when reads are open).
	RoleReader Role = "reader"
	// RoleAnalyst may also run analysis operations that a later capability
	// reserves for it (heavier queries); it cannot write.
	RoleAnalyst Role = "analyst"
	// RoleEditor may also run mutations: upserts, link and unlink.
	RoleEditor Role = "editor"
	// RoleAdmin may also delete nodes.
	RoleAdmin Role = "admin"
)

var roleRank = map[Role]int{RoleReader: 1, RoleAnalyst: 2, RoleEditor: 3, RoleAdmin: 4}

// ParseRole accepts reader, analyst, editor or admin (any case).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := roleRank[r]; !ok {
		return "", fmt.Errorf("unknown role %q (reader, analyst, editor, admin)", s)
	}
	return r, nil
}

// Includes reports whether a caller with role r has the rights of want.
func (r Role) Includes(want Role) bool {
	return roleRank[r] > 0 && roleRank[r] >= roleRank[want]
}

// Errors the API maps to UNAUTHENTICATED and FORBIDDEN.
var (
	// ErrUnauthenticated: no credentials where they are required, or
	// credentials that are not valid (unknown key, bad signature, expired,
	// wrong audience).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: valid credentials without the role the operation needs.
	ErrForbidden = errors.New("forbidden")
)

// Principal is the caller of one request.
type Principal struct {
	// Name identifies the caller in createdBy/updatedBy and in logs:
	// "key:<name>", "jwt:<sub>" or "anonymous".
	Name   string
	Role   Role
	Method string // "api-key", "jwt" or "anonymous"
}

// Anonymous is the caller without credentials when reads are open.
var Anonymous = Principal{Name: "anonymous", Role: RoleReader, Method: "anonymous"}

// Authenticated reports whether the caller presented valid credentials.
func (p Principal) Authenticated() bool { return p.Method != "anonymous" && p.Method != "" }

// Require returns nil when p may act with role want, ErrUnauthenticated
// when p is anonymous and needs credentials, else ErrForbidden.
func (p Principal) Require(want Role) error {
	if p.Role.Includes(want) {
		return nil
	}
	if !p.Authenticated() {
		return fmt.Errorf("%w: this operation needs the %s role: send Authorization: Bearer <API key or JWT>", ErrUnauthenticated, want)
	}
	return fmt.Errorf("%w: %s has the %s role; this operation needs %s", ErrForbidden, p.Name, p.Role, want)
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the request's principal; a context without one (a resolver
// called outside the HTTP stack) is anonymous.
func From(ctx context.Context) Principal {
	if p, ok := ctx.Value(ctxKey{}).(Principal); ok {
		return p
	}
	return Anonymous
}

// Key is one operator-configured API key: only the SHA-256 of the secret is stored.
type Key struct {
	Name string
	Role Role
	Hash [sha256.Size]byte
}

// HashKey returns the hex SHA-256 of an API key, as stored in the key list.
func HashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// ParseKeys reads "name:role:sha256hex" entries separated by commas or
// newlines; blank entries and lines starting with # are skipped.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	seen := map[string]bool{}
	for i, line := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("API key entry %d: want name:role:sha256hex", i+1)
		}
		name := strings.TrimSpace(parts[0])
		if name == "" {
			return nil, fmt.Errorf("API key entry %d: empty name", i+1)
		}
		role, err := ParseRole(parts[1])
		if err != nil {
			return nil, fmt.Errorf("API key %s: %w", name, err)
		}
		raw, err := hex.DecodeString(strings.TrimSpace(parts[2]))
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("API key %s: the hash must be 64 hex digits (the SHA-256 of the key; see `lysoen new-key`)", name)
		}
		if seen[name] {
			return nil, fmt.Errorf("API key %s: name appears twice", name)
		}
		seen[name] = true
		k := Key{Name: name, Role: role}
		copy(k.Hash[:], raw)
		keys = append(keys, k)
	}
	return keys, nil
}

// Config is the operator's choice of credentials and read policy.
type Config struct {
	Keys []Key
	JWT  *JWTConfig // nil: JWTs are not accepted
	// ReadsNeedToken makes queries require valid credentials too (any role).
	ReadsNeedToken bool
	// Logger receives the JWK Set's fetch failures; nil: slog.Default().
	Logger *slog.Logger
}

// Authenticator turns an Authorization header into a Principal.
type Authenticator struct {
	cfg Config
	jwt *verifier // nil: JWTs are not accepted (or jwtErr says why not)
	// jwtErr: the JWT configuration could not be prepared (New cannot
	// return an error); every JWT is refused with it.
	jwtErr error
	stop   context.CancelFunc
}

// New returns an authenticator for cfg. With a JWK Set (cfg.JWT.JWKS) it
// fetches the set (waiting at most its fetch timeout) and refreshes it in
// the background until Close.
func New(cfg Config) *Authenticator {
	a, err := NewContext(context.Background(), cfg)
	if err != nil {
		a.logger().Error("JWTs will be refused", "err", err)
	}
	return a
}

// NewContext is New with a lifetime: a JWK Set's refresh goroutine stops
// when ctx ends or at Close. The error says why the JWT configuration
// cannot be used; the returned Authenticator then refuses every JWT (API
// keys still work).
func NewContext(ctx context.Context, cfg Config) (*Authenticator, error) {
	ctx, stop := context.WithCancel(ctx)
	a := &Authenticator{cfg: cfg, stop: stop}
	if cfg.JWT != nil {
		v, err := newVerifier(ctx, cfg.JWT, a.logger())
		if err != nil {
			a.jwtErr = err
			return a, err
		}
		a.jwt = v
	}
	return a, nil
}

func (a *Authenticator) logger() *slog.Logger {
	if a.cfg.Logger != nil {
		return a.cfg.Logger
	}
	return slog.Default()
}

// Close stops the background refresh of a JWK Set; tokens are still
// checked against the keys held at that moment. Safe to call more than once.
func (a *Authenticator) Close() {
	if a != nil && a.stop != nil {
		a.stop()
	}
}

// ReadsNeedToken reports whether anonymous callers are refused.
func (a *Authenticator) ReadsNeedToken() bool { return a.cfg.ReadsNeedToken }

// Authenticate is AuthenticateContext without a request context.
func (a *Authenticator) Authenticate(header string) (Principal, error) {
	return a.AuthenticateContext(context.Background(), header)
}

// AuthenticateContext checks the value of an Authorization header ("" when
// the header is absent). No header gives Anonymous (the caller still needs
// a role for what it asks; see Principal.Require); a header that is present
// but not valid is always ErrUnauthenticated, never silently anonymous.
// ctx (the request's) bounds a key set refresh that a JWT with an unknown
// kid may cause.
func (a *Authenticator) AuthenticateContext(ctx context.Context, header string) (Principal, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		if a.cfg.ReadsNeedToken {
			return Principal{}, fmt.Errorf("%w: reads need a token on this server: send Authorization: Bearer <API key or JWT>", ErrUnauthenticated)
		}
		return Anonymous, nil
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, fmt.Errorf("%w: the Authorization header must be \"Bearer <token>\"", ErrUnauthenticated)
	}
	if strings.Count(token, ".") == 2 {
		switch {
		case a.jwtErr != nil:
			return Principal{}, fmt.Errorf("%w: JWTs cannot be checked on this server (%w)", ErrUnauthenticated, a.jwtErr)
		case a.jwt == nil:
			return Principal{}, fmt.Errorf("%w: this server does not accept JWTs", ErrUnauthenticated)
		}
		return a.jwt.verify(ctx, token)
	}
	return a.checkKey(token)
}

// checkKey compares the key's hash with every configured hash in constant
// time, so timing tells nothing about which hash was close.
func (a *Authenticator) checkKey(secret string) (Principal, error) {
	h := sha256.Sum256([]byte(secret))
	var found *Key
	for i := range a.cfg.Keys {
		if subtle.ConstantTimeCompare(h[:], a.cfg.Keys[i].Hash[:]) == 1 {
			found = &a.cfg.Keys[i]
		}
	}
	if found == nil {
		return Principal{}, fmt.Errorf("%w: unknown API key", ErrUnauthenticated)
	}
	return Principal{Name: "key:" + found.Name, Role: found.Role, Method: "api-key"}, nil
}
