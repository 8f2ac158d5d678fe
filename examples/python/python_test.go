// Package python runs the Python example (cookbook.py with the official
// neo4j driver from PyPI) against the seeded test database.
package python

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

// venv makes (or reuses) examples/python/.venv with requirements.txt
// installed; a stamp with the requirements' hash says whether it is current.
// python3 is required: a machine without it fails this test.
func venv(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is not installed; the Python example needs it (apt-get install python3 python3-venv)")
	}
	req, err := os.ReadFile("requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(req)
	stamp := hex.EncodeToString(sum[:])
	dir, _ := filepath.Abs(".venv")
	if b, err := os.ReadFile(filepath.Join(dir, ".lysoen-stamp")); err == nil && string(b) == stamp {
		return dir
	}
	os.RemoveAll(dir)
	run(t, py, "-m", "venv", dir)
	run(t, filepath.Join(dir, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt")
	if err := os.WriteFile(filepath.Join(dir, ".lysoen-stamp"), []byte(stamp), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestPythonCookbookExample(t *testing.T) {
	dir := venv(t)
	testdb.Seeded(t)
	db := testdb.FromEnv(t)
	env := append(os.Environ(), "NEO4J_URI="+db.URI, "NEO4J_USER="+db.User, "NEO4J_PASSWORD="+db.Password)
	python := filepath.Join(dir, "bin", "python")

	cmd := exec.Command(python, "cookbook.py", "--json")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cookbook.py --json: %v\n%s", err, stderr.String())
	}
	var got map[string]struct {
		Question string   `json:"question"`
		Columns  []string `json:"columns"`
		Rows     []any    `json:"rows"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got) != 3 {
		t.Errorf("answered %d questions, want 3", len(got))
	}
	for name, a := range got {
		raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "cookbook", name+".expected.json"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want struct {
			Question string   `json:"question"`
			Columns  []string `json:"columns"`
			Rows     []any    `json:"rows"`
		}
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(a)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s:\n got %s\nwant %s", name, g, w)
		}
	}

	// The human-readable form names the hosts and the path.
	cmd = exec.Command(python, "cookbook.py")
	cmd.Env = env
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("cookbook.py: %v", err)
	}
	for _, want := range []string{"Canada | HOST", "Thailand -> Human security luncheon with Foreign Ministers -> Canada -> Lysøen Partnership -> International Committee of the Red Cross | 4", "Norway | 10"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}
