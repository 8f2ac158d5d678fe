package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// server is a running instance of the whole program, started through run().
type server struct {
	URL  string
	addr string
	stop context.CancelFunc
	done chan error
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs the program with the given extra environment and waits
// until /healthz answers.
func startServer(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	db := testdb.FromEnv(t)
	base := map[string]string{"NEO4J_URI": db.URI, "NEO4J_USER": db.User, "NEO4J_PASSWORD": db.Password, "LYSOEN_LOG_LEVEL": "debug"}
	for k, v := range env {
		base[k] = v
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{URL: "http://" + addr, addr: addr, stop: cancel, done: make(chan error, 1), logs: &syncBuffer{}}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "-addr", addr}, args...), func(k string) string { return base[k] }, io.Discard, s.logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v\n%s", err, s.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, body := get(t, s.URL+"/readyz")
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 60s: %d %s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (s *server) query(t *testing.T, q string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(s.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
	}
	return out
}

// TestGolden posts each testdata/golden/<case>/query.graphql to a server on
// the seeded test database and compares the data and errors with
// expected.json. Adding a case is adding a folder; -update rewrites them.
func TestGolden(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			q, err := os.ReadFile(filepath.Join(dir, "query.graphql"))
			if err != nil {
				t.Fatal(err)
			}
			var vars map[string]any
			if b, err := os.ReadFile(filepath.Join(dir, "variables.json")); err == nil {
				if err := json.Unmarshal(b, &vars); err != nil {
					t.Fatal(err)
				}
			}
			resp := s.query(t, string(q), vars)
			for i := range resp.Errors { // request ids differ per run
				delete(resp.Errors[i].Extensions, "requestId")
			}
			got, _ := json.MarshalIndent(struct {
				Data   json.RawMessage `json:"data"`
				Errors []gqlError      `json:"errors,omitempty"`
			}{resp.Data, resp.Errors}, "", "  ")
			got = append(got, '\n')
			file := filepath.Join(dir, "expected.json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run `go test -run TestGolden -update` to create it, then review it)", err)
			}
			if !jsonEqual(t, got, want) {
				t.Errorf("response differs from %s:\n%s", file, got)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// TestReadyOnlyWithNeo4j: /readyz is 503 with a reason while Neo4j cannot
// be reached, and the GraphQL API answers SERVICE_UNAVAILABLE; /healthz
// stays 200 because the process itself is fine.
func TestReadyOnlyWithNeo4j(t *testing.T) {
	dead := freeAddr(t) // nothing listens here
	s := startServer(t, map[string]string{"NEO4J_URI": "bolt://" + dead})
	code, body := get(t, s.URL+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "neo4j unreachable") {
		t.Errorf("/readyz = %d %s, want 503 naming Neo4j", code, body)
	}
	if code, _ := get(t, s.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d, want 200", code)
	}
	resp := s.query(t, `{ countries { totalCount } }`, nil)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "SERVICE_UNAVAILABLE" {
		t.Errorf("errors = %+v, want SERVICE_UNAVAILABLE", resp.Errors)
	}
	if strings.Contains(fmt.Sprint(resp.Errors), "bolt") || strings.Contains(fmt.Sprint(resp.Errors), "connect") {
		t.Errorf("error leaks driver details: %+v", resp.Errors)
	}
}

// TestReadyWhenSchemaInPlace: against the real test database the server
// applies its constraints itself and becomes ready.
func TestReadyWhenSchemaInPlace(t *testing.T) {
	st := testdb.Open(t)
	if err := st.DeleteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, nil)
	s.waitReady(t)
	missing, err := st.SchemaMissing(context.Background())
	if err != nil || len(missing) != 0 {
		t.Errorf("after ready, missing schema %v (err %v)", missing, err)
	}
}

// TestBadInput: impossible values are refused with BAD_USER_INPUT naming the argument.
func TestBadInput(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	cases := []struct{ query, argument string }{
		{`{ countries(first: -1) { totalCount } }`, "first"},
		{`{ countries(first: 1000) { totalCount } }`, "first"},
		{`{ countries(after: "not-a-cursor") { totalCount } }`, "after"},
		{`{ country(iso3: "CANADA") { name } }`, "iso3"},
		{`{ initiative(id: "initiative:lysoen-partnership") { members(first: -2) { role } } }`, "first"},
	}
	for _, c := range cases {
		resp := s.query(t, c.query, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || resp.Errors[0].Extensions["argument"] != c.argument {
			t.Errorf("%s: errors = %+v, want one BAD_USER_INPUT naming %s", c.query, resp.Errors, c.argument)
		}
	}
}

// TestRoundTripsBoundedByDepth: a nested query costs at most one Cypher
// statement per (list, relationship field), however many rows it returns.
func TestRoundTripsBoundedByDepth(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	resp := s.query(t, `{ countries(first: 100) { edges { node { name
		participations { role event { name partOf { name issueAreas { name } } } } } } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	// The countries page, with participations, partOf and issueAreas
	// fetched ahead in the same statement (argument-less relationship
	// fields: graph/fields.go planNode) = 1. TestRoundTripsBoundedOverThousandRows
	// covers fields with arguments, one statement each.
	if got := resp.Extensions["cypherRoundTrips"]; got != float64(1) {
		t.Errorf("cypherRoundTrips = %v, want 1", got)
	}
}

func mustApp(t testing.TB, c config.Config, logger *slog.Logger, st *store.Store, tp trace.TracerProvider) *app {
	t.Helper()
	a, err := newApp(c, logger, st, tp)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
