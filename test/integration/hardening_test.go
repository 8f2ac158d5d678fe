package integration

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/web"
)

// TestLimitsRefuseBeforeCypher: too deep, too costly and too large
// requests are refused with a typed error and no Cypher statement sent.
func TestLimitsRefuseBeforeCypher(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_MAX_DEPTH": "5", "LYSOEN_MAX_BODY_BYTES": "2000"})

	deep := `{ countries(first: 1) { edges { node { memberships { organization { name } } } } } }` // 6 levels
	resp, out := s.post(t, jsonBody(t, map[string]any{"query": deep}), nil)
	wantCode(t, "deep", out, "DEPTH_LIMIT_EXCEEDED")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("deep: status %d, want 200 (a GraphQL answer with errors)", resp.StatusCode)
	}
	if out.Extensions["cypherRoundTrips"] != float64(0) {
		t.Errorf("deep: cypherRoundTrips = %v, want 0", out.Extensions["cypherRoundTrips"])
	}
	// Depth through a fragment counts too.
	viaFragment := `query { countries(first: 1) { ...C } } fragment C on CountryConnection { edges { node { memberships { organization { name } } } } }`
	_, out = s.post(t, jsonBody(t, map[string]any{"query": viaFragment}), nil)
	wantCode(t, "deep via fragment", out, "DEPTH_LIMIT_EXCEEDED")

	// 100 countries x 1000 memberships each: cost 100301 > 50000.
	costly := `query($n: Int) { countries(first: 100) { edges { node { memberships(first: $n) { role } } } } }`
	resp, out = s.post(t, jsonBody(t, map[string]any{"query": costly, "variables": map[string]any{"n": 1000}}), nil)
	wantCode(t, "costly", out, "COMPLEXITY_LIMIT_EXCEEDED")
	if resp.StatusCode != http.StatusOK || out.Extensions["cypherRoundTrips"] != float64(0) {
		t.Errorf("costly: status %d, round trips %v; want 200 and 0", resp.StatusCode, out.Extensions["cypherRoundTrips"])
	}
	// The same shape with small pages is fine.
	_, out = s.post(t, jsonBody(t, map[string]any{"query": costly, "variables": map[string]any{"n": 5}}), nil)
	if len(out.Errors) > 0 {
		t.Errorf("small pages: %+v", out.Errors)
	}

	big := jsonBody(t, map[string]any{"query": "{ countries { totalCount } }", "variables": map[string]any{"pad": strings.Repeat("x", 3000)}})
	resp, out = s.post(t, big, nil)
	wantCode(t, "big body", out, "PAYLOAD_TOO_LARGE")
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: status %d, want 413", resp.StatusCode)
	}

	// Batches (a JSON array of operations) are not accepted: one operation per request.
	resp, out = s.post(t, `[{"query":"{ countries { totalCount } }"},{"query":"{ countries { totalCount } }"}]`, nil)
	if resp.StatusCode != http.StatusBadRequest || len(out.Errors) != 1 || out.Data != nil && string(out.Data) != "null" {
		t.Errorf("batch: status %d, %+v; want 400 and one error", resp.StatusCode, out)
	}
}

// TestDefaultLimitsAdmitRealQueries: GraphiQL's introspection query, the
// examples and the golden queries all pass the default limits.
func TestDefaultLimitsAdmitRealQueries(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	queries := map[string]string{"introspection": introspectionQuery}
	examples, err := web.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		queries["example "+ex.Name] = ex.Query
	}
	files, _ := filepath.Glob(goldenDir + "/*/query.graphql")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		queries[f] = string(b)
	}
	for name, q := range queries {
		resp := s.query(t, q, nil)
		for _, e := range resp.Errors {
			switch e.Extensions["code"] {
			case "DEPTH_LIMIT_EXCEEDED", "COMPLEXITY_LIMIT_EXCEEDED", "INTROSPECTION_DISABLED":
				t.Errorf("%s refused by default limits: %s", name, e.Message)
			}
		}
	}
}

