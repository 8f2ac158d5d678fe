package docs

// The documents show answers of the database `make run` builds (the seed,
// the reference data and the coalition datasets). Every answer a page
// shows, outside queries.md's own format and the cookbook's files, is
// marked in the page's Markdown source with an HTML comment, which renders
// as nothing:
//
//   - `<!-- answer: graphql -->` before a ```graphql block, followed by a
//     ```json block: the query's answer (`data`, and `errors` if any);
//   - `<!-- answer: cypher -->` before a ```cypher block, followed by a
//     plain ``` block: the rows as `cypher-shell --format plain` prints
//     them;
//   - `<!-- answer: sh -->` before a ```sh block of curl commands against
//     http://127.0.0.1:8080, followed by a ```json block: each command's
//     answer (the block runs in bash with $KEY an editor's key and
//     $ADMIN_KEY an admin's);
//   - `VALUE<!-- = CYPHER -->` in running text or a table: VALUE (a
//     number, with or without thousands separators, or a date) is what the
//     one-row, one-column Cypher query returns.
//
// Between a query and its answer there may be one paragraph of prose.
// TestDocumentAnswers loads the make-run database once, runs every marked
// query and compares; `go test ./docs -run TestDocumentAnswers -update`
// rewrites the answers from the database.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
)

// answeredPages are the pages whose answers and numbers are marked; each
// must keep at least the given number of marks, so a page cannot lose its
// checks silently.
var answeredPages = map[string]int{
	"../README.md":       6,
	"analytics.md":       4,
	"explorer.md":        2,
	"writing.md":         2,
	"data.md":            10,
	"agreements.md":      1,
	"cypher-cookbook.md": 0, // its answers: TestCookbook and TestCookbookDocument
	"graph-model.md":     0,
	"exports.md":         0,
	"researchers.md":     0,
	"queries.md":         0,
}

// The keys the sh blocks' curl commands send as $KEY and $ADMIN_KEY.
const (
	docsEditorKey = "docs-editor-key"
	docsAdminKey  = "docs-admin-key"
)

