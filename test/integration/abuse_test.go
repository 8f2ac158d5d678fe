package integration

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/auth"
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

// TestWideFiltersRefused: a request whose filters hold thousands of
// conditions (whose planning Neo4j cannot interrupt) is refused with
// BAD_USER_INPUT before any Cypher runs; the conditions count in the cost.
func TestWideFiltersRefused(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0"})
	branches := func(n int, cond string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = cond
		}
		return strings.Join(parts, ", ")
	}
	for _, c := range []struct{ name, query string }{
		{"5000 OR", `{ countries(first: 5, where: {OR: [` + branches(5000, `{name: {contains: "0"}}`) + `]}) { totalCount } }`},
		{"1000 AND", `{ countries(first: 5, where: {AND: [` + branches(1000, `{name: {contains: "a"}}`) + `]}) { totalCount } }`},
		{"300 memberOfInitiative", `{ countries(first: 5, where: {OR: [` + branches(300, `{memberOfInitiative: {name: {contains: "x"}}}`) + `]}) { totalCount } }`},
		{"spread over fields", `{ a: countries(where: {OR: [` + branches(40, `{name: {contains: "a"}}`) + `]}) { totalCount } b: countries(where: {OR: [` + branches(40, `{name: {contains: "b"}}`) + `]}) { totalCount } }`},
	} {
		_, out := s.post(t, jsonBody(t, map[string]any{"query": c.query}), nil)
		wantCode(t, c.name, out, "BAD_USER_INPUT")
		if len(out.Errors) > 0 && (out.Errors[0].Extensions["argument"] != "where" || out.Errors[0].Extensions["limit"] != float64(100)) {
			t.Errorf("%s: extensions %v, want argument where and limit 100", c.name, out.Errors[0].Extensions)
		}
		if out.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("%s: cypherRoundTrips = %v, want 0", c.name, out.Extensions["cypherRoundTrips"])
		}
	}
	// Through a variable as well.
	or := make([]any, 200)
	for i := range or {
		or[i] = map[string]any{"name": map[string]any{"contains": "0"}}
	}
	_, out := s.post(t, jsonBody(t, map[string]any{"query": `query($w: CountryWhere) { countries(first: 5, where: $w) { totalCount } }`,
		"variables": map[string]any{"w": map[string]any{"OR": or}}}), nil)
	wantCode(t, "via a variable", out, "BAD_USER_INPUT")
	// A filter of a few conditions is fine.
	_, out = s.post(t, jsonBody(t, map[string]any{"query": `{ countries(where: {OR: [` + branches(20, `{name: {contains: "an"}}`) + `]}) { totalCount } }`}), nil)
	if len(out.Errors) > 0 {
		t.Errorf("20 conditions: %+v", out.Errors)
	}
}

// TestIntrospectionAliasesRefused: one __schema (and up to ten __type) per
// request; 1,500 aliased __schema selections are refused before any work.
func TestIntrospectionAliasesRefused(t *testing.T) {
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0"})
	var b strings.Builder
	b.WriteString("{")
	for i := range 1500 {
		fmt.Fprintf(&b, " s%d: __schema { types { name fields { name args { name } } } }", i)
	}
	b.WriteString(" }")
	start := time.Now()
	resp, out := s.post(t, jsonBody(t, map[string]any{"query": b.String()}), nil)
	wantCode(t, "1500 __schema", out, "COMPLEXITY_LIMIT_EXCEEDED")
	if resp.StatusCode != http.StatusOK || out.Data != nil && string(out.Data) != "null" {
		t.Errorf("1500 __schema: status %d, data %s; want 200 (application/json) and no data", resp.StatusCode, out.Data)
	}
	t.Logf("refused in %v", time.Since(start))
	_, out = s.post(t, jsonBody(t, map[string]any{"query": `{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`}), nil)
	wantCode(t, "two __schema", out, "COMPLEXITY_LIMIT_EXCEEDED")
	var types strings.Builder
	for i := range 11 {
		fmt.Fprintf(&types, " t%d: __type(name: \"Country\") { name }", i)
	}
	_, out = s.post(t, jsonBody(t, map[string]any{"query": "{" + types.String() + " }"}), nil)
	wantCode(t, "eleven __type", out, "COMPLEXITY_LIMIT_EXCEEDED")
	// One schema, or a few types, are answered.
	_, out = s.post(t, jsonBody(t, map[string]any{"query": `{ __schema { queryType { name } } a: __type(name: "Country") { name } }`}), nil)
	if len(out.Errors) > 0 || !strings.Contains(string(out.Data), `"Country"`) {
		t.Errorf("one schema and one type: %s %+v", out.Data, out.Errors)
	}
}

