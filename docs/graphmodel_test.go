// Package docs holds the researchers' documentation and the tests that keep
// it true, on a database loaded as `make run` loads it: graph-model.md is
// checked against the live schema, every cookbook query runs with its
// expected answer, and every answer the documents show is compared with
// the database's.
package docs

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
)

// docProp is one row of a label's or relationship type's property table.
type docProp struct {
	Type     string
	Line     int
	Optional bool // the meaning says *optional*: the seeded and imported data may lack it
}

// modelDoc is what graph-model.md states.
type modelDoc struct {
	Common      map[string]docProp            // properties any node or relationship may have
	Labels      map[string]map[string]docProp // label -> property -> type
	CarriedBy   map[string][]string           // secondary label -> labels that carry it
	RelTypes    map[string]map[string]docProp
	Endpoints   map[string][2][]string // type -> from labels, to labels
	Constraints map[string]string      // name -> "TYPE Label(props)"
	Indexes     map[string]string      // name -> "TYPE Labels(props)"
}

var (
	h2         = regexp.MustCompile("^## (.+)$")
	h3         = regexp.MustCompile("^### `([A-Za-z_]+)`$")
	endpointRe = regexp.MustCompile("^`" + `\(:([A-Za-z|]+)\)-\[:([A-Z_]+)\]->\(:([A-Za-z|]+)\)` + "`$")
	carriedRe  = regexp.MustCompile(`^Carried by: (.+)\.$`)
)

// optionalMark in a property's meaning says the test data (the seed and
// the reference data) need not hold it: it is written only by the write
// API, or only for some nodes of data not loaded by the tests.
const optionalMark = "*optional*"

// docTypes are the property types the document may use, with the names
// db.schema.*TypeProperties() gives them.
var docTypes = map[string]string{
	"STRING": "String", "INTEGER": "Long", "FLOAT": "Double", "BOOLEAN": "Boolean",
	"LIST<STRING>": "StringArray", "LIST<INTEGER>": "LongArray", "LIST<FLOAT>": "DoubleArray",
	"DATE": "Date", "DATETIME": "DateTime", "LOCAL DATETIME": "LocalDateTime",
}

