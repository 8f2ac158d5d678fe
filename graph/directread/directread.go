// Package directread answers read queries without gqlgen's per-field
// execution: a query whose every field this package understands runs as
// one Cypher statement per root field (store.NodeProjection: a list
// projection per level, a COLLECT subquery per relationship field) and its
// answer is written straight to JSON from the records. It skips gqlgen's
// per-field execution (a goroutine, a field context and a middleware pass
// per field and list element, and a tree of marshalers kept until the
// end), which was most of the server's CPU and memory on big nested
// answers (docs/benchmarks.md). Anything else — a field not in the tables
// of plan.go, introspection, a derived field, an argument the resolvers would
// refuse — makes the whole operation take the ordinary resolver path, so
// errors and edge cases keep one implementation. The answers are the same
// byte for byte: directread_test.go runs every supported shape both ways.
//
// plan.go turns an operation into plans, write.go runs them and writes the
// answer; connection.go and neighborhood.go hold those two fields' parts.
//
// What the resolvers' package alone has (gqlgen's argument coercion, the
// where and orderBy conversions, the argument checks) comes through one
// bridge, graph/directbridge.go; the node properties written directly are
// the Read rows of the store's field table (store.ReadField).
package directread

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
)

// Wrap wraps the executable schema made by graph.NewExecutableSchema so
// that the read operations described above run directly against s; any
// other schema is returned as it is.
func Wrap(es graphql.ExecutableSchema, s *store.Store) graphql.ExecutableSchema {
	args, ok := graph.NewArgCoercer(es)
	if !ok {
		return es
	}
	return &directSchema{ExecutableSchema: es, args: args, store: s}
}

type directSchema struct {
	graphql.ExecutableSchema
	args  *graph.ArgCoercer
	store *store.Store
	plans planCache // plancache.go
}

// Exec plans the operation; when it cannot, the generated executor runs it.
func (d *directSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return d.ExecutableSchema.Exec(ctx)
	}
	roots, ok := d.plans.plan(d.planner(ctx, oc))
	if !ok {
		return d.ExecutableSchema.Exec(ctx)
	}
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		data, ok := runDirect(ctx, d.store, roots)
		if !ok {
			// Known only once the lists were read (a cursor naming no
			// edge of its list): the resolvers answer, with their error.
			return d.ExecutableSchema.Exec(ctx)(ctx)
		}
		return &graphql.Response{Data: data}
	}
}

func (d *directSchema) planner(ctx context.Context, oc *graphql.OperationContext) *planner {
	return &planner{ctx: ctx, oc: oc, args: d.args.For(oc)}
}
