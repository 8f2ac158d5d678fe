package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/testdb"
)

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

// TestBookmarksAcrossReplicas: two server processes (replicas behind a
// load balancer) on one database. A write on A returns its bookmarks in
// extensions; sent back in X-Lysoen-Bookmarks they make B's transactions
// start from that write; a write on B with them returns newer ones that
// work on A. A header that is not a JSON array, or bookmarks Neo4j does
// not know, are refused with BAD_USER_INPUT naming the header.
func TestBookmarksAcrossReplicas(t *testing.T) {
	testdb.Seeded(t)
	bin := serverBinary
	// A connects with bolt://, B with neo4j:// (the routing driver, as
	// against a cluster: reads in read transactions, writes to the leader;
	// a single Neo4j 5 server answers the routing table with itself).
	db := testdb.FromEnv(t)
	a := startBinary(t, bin, authEnv(nil))
	b := startBinary(t, bin, authEnv(map[string]string{"NEO4J_URI": strings.Replace(db.URI, "bolt://", "neo4j://", 1)}))
	const read = `query($id: ID!) { organization(id: $id) { name acronym } }`
	header := func(bm []string) map[string]string {
		j, _ := json.Marshal(bm)
		return map[string]string{"X-Lysoen-Bookmarks": string(j)}
	}

	// Reads alone return no bookmarks: there is nothing to wait for.
	_, resp := postWith(t, a.URL, "", read, map[string]any{"id": "org:icbl"}, nil)
	mustOK(t, resp, nil)
	if bm := bookmarksOf(t, resp); bm != nil {
		t.Errorf("a read returned bookmarks %v", bm)
	}

	// Write on A.
	_, resp = postWith(t, a.URL, editorKey, upsertOrg, orgInput("org:icbl"), nil)
	mustOK(t, resp, nil)
	first := bookmarksOf(t, resp)
	if len(first) == 0 {
		t.Fatalf("the write on A returned no bookmarks: %+v", resp.Extensions)
	}

	// Read on B with A's bookmarks: the write is there.
	var got struct {
		Organization *struct{ Name, Acronym string }
	}
	_, resp = postWith(t, b.URL, "", read, map[string]any{"id": "org:icbl"}, header(first))
	mustOK(t, resp, &got)
	if got.Organization == nil || got.Organization.Acronym != "ICBL" {
		t.Fatalf("B with A's bookmarks: %s", resp.Data)
	}
	if bm := bookmarksOf(t, resp); bm != nil {
		t.Errorf("a read with bookmarks returned bookmarks %v", bm)
	}

	// Round trip: a write on B with A's bookmarks returns newer ones, and A
	// reads that write with them.
	in := orgInput("org:icbl")
	in["in"].(map[string]any)["acronym"] = "ICBL-2"
	_, resp = postWith(t, b.URL, editorKey, upsertOrg, in, header(first))
	mustOK(t, resp, nil)
	second := bookmarksOf(t, resp)
	if len(second) == 0 || strings.Join(second, ",") == strings.Join(first, ",") {
		t.Fatalf("the write on B returned bookmarks %v (A's were %v)", second, first)
	}
	_, resp = postWith(t, a.URL, "", read, map[string]any{"id": "org:icbl"}, header(second))
	mustOK(t, resp, &got)
	if got.Organization == nil || got.Organization.Acronym != "ICBL-2" {
		t.Fatalf("A with B's bookmarks: %s", resp.Data)
	}
	// An empty array is no bookmarks.
	_, resp = postWith(t, a.URL, "", read, map[string]any{"id": "org:icbl"}, map[string]string{"X-Lysoen-Bookmarks": "[]"})
	mustOK(t, resp, nil)

	// A malformed header: refused before any Cypher, with 400.
	for _, bad := range []string{`FB:abc`, `{"a":1}`, `[1]`, `[""]`, `["x"`} {
		status, resp := postWith(t, b.URL, "", read, map[string]any{"id": "org:icbl"}, map[string]string{"X-Lysoen-Bookmarks": bad})
		wantError(t, "header "+bad, resp, "BAD_USER_INPUT", "X-Lysoen-Bookmarks")
		if status != http.StatusBadRequest || resp.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("header %s: HTTP %d, round trips %v", bad, status, resp.Extensions["cypherRoundTrips"])
		}
	}
	// Well-formed JSON, but not bookmarks of this database: Neo4j refuses
	// them when the transaction begins (so they do reach the session).
	for _, q := range []struct {
		token, query string
		vars         map[string]any
	}{{"", read, map[string]any{"id": "org:icbl"}}, {editorKey, upsertOrg, orgInput("org:icbl")}} {
		status, resp := postWith(t, b.URL, q.token, q.query, q.vars, header([]string{"not-a-neo4j-bookmark"}))
		wantError(t, "unknown bookmark", resp, "BAD_USER_INPUT", "X-Lysoen-Bookmarks")
		if status != http.StatusOK {
			t.Errorf("unknown bookmark: HTTP %d", status)
		}
	}
}