// docsServer serves the GraphQL API on s as the binary does, for the
// pages' queries and curl commands: the two keys above authenticate an
// editor (key:ana) and an admin (key:root); without a key the caller is
// anonymous.
func docsServer(t *testing.T, s *store.Store) *httptest.Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: s, Logger: logger}}))
	h.AddTransport(transport.POST{})
	// Errors typed as the server types them; operations refused by role
	// before any resolver runs, as the server refuses them.
	h.SetErrorPresenter(graph.ErrorPresenter(logger, func(context.Context) string { return "" }))
	h.Use(graph.Authorizer{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "":
		case "Bearer " + docsEditorKey:
			r = r.WithContext(auth.With(r.Context(), auth.Principal{Name: "key:ana", Role: auth.RoleEditor, Method: "api-key"}))
		case "Bearer " + docsAdminKey:
			r = r.WithContext(auth.With(r.Context(), auth.Principal{Name: "key:root", Role: auth.RoleAdmin, Method: "api-key"}))
		default:
			http.Error(w, `{"errors":[{"message":"unknown key","extensions":{"code":"UNAUTHENTICATED"}}]}`, http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// answerMarkRE is the mark before a query whose answer follows.
var answerMarkRE = regexp.MustCompile(`^<!-- answer: (graphql|cypher|sh) -->$`)

// answerBlock is one marked query of a page and the answer shown after it.
type answerBlock struct {
	kind, lang, body   string
	answerAt, answerTo int // the answer block's content, as offsets into the page
}

// answerBlocks finds each mark, the fenced block that follows it, then,
// after at most one paragraph of prose, the fenced block of the answer.
func answerBlocks(t *testing.T, path, page string) []answerBlock {
	t.Helper()
	// The lines of the page with their offsets.
	type line struct {
		text      string
		at, after int // offset of the line, and of the next one
	}
	var lines []line
	for at := 0; at < len(page); {
		end := strings.IndexByte(page[at:], '\n')
		next := len(page)
		if end >= 0 {
			end += at
			next = end + 1
		} else {
			end = len(page)
		}
		lines = append(lines, line{page[at:end], at, next})
		at = next
	}
	// fence reads the fenced block opening at line i: its language, the
	// content's offsets, and the line after its closing fence.
	fence := func(i int) (lang string, from, to, after int, ok bool) {
		if i >= len(lines) || !strings.HasPrefix(lines[i].text, "```") {
			return "", 0, 0, 0, false
		}
		lang = strings.TrimPrefix(lines[i].text, "```")
		for j := i + 1; j < len(lines); j++ {
			if lines[j].text == "```" {
				return lang, lines[i].after, lines[j].at, j + 1, true
			}
		}
		return "", 0, 0, 0, false
	}
	var out []answerBlock
	for i := 0; i < len(lines); i++ {
		m := answerMarkRE.FindStringSubmatch(lines[i].text)
		if m == nil {
			continue
		}
		j := i + 1
		lang, from, to, after, ok := fence(j)
		if !ok {
			t.Errorf("%s:%d: the mark %q is not followed by a fenced block", path, i+1, lines[i].text)
			continue
		}
		b := answerBlock{kind: m[1], lang: lang, body: page[from:to]}
		// A blank line, at most one paragraph and a blank line, the answer.
		j = after
		for j < len(lines) && lines[j].text == "" {
			j++
		}
		if _, _, _, _, isFence := fence(j); !isFence {
			for j < len(lines) && lines[j].text != "" {
				j++
			}
			for j < len(lines) && lines[j].text == "" {
				j++
			}
		}
		_, from, to, _, ok = fence(j)
		if !ok {
			t.Errorf("%s:%d: the query marked %q has no fenced answer after it", path, i+1, lines[i].text)
			continue
		}
		b.answerAt, b.answerTo = from, to
		out = append(out, b)
		i = j
	}
	return out
}

// inlineRE: a value followed by the Cypher query that gives it.
var inlineRE = regexp.MustCompile(`([0-9][0-9,.\-]*)<!-- = (.+?) -->`)

// pageEdit is one answer of a page: where it stands, what the page shows,
// what the database gives.
type pageEdit struct {
	at, to     int
	shown, got string
	what       string
	equal      func(shown, got string) bool
}

func TestDocumentAnswers(t *testing.T) {
	s := loadTestData(t)
	srv := docsServer(t, s)
	pages := make([]string, 0, len(answeredPages))
	for p := range answeredPages {
		pages = append(pages, p)
	}
	sort.Strings(pages)
	for _, path := range pages {
		t.Run(strings.TrimPrefix(path, "../"), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			page := string(raw)
			var edits []pageEdit
			for _, b := range answerBlocks(t, path, page) {
				kind, body := b.kind, b.body
				if b.lang != kind {
					t.Errorf("%s: an `answer: %s` mark stands before a ```%s block", path, kind, b.lang)
					continue
				}
				e := pageEdit{at: b.answerAt, to: b.answerTo, shown: page[b.answerAt:b.answerTo], what: kind + " block " + firstLine(body)}
				switch kind {
				case "graphql":
					e.got, e.equal = graphqlAnswer(t, srv.URL, body), sameJSONStream
				case "cypher":
					e.got, e.equal = cypherAnswer(t, s, body), sameText
				case "sh":
					e.got, e.equal = shAnswer(t, srv.URL, body), sameJSONStream
				}
				edits = append(edits, e)
			}
			for _, m := range inlineRE.FindAllStringSubmatchIndex(page, -1) {
				shown, query := page[m[2]:m[3]], page[m[4]:m[5]]
				edits = append(edits, pageEdit{at: m[2], to: m[3], shown: shown, what: "the value of " + query,
					got: inlineValue(t, s, query, shown), equal: sameText})
			}
			if min := answeredPages[path]; len(edits) < min {
				t.Errorf("%s has %d checked answers; it shows at least %d", path, len(edits), min)
			}
			sort.Slice(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
			var out strings.Builder
			last, changed := 0, false
			for _, e := range edits {
				if e.got == "" && t.Failed() {
					continue
				}
				if !e.equal(e.shown, e.got) {
					changed = true
					if !*update {
						t.Errorf("%s: %s: the page shows\n%s\nthe make-run database gives\n%s\n(go test ./docs -run TestDocumentAnswers -update rewrites the page)", path, e.what, e.shown, e.got)
					}
				}
				out.WriteString(page[last:e.at])
				out.WriteString(e.got)
				last = e.to
			}
			out.WriteString(page[last:])
			if *update && changed {
				if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if len(l) > 60 {
		l = l[:60] + "…"
	}
	return strconv.Quote(l)
}

// postQuery posts one GraphQL request and returns the raw answer.
func postQuery(t *testing.T, url string, body []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return got
}

// graphqlAnswer is the answer to query as the page lays it out: the
// whole response (an answer with errors shows them).
func graphqlAnswer(t *testing.T, url, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	return laidOut(t, postQuery(t, url, body)) + "\n"
}

// laidOut is one response as the pages show it: `extensions` (round
// trips, request id, dataset version) left out, the rest laid out by
// layout.
func laidOut(t *testing.T, raw []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	o := v.(*ordered)
	if !o.array && o.scalar == nil {
		kept := &ordered{}
		for i, k := range o.keys {
			if k != "extensions" {
				kept.keys, kept.fields = append(kept.keys, k), append(kept.fields, o.fields[i])
			}
		}
		o = kept
	}
	return layout(o, "")
}

// shAnswer runs a page's sh block of curl commands in bash against url
// and returns each command's answer, one after the other.
func shAnswer(t *testing.T, url, script string) string {
	t.Helper()
	if !strings.Contains(script, "http://127.0.0.1:8080/graphql") {
		t.Fatalf("the sh block does not call http://127.0.0.1:8080/graphql:\n%s", script)
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", strings.ReplaceAll(script, "http://127.0.0.1:8080/graphql", url))
	cmd.Env = append(os.Environ(), "KEY="+docsEditorKey, "ADMIN_KEY="+docsAdminKey)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the sh block: %v\n%s\n%s", err, stderr.Bytes(), script)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var answers []string
	for dec.More() {
		var one json.RawMessage
		if err := dec.Decode(&one); err != nil {
			t.Fatalf("the sh block's output: %v\n%s", err, out)
		}
		// A page's commands are examples to copy: each must succeed.
		var r struct {
			Errors []any `json:"errors"`
		}
		if err := json.Unmarshal(one, &r); err != nil || len(r.Errors) > 0 {
			t.Errorf("a command of the sh block answers with errors: %s", one)
		}
		answers = append(answers, laidOut(t, one))
	}
	if len(answers) == 0 {
		t.Fatalf("the sh block printed no answer:\n%s", script)
	}
	return strings.Join(answers, "\n") + "\n"
}

// cypherAnswer runs a page's cypher block through the guarded read-only
// path (as the API's cypher field) and prints the rows as cypher-shell's
// plain format does.
func cypherAnswer(t *testing.T, s *store.Store, query string) string {
	t.Helper()
	res, err := s.ReadCypher(context.Background(), query, nil, store.CypherOptions{})
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	var b strings.Builder
	b.WriteString(strings.Join(res.Columns, ", ") + "\n")
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = plainValue(v)
		}
		b.WriteString(strings.Join(cells, ", ") + "\n")
	}
	return b.String()
}

// plainValue writes v as cypher-shell --format plain does: strings
// quoted, lists in brackets, null as NULL.
func plainValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		b, _ := json.Marshal(v)
		return strings.ReplaceAll(string(b), `\u0026`, "&")
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = plainValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// inlineValue runs a one-value query and writes its answer as shown is
// written: an integer with thousands separators when shown has them.
func inlineValue(t *testing.T, s *store.Store, query, shown string) string {
	t.Helper()
	res, err := s.ReadCypher(context.Background(), query, nil, store.CypherOptions{})
	if err != nil {
		t.Errorf("%v\n%s", err, query)
		return ""
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		t.Errorf("%s: want one row of one value, got %v", query, res.Rows)
		return ""
	}
	switch v := res.Rows[0][0].(type) {
	case int64:
		if strings.Contains(shown, ",") {
			return thousands(v)
		}
		return strconv.FormatInt(v, 10)
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// thousands writes n with a comma every three digits (870,109).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func sameText(shown, got string) bool { return shown == got }

// sameJSONStream compares two sequences of JSON values whatever their
// layout.
func sameJSONStream(shown, got string) bool {
	canon := func(s string) (string, bool) {
		dec := json.NewDecoder(strings.NewReader(s))
		var parts []string
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				return "", false
			}
			b, _ := json.Marshal(v)
			parts = append(parts, string(b))
		}
		return strings.Join(parts, "\n"), true
	}
	a, ok1 := canon(shown)
	b, ok2 := canon(got)
	return ok1 && ok2 && a == b
}
