package main

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/lysoen/lysoen/internal/config"
)

// guards are the hardening pieces shared by the handlers.
type guards struct {
	metrics *metrics
	limiter *rateLimiter // nil: no rate limit
}

func newGuards(c config.Config, sessions func() int64) *guards {
	g := &guards{metrics: newMetrics(sessions)}
	if h := c; h.RateLimit > 0 {
		g.limiter = newRateLimiter(h.RateLimit, h.RateBurst, h.RateLimitKey)
	}
	return g
}

// protectGraphQL wraps the GraphQL endpoint: CORS first (so refusals carry
// CORS headers a browser can read), then the rate limit, then the body size.
func (a *app) protectGraphQL(next http.Handler) http.Handler {
	h := bodyLimit(a.cfg.Limits.MaxBodyBytes, typedErrors(next))
	if a.guards.limiter != nil {
		h = a.guards.limiter.middleware(a.guards.metrics, h)
	}
	return cors(a.cfg.CORSOrigins, h)
}

// useHardening installs the limits, persisted queries and the recording of
// operation names, outcomes and error codes on the gqlgen server.
func (a *app) useHardening(srv *handler.Server) {
	h := a.cfg
	srv.Use(operationRecorder{})
	if a.allowed != nil {
		srv.Use(allowList{ops: a.allowed})
	}
	if h.APQCacheSize > 0 {
		srv.Use(newAPQ(h.APQCacheSize))
	}
	if h.Limits.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionGate{})
	}
	srv.Use(depthLimit{Max: h.Limits.MaxDepth})
	srv.Use(costLimit{Max: h.Limits.MaxComplexity, ListCost: h.Limits.ListCost, MaxPredicates: h.Limits.MaxPredicates})
	srv.AroundResponses(recordOutcome)
}

// recordOutcome notes the operation name and outcome of each response for
// the access log and the metrics.
func recordOutcome(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	info := requestInfoFrom(ctx)
	if info == nil || resp == nil {
		return resp
	}
	name := ""
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if name == "" && oc.Operation != nil {
			name = oc.Operation.Name
		}
	}
	if name == "" && len(resp.Errors) > 0 {
		// Refused before an operation was chosen: name it from the text.
		info.mu.Lock()
		name = operationNameOf(info.query)
		info.mu.Unlock()
	}
	outcome := "ok"
	codes := make([]string, 0, len(resp.Errors))
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		codes = append(codes, code)
	}
	switch {
	case len(resp.Errors) == 0:
	case errcode.GetErrorKind(resp.Errors) == errcode.KindProtocol || !graphql.HasOperationContext(ctx):
		outcome = "refused"
	case len(resp.Data) > 0 && string(resp.Data) != "null":
		outcome = "partial"
	default:
		outcome = "error"
	}
	info.mu.Lock()
	if info.operation == "" {
		info.operation = name
	}
	info.outcome = outcome
	info.codes = append(info.codes, codes...)
	info.mu.Unlock()
	return resp
}

// operationRecorder keeps the raw query of the request, to name operations
// that are refused before gqlgen has parsed them.
type operationRecorder struct{}

func (operationRecorder) ExtensionName() string                          { return "OperationRecorder" }
func (operationRecorder) Validate(schema graphql.ExecutableSchema) error { return nil }

func (operationRecorder) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if info := requestInfoFrom(ctx); info != nil {
		info.mu.Lock()
		info.query, info.operation = p.Query, p.OperationName
		info.mu.Unlock()
	}
	return nil
}

// operationNameOf is the name of the first operation in a document, if it parses.
func operationNameOf(query string) string {
	if query == "" || len(query) > 100_000 {
		return ""
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) == 0 {
		return ""
	}
	return doc.Operations[0].Name
}
