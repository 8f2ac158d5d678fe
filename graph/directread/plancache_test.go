package directread

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/lysoen/lysoen/graph"
)

// BenchmarkPlanSearch: planning the benchmark's search (a root with six
// inline fragments on the Node interface) on the direct path: "planned"
// plans the selection, "kept" binds the plan planCache keeps for the
// operation to the request's arguments, as every request after the first
// does.
func BenchmarkPlanSearch(b *testing.B) {
	const query = `query($text: String!) { search(text: $text, first: 10) { label score node { id
  ... on Country { name } ... on Organization { name } ... on IssueArea { name }
  ... on Initiative { name } ... on Event { name } ... on Agreement { name } } } }`
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}})
	d := Wrap(es, nil).(*directSchema)
	doc, errs := gqlparser.LoadQueryWithRules(es.Schema(), query, nil)
	if errs != nil {
		b.Fatal(errs)
	}
	var kept planCache
	for _, c := range []struct {
		name string
		plan func(*planner) ([]rootPlan, bool)
	}{
		{"planned", (*planner).operation},
		{"kept", kept.plan},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				oc := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{"text": "landmines"}}
				p := d.planner(graphql.WithOperationContext(context.Background(), oc), oc)
				roots, ok := c.plan(p)
				if !ok || len(roots) != 1 || roots[0].text != "landmines" || roots[0].node == nil {
					b.Fatalf("planned %v, %+v", ok, roots)
				}
			}
		})
	}
	if _, ok := kept.plans.Load(doc.Operations[0]); !ok {
		b.Fatal("no plan was kept")
	}
}
