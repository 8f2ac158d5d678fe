// Package gqlserver is the GraphQL endpoint: gqlgen's executor with
// explicit transports (a hand-written POST transport that sends the
// executor's JSON as it is), the request limits (depth, cost, filter
// conditions, body size, introspection), persisted queries (automatic and
// allow-listed), typed transport errors, the response extensions
// (cypherRoundTrips, requestId, dataset, bookmarks), and the keeper that
// puts the database schema in place.
package gqlserver

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/directread"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/dataset"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// Deps are what the GraphQL endpoint needs.
type Deps struct {
	Config  config.Config
	Store   *store.Store
	Logger  *slog.Logger
	Dataset *dataset.Keeper      // the dataset version reported in extensions.dataset
	Tracer  trace.TracerProvider // nil: no tracing
}

// New is gqlgen's handler with explicit transports and the server's
// extensions. It fails only when the allow-list of operations
// (LYSOEN_ALLOWED_OPERATIONS) cannot be read.
func New(d Deps) (http.Handler, error) {
	c := d.Config
	var allowed map[string]string
	if c.AllowedOpsPath != "" {
		ops, err := loadAllowList(c.AllowedOpsPath)
		if err != nil {
			return nil, err
		}
		allowed = ops
	}
	resolver := &graph.Resolver{Store: d.Store, Logger: d.Logger, CypherField: graph.CypherConfig{Enabled: c.CypherEnabled,
		MaxBytes: c.CypherMaxBytes}}
	es := graph.NewExecutableSchema(graph.Config{Resolvers: resolver})
	if c.DirectReads {
		es = directread.Wrap(es, d.Store)
	}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{}) // graphql_post.go: transport.POST without re-encoding the data
	if d.Tracer != nil {              // outermost, so the operation's span covers everything below
		srv.Use(telemetry.NewGQLTracer(d.Tracer))
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))

	// Limits, persisted queries and the recording of operation names,
	// outcomes and error codes.
	srv.Use(operationRecorder{})
	if allowed != nil {
		srv.Use(allowList{ops: allowed})
	}
	if c.APQCacheSize > 0 {
		srv.Use(newAPQ(c.APQCacheSize))
	}
	if c.Limits.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionGate{})
	}
	srv.Use(depthLimit{Max: c.Limits.MaxDepth})
	srv.Use(costLimit{Max: c.Limits.MaxComplexity, ListCost: c.Limits.ListCost, MaxPredicates: c.Limits.MaxPredicates})
	srv.AroundResponses(recordOutcome)

	srv.AroundFields(resolver.HideCypher) // `cypher` is invisible to callers who may not use it
	srv.AroundResponses(resolver.HideSuggestions(c.Limits.Introspection))
	srv.SetErrorPresenter(graph.ErrorPresenter(d.Logger, telemetry.RequestID))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		d.Logger.ErrorContext(ctx, "panic in resolver", "request_id", telemetry.RequestID(ctx), "panic", p)
		return gqlerror.Errorf("internal error")
	})
	// Report the request's Cypher round trips, for clients, tests and benchmarks.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["cypherRoundTrips"] = telemetry.RoundTrips(ctx)
			resp.Extensions["requestId"] = telemetry.RequestID(ctx)
			if v := d.Dataset.ID(); v != "" {
				resp.Extensions["dataset"] = v
			}
			// After a committed write: the bookmarks to send back in
			// X-Lysoen-Bookmarks to read it on any replica.
			if cz := store.CausalFrom(ctx); cz != nil && cz.Wrote() {
				if b, err := cz.Bookmarks(ctx); err == nil && len(b) > 0 {
					resp.Extensions["bookmarks"] = b
				}
			}
		}
		return resp
	})
	// Inside the hook above, so refusals still report cypherRoundTrips (0).
	srv.Use(graph.Authorizer{})
	return srv, nil
}
