// Package integration holds the whole-server tests: each starts the
// lysoen binary (built once, with the race detector when the tests run
// with it) against the test database and talks to it over HTTP, as a
// client does. This file is their shared harness.
package integration

import (
	"bytes"
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
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph/store"
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