func cells(line string) []string {
	parts := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func unquote(s string) string { return strings.Trim(s, "`") }

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(unquote(strings.TrimSpace(p))); p != "" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// parseModelDoc reads graph-model.md. Its shape is fixed: "## Labels" and
// "## Relationship types" hold one "### `Name`" per label or type, each with
// a property table (property | type | meaning | example); relationship
// types also have their pattern line; "## Constraints" and "## Indexes"
// hold one table each (name | type | label(s) | properties).
func parseModelDoc(t *testing.T, path string) modelDoc {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := modelDoc{Common: map[string]docProp{}, Labels: map[string]map[string]docProp{}, CarriedBy: map[string][]string{},
		RelTypes: map[string]map[string]docProp{}, Endpoints: map[string][2][]string{},
		Constraints: map[string]string{}, Indexes: map[string]string{}}
	section, name := "", ""
	for i, line := range strings.Split(string(raw), "\n") {
		n := i + 1
		if m := h2.FindStringSubmatch(line); m != nil {
			section, name = m[1], ""
			continue
		}
		if m := h3.FindStringSubmatch(line); m != nil {
			name = m[1]
			switch section {
			case "Labels":
				if _, dup := d.Labels[name]; dup {
					t.Errorf("graph-model.md:%d: label %s documented twice", n, name)
				}
				d.Labels[name] = map[string]docProp{}
			case "Relationship types":
				if _, dup := d.RelTypes[name]; dup {
					t.Errorf("graph-model.md:%d: relationship type %s documented twice", n, name)
				}
				d.RelTypes[name] = map[string]docProp{}
			}
			continue
		}
		if m := endpointRe.FindStringSubmatch(line); m != nil && section == "Relationship types" {
			if m[2] != name {
				t.Errorf("graph-model.md:%d: pattern names %s under the heading %s", n, m[2], name)
			}
			from, to := strings.Split(m[1], "|"), strings.Split(m[3], "|")
			sort.Strings(from)
			sort.Strings(to)
			d.Endpoints[name] = [2][]string{from, to}
			continue
		}
		if m := carriedRe.FindStringSubmatch(line); m != nil && section == "Labels" {
			d.CarriedBy[name] = list(m[1])
			continue
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		c := cells(line)
		if c[0] == "property" || c[0] == "name" {
			continue // header row
		}
		if len(c) != 4 {
			t.Errorf("graph-model.md:%d: a table row needs 4 cells, has %d", n, len(c))
			continue
		}
		switch section {
		case "Labels", "Relationship types", "Common properties":
			prop, typ := unquote(c[0]), c[1]
			if _, ok := docTypes[typ]; !ok {
				t.Errorf("graph-model.md:%d: %s.%s has type %q; use one of STRING, INTEGER, FLOAT, BOOLEAN, LIST<STRING>, DATE, DATETIME…", n, name, prop, typ)
			}
			props := d.Labels[name]
			switch section {
			case "Relationship types":
				props = d.RelTypes[name]
			case "Common properties":
				props = d.Common
			}
			if props == nil {
				t.Errorf("graph-model.md:%d: property row outside a label or type section", n)
				continue
			}
			if _, dup := props[prop]; dup {
				t.Errorf("graph-model.md:%d: %s.%s documented twice", n, name, prop)
			}
			props[prop] = docProp{Type: typ, Line: n, Optional: strings.Contains(c[2], optionalMark)}
		case "Constraints":
			d.Constraints[unquote(c[0])] = fmt.Sprintf("%s %s(%s)", c[1], strings.Join(list(c[2]), ","), strings.Join(list(c[3]), ","))
		case "Indexes":
			d.Indexes[unquote(c[0])] = fmt.Sprintf("%s %s(%s)", c[1], strings.Join(list(c[2]), ","), strings.Join(list(c[3]), ","))
		}
	}
	return d
}

// liveSchema reads constraints and indexes (not the constraints' own
// indexes, not the LOOKUP token indexes) as "TYPE Labels(props)".
func liveSchema(t *testing.T, s *store.Store) (constraints, indexes map[string]string) {
	t.Helper()
	ctx := context.Background()
	read := func(q string) map[string]string {
		res, err := neo4j.ExecuteQuery(ctx, s.Driver(), q, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out := map[string]string{}
		for _, r := range res.Records {
			name, _, _ := neo4j.GetRecordValue[string](r, "name")
			typ, _, _ := neo4j.GetRecordValue[string](r, "type")
			ls, _, _ := neo4j.GetRecordValue[[]any](r, "labelsOrTypes")
			ps, _, _ := neo4j.GetRecordValue[[]any](r, "properties")
			out[name] = fmt.Sprintf("%s %s(%s)", typ, strings.Join(sortedAny(ls), ","), strings.Join(sortedAny(ps), ","))
		}
		return out
	}
	constraints = read("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN *")
	indexes = read("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint " +
		"WHERE owningConstraint IS NULL AND type <> 'LOOKUP' RETURN name, type, labelsOrTypes, properties")
	return constraints, indexes
}

func sortedAny(vs []any) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, fmt.Sprint(v))
	}
	sort.Strings(out)
	return out
}

// checkProps compares documented (own or common) and live properties of
// one label or type.
func checkProps(t *testing.T, what string, documented, common map[string]docProp, live []store.PropertyInfo) {
	t.Helper()
	for _, p := range live {
		d, ok := documented[p.Name]
		if !ok {
			d, ok = common[p.Name]
		}
		if !ok {
			t.Errorf("graph-model.md misses property %s.%s (%v in the database)", what, p.Name, p.Types)
			continue
		}
		if want := docTypes[d.Type]; len(p.Types) != 1 || p.Types[0] != want {
			t.Errorf("graph-model.md:%d says %s.%s is %s, the database holds %v", d.Line, what, p.Name, d.Type, p.Types)
		}
	}
}

