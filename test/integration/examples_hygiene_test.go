package integration

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/web"
)

// TestExamplesAreCacheFriendly: the GraphiQL examples are what client
// developers copy, so they follow the rules normalized caches (Apollo,
// urql graphcache, Relay) rely on: every operation has a name used by no
// other example, and every selection of an object (or interface) that has
// an `id` field selects it. Needs no database: it reads the schema files.
func TestExamplesAreCacheFriendly(t *testing.T) {
	schema := loadSchemaFiles(t)
	examples, err := web.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, ex := range examples {
		doc, errs := gqlparser.LoadQueryWithRules(schema, ex.Query, nil)
		if errs != nil {
			t.Errorf("example %q does not validate: %v", ex.Name, errs)
			continue
		}
		for _, op := range doc.Operations {
			if op.Name == "" {
				t.Errorf("example %q: an anonymous operation", ex.Name)
			} else if other, dup := names[op.Name]; dup {
				t.Errorf("operation name %s is used by %q and %q", op.Name, other, ex.Name)
			}
			names[op.Name] = ex.Name
			for _, missing := range selectionsWithoutID(schema, op.SelectionSet, string(op.Operation)) {
				t.Errorf("example %q: %s does not select id", ex.Name, missing)
			}
		}
	}
}

// selectionsWithoutID lists the paths of the selection sets, under set,
// whose type has an `id` field that neither they nor one of their inline
// fragments select. Fragments on other types than the field's are checked
// on their own.
func selectionsWithoutID(schema *ast.Schema, set ast.SelectionSet, path string) []string {
	var out []string
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 || s.Definition == nil {
				continue
			}
			p := path + "." + s.Alias
			def := schema.Types[s.Definition.Type.Name()]
			if def != nil && def.Fields.ForName("id") != nil && !selectsID(s.SelectionSet) {
				out = append(out, p)
			}
			out = append(out, selectionsWithoutID(schema, s.SelectionSet, p)...)
		case *ast.InlineFragment:
			out = append(out, selectionsWithoutID(schema, s.SelectionSet, path+"(on "+s.TypeCondition+")")...)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				out = append(out, selectionsWithoutID(schema, s.Definition.SelectionSet, path+"(..."+s.Name+")")...)
			}
		}
	}
	return out
}

func selectsID(set ast.SelectionSet) bool {
	for _, sel := range set {
		if f, ok := sel.(*ast.Field); ok && f.Name == "id" && f.Alias == "id" {
			return true
		}
	}
	return false
}