// TestIntrospectionSwitch: off, __schema and __type are refused before
// execution; __typename still works.
func TestIntrospectionSwitch(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_INTROSPECTION": "false"})
	wantCode(t, "__schema", s.query(t, `{ __schema { queryType { name } } }`, nil), "INTROSPECTION_DISABLED")
	wantCode(t, "__type", s.query(t, `{ country(iso3: "NOR") { name } __type(name: "Country") { name } }`, nil), "INTROSPECTION_DISABLED")
	if resp := s.query(t, `{ country(iso3: "NOR") { __typename name } }`, nil); len(resp.Errors) > 0 {
		t.Errorf("__typename: %+v", resp.Errors)
	}
}

// TestRateLimit: past its burst a client gets 429 RATE_LIMITED with
// Retry-After, and the refusal shows in /metrics.
func TestRateLimit(t *testing.T) {
	testdb.Seeded(t)
	// One request per 100 s after a burst of 2: the third is refused however slow the machine.
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0.01", "LYSOEN_RATE_BURST": "2"})
	body := jsonBody(t, map[string]any{"query": "{ countries { totalCount } }"})
	for i := 0; i < 2; i++ {
		if resp, out := s.post(t, body, nil); resp.StatusCode != 200 || len(out.Errors) > 0 {
			t.Fatalf("request %d: %d %+v", i, resp.StatusCode, out.Errors)
		}
	}
	resp, out := s.post(t, body, nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third request: status %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	wantCode(t, "third request", out, "RATE_LIMITED")
	// Another client (here: another X-Real-IP would need the header key) is
	// not affected by health checks, which are not limited.
	if code, _ := get(t, s.URL+"/healthz"); code != 200 {
		t.Errorf("/healthz limited: %d", code)
	}
	if _, m := get(t, s.URL+"/metrics"); !strings.Contains(m, `lysoen_graphql_errors_total{code="RATE_LIMITED"} 1`) {
		t.Errorf("metrics lack the refusal:\n%s", m)
	}
}

// TestRateLimitPerClient: with header:X-Client as the key, each client has its own bucket.
func TestRateLimitPerClient(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_RATE_LIMIT": "0.01", "LYSOEN_RATE_BURST": "1", "LYSOEN_RATE_LIMIT_KEY": "header:X-Client"})
	body := jsonBody(t, map[string]any{"query": "{ countries { totalCount } }"})
	if resp, _ := s.post(t, body, map[string]string{"X-Client": "a"}); resp.StatusCode != 200 {
		t.Fatalf("a first: %d", resp.StatusCode)
	}
	if resp, _ := s.post(t, body, map[string]string{"X-Client": "a"}); resp.StatusCode != 429 {
		t.Errorf("a second: %d, want 429", resp.StatusCode)
	}
	if resp, _ := s.post(t, body, map[string]string{"X-Client": "b"}); resp.StatusCode != 200 {
		t.Errorf("b first: %d, want 200", resp.StatusCode)
	}
}

// TestCORSAllowList: allowed origins get CORS headers and preflights;
// others get neither.
func TestCORSAllowList(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_CORS_ORIGINS": "https://viz.example.org, http://localhost:5173"})
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := preflight("https://viz.example.org"); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://viz.example.org" ||
		!strings.Contains(strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")), "content-type") ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("allowed preflight: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("https://evil.example.com"); r.StatusCode != 403 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("refused preflight: %d %v", r.StatusCode, r.Header)
	}
	body := jsonBody(t, map[string]any{"query": "{ countries { totalCount } }"})
	if r, _ := s.post(t, body, map[string]string{"Origin": "http://localhost:5173"}); r.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("allowed POST: ACAO %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
	if r, _ := s.post(t, body, map[string]string{"Origin": "https://evil.example.com"}); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin POST: ACAO %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestSecurityHeaders: the GraphiQL page forbids framing and sniffing and has a CSP.
func TestSecurityHeaders(t *testing.T) {
	s := startServer(t, map[string]string{"NEO4J_URI": "bolt://" + freeAddr(t)})
	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src") {
		t.Errorf("no CSP: %q", resp.Header.Get("Content-Security-Policy"))
	}
}

// TestAutomaticPersistedQueries: the hash alone is unknown at first, the
// full query registers it, then the hash alone runs it.
func TestAutomaticPersistedQueries(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	q := `{ country(iso3: "NOR") { name } }`
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha256Hex(q)}}
	_, out := s.post(t, jsonBody(t, map[string]any{"extensions": ext}), nil)
	wantCode(t, "unknown hash", out, "PERSISTED_QUERY_NOT_FOUND")
	_, out = s.post(t, jsonBody(t, map[string]any{"query": q, "extensions": ext}), nil)
	if len(out.Errors) > 0 || !strings.Contains(string(out.Data), "Norway") {
		t.Fatalf("register: %s %+v", out.Data, out.Errors)
	}
	_, out = s.post(t, jsonBody(t, map[string]any{"extensions": ext}), nil)
	if len(out.Errors) > 0 || !strings.Contains(string(out.Data), "Norway") {
		t.Errorf("hash only: %s %+v", out.Data, out.Errors)
	}
	// Over GET too, as CDNs like it.
	code, body := get(t, s.URL+"/graphql?extensions="+url.QueryEscape(jsonBody(t, ext)))
	if code != 200 || !strings.Contains(body, "Norway") {
		t.Errorf("GET hash only: %d %s", code, body)
	}
	badExt := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	_, out = s.post(t, jsonBody(t, map[string]any{"query": q, "extensions": badExt}), nil)
	wantCode(t, "wrong hash", out, "PERSISTED_QUERY_INVALID")
}

