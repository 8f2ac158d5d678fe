package docs

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestCookbook runs every cookbook query against the seeded test database,
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
// as its .cypher file has it, under its question.
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
	}
}
