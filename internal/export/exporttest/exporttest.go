// Package exporttest lets tests read Lysøen's exports with the libraries
// researchers use — networkx (GEXF, GraphML), igraph (GraphML) and pandas
// (the zipped CSV files) — in a Python virtual environment it creates
// under bin/export-venv from consumers/requirements.txt (pinned versions
// from PyPI), and rebuilds when that file changes. It needs python3 with
// its venv module (Debian: python3-venv) and, the first time, PyPI.
package exporttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	here = func() string { _, f, _, _ := runtime.Caller(0); return filepath.Dir(f) }()
	// Root is the repository's root folder.
	Root = filepath.Join(here, "..", "..", "..")
	// VenvDir is where the environment lives (also used by docs/exports.md).
	VenvDir      = filepath.Join(Root, "bin", "export-venv")
	requirements = filepath.Join(here, "consumers", "requirements.txt")
	readScript   = filepath.Join(here, "consumers", "read.py")
	venvOnce     sync.Mutex
)

// Python returns the environment's python, creating or updating the
// environment first when needed. It fails the test (never skips) when the
// environment cannot be made.
func Python(t testing.TB) string {
	t.Helper()
	venvOnce.Lock()
	defer venvOnce.Unlock()
	req, err := os.ReadFile(requirements)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(req)
	want := hex.EncodeToString(sum[:])
	py := filepath.Join(VenvDir, "bin", "python")
	stamp := filepath.Join(VenvDir, ".requirements.sha256")
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return py
	}
	t.Logf("creating %s with %s", VenvDir, requirements)
	if err := os.RemoveAll(VenvDir); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{
		{"python3", "-m", "venv", VenvDir},
		{py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "-r", requirements},
	} {
		out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s\n(needs python3 with venv — Debian: apt-get install python3-venv — and PyPI)", cmd, err, out)
		}
	}
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	return py
}

// Read parses file (an export of format gexf, graphml or csv) with the
// consumers' libraries and decodes what they found (read.py's JSON) into out.
func Read(t testing.TB, format, file string, out any) {
	t.Helper()
	py := Python(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, readScript, format, file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("reading the %s export with its consumers failed: %v\n%s", format, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("read.py output: %v", err)
	}
}
