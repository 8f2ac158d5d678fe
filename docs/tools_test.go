package docs

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

// TestCypherShell runs `scripts/neo4j.sh cypher-shell` (what `make
// cypher-shell` runs; cypher-shell comes from Maven Central) on a cookbook
// file against the test database, and once more with the query on stdin.
func TestCypherShell(t *testing.T) {
	loadTestData(t)
	db := testdb.FromEnv(t)
	env := append(os.Environ(), "NEO4J_URI="+db.URI, "NEO4J_USER="+db.User, "NEO4J_PASSWORD="+db.Password)

	cmd := exec.Command("../scripts/neo4j.sh", "cypher-shell", "--format", "plain", "-f", "cookbook/13-partnership-prospects.cypher")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cypher-shell -f: %v\n%s", err, out)
	}
	want := "initiative, actor, status\n\"Lysøen Partnership\", \"International Committee of the Red Cross\", \"ENVISAGED\"\n"
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("cypher-shell -f printed\n%s\nwant it to end with\n%s", out, want)
	}

	cmd = exec.Command("../scripts/neo4j.sh", "cypher-shell", "--format", "plain")
	cmd.Env = env
	// The issue areas of the 1999 text: the 12 of seed/seed.json (the UN
	// votes' topics add others).
	cmd.Stdin = strings.NewReader("MATCH (i:IssueArea {sourceId: 'source:human-security-1999'}) RETURN count(i) AS issueAreas;\n")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cypher-shell on stdin: %v\n%s", err, out)
	}
	if !strings.HasSuffix(string(out), "issueAreas\n12\n") {
		t.Errorf("cypher-shell on stdin printed\n%s\nwant issueAreas 12", out)
	}
}
