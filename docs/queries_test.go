package docs

// docs/queries.md shows answers from the database `make run` builds: the
// seed, the reference data and the coalition datasets. This test runs
// every query of the page on the same (loadTestData) and compares the
// answer the page shows. `go test ./docs -run
// TestQueriesDocument -update` rewrites the answers from the database.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed"
)

// The package's -update flag (agreements_test.go) also rewrites the answers
// of queries.md.
var update = updateAgreements

// docQuery is one ```graphql block of a page and the ```json answer that
// follows it (when one does), as offsets into the page.
type docQuery struct {
	query              string
	answer             string
	answerAt, answerTo int // -1 without an answer
}

var blockRE = regexp.MustCompile("(?s)```graphql\n(.*?)```\n(?:\n```json\n(.*?)```\n)?")

func docQueries(page string) []docQuery {
	var out []docQuery
	for _, m := range blockRE.FindAllStringSubmatchIndex(page, -1) {
		q := docQuery{query: page[m[2]:m[3]], answerAt: -1, answerTo: -1}
		if m[4] >= 0 {
			q.answer, q.answerAt, q.answerTo = page[m[4]:m[5]], m[4], m[5]
		}
		out = append(out, q)
	}
	return out
}

// canonicalJSON is v re-encoded with sorted keys, for comparing answers
// whatever their layout.
func canonicalJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestQueriesDocument(t *testing.T) {
	s := loadTestData(t)
	srv := docsServer(t, s)

	const path = "queries.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	qs := docQueries(page)
	if len(qs) < 13 {
		t.Fatalf("%s: %d queries found", path, len(qs))
	}
	var out bytes.Buffer
	last := 0
	for i, q := range qs {
		body, _ := json.Marshal(map[string]any{"query": q.query})
		resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Data   json.RawMessage `json:"data"`
			Errors []any           `json:"errors"`
		}
		if err := json.Unmarshal(got, &r); err != nil || len(r.Errors) > 0 || len(r.Data) == 0 {
			t.Errorf("query %d of %s: %s (%v)", i+1, path, got, err)
			continue
		}
		if q.answerAt < 0 {
			continue
		}
		answer := []byte(`{"data":` + string(r.Data) + `}`)
		if *update {
			dec := json.NewDecoder(bytes.NewReader(answer))
			dec.UseNumber()
			v, err := decodeOrdered(dec)
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString(page[last:q.answerAt])
			out.WriteString(layout(v, ""))
			out.WriteString("\n")
			last = q.answerTo
			continue
		}
		if want, have := canonicalJSON(t, []byte(q.answer)), canonicalJSON(t, answer); want != have {
			t.Errorf("query %d of %s: the page shows\n%s\nthe database answers\n%s\n(go test ./docs -run TestQueriesDocument -update rewrites the page)", i+1, path, want, have)
		}
	}
	t.Run("every fact names its source", func(t *testing.T) { checkProvenance(t, s) })
	t.Run("the README's first query", func(t *testing.T) { checkReadmeQuery(t, srv.URL) })
	if *update {
		out.WriteString(page[last:])
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkProvenance checks what the README promises of every fact: each
// node (but the Source nodes themselves and the dataset's version node,
// which records writes and is no fact) and each relationship names the
// Source it comes from (sourceId); each node, and each fact of the 1999
// text, also carries its evidence: the sentence, or the file and record
// of the dataset.
func checkProvenance(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for what, q := range map[string]string{
		"nodes without sourceId or evidence":        "MATCH (n) WHERE NOT n:Source AND NOT n:DatasetVersion AND (n.sourceId IS NULL OR n.evidence IS NULL) RETURN count(n) AS n",
		"relationships without sourceId":            "MATCH ()-[r]->() WHERE r.sourceId IS NULL RETURN count(r) AS n",
		"facts of the 1999 text without a sentence": "MATCH ()-[r {sourceId: 'source:human-security-1999'}]->() WHERE r.evidence IS NULL RETURN count(r) AS n",
		"sourceIds naming no Source":                "MATCH (n) WHERE NOT n:Source AND n.sourceId IS NOT NULL AND NOT EXISTS { MATCH (:Source {id: n.sourceId}) } RETURN count(n) AS n",
	} {
		res, err := neo4j.ExecuteQuery(ctx, s.Driver(), q, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 1 || fmt.Sprint(res.Records[0].Values[0]) != "0" {
			t.Errorf("%s: %v", what, res.Records[0].Values)
		}
	}
}

// TestReadmeSeedCounts: the README's counts of the seed graph are those of
// seed/seed.json.
func TestReadmeSeedCounts(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("\\((\\d+) nodes with the `Source`, (\\d+) relationships").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md: the seed graph's counts are not found")
	}
	f, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed/seed.json", seed.SourceText)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(m[1])+" "+string(m[2]), fmt.Sprint(len(f.Nodes)+1, " ", len(f.Relationships)); got != want {
		t.Errorf("README.md gives the seed %s nodes and relationships; seed/seed.json has %s", got, want)
	}
}

