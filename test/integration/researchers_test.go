package integration

import (
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestCypherFieldThroughServer drives the whole program: the `cypher` field
// is off unless LYSOEN_CYPHER_ENABLED=true, and then answers only callers
// whose API key or JWT carries the analyst role (or a higher one).
func TestCypherFieldThroughServer(t *testing.T) {
	testdb.Seeded(t)
	const analystKey = "test-analyst-key"
	keys := func(enabled string) map[string]string {
		return authEnv(map[string]string{
			"LYSOEN_API_KEYS":       "rita:reader:" + auth.HashKey(readerKey) + ",ann:analyst:" + auth.HashKey(analystKey),
			"LYSOEN_CYPHER_ENABLED": enabled,
		})
	}
	q := `{ cypher(query: "MATCH (c:Country) RETURN count(c) AS countries") { columns rows } }`

	off := startServer(t, keys(""))
	if _, resp := off.queryAs(t, analystKey, q, nil); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" ||
		!strings.Contains(resp.Errors[0].Message, "LYSOEN_CYPHER_ENABLED") {
		t.Errorf("disabled by default: errors %+v, want FORBIDDEN naming LYSOEN_CYPHER_ENABLED", resp.Errors)
	}

	on := startServer(t, keys("true"))
	_, resp := on.queryAs(t, analystKey, q, nil)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"rows":[[11]]`) {
		t.Errorf("analyst: data %s errors %+v, want 11 countries", resp.Data, resp.Errors)
	}
	if _, resp := on.queryAs(t, readerKey, q, nil); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("reader: errors %+v, want FORBIDDEN", resp.Errors)
	}
	if _, resp := on.queryAs(t, "", q, nil); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("anonymous: errors %+v, want UNAUTHENTICATED", resp.Errors)
	}
	// Invisible in introspection to a reader, visible to the analyst.
	intro := `{ __type(name: "Query") { fields { name } } }`
	if _, resp := on.queryAs(t, readerKey, intro, nil); strings.Contains(string(resp.Data), `"cypher"`) {
		t.Errorf("a reader sees the cypher field: %s", resp.Data)
	}
	if _, resp := on.queryAs(t, analystKey, intro, nil); !strings.Contains(string(resp.Data), `"cypher"`) {
		t.Errorf("the analyst does not see the cypher field: %s", resp.Data)
	}
	// A write is refused and changes nothing.
	_, resp = on.queryAs(t, analystKey, `{ cypher(query: "MATCH (n) DETACH DELETE n") { rows } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || resp.Errors[0].Extensions["argument"] != "query" {
		t.Errorf("write: errors %+v, want BAD_USER_INPUT on query", resp.Errors)
	}
	if _, resp := on.queryAs(t, analystKey, q, nil); !strings.Contains(string(resp.Data), `"rows":[[11]]`) {
		t.Errorf("after the refused write: %s", resp.Data)
	}
}
