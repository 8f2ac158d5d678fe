package main

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lysoen/lysoen/auth"
	"github.com/lysoen/lysoen/internal/testdb"
)

// Attacks that could take a database down run against a Neo4j of their own
// (instance "victim"), never the shared test database. Its ports are picked
// free unless NEO4J_VICTIM_BOLT_PORT and NEO4J_VICTIM_HTTP_PORT name them.
var (
	victimInstance = envOr("NEO4J_VICTIM_INSTANCE", "victim")
	victimBolt     = envOr("NEO4J_VICTIM_BOLT_PORT", freePort())
	victimHTTP     = envOr("NEO4J_VICTIM_HTTP_PORT", freePort())
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// victimNeo4j runs scripts/neo4j.sh action on the victim instance, with the
// heap and page cache `make test` gives its database.
func victimNeo4j(t *testing.T, action string) {
	t.Helper()
	db := testdb.FromEnv(t)
	cmd := exec.Command("scripts/neo4j.sh", action)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_URI=") && !strings.HasPrefix(kv, "NEO4J_INSTANCE=") &&
			!strings.HasPrefix(kv, "NEO4J_BOLT_PORT=") && !strings.HasPrefix(kv, "NEO4J_HTTP_PORT=") &&
			!strings.HasPrefix(kv, "NEO4J_HEAP=") && !strings.HasPrefix(kv, "NEO4J_PAGECACHE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NEO4J_INSTANCE="+victimInstance, "NEO4J_BOLT_PORT="+victimBolt, "NEO4J_HTTP_PORT="+victimHTTP,
		"NEO4J_HEAP=384m", "NEO4J_PAGECACHE=128m", "NEO4J_PASSWORD="+db.Password)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/neo4j.sh %s (%s): %v\n%s", action, victimInstance, err, out)
	}
}

const analystKey = "test-analyst-key"

// victimServer starts the victim Neo4j (stopped when the test ends) and a
// server on it with the cypher field on for analystKey.
func victimServer(t *testing.T, extra map[string]string) *server {
	t.Helper()
	victimNeo4j(t, "start")
	t.Cleanup(func() { victimNeo4j(t, "stop") })
	env := authEnv(map[string]string{
		"NEO4J_URI":             "bolt://127.0.0.1:" + victimBolt,
		"LYSOEN_API_KEYS":       "rita:reader:" + auth.HashKey(readerKey) + ",ann:analyst:" + auth.HashKey(analystKey),
		"LYSOEN_CYPHER_ENABLED": "true",
		"LYSOEN_RATE_LIMIT":     "0",
	})
	for k, v := range extra {
		env[k] = v
	}
	return startServer(t, env)
}

// alive fails unless the database behind s still answers a query.
func alive(t *testing.T, s *server, after string) {
	t.Helper()
	_, resp := s.queryAs(t, analystKey, `{ cypher(query: "RETURN 41 + 1 AS n") { rows } }`, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `[[42]]`) {
		t.Fatalf("after %s the database does not answer: data %s errors %+v", after, resp.Data, resp.Errors)
	}
}

// TestAnalystCypherAbuse runs the analysts' worst queries against the
// victim database, one subtest per attack, the database checked after each.
func TestAnalystCypherAbuse(t *testing.T) {
	s := victimServer(t, nil)
	alive(t, s, "start-up")

	// Lists of tens of millions of values built inside one expression,
	// which Neo4j's transaction memory limits do not track, are refused
	// before they run (alone or three at once), what the limits do track
	// fails with a typed error, and the database answers after each.
	t.Run("HugeValuesLeaveTheDatabaseUp", func(t *testing.T) {
		for _, q := range []string{
			"RETURN size([x IN range(1,20000000) | x]) AS n",
			"RETURN size([x IN range(1,10000000) | x]) AS n",
			"RETURN size([x IN range(1,12000000) | x]) AS n",
			"RETURN size([x IN range(1,15000000) | toString(x)]) AS n",
			"RETURN size([x IN range(1,5000) | [y IN range(1,5000) | y]]) AS n",
			"RETURN size(reduce(s = 'x', k IN range(1,30) | s + s)) AS n",
		} {
			_, resp := s.queryAs(t, analystKey, `query($q: String!) { cypher(query: $q) { rows } }`, map[string]any{"q": q})
			wantError(t, q, resp, "BAD_USER_INPUT", "query")
			alive(t, s, q)
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, resp := s.queryAs(t, analystKey, `{ cypher(query: "RETURN size([x IN range(1,20000000) | x]) AS n") { rows } }`, nil)
				wantError(t, "three at once", resp, "BAD_USER_INPUT", "query")
			}()
		}
		wg.Wait()
		alive(t, s, "three at once")
		// Tracked by Neo4j's transaction memory limit.
		q := "UNWIND range(1, 20000000) AS i RETURN size(collect(i)) AS n"
		_, resp := s.queryAs(t, analystKey, `query($q: String!) { cypher(query: $q) { rows } }`, map[string]any{"q": q})
		wantError(t, q, resp, "RESOURCE_LIMIT_EXCEEDED", "query")
		alive(t, s, q)
	})

	// A value nested 100,000 deep overflows Neo4j's stack: a typed error
	// at once, not a wait for the timeout.
	t.Run("DeepNesting", func(t *testing.T) {
		start := time.Now()
		q := "RETURN reduce(x = [], i IN range(1,100000) | [x]) AS n"
		_, resp := s.queryAs(t, analystKey, `query($q: String!) { cypher(query: $q) { rows } }`, map[string]any{"q": q})
		t.Logf("%s: %v", q, time.Since(start))
		if len(resp.Errors) != 1 || (resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" && resp.Errors[0].Extensions["code"] != "RESOURCE_LIMIT_EXCEEDED") {
			t.Errorf("errors %+v, want BAD_USER_INPUT or RESOURCE_LIMIT_EXCEEDED", resp.Errors)
		}
		alive(t, s, q)
	})

	// An answer past the byte cap stops there and says so: 8 MB at most
	// comes back, not 160 MB (neither the server nor Neo4j holds it all).
	t.Run("AnswerByteCap", func(t *testing.T) {
		q := "UNWIND range(1,10) AS i RETURN i, [x IN range(1,100000) | 'abcdefghijklmn'] AS l"
		_, resp := s.queryAs(t, analystKey, `query($q: String!) { cypher(query: $q) { rowCount truncated truncatedReason maxBytes } }`, map[string]any{"q": q})
		var out struct {
			Cypher struct {
				RowCount        int
				Truncated       bool
				TruncatedReason *string
				MaxBytes        int
			}
		}
		mustOK(t, resp, &out)
		c := out.Cypher
		// Each row holds 100,000 strings of 14 characters: about 1.7 MB.
		if !c.Truncated || c.TruncatedReason == nil || *c.TruncatedReason != "maxBytes" || c.MaxBytes != 8<<20 ||
			c.RowCount < 3 || c.RowCount > 8 {
			t.Errorf("answer %+v (reason %v), want truncated at maxBytes 8 MiB after 3 to 8 rows", c, c.TruncatedReason)
		}
		_, resp = s.queryAs(t, analystKey, `{ cypher(query: "UNWIND range(1, 1500) AS i RETURN i") { rowCount truncated truncatedReason } }`, nil)
		if !strings.Contains(string(resp.Data), `"rowCount":1000,"truncated":true,"truncatedReason":"maxRows"`) {
			t.Errorf("row cap: %s %+v", resp.Data, resp.Errors)
		}
		alive(t, s, q)
	})
}
