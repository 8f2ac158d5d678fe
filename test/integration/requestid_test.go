package integration

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/internal/testdb"
)

// logLines decodes the server's JSON log (LYSOEN_LOG_FORMAT=json), one
// object per line.
func logLines(t *testing.T, s *server) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// linesWith returns the log lines whose msg is msg and whose request_id is id.
func linesWith(lines []map[string]any, msg, id string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["msg"] == msg && l["request_id"] == id {
			out = append(out, l)
		}
	}
	return out
}

// waitLogLines waits until the server has logged at least one line with
// msg and request id (a response can reach the client before the
// middleware's access-log line is written), then returns all of them.
func waitLogLines(t *testing.T, s *server, msg, id string) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := linesWith(logLines(t, s), msg, id)
		if len(got) > 0 || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// TestRequestIDHeaderAndLogLine: every response names its request in the
// X-Request-Id header and in extensions.requestId, and the server's access
// log has exactly one line for it under the same id; a client's own id (up
// to 64 characters) is kept, a longer one replaced.
func TestRequestIDHeaderAndLogLine(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_LOG_FORMAT": "json"})
	body := `{"query":"{ country(iso3: \"NOR\") { name } }"}`
	long := strings.Repeat("x", 65)
	cases := []struct {
		name, sent string
		keep       bool
	}{
		{"none sent", "", false},
		{"none sent again", "", false},
		{"client's id", "trace-4f2a-client", true},
		{"64 characters", strings.Repeat("y", 64), true},
		{"65 characters", long, false},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		headers := map[string]string{}
		if c.sent != "" {
			headers["X-Request-Id"] = c.sent
		}
		resp, out := s.post(t, body, headers)
		id := resp.Header.Get("X-Request-Id")
		switch {
		case c.keep && id != c.sent:
			t.Errorf("%s: X-Request-Id = %q, want the client's %q", c.name, id, c.sent)
		case !c.keep && !generatedID.MatchString(id):
			t.Errorf("%s: X-Request-Id = %q, want 16 hex digits made by the server", c.name, id)
		}
		if seen[id] {
			t.Errorf("%s: id %q was already given to another request", c.name, id)
		}
		seen[id] = true
		if resp.StatusCode != 200 || len(out.Errors) > 0 || !strings.Contains(string(out.Data), "Norway") {
			t.Errorf("%s: %d %s %+v", c.name, resp.StatusCode, out.Data, out.Errors)
		}
		if got := out.Extensions["requestId"]; got != id {
			t.Errorf("%s: extensions.requestId = %v, header %q", c.name, got, id)
		}
	}
	for id := range seen {
		got := waitLogLines(t, s, "request", id)
		if len(got) != 1 {
			t.Errorf("access log has %d lines with request_id %q, want 1", len(got), id)
			continue
		}
		if l := got[0]; l["path"] != "/graphql" || l["method"] != "POST" || l["status"] != float64(200) {
			t.Errorf("access log line for %q: %v", id, l)
		}
	}
	if strings.Contains(s.logs.String(), long) {
		t.Error("the refused 65-character id reached the log")
	}
}

// TestInternalErrorHidesCause: an error the API has no code for (here
// Neo4j refusing toLower() of an integer a direct write left in a name) is
// answered as "internal error" with INTERNAL_SERVER_ERROR and the request
// id, without the Cypher or the driver's text, which go to the log under
// that request id instead.
func TestInternalErrorHidesCause(t *testing.T) {
	testdb.Seeded(t)
	db := testdb.FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(db.URI, neo4j.BasicAuth(db.User, db.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { driver.Close(context.Background()) })
	// Later tests of the package may read countries without reseeding.
	t.Cleanup(func() {
		if _, err := neo4j.ExecuteQuery(context.Background(), driver,
			"MATCH (c:Country {id: 'country:ZZQ'}) DETACH DELETE c", nil, neo4j.EagerResultTransformer); err != nil {
			t.Errorf("remove the broken country: %v", err)
		}
	})
	if _, err := neo4j.ExecuteQuery(context.Background(), driver,
		"CREATE (:Country:Actor {id: 'country:ZZQ', iso3: 'ZZQ', name: 42})", nil, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, map[string]string{"LYSOEN_LOG_FORMAT": "json"})

	for _, direct := range []string{"true", "false"} {
		t.Run("direct reads "+direct, func(t *testing.T) {
			if direct == "false" {
				s = startServer(t, map[string]string{"LYSOEN_LOG_FORMAT": "json", "LYSOEN_DIRECT_READS": "false"})
			}
			body := `{"query":"{ countries(where: {name: {contains: \"zz\"}}) { edges { node { id } } } }"}`
			req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			id := resp.Header.Get("X-Request-Id")
			var out gqlResponse
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("status %d, body %s: %v", resp.StatusCode, raw, err)
			}
			if len(out.Errors) != 1 {
				t.Fatalf("errors = %+v, want one (body %s)", out.Errors, raw)
			}
			e := out.Errors[0]
			if e.Message != "internal error" || e.Extensions["code"] != "INTERNAL_SERVER_ERROR" || e.Extensions["requestId"] != id {
				t.Errorf("error = %+v, want \"internal error\", INTERNAL_SERVER_ERROR, requestId %q", e, id)
			}
			// Nothing of the cause: no Cypher, no Neo4j status code or
			// message, no driver or Go type names.
			for _, leak := range []string{"toLower", "MATCH", "WHERE", "Neo.", "Neo4j", "neo4j", "Long", "TypeError", "Cypher", "store", "$p"} {
				if strings.Contains(string(raw), leak) {
					t.Errorf("the answer contains %q: %s", leak, raw)
				}
			}
			// The cause is in the log, under the same request id.
			got := waitLogLines(t, s, "internal error", id)
			if len(got) != 1 {
				t.Fatalf("log has %d \"internal error\" lines for request %q, want 1:\n%s", len(got), id, s.logs.String())
			}
			if cause, _ := got[0]["err"].(string); !strings.Contains(cause, "toLower") {
				t.Errorf("the logged cause does not name Neo4j's refusal: %q", cause)
			}
		})
	}
}
