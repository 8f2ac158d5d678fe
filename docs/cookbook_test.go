package docs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
)

// cookbookCase is one docs/cookbook/NN-name.cypher with its answer.
type cookbookCase struct {
	Name     string
	Question string
	Query    string // the file as researchers paste it (comment line included)
	Expected struct {
		Question string   `json:"question"`
		Why      string   `json:"why"`
		Columns  []string `json:"columns"`
		Rows     [][]any  `json:"rows"`
		Needs    string   `json:"needs,omitempty"` // e.g. "reference data"
	}
}

func cookbookCases(t *testing.T) []cookbookCase {
	t.Helper()
	files, err := filepath.Glob("cookbook/*.cypher")
	if err != nil || len(files) < 20 {
		t.Fatalf("want at least 20 cookbook queries, found %d (%v)", len(files), err)
	}
	var out []cookbookCase
	for _, f := range files {
		var c cookbookCase
		c.Name = strings.TrimSuffix(filepath.Base(f), ".cypher")
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c.Query = string(raw)
		first, _, _ := strings.Cut(c.Query, "\n")
		if !strings.HasPrefix(first, "// ") {
			t.Errorf("%s: the first line must be `// NN question`", f)
		}
		c.Question = strings.TrimSpace(strings.TrimPrefix(first, "// "+c.Name[:2]))
		exp, err := os.ReadFile(strings.TrimSuffix(f, ".cypher") + ".expected.json")
		if err != nil {
			t.Fatalf("%s has no expected answer: %v", f, err)
		}
		dec := json.NewDecoder(bytes.NewReader(exp))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.Expected); err != nil {
			t.Fatalf("%s.expected.json: %v", c.Name, err)
		}
		if c.Expected.Question != c.Question {
			t.Errorf("%s: the question differs between the .cypher (%q) and the .expected.json (%q)", c.Name, c.Question, c.Expected.Question)
		}
		out = append(out, c)
	}
	return out
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(x)
	return string(b)
}

// TestCookbook runs every cookbook query against the make-run database,
// through the same guarded read-only path as the API's cypher field, and
// compares the answer with the hand-derived expected file.
func TestCookbook(t *testing.T) {
	s := loadTestData(t)
	for _, c := range cookbookCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			res, err := s.ReadCypher(context.Background(), c.Query, nil, store.CypherOptions{})
			if err != nil {
				t.Fatalf("%v\n%s", err, c.Query)
			}
			if got, want := canonical(t, res.Columns), canonical(t, c.Expected.Columns); got != want {
				t.Errorf("columns %s, want %s", got, want)
			}
			if got, want := canonical(t, res.Rows), canonical(t, c.Expected.Rows); got != want {
				t.Errorf("rows\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestCookbookDocument: docs/cypher-cookbook.md shows every query exactly
// as its .cypher file has it, under its question, and the answer of its
// .expected.json (which TestCookbook checks against the database) under it.
func TestCookbookDocument(t *testing.T) {
	raw, err := os.ReadFile("cypher-cookbook.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, c := range cookbookCases(t) {
		if !strings.Contains(doc, "```cypher\n"+c.Query+"```") {
			t.Errorf("cypher-cookbook.md does not show %s.cypher verbatim in a ```cypher block", c.Name)
		}
		if !strings.Contains(doc, "cookbook/"+c.Name+".cypher") {
			t.Errorf("cypher-cookbook.md does not link cookbook/%s.cypher", c.Name)
		}
		if table := answerTable(c); !strings.Contains(doc, "```cypher\n"+c.Query+"```\n\n"+table) {
			t.Errorf("cypher-cookbook.md does not show the answer of %s.expected.json under its query:\n%s", c.Name, table)
		}
	}
}

// answerTable is an expected answer as cypher-cookbook.md shows it: the
// row count, then a Markdown table (null as *null*, a list as its items
// joined by commas, an empty list as []).
func answerTable(c cookbookCase) string {
	var b strings.Builder
	n := len(c.Expected.Rows)
	fmt.Fprintf(&b, "Answer (%d row%s):\n\n", n, map[bool]string{true: "", false: "s"}[n == 1])
	b.WriteString("| " + strings.Join(c.Expected.Columns, " | ") + " |\n")
	b.WriteString(strings.Repeat("|---", len(c.Expected.Columns)) + "|\n")
	var cell func(v any) string
	cell = func(v any) string {
		switch v := v.(type) {
		case nil:
			return "*null*"
		case []any:
			if len(v) == 0 {
				return "[]"
			}
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = cell(x)
			}
			return strings.Join(parts, ", ")
		}
		return fmt.Sprint(v)
	}
	for _, row := range c.Expected.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = cell(v)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}
