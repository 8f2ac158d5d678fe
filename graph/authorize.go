package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/internal/auth"
)

// fieldRoles holds the role each root field needs beyond the default
// (Query fields: reader; Mutation fields: editor).
var (
	fieldRolesMu sync.RWMutex
	fieldRoles   = map[string]auth.Role{
		"Mutation.deleteNode": auth.RoleAdmin,
	}
)

// RequireRole declares that the root field "Type.field" needs role, e.g.
// RequireRole("Query.heavyAnalysis", auth.RoleAnalyst). Capabilities call
// it from an init function next to their resolvers.
func RequireRole(typeField string, role auth.Role) {
	fieldRolesMu.Lock()
	defer fieldRolesMu.Unlock()
	fieldRoles[typeField] = role
}

// roleFor returns the role a root field of the operation needs.
func roleFor(typeName, field string) auth.Role {
	fieldRolesMu.RLock()
	r, ok := fieldRoles[typeName+"."+field]
	fieldRolesMu.RUnlock()
	switch {
	case ok:
		return r
	case typeName == "Mutation":
		return auth.RoleEditor
	default:
		return auth.RoleReader
	}
}

// Authorizer refuses a whole operation, before any resolver (and so any
// Cypher) runs, when the caller lacks the role one of its root fields
// needs: anonymous callers get UNAUTHENTICATED, others FORBIDDEN. It is a
// response interceptor, installed after the one that reports
// cypherRoundTrips so refusals still carry the count (0).
type Authorizer struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = Authorizer{}

func (Authorizer) ExtensionName() string                          { return "Authorizer" }
func (Authorizer) Validate(schema graphql.ExecutableSchema) error { return nil }

func (Authorizer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx.Operation == nil {
		return next(ctx)
	}
	typeName := "Query"
	switch opCtx.Operation.Operation {
	case "mutation":
		typeName = "Mutation"
	case "subscription":
		typeName = "Subscription"
	}
	p := auth.From(ctx)
	for _, f := range graphql.CollectFields(opCtx, opCtx.Operation.SelectionSet, []string{typeName}) {
		if err := p.Require(roleFor(typeName, f.Name)); err != nil {
			graphql.AddError(ctx, err)
			return &graphql.Response{Errors: graphql.GetErrors(ctx)}
		}
	}
	return next(ctx)
}
