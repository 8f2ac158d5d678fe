package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

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