// TestUnreadableBodiesAreTypedAndNotLogged: a body that is not one JSON
// object (a batch array, trailing data, bad JSON) answers 400 BAD_REQUEST,
// and the log holds at most a short excerpt of it, never the whole body.
func TestUnreadableBodiesAreTypedAndNotLogged(t *testing.T) {
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0"})
	pad := strings.Repeat("Z", 1<<20-200)
	for _, c := range []struct{ name, body string }{
		{"array", `[{"query":"{__typename}","pad":"` + pad + `"}]`},
		{"bad JSON", `{"query":"{__typename}","pad":"` + pad + `"`},
		{"trailing data", `{"query":"{__typename}"} {"pad":"` + pad + `"}`},
	} {
		resp, out := s.post(t, c.body, nil)
		if resp.StatusCode != http.StatusBadRequest || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "BAD_REQUEST" {
			t.Errorf("%s: status %d, %+v; want 400 BAD_REQUEST", c.name, resp.StatusCode, out.Errors)
		}
	}
	if logs := s.logs.String(); strings.Contains(logs, strings.Repeat("Z", 300)) || len(logs) > 100_000 {
		t.Errorf("the log holds the request bodies (%d bytes of log)", len(logs))
	}
}

// forgeBookmark raises the transaction id in a real Neo4j 5 bookmark
// ("FB:" + base64url of a PackStream list: the database's UUID as 16 bytes,
// then the transaction id) far past anything committed.
func forgeBookmark(t *testing.T, real string) string {
	t.Helper()
	// Neo4j writes the standard base64 alphabet (with + and /); accept the
	// URL-safe one too, and write the forgery back in the alphabet read.
	body := strings.TrimRight(strings.TrimPrefix(real, "FB:"), "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(body, "-_") {
		enc = base64.RawURLEncoding
	}
	raw, err := enc.DecodeString(body)
	if err != nil || len(raw) < 20 || raw[1] != 0xCC || raw[2] != 16 {
		t.Fatalf("bookmark %q is not the expected format (%v)", real, err)
	}
	intLen := map[byte]int{0xC8: 2, 0xC9: 3, 0xCA: 5, 0xCB: 9}[raw[19]]
	if intLen == 0 {
		intLen = 1 // tiny int
	}
	forged := append(append([]byte{}, raw[:19]...), 0xCA, 0x40, 0, 0, 0) // 2^30
	forged = append(forged, raw[19+intLen:]...)
	padded := base64.StdEncoding
	if enc == base64.RawURLEncoding {
		padded = base64.URLEncoding
	}
	return "FB:" + padded.EncodeToString(forged)
}

// TestForgedBookmarksAreBounded: a bookmark Neo4j never reaches costs its
// request about 2 s, not 30, and a client cannot have more than a few such
// requests waiting: another client's query is answered at once.
func TestForgedBookmarksAreBounded(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, authEnv(map[string]string{"LYSOEN_RATE_LIMIT": "0"}))
	_, resp := s.queryAs(t, editorKey, upsertOrg, orgInput("org:icbl"))
	mustOK(t, resp, nil)
	real := bookmarksOf(t, resp)
	if len(real) != 1 {
		t.Fatalf("bookmarks %v, want one", real)
	}
	header := map[string]string{"X-Lysoen-Bookmarks": `["` + forgeBookmark(t, real[0]) + `"]`}
	read := `{ countries { totalCount } }`

	start := time.Now()
	_, resp = postWith(t, s.URL, "", read, nil, header)
	took := time.Since(start)
	wantCode(t, "forged bookmark", resp, "SERVICE_UNAVAILABLE")
	if took > 8*time.Second {
		t.Errorf("a forged bookmark held the request %v, want about 2 s", took)
	}

	// 40 at once from one client: at most 4 wait, the rest are refused.
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[any]int{}
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, resp := postWith(t, s.URL, "", read, nil, header)
			mu.Lock()
			defer mu.Unlock()
			for _, e := range resp.Errors {
				codes[e.Extensions["code"]]++
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	start = time.Now()
	_, other := postWith(t, s.URL, "", read, nil, nil) // same IP; no bookmarks: not limited
	otherTook := time.Since(start)
	wg.Wait()
	mustOK(t, other, nil)
	if otherTook > 2*time.Second {
		t.Errorf("another query took %v while forged bookmarks waited", otherTook)
	}
	if codes["RATE_LIMITED"] < 30 || codes["RATE_LIMITED"]+codes["SERVICE_UNAVAILABLE"] != 40 {
		t.Errorf("40 forged at once: codes %v, want at least 30 RATE_LIMITED and the rest SERVICE_UNAVAILABLE", codes)
	}
}

