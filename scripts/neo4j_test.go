// Package scripts tests scripts/neo4j.sh on a Neo4j instance of its own
// (instance "scripttest", on free ports), separate from the developer's
// and from the test suite's database.
package scripts

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The instance's ports are picked free when the tests start, so two
// checkouts testing at once do not collide.
var boltPort, httpPort = freePort(), freePort()

var scriptEnv = []string{"NEO4J_INSTANCE=scripttest", "NEO4J_BOLT_PORT=" + boltPort, "NEO4J_HTTP_PORT=" + httpPort,
	"NEO4J_HEAP=256m", "NEO4J_PAGECACHE=64m", "NEO4J_PASSWORD=script-test-pw"}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func script(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("./neo4j.sh", args...)
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, scriptEnv...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("neo4j.sh %v: %v", args, err)
	}
	return string(out), code
}

func cypher(t *testing.T, q string) []*neo4j.Record {
	t.Helper()
	d, err := neo4j.NewDriverWithContext("bolt://127.0.0.1:"+boltPort, neo4j.BasicAuth("neo4j", "script-test-pw", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, d, q, nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res.Records
}

// TestStartStatusRestartKeepsData walks the operator's life cycle: a fresh
// start with authentication on, a second start that does nothing, a
// restart that brings every node back, and status reporting each state.
func TestStartStatusRestartKeepsData(t *testing.T) {
	script(t, "reset")
	t.Cleanup(func() { script(t, "reset") })

	out, code := script(t, "start")
	if code != 0 || !strings.Contains(out, "ready after") || !strings.Contains(out, "logs:") {
		t.Fatalf("start: exit %d\n%s", code, out)
	}
	if out, code := script(t, "status"); code != 0 || !strings.Contains(out, "running") {
		t.Fatalf("status after start: exit %d\n%s", code, out)
	}
	if out, code := script(t, "start"); code != 0 || !strings.Contains(out, "already running") {
		t.Errorf("second start should be a no-op: exit %d\n%s", code, out)
	}

	// Authentication is on: a wrong password is refused.
	d, _ := neo4j.NewDriverWithContext("bolt://127.0.0.1:"+boltPort, neo4j.BasicAuth("neo4j", "wrong-password", ""))
	if err := d.VerifyConnectivity(context.Background()); err == nil {
		t.Error("a wrong password was accepted: authentication must stay on")
	}
	d.Close(context.Background())

	cypher(t, "UNWIND range(1, 25) AS i CREATE (:Probe {i: i})")

	if out, code := script(t, "stop"); code != 0 || !strings.Contains(out, "stopped") {
		t.Fatalf("stop: exit %d\n%s", code, out)
	}
	if out, code := script(t, "status"); code != 3 || !strings.Contains(out, "not running") {
		t.Errorf("status after stop: exit %d (want 3)\n%s", code, out)
	}
	if out, code := script(t, "start"); code != 0 {
		t.Fatalf("restart: exit %d\n%s", code, out)
	}
	recs := cypher(t, "MATCH (p:Probe) RETURN count(p) AS n")
	if n, _ := recs[0].Get("n"); n != int64(25) {
		t.Errorf("after restart %v probe nodes, want 25", n)
	}
}

// TestRemoteURISkipsLocal: with NEO4J_URI set nothing local is started.
func TestRemoteURISkipsLocal(t *testing.T) {
	cmd := exec.Command("./neo4j.sh", "start")
	cmd.Env = append(os.Environ(), append(scriptEnv, "NEO4J_URI=neo4j://db.example:7687")...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "not starting a local one") {
		t.Errorf("start with NEO4J_URI: %v\n%s", err, out)
	}
}

// TestFailedStartShowsLog: when Neo4j cannot start (its Bolt port is
// taken), the script exits non-zero and prints the end of Neo4j's log.
func TestFailedStartShowsLog(t *testing.T) {
	script(t, "reset")
	t.Cleanup(func() { script(t, "reset") })
	cmd := exec.Command("./neo4j.sh", "start")
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_") {
			env = append(env, kv)
		}
	}
	// Hold the Bolt port ourselves so Neo4j's bind must fail.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	cmd.Env = append(env, "NEO4J_INSTANCE=scripttest", "NEO4J_BOLT_PORT="+port, "NEO4J_HTTP_PORT="+httpPort, "NEO4J_HEAP=256m",
		"NEO4J_PAGECACHE=64m", "NEO4J_PASSWORD=script-test-pw", "NEO4J_START_TIMEOUT=90")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("start on a taken port succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "last lines of") {
		t.Errorf("failure output does not show the log:\n%s", out)
	}
}
