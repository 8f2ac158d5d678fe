package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestEveryVariableDocumented: each environment variable this package
// reads (found in its source) and each of auth's is in the
// configuration table of docs/operations.md.
func TestEveryVariableDocumented(t *testing.T) {
	// config.go reads the server's variables; auth/env.go reads auth's
	// (config.Load calls auth.FromEnv), so both files are scanned.
	names := map[string]bool{}
	for _, file := range []string{"config.go", "../auth/env.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"((?:LYSOEN|NEO4J)_[A-Z0-9_]+|PORT)"`).FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
	}
	if !names["LYSOEN_JWT_AUDIENCE"] {
		t.Fatal("auth's variables were not found in auth/env.go: the pattern no longer matches it")
	}
	if len(names) < 30 {
		t.Fatalf("found only %d variables in config.go: the pattern no longer matches it", len(names))
	}
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "## Configuration")
	end := strings.Index(text[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("docs/operations.md has no Configuration section")
	}
	table := text[start : start+1+end]
	for n := range names {
		if !strings.Contains(table, "`"+n+"`") {
			t.Errorf("%s is read by the server but not in docs/operations.md's configuration table", n)
		}
	}
}
