package graph

import (
	"context"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestReportCap: a cap that cut a field's search lands in the response's
// extensions under the field's path (alias), and reporting is harmless
// outside a GraphQL request or twice for the same field.
func TestReportCap(t *testing.T) {
	reportCap(context.Background(), map[string]any{"x": 1}) // no request: nothing, no panic

	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{})
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "hub", Name: "coParticipants"}}})
	reportCap(ctx, map[string]any{"eventsCompared": 500})
	reportCap(ctx, map[string]any{"eventsCompared": 1}) // the same field again: the first report stays
	want := map[string]any{"capped.hub": map[string]any{"eventsCompared": 500}}
	if got := graphql.GetExtensions(ctx); !reflect.DeepEqual(got, want) {
		t.Fatalf("extensions %v, want %v", got, want)
	}
}
