package gqlserver

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph"
)

// FuzzOperationLimits: any document the server would validate gets a
// finite, non-negative depth and cost, without panicking.
func FuzzOperationLimits(f *testing.F) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	for _, q := range []string{
		`{ countries(first: 100) { edges { node { memberships(first: 1000) { role } } } } }`,
		`query($n: Int) { countries(last: $n) { totalCount } }`,
		`{ country(iso3: "NOR") { ...F } } fragment F on Country { name memberships { organization { name } } }`,
		`{ node(id: "country:NOR") { ... on Country { name participations { event { partOf { name } } } } } }`,
		introspectionQuery,
	} {
		f.Add(q, 50)
	}
	f.Fuzz(func(t *testing.T, q string, n int) {
		doc, errs := gqlparser.LoadQueryWithRules(schema, q, nil)
		if len(errs) > 0 || doc == nil {
			return
		}
		vars := map[string]any{"n": n}
		for _, op := range doc.Operations {
			if d := selectionDepth(op.SelectionSet, 0); d < 0 {
				t.Fatalf("depth %d", d)
			}
			if c := operationCost(op.SelectionSet, vars, 5, "", 0); c < 0 {
				t.Fatalf("cost %d", c)
			}
			_ = usesIntrospection(op.SelectionSet, 0)
			_ = ast.Query
		}
	})
}

// introspectionQuery is GraphiQL's, with its deepest ofType nesting.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`