// TestHiddenSchemaDoesNotLeak: callers who may not use the cypher field
// get null for __type(name: "CypherResult") and no suggestion naming it;
// with introspection off, no suggestion names anything.
func TestHiddenSchemaDoesNotLeak(t *testing.T) {
	on := startServer(t, authEnv(map[string]string{"LYSOEN_RATE_LIMIT": "0", "LYSOEN_CYPHER_ENABLED": "true",
		"LYSOEN_API_KEYS": "rita:reader:" + auth.HashKey(readerKey) + ",ann:analyst:" + auth.HashKey(analystKey)}))
	_, resp := on.queryAs(t, "", `{ __type(name: "CypherResult") { name fields { name } } }`, nil)
	if len(resp.Errors) > 0 || string(resp.Data) != `{"__type":null}` {
		t.Errorf("anonymous __type(CypherResult): %s %+v, want null", resp.Data, resp.Errors)
	}
	_, resp = on.queryAs(t, analystKey, `{ __type(name: "CypherResult") { name } }`, nil)
	if !strings.Contains(string(resp.Data), `"CypherResult"`) {
		t.Errorf("analyst __type(CypherResult): %s, want the type", resp.Data)
	}
	_, resp = on.queryAs(t, readerKey, `{ cyphe(query: "RETURN 1") { rows } }`, nil)
	if len(resp.Errors) == 0 || strings.Contains(resp.Errors[0].Message, "cypher") {
		t.Errorf("reader's typo: %+v, want an error not naming cypher", resp.Errors)
	}
	_, resp = on.queryAs(t, readerKey, `{ countres { totalCount } }`, nil)
	if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, `Did you mean "countries"`) {
		t.Errorf("reader's typo of a visible field: %+v, want the suggestion", resp.Errors)
	}

	off := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0", "LYSOEN_INTROSPECTION": "false"})
	for _, q := range []string{`{ cyphe { rows } }`, `{ countres { totalCount } }`} {
		out := off.query(t, q, nil)
		if len(out.Errors) == 0 || strings.Contains(out.Errors[0].Message, "Did you mean") {
			t.Errorf("introspection off, %s: %+v, want no suggestion", q, out.Errors)
		}
	}
}

// TestReadyzIsCached: /readyz is anonymous and unlimited, so a burst of
// probes reuses one answer instead of querying Neo4j each time.
func TestReadyzIsCached(t *testing.T) {
	s := startServer(t, nil)
	s.waitReady(t)
	time.Sleep(1100 * time.Millisecond) // past the cache of waitReady's answer
	start := time.Now()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := get(t, s.URL+"/readyz"); code != http.StatusOK {
				t.Errorf("/readyz = %d %s", code, body)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(100 * time.Millisecond) // the access log line follows the answer
	queried := 0
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, "path=/readyz") && !strings.Contains(line, "cypher_round_trips=0") && strings.Contains(line, "time=") &&
			!strings.Contains(line, "status=503") {
			queried++
		}
	}
	if queried == 0 {
		t.Fatal("no /readyz answer in the log queried Neo4j: the access log line changed?")
	}
	// waitReady's probe(s) queried too; the burst adds one per second at most.
	if max := 2 + int(elapsed/time.Second) + 1; queried > max {
		t.Errorf("%d /readyz answers queried Neo4j in %v, want at most %d", queried, elapsed, max)
	}
}

// TestCypherParamsOutsideInt64: an integer parameter beyond 64 bits is
// refused naming params, not turned into a float with another value.
func TestCypherParamsOutsideInt64(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, authEnv(map[string]string{"LYSOEN_CYPHER_ENABLED": "true", "LYSOEN_RATE_LIMIT": "0",
		"LYSOEN_API_KEYS": "ann:analyst:" + auth.HashKey(analystKey)}))
	q := `query($p: JSON) { cypher(query: "RETURN $n AS n", params: $p) { rows } }`
	body := `{"query":` + strconv.Quote(q) + `,"variables":{"p":{"n":18446744073709551616}}}`
	_, out := s.post(t, body, map[string]string{"Authorization": "Bearer " + analystKey})
	wantError(t, "2^64", out, "BAD_USER_INPUT", "params")
	body = `{"query":` + strconv.Quote(q) + `,"variables":{"p":{"n":9223372036854775807}}}`
	_, out = s.post(t, body, map[string]string{"Authorization": "Bearer " + analystKey})
	if len(out.Errors) > 0 || !strings.Contains(string(out.Data), "9223372036854775807") {
		t.Errorf("2^63-1: %s %+v, want it back exactly", out.Data, out.Errors)
	}
}

