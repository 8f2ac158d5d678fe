package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/testdb"
)

// The fault tests stop and start a Neo4j of their own (instance "faults",
// small heap), never the shared test database. Its ports are picked free
// when the tests start, so two checkouts testing at once do not collide.
var faultsBolt, faultsHTTP = freePort(), freePort()

func faultsNeo4j(t *testing.T, action string) {
	t.Helper()
	db := testdb.FromEnv(t)
	cmd := exec.Command("scripts/neo4j.sh", action)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_URI=") && !strings.HasPrefix(kv, "NEO4J_INSTANCE=") &&
			!strings.HasPrefix(kv, "NEO4J_BOLT_PORT=") && !strings.HasPrefix(kv, "NEO4J_HTTP_PORT=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NEO4J_INSTANCE=faults", "NEO4J_BOLT_PORT="+faultsBolt, "NEO4J_HTTP_PORT="+faultsHTTP,
		"NEO4J_HEAP=256m", "NEO4J_PAGECACHE=64m", "NEO4J_PASSWORD="+db.Password)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/neo4j.sh %s (faults): %v\n%s", action, err, out)
	}
}

// TestNeo4jOutageAndRecovery: started with its Neo4j down, the server is
// alive but not ready and answers SERVICE_UNAVAILABLE; it becomes ready by
// itself when Neo4j starts; when Neo4j stops under load it answers
// SERVICE_UNAVAILABLE (never a 5xx) and recovers again after a restart,
// without leaking goroutines.
func TestNeo4jOutageAndRecovery(t *testing.T) {
	faultsNeo4j(t, "stop")
	t.Cleanup(func() { faultsNeo4j(t, "stop") })
	s := startServer(t, map[string]string{"NEO4J_URI": "bolt://127.0.0.1:" + faultsBolt, "LYSOEN_RATE_LIMIT": "0"})

	code, body := get(t, s.URL+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "neo4j unreachable") {
		t.Errorf("/readyz with Neo4j down = %d %s", code, body)
	}
	wantCode(t, "Neo4j down", s.query(t, `{ countries { totalCount } }`, nil), "SERVICE_UNAVAILABLE")

	faultsNeo4j(t, "start")
	s.waitReady(t) // no restart of the server
	if resp := s.query(t, `{ countries { totalCount } }`, nil); len(resp.Errors) > 0 {
		t.Fatalf("after Neo4j came up: %+v", resp.Errors)
	}
	runtime.GC()
	baseline := runtime.NumGoroutine()

	// Load while Neo4j stops and starts again.
	var fiveXX, ok, unavailable atomic.Int64
	stopLoad := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100_000; i++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				code, body, err := postQuery(noKeepAlive, s.URL, `{ countries(first: 5) { totalCount edges { node { name } } } }`)
				switch {
				case err != nil:
					t.Errorf("transport error: %v", err)
					return
				case code >= 500:
					fiveXX.Add(1)
				case strings.Contains(body, "SERVICE_UNAVAILABLE") || strings.Contains(body, "TIMEOUT"):
					unavailable.Add(1)
				case strings.Contains(body, `"errors"`):
					t.Errorf("unexpected error: %s", body)
				default:
					ok.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	faultsNeo4j(t, "stop")
	wantCode(t, "Neo4j stopped", s.query(t, `{ countries { totalCount } }`, nil), "SERVICE_UNAVAILABLE")
	if code, _ := get(t, s.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Neo4j stopped = %d, want 503", code)
	}
	faultsNeo4j(t, "start")
	s.waitReady(t)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp := s.query(t, `{ countries { totalCount } }`, nil)
		if len(resp.Errors) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after Neo4j restarted: %+v", resp.Errors)
		}
		time.Sleep(200 * time.Millisecond)
	}
	close(stopLoad)
	wg.Wait()
	t.Logf("during the outage: %d ok, %d SERVICE_UNAVAILABLE/TIMEOUT, %d 5xx", ok.Load(), unavailable.Load(), fiveXX.Load())
	if fiveXX.Load() != 0 {
		t.Errorf("%d responses were 5xx", fiveXX.Load())
	}
	if unavailable.Load() == 0 {
		t.Errorf("no request saw the outage")
	}
	// Goroutines settle back (driver connections to the old Neo4j are gone).
	wantGoroutinesSettle(t, baseline)
}

// TestSIGTERMUnderLoad builds the real binary, loads it, and sends it a
// real SIGTERM: the request in flight finishes, new connections are
// refused, no client sees a 5xx, and the process exits 0.
func TestSIGTERMUnderLoad(t *testing.T) {
	testdb.Seeded(t)
	db := testdb.FromEnv(t)
	bin := serverBinary
	addr := freeAddr(t)
	var logs syncBuffer
	cmd := exec.Command(bin, "serve", "-addr", addr)
	cmd.Env = []string{"NEO4J_URI=" + db.URI, "NEO4J_USER=" + db.User, "NEO4J_PASSWORD=" + db.Password,
		"LYSOEN_RATE_LIMIT=0", "LYSOEN_LOG_LEVEL=debug", "PATH=" + os.Getenv("PATH")}
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	s := &server{URL: "http://" + addr, addr: addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _, err := postQuery(noKeepAlive, s.URL, `{ countries { totalCount } }`); err == nil && code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("binary did not come up:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A request in flight: headers and half the body sent.
	body := `{"query":"{ country(iso3: \"NOR\") { name } }"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])

	// Load from 8 clients until the server refuses them.
	var served, fiveXX, refused atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				code, _, err := postQuery(noKeepAlive, s.URL, `{ countries(first: 10) { edges { node { name memberships { role } } } } }`)
				switch {
				case err != nil:
					refused.Add(1)
					return
				case code >= 500:
					fiveXX.Add(1)
				default:
					served.Add(1)
				}
			}
		}()
	}
	for served.Load() < 40 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused while the in-flight request is pending.
	deadline = time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections 10s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Fprint(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"Norway"`)) {
		t.Errorf("in-flight request: %d %s", resp.StatusCode, b)
	}
	wg.Wait()
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) || err != nil {
			t.Errorf("exit: %v, want status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("process did not exit within 30s of SIGTERM")
	}
	t.Logf("served %d, refused %d clients, %d 5xx", served.Load(), refused.Load(), fiveXX.Load())
	if fiveXX.Load() != 0 {
		t.Errorf("%d responses were 5xx", fiveXX.Load())
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("no clean stop in the log")
	}
}
