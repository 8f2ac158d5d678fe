// Package integration holds the whole-server tests: each starts the
// lysoen binary (built once, with the race detector when the tests run
// with it) against the test database and talks to it over HTTP, as a
// client does. This file is their shared harness.
package integration

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/httpserver"
	"github.com/lysoen/lysoen/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in "+goldenDir)

// goldenDir holds the golden cases, relative to the repository root (the
// tests' working directory).
const goldenDir = "test/integration/testdata/golden"

// serverBinary is the lysoen binary the tests run, built by TestMain.
var serverBinary string

// TestMain builds the server once and runs the tests from the repository
// root, where the paths they read (seed/, docs/, web/examples, scripts/)
// are.
func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(func() int {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		if err := os.Chdir(root); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		dir, err := os.MkdirTemp("", "lysoen-integration-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		serverBinary = filepath.Join(dir, "lysoen")
		args := []string{"build", "-o", serverBinary}
		if raceEnabled() {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}

// raceEnabled: this test binary was built with -race, so the server is too.
func raceEnabled() bool {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// server is a running instance of the whole program.
type server struct {
	URL  string
	addr string
	stop func()     // sends SIGTERM, as a process manager does
	done chan error // the process's exit
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

// command is the server binary with args and exactly the environment env
// (nothing of the test process's but PATH).
func command(env map[string]string, args ...string) *exec.Cmd {
	cmd := exec.Command(serverBinary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// startServer runs the program with the given extra environment and waits
// until /healthz answers. It stops the server with SIGTERM when the test
// ends.
func startServer(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	db := testdb.FromEnv(t)
	base := map[string]string{"NEO4J_URI": db.URI, "NEO4J_USER": db.User, "NEO4J_PASSWORD": db.Password, "LYSOEN_LOG_LEVEL": "debug"}
	for k, v := range env {
		base[k] = v
	}
	addr := freeAddr(t)
	s := &server{URL: "http://" + addr, addr: addr, done: make(chan error, 1), logs: &syncBuffer{}}
	cmd := command(base, append([]string{"serve", "-addr", addr}, args...)...)
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	s.stop = func() { once.Do(func() { _ = cmd.Process.Signal(syscall.SIGTERM) }) }
	exited := make(chan struct{})
	go func() {
		err := cmd.Wait()
		s.done <- err
		close(exited)
	}()
	t.Cleanup(func() {
		s.stop()
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("server exited: %s", s.logs.String())
		default:
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

// inProcess is the server's handler in this process, for the tests and
// benchmarks that need its insides (a span recorder, CPU time).
func inProcess(t testing.TB, c config.Config, logger *slog.Logger, st *store.Store, tp trace.TracerProvider) http.Handler {
	t.Helper()
	srv, err := httpserver.New(httpserver.Deps{Config: c, Logger: logger, Store: st, Tracer: tp})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

// Test credentials: the server is configured with the hashes only.
const (
	readerKey = "test-reader-key"
	editorKey = "test-editor-key"
	adminKey  = "test-admin-key"
	jwtSecret = "a-jwt-secret-for-tests-32-bytes-long!"
)

// noKeepAlive is a client whose connections do not outlive a request, so
// goroutine counts are not muddied by idle connections.
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 60 * time.Second}

func authEnv(extra map[string]string) map[string]string {
	env := map[string]string{
		"LYSOEN_API_KEYS": "rita:reader:" + auth.HashKey(readerKey) + ",ed:editor:" + auth.HashKey(editorKey) +
			",ada:admin:" + auth.HashKey(adminKey),
		"LYSOEN_JWT_HS256_SECRET": jwtSecret,
		"LYSOEN_JWT_AUDIENCE":     "lysoen-test",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func jwtFor(t *testing.T, role string, exp time.Duration, aud string) string {
	t.Helper()
	tok, err := auth.SignHS256([]byte(jwtSecret), map[string]any{"sub": "jo", "role": role, "aud": aud, "exp": time.Now().Add(exp).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// queryAs posts a query with "Authorization: Bearer token" (none when token is "").
func (s *server) queryAs(t *testing.T, token, q string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	return postWith(t, s.URL, token, q, vars, nil)
}

// mustOK fails unless the response has no errors, and decodes its data.
func mustOK(t *testing.T, resp gqlResponse, into any) {
	t.Helper()
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if into != nil {
		if err := json.Unmarshal(resp.Data, into); err != nil {
			t.Fatal(err)
		}
	}
}

// wantError asserts one error with code (and argument, when given).
func wantError(t *testing.T, what string, resp gqlResponse, code, argument string) {
	t.Helper()
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != code ||
		(argument != "" && resp.Errors[0].Extensions["argument"] != argument) {
		t.Errorf("%s: errors = %+v, want one %s naming %q", what, resp.Errors, code, argument)
	}
}

func orgInput(id string) map[string]any {
	return map[string]any{"in": map[string]any{"id": id, "name": "International Campaign to Ban Landmines", "kind": "NGO", "acronym": "ICBL",
		"evidence": testEvidence}}
}

// post sends body to /graphql with extra headers and decodes the answer.
func (s *server) post(t *testing.T, body string, headers map[string]string) (*http.Response, gqlResponse) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
		}
	}
	return resp, out
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantCode(t *testing.T, what string, resp gqlResponse, code string) {
	t.Helper()
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != code {
		t.Errorf("%s: errors = %+v, want %s", what, resp.Errors, code)
	}
}

// sha256Hex is the hash a persisted-query client sends for a document.
func sha256Hex(q string) string {
	b := sha256.Sum256([]byte(q))
	return hex.EncodeToString(b[:])
}

// postWith posts a GraphQL request with extra headers and returns the
// status and the decoded response.
func postWith(t *testing.T, url, token, q string, vars map[string]any, headers map[string]string) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
	}
	return resp.StatusCode, out
}

// bookmarksOf returns extensions.bookmarks as strings (nil when absent).
func bookmarksOf(t *testing.T, resp gqlResponse) []string {
	t.Helper()
	raw, ok := resp.Extensions["bookmarks"]
	if !ok {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		t.Fatalf("extensions.bookmarks = %#v, want an array", raw)
	}
	out := make([]string, 0, len(list))
	for _, b := range list {
		s, ok := b.(string)
		if !ok || s == "" {
			t.Fatalf("extensions.bookmarks = %#v, want non-empty strings", raw)
		}
		out = append(out, s)
	}
	return out
}

// startBinary runs the built server as its own process (a replica) on a
// free port against the test database, and stops it when the test ends.
func startBinary(t *testing.T, bin string, env map[string]string) *server {
	t.Helper()
	db := testdb.FromEnv(t)
	addr := freeAddr(t)
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "serve", "-addr", addr)
	cmd.Env = []string{"NEO4J_URI=" + db.URI, "NEO4J_USER=" + db.User, "NEO4J_PASSWORD=" + db.Password,
		"LYSOEN_RATE_LIMIT=0", "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("replica %s log:\n%s", addr, logs.String())
		}
	})
	s := &server{URL: "http://" + addr, addr: addr, logs: logs}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _, err := postQuery(noKeepAlive, s.URL, `{ countries { totalCount } }`); err == nil && code == 200 {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica did not come up:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func postQuery(c *http.Client, url, query string) (int, string, error) {
	resp, err := c.Post(url+"/graphql", "application/json", strings.NewReader(fmt.Sprintf(`{"query":%q}`, query)))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// wantGoroutinesSettle fails unless the goroutine count comes back to within
// 10 of baseline (taken before an outage) within 5 s, and prints the stacks
// of what is left when it does not.
func wantGoroutinesSettle(t *testing.T, baseline int) {
	t.Helper()
	var now int
	for i := 0; i < 50; i++ {
		runtime.GC()
		if now = runtime.NumGoroutine(); now <= baseline+10 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if now > baseline+10 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before the outage, %d after\n%s", baseline, now, buf[:runtime.Stack(buf, true)])
	}
}

// until polls cond until it holds, failing the test after a generous
// deadline: the test waits for a state, never for a fixed time.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// loadSchemaFiles parses the schema from its .graphqls files, as gqlgen
// reads them (schema.graphqls and graph/*.graphqls).
func loadSchemaFiles(t *testing.T) *ast.Schema {
	t.Helper()
	var sources []*ast.Source
	files, _ := filepath.Glob("graph/*.graphqls")
	for _, f := range append([]string{"schema.graphqls"}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// alive fails unless the database behind s still answers a query.
func alive(t *testing.T, s *server, after string) {
	t.Helper()
	_, resp := s.queryAs(t, analystKey, `{ cypher(query: "RETURN 41 + 1 AS n") { rows } }`, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `[[42]]`) {
		t.Fatalf("after %s the database does not answer: data %s errors %+v", after, resp.Data, resp.Errors)
	}
}
