package store_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// unescape undoes EscapeLucene.
func unescape(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if !esc && r == '\\' {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// unescapedDepth is the nesting left open by the unescaped parentheses of
// q (-1 as soon as one closes more than were opened).
func unescapedDepth(q string) int {
	depth, esc := 0, false
	for _, r := range q {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return -1
			}
		}
	}
	return depth
}

// FuzzEscapeLucene: escaping loses nothing, and leaves no Lucene syntax
// character unescaped.
func FuzzEscapeLucene(f *testing.F) {
	for _, s := range []string{"", "child soldiers", `a\b`, `"quoted" AND (x OR y)`, "foo~2^3", "*?", "[a TO b]", "&&||!", `\\\`, "lysøen/", "{}:+-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // outside the domain: GraphQL strings are valid UTF-8
		}
		e := store.EscapeLucene(s)
		if got := unescape(e); got != s {
			t.Fatalf("unescape(EscapeLucene(%q)) = %q", s, got)
		}
		esc := false
		for _, r := range e {
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case strings.ContainsRune(`+-!():^[]"{}~*?|&/`, r):
				t.Fatalf("EscapeLucene(%q) = %q leaves %q unescaped", s, e, r)
			}
		}
		if esc {
			t.Fatalf("EscapeLucene(%q) = %q ends in a lone backslash", s, e)
		}
		q := store.SearchQuery(s)
		if depth := unescapedDepth(q); depth != 0 {
			t.Fatalf("SearchQuery(%q) = %q has unbalanced parentheses", s, q)
		}
	})
}

func TestSearchQuery(t *testing.T) {
	for in, want := range map[string]string{
		"Child Soldiers": "(child OR child*) AND (soldiers OR soldiers*)",
		"  lys  ":        "(lys OR lys*)",
		"AND OR NOT":     "(and OR and*) AND (or OR or*) AND (not OR not*)",
		`a* "b"`:         `(a\* OR a\**) AND (\"b\" OR \"b\"*)`,
		"*** && !!":      "",
		"":               "",
	} {
		if got := store.SearchQuery(in); got != want {
			t.Errorf("SearchQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSearchHostileText: text full of Lucene syntax reaches the real index
// without an error, and text that is only syntax finds nothing.
func TestSearchHostileText(t *testing.T) {
	s := testdb.Seeded(t)
	ctx := context.Background()
	hostile := []string{
		`"`, `\`, `*`, `?`, `~`, `^2`, `(`, `)`, `[`, `]`, `{`, `}`, `/`, `:`, `&&`, `||`, `!`, `-`, `+`,
		`lys*`, `"unterminated`, `[a TO`, `name:Canada`, `Canada~0.5`, `*anada`, `?anada`, `/reg.*ex/`,
		`AND`, `OR NOT`, `a AND OR b`, `\\\`, `Canada\`, `(((((((((`, `))))`, `landmines^100`,
		strings.Repeat("x ", 200), strings.Repeat("(", 500), "\x00", "Lysøen\u200b", "🙂",
	}
	for _, text := range hostile {
		if _, err := s.Search(ctx, text, 10); err != nil {
			t.Errorf("Search(%q): %v", text, err)
		}
	}
	hits, err := s.Search(ctx, "name:Canada", 10)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search(name:Canada) = %v, %v; want no hits (field syntax is not interpreted)", hits, err)
	}
	hits, err = s.Search(ctx, "canad", 10)
	if err != nil || len(hits) == 0 || hits[0].Node.ID() != "country:CAN" {
		t.Errorf("Search(canad) = %v, %v; want Canada first", hits, err)
	}
}