// TestAllowListMode: only the registered documents run, by text or by hash.
func TestAllowListMode(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, map[string]string{"LYSOEN_ALLOWED_OPERATIONS": "web/examples"})
	b, err := os.ReadFile("web/examples/01-lysoen-founders.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if resp := s.query(t, string(b), nil); len(resp.Errors) > 0 {
		t.Errorf("registered text: %+v", resp.Errors)
	}
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha256Hex(string(b))}}
	if _, out := s.post(t, jsonBody(t, map[string]any{"extensions": ext}), nil); len(out.Errors) > 0 || !strings.Contains(string(out.Data), "members") {
		t.Errorf("registered hash: %s %+v", out.Data, out.Errors)
	}
	resp, out := s.post(t, jsonBody(t, map[string]any{"query": `{ countries { totalCount } }`}), nil)
	wantCode(t, "unregistered", out, "OPERATION_NOT_ALLOWED")
	if resp.StatusCode != http.StatusOK || out.Extensions["cypherRoundTrips"] != float64(0) {
		t.Errorf("unregistered: status %d, round trips %v", resp.StatusCode, out.Extensions["cypherRoundTrips"])
	}
}

// TestMetricsAndAccessLog: /metrics counts requests by operation and
// outcome, errors by code, latency and round trips; the access log names
// the operation and its outcome.
func TestMetricsAndAccessLog(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	s.query(t, `query Norway { country(iso3: "NOR") { name } }`, nil)
	s.query(t, `query Norway { country(iso3: "NOR") { name } }`, nil)
	s.query(t, `query Bad { countries(first: -1) { totalCount } }`, nil)
	s.query(t, `query Broken { nope }`, nil)
	code, m := get(t, s.URL+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`lysoen_graphql_requests_total{operation="Norway",outcome="ok"} 2`,
		`lysoen_graphql_requests_total{operation="Bad",outcome="error"} 1`,
		`lysoen_graphql_requests_total{operation="Broken",outcome="refused"} 1`,
		`lysoen_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`lysoen_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1`,
		`lysoen_graphql_request_duration_seconds_count{operation="Norway"} 2`,
		`lysoen_graphql_request_duration_seconds_bucket{operation="Norway",le="+Inf"} 2`,
		`lysoen_cypher_round_trips_count 4`,
		`lysoen_http_requests_total{code="200",handler="graphql"} 4`, // the validation error too (GraphQL-over-HTTP: 200 for application/json)
		"# TYPE lysoen_neo4j_sessions_open gauge",
		"# TYPE lysoen_graphql_request_duration_seconds histogram",
		"# TYPE go_goroutines gauge",              // the Go runtime collector
		"# TYPE process_start_time_seconds gauge", // the process collector
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	if logs := s.logs.String(); !strings.Contains(logs, "operation=Norway outcome=ok") {
		t.Errorf("access log lacks operation and outcome:\n%s", logs)
	}
}

// introspectionQuery is GraphiQL's, with its deepest ofType nesting.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`