// TestWrittenTextHygiene: names and texts that are invisible, hold control
// characters or bidirectional overrides, or are too long (a name past what
// Neo4j can index, a 900 KB quote) are refused with BAD_USER_INPUT naming
// the field, and nothing is written.
func TestWrittenTextHygiene(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(map[string]string{"LYSOEN_RATE_LIMIT": "0"}))
	nodes, rels, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	src := map[string]any{"sourceId": "source:human-security-1999", "quote": "forming partnerships and coalitions"}
	org := func(name string, ev map[string]any) map[string]any {
		in := map[string]any{"id": "org:probe", "name": name}
		if ev != nil {
			in["evidence"] = ev
		}
		return map[string]any{"in": in}
	}
	for _, c := range []struct {
		what string
		in   map[string]any
		arg  string
	}{
		{"zero-width only", org("\u200b\u200b\u200b", nil), "input.name"},
		{"NUL", org("Probe\x00Org", nil), "input.name"},
		{"ESC", org("Probe \x1b[31mOrg", nil), "input.name"},
		{"RLO", org("Probe \u202eOrg", nil), "input.name"},
		{"newline in a name", org("Probe\nOrg", nil), "input.name"},
		{"9 KB name", org(strings.Repeat("n", 9000), nil), "input.name"},
		{"501 ä", org(strings.Repeat("ä", 501), nil), "input.name"},
		{"900 KB quote", org("Probe Org", map[string]any{"sourceId": src["sourceId"], "quote": strings.Repeat("q", 900_000)}), "input.evidence.quote"},
		{"quote with NUL", org("Probe Org", map[string]any{"sourceId": src["sourceId"], "quote": "a\x00b"}), "input.evidence.quote"},
	} {
		_, resp := s.queryAs(t, editorKey, upsertOrg, c.in)
		wantError(t, c.what, resp, "BAD_USER_INPUT", c.arg)
	}
	if n, r, _ := st.Counts(context.Background()); n != nodes || r != rels {
		t.Errorf("after the refused writes: %d nodes, %d relationships; want %d and %d", n, r, nodes, rels)
	}
	// 500 characters of ä (1,000 bytes) and a multi-line quote are fine.
	_, resp := s.queryAs(t, editorKey, upsertOrg, org(strings.Repeat("ä", 500), map[string]any{"sourceId": src["sourceId"], "quote": "line one\nline two"}))
	mustOK(t, resp, nil)
}

// TestSearchTextCountsCharacters: the search text limit is 200 characters,
// not bytes: 101 "ä" (202 bytes) are searched, 201 are refused.
func TestSearchTextCountsCharacters(t *testing.T) {
	testdb.Seeded(t)
	for _, direct := range []string{"true", "false"} {
		s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0", "LYSOEN_DIRECT_READS": direct})
		q := `query($t: String!) { search(text: $t) { score } }`
		if out := s.query(t, q, map[string]any{"t": strings.Repeat("ä", 101)}); len(out.Errors) > 0 {
			t.Errorf("direct reads %s, 101 ä: %+v", direct, out.Errors)
		}
		out := s.query(t, q, map[string]any{"t": strings.Repeat("ä", 201)})
		wantCode(t, "201 ä", out, "BAD_USER_INPUT")
	}
}

// TestTransportErrorsAreTyped: the answers gqlgen's transports write
// before any operation runs carry extensions.code too.
func TestTransportErrorsAreTyped(t *testing.T) {
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0"})
	for _, c := range []struct {
		what, method, path, contentType, body string
		status                                int
	}{
		{"GET mutation", http.MethodGet, "/graphql?query=" + url.QueryEscape("mutation { __typename }"), "", "", http.StatusNotAcceptable},
		{"unsupported content type", http.MethodPost, "/graphql", "text/plain", "{ __typename }", http.StatusBadRequest},
		{"bad GET variables", http.MethodGet, "/graphql?query=" + url.QueryEscape("{ __typename }") + "&variables=notjson", "", "", http.StatusBadRequest},
	} {
		req, _ := http.NewRequest(c.method, s.URL+c.path, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out gqlResponse
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != c.status || len(out.Errors) != 1 ||
			out.Errors[0].Extensions["code"] != "BAD_REQUEST" {
			t.Errorf("%s: %d %s, want %d and one BAD_REQUEST", c.what, resp.StatusCode, raw, c.status)
		}
	}
}
