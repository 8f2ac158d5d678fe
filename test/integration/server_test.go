package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

// TestGolden posts each test/integration/testdata/golden/<case>/query.graphql to a server on
// the seeded test database and compares the data and errors with
// expected.json. Adding a case is adding a folder; -update rewrites them.
func TestGolden(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	dirs, err := filepath.Glob(goldenDir + "/*")
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
