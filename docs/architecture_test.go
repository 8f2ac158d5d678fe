package docs

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// archRow is a package row of architecture.md's tables: "| `graph/store` | … |".
var archRow = regexp.MustCompile("^\\| `([^`]+)` \\| *(.*?) *\\|$")

// documentedPackages reads the package tables under "## Packages" in
// architecture.md: package directory (relative to the module root, "." for
// the root) → the line of the document that describes it.
func documentedPackages(t *testing.T) map[string]int {
	t.Helper()
	f, err := os.Open("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	inPackages := false
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "## ") {
			inPackages = text == "## Packages"
			continue
		}
		if !inPackages {
			continue
		}
		m := archRow.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		if m[2] == "" {
			t.Errorf("architecture.md:%d: package %s has no description", line, m[1])
		}
		if prev, dup := out[m[1]]; dup {
			t.Errorf("architecture.md:%d: package %s already described at line %d", line, m[1], prev)
		}
		out[m[1]] = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// modulePackages lists the module's packages with the go command, as
// directories relative to the module root ("." for the root).
func modulePackages(t *testing.T) []string {
	t.Helper()
	// go test puts its own GOROOT/bin first on the PATH.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the packages: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goCmd, "list", "-f", "{{.Dir}}", "./...")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v\n%s", err, stderr.String())
	}
	var out []string
	for _, dir := range strings.Fields(string(raw)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	sort.Strings(out)
	return out
}

// TestArchitectureListsEveryPackage holds architecture.md to the module:
// every package has its one line there, and every line names a package.
func TestArchitectureListsEveryPackage(t *testing.T) {
	documented := documentedPackages(t)
	packages := modulePackages(t)
	if len(packages) < 10 {
		t.Fatalf("go list found only %d packages (%v): not the module root?", len(packages), packages)
	}
	exists := map[string]bool{}
	for _, p := range packages {
		exists[p] = true
		if _, ok := documented[p]; !ok {
			t.Errorf("package %s is not in docs/architecture.md: add a row `| `%s` | what it provides |` to a table under \"## Packages\"", p, p)
		}
	}
	for p, line := range documented {
		if !exists[p] {
			t.Errorf("architecture.md:%d: package %s does not exist (go list ./... has no such directory)", line, p)
		}
	}
}