// checkStale reports the documented properties of one label or type that
// the live data lacks and the document does not mark optional, and notes
// in seen the common properties the live data has.
func checkStale(t *testing.T, what string, documented, common map[string]docProp, live []store.PropertyInfo, seen map[string]bool) {
	t.Helper()
	has := map[string]bool{}
	for _, p := range live {
		has[p.Name] = true
		if _, ok := common[p.Name]; ok {
			seen[p.Name] = true
		}
	}
	for prop, d := range documented {
		if !has[prop] && !d.Optional {
			t.Errorf("graph-model.md:%d documents %s.%s, which no %s in the test data has: remove it, or mark it %s if only some data has it", d.Line, what, prop, what, optionalMark)
		}
	}
}

// TestGraphModelDocument checks docs/graph-model.md against the live
// schema of the make-run database and the model's allow-lists.
func TestGraphModelDocument(t *testing.T) {
	s := loadTestData(t)
	doc := parseModelDoc(t, "graph-model.md")
	live, err := s.ReadGraphModel(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// Labels: every live one documented with every property; every
	// documented one is in the model.
	// The dataset's version node is no fact of the model, but it is in the
	// database, so it is documented too.
	modelLabels := map[string]bool{string(store.LabelActor): true, store.LabelDatasetVersion: true}
	for _, l := range store.PrimaryLabels {
		modelLabels[string(l)] = true
		if _, ok := doc.Labels[string(l)]; !ok {
			t.Errorf("graph-model.md misses label %s of the model (graph/store/model.go)", l)
		}
	}
	for name := range doc.Labels {
		if !modelLabels[name] {
			t.Errorf("graph-model.md documents label %s, which the model does not have", name)
		}
	}
	for _, l := range live.Labels {
		documented, ok := doc.Labels[l.Name]
		if !ok {
			t.Errorf("graph-model.md misses label %s (%d nodes in the database)", l.Name, l.Count)
			continue
		}
		if carriers, secondary := doc.CarriedBy[l.Name]; secondary {
			// A secondary label's properties are its carriers'.
			documented = map[string]docProp{}
			for _, c := range carriers {
				for k, v := range doc.Labels[c] {
					documented[k] = v
				}
			}
		}
		checkProps(t, l.Name, documented, doc.Common, l.Properties)
	}
	if got := doc.CarriedBy[string(store.LabelActor)]; strings.Join(got, ",") != "Country,Organization" {
		t.Errorf("graph-model.md: Actor is carried by %v, the model says Country, Organization", got)
	}

	// Relationship types: the documented set and endpoints are exactly the
	// allow-list; every live type and property is documented.
	for rt, spec := range store.RelTypes {
		ends, ok := doc.Endpoints[string(rt)]
		if !ok {
			t.Errorf("graph-model.md misses relationship type %s (or its pattern line)", rt)
			continue
		}
		from, to := labelNames(spec.From), labelNames(spec.To)
		if strings.Join(ends[0], "|") != strings.Join(from, "|") || strings.Join(ends[1], "|") != strings.Join(to, "|") {
			t.Errorf("graph-model.md: %s goes from %v to %v; the model allows from %v to %v", rt, ends[0], ends[1], from, to)
		}
	}
	for name := range doc.RelTypes {
		if _, ok := store.RelTypes[store.RelType(name)]; !ok {
			t.Errorf("graph-model.md documents relationship type %s, which the model does not have", name)
		}
	}
	for _, rt := range live.RelationshipTypes {
		documented, ok := doc.RelTypes[rt.Name]
		if !ok {
			t.Errorf("graph-model.md misses relationship type %s (%d in the database)", rt.Name, rt.Count)
			continue
		}
		checkProps(t, rt.Name, documented, doc.Common, rt.Properties)
	}

	// Every documented property exists in the data unless marked optional:
	// a property renamed or dropped from the data must leave the document.
	liveLabels := map[string][]store.PropertyInfo{}
	for _, l := range live.Labels {
		liveLabels[l.Name] = l.Properties
	}
	liveTypes := map[string][]store.PropertyInfo{}
	for _, rt := range live.RelationshipTypes {
		liveTypes[rt.Name] = rt.Properties
	}
	seen := map[string]bool{} // common properties found on any label or type
	for name, documented := range doc.Labels {
		if _, secondary := doc.CarriedBy[name]; !secondary {
			checkStale(t, name, documented, doc.Common, liveLabels[name], seen)
		}
	}
	for name, documented := range doc.RelTypes {
		checkStale(t, name, documented, doc.Common, liveTypes[name], seen)
	}
	for prop, d := range doc.Common {
		if !seen[prop] && !d.Optional {
			t.Errorf("graph-model.md:%d documents the common property %s, which nothing in the test data has: remove it or mark it %s", d.Line, prop, optionalMark)
		}
	}

	// Constraints and indexes: the documented set is exactly the live set.
	constraints, indexes := liveSchema(t, s)
	compareSets(t, "constraint", doc.Constraints, constraints)
	compareSets(t, "index", doc.Indexes, indexes)
}

func compareSets(t *testing.T, what string, documented, live map[string]string) {
	t.Helper()
	for name, def := range live {
		d, ok := documented[name]
		switch {
		case !ok:
			t.Errorf("graph-model.md misses %s %s: %s", what, name, def)
		case d != def:
			t.Errorf("graph-model.md: %s %s is documented as %q, the database has %q", what, name, d, def)
		}
	}
	for name := range documented {
		if _, ok := live[name]; !ok {
			t.Errorf("graph-model.md documents %s %s, which the database does not have", what, name)
		}
	}
}

func labelNames(ls []store.Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	sort.Strings(out)
	return out
}

// TestGraphModelParserCatchesDrift feeds the checker a document with
// mistakes, to prove it would notice them.
func TestGraphModelParserCatchesDrift(t *testing.T) {
	raw, err := os.ReadFile("graph-model.md")
	if err != nil {
		t.Fatal(err)
	}
	good := parseModelDoc(t, "graph-model.md")
	bad := strings.NewReplacer(
		"| `iso2` | STRING |", "| `iso2` | INTEGER |",
		"`(:Event)-[:HELD_IN]->(:Country)`", "`(:Event)-[:HELD_IN]->(:Organization)`",
		"| `theme` | STRING |", "| `subject` | STRING |",
		"| `m49` | STRING | UN M49", "| `m49` | STRING | *optional* UN M49",
	).Replace(string(raw))
	path := t.TempDir() + "/graph-model.md"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	d := parseModelDoc(t, path)
	if d.Labels["Country"]["iso2"].Type != "INTEGER" || good.Labels["Country"]["iso2"].Type != "STRING" {
		t.Error("the parser did not read property types")
	}
	if _, ok := d.Labels["Event"]["theme"]; ok {
		t.Error("the parser kept a property the document no longer lists")
	}
	if !d.Labels["Country"]["m49"].Optional || good.Labels["Country"]["m49"].Optional {
		t.Errorf("the parser read *optional* as %v (marked) and %v (unmarked)", d.Labels["Country"]["m49"].Optional, good.Labels["Country"]["m49"].Optional)
	}
	if got := d.Endpoints["HELD_IN"][1]; len(got) != 1 || got[0] != "Organization" {
		t.Errorf("the parser read HELD_IN's end as %v", got)
	}
	if len(good.Labels) != 10 || len(good.RelTypes) != 10 || len(good.Constraints) != 11 || len(good.Indexes) != 30 {
		t.Errorf("parsed %d labels, %d types, %d constraints, %d indexes; want 10, 10, 11, 30",
			len(good.Labels), len(good.RelTypes), len(good.Constraints), len(good.Indexes))
	}
}