// checkReadmeQuery runs the README's first GraphQL query and checks that
// every value its abridged answer quotes (`Canada`, `1998-05-11`, …) is a
// value of the real answer, and the quoted sentence too.
func checkReadmeQuery(t *testing.T, url string) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```graphql\n([^`]*?)```\n\n(answers \\(abridged\\).*?)\n\n").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md: the first query and its answer are not found")
	}
	body, _ := json.Marshal(map[string]any{"query": string(m[1])})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   any   `json:"data"`
		Errors []any `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("the README's query: %v %v", err, r.Errors)
	}
	values := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			values[v] = true
		}
	}
	walk(r.Data)
	answer := string(m[2])
	quoted := regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(answer, -1)
	if len(quoted) < 5 {
		t.Fatalf("the README's answer quotes %d values", len(quoted))
	}
	for _, q := range quoted {
		if !values[q[1]] {
			t.Errorf("the README's answer quotes %q; the database's answer has no such value", q[1])
		}
	}
	sentence := regexp.MustCompile(`(?s)\*(On May 11.*?)\*`).FindStringSubmatch(answer)
	if sentence == nil || !values[strings.Join(strings.Fields(sentence[1]), " ")] {
		t.Errorf("the README's quoted evidence is not in the answer: %v", sentence)
	}
}

// ordered is a JSON value with its object keys in the order they came.
type ordered struct {
	keys   []string
	fields []any // of an object, by keys
	items  []any // of an array
	array  bool
	scalar json.RawMessage
}

func decodeOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &ordered{}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			o.keys, o.fields = append(o.keys, k.(string)), append(o.fields, v)
		}
		_, err = d.Token()
		return o, err
	case json.Delim('['):
		o := &ordered{array: true, items: []any{}}
		for d.More() {
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			o.items = append(o.items, v)
		}
		_, err = d.Token()
		return o, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err = enc.Encode(tok)
	return &ordered{scalar: bytes.TrimSpace(b.Bytes())}, err
}

// layout writes v as the page shows answers: a value on one line when it
// fits in 80 columns, else one field or item per line, two spaces deeper.
func layout(v any, indent string) string {
	o := v.(*ordered)
	if one := oneLine(o); o.scalar != nil || len(indent)+len(one) <= 80 {
		return one
	}
	var b strings.Builder
	inner := indent + "  "
	if o.array {
		b.WriteString("[\n")
		for i, x := range o.items {
			b.WriteString(inner + layout(x, inner))
			if i < len(o.items)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
		return b.String()
	}
	b.WriteString("{\n")
	for i, k := range o.keys {
		key, _ := json.Marshal(k)
		b.WriteString(inner + string(key) + ": " + layout(o.fields[i], inner))
		if i < len(o.keys)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(indent + "}")
	return b.String()
}

func oneLine(o *ordered) string {
	switch {
	case o.scalar != nil:
		return string(o.scalar)
	case o.array:
		parts := make([]string, len(o.items))
		for i, x := range o.items {
			parts[i] = oneLine(x.(*ordered))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	parts := make([]string, len(o.keys))
	for i, k := range o.keys {
		key, _ := json.Marshal(k)
		parts[i] = string(key) + ": " + oneLine(o.fields[i].(*ordered))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
