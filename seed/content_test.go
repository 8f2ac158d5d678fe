package seed_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// graphContent is every node (labels, every property) and every
// relationship (ends, type, every property) of the test database, one
// canonical line each, sorted: two loads that leave the same content give
// the same lines.
func graphContent(t *testing.T) []string {
	t.Helper()
	var out []string
	// The dataset's version node records the writes, not content.
	for _, r := range query(t, "MATCH (n) WHERE NOT n:DatasetVersion RETURN labels(n) AS labels, properties(n) AS props", nil) {
		labels, _, err := neo4j.GetRecordValue[[]any](r, "labels")
		if err != nil {
			t.Fatal(err)
		}
		props, _, err := neo4j.GetRecordValue[map[string]any](r, "props")
		if err != nil {
			t.Fatal(err)
		}
		ls := make([]string, len(labels))
		for i, l := range labels {
			ls[i] = fmt.Sprint(l)
		}
		out = append(out, nodeLine(ls, props))
	}
	for _, r := range query(t, "MATCH (a)-[r]->(b) RETURN a.id AS from, type(r) AS type, b.id AS to, properties(r) AS props", nil) {
		from, _, err := neo4j.GetRecordValue[string](r, "from")
		if err != nil {
			t.Fatal(err)
		}
		typ, _, _ := neo4j.GetRecordValue[string](r, "type")
		to, _, _ := neo4j.GetRecordValue[string](r, "to")
		props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
		out = append(out, relLine(from, typ, to, props))
	}
	sort.Strings(out)
	return out
}

func nodeLine(labels []string, props map[string]any) string {
	sort.Strings(labels)
	return "(" + strings.Join(labels, ":") + " " + propsText(props) + ")"
}

func relLine(from, typ, to string, props map[string]any) string {
	return fmt.Sprintf("(%s)-[%s %s]->(%s)", from, typ, propsText(props), to)
}

// propsText writes properties in key order; whole numbers print the same
// whether they came from JSON (float64) or Neo4j (int64).
func propsText(props map[string]any) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		v := props[k]
		if f, ok := v.(float64); ok && f == math.Trunc(f) {
			v = int64(f)
		}
		fmt.Fprintf(&b, "%s: %q", k, fmt.Sprint(v))
	}
	return "{" + b.String() + "}"
}

// seedFileContent is what seed.json says the graph holds, read from the
// file with encoding/json, not through package seed: the Source node (its
// name is its title, as docs/graph-model.md states), every node with the
// :Actor label on countries and organizations, every relationship, each
// node and relationship with sourceId and evidence.
func seedFileContent(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("seed.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Source map[string]any
		Nodes  []struct {
			Label, ID, Evidence string
			Properties          map[string]any
		}
		Relationships []struct {
			Type, From, To, Evidence string
			Properties               map[string]any
		}
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	sourceID, _ := f.Source["id"].(string)
	source := map[string]any{"name": f.Source["title"]}
	for k, v := range f.Source {
		source[k] = v
	}
	out := []string{nodeLine([]string{"Source"}, source)}
	withProvenance := func(props map[string]any, evidence string) map[string]any {
		p := map[string]any{"sourceId": sourceID, "evidence": evidence}
		for k, v := range props {
			p[k] = v
		}
		return p
	}
	for _, n := range f.Nodes {
		labels := []string{n.Label}
		if n.Label == "Country" || n.Label == "Organization" {
			labels = append(labels, "Actor")
		}
		props := withProvenance(n.Properties, n.Evidence)
		props["id"] = n.ID
		out = append(out, nodeLine(labels, props))
	}
	for _, r := range f.Relationships {
		out = append(out, relLine(r.From, r.Type, r.To, withProvenance(r.Properties, r.Evidence)))
	}
	sort.Strings(out)
	return out
}

// diffLines reports the lines only in got and only in want.
func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	in := func(xs []string) map[string]int {
		m := map[string]int{}
		for _, x := range xs {
			m[x]++
		}
		return m
	}
	g, w := in(got), in(want)
	for x, n := range g {
		if w[x] != n {
			t.Errorf("%s: %d× in the database, %d× expected: %s", what, n, w[x], x)
		}
	}
	for x, n := range w {
		if _, ok := g[x]; !ok {
			t.Errorf("%s: missing from the database (%d× expected): %s", what, n, x)
		}
	}
}
