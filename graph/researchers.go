package graph

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/lysoen/lysoen/internal/auth"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

func init() {
	// The Authorizer refuses an operation selecting `cypher` before any
	// resolver runs unless the caller has the analyst role (or a higher one).
	RequireRole("Query.cypher", auth.RoleAnalyst)
}

// CypherConfig switches the `cypher` field on and bounds it.
type CypherConfig struct {
	Enabled  bool          // off unless the server is configured (LYSOEN_CYPHER_ENABLED=true)
	MaxRows  int           // 0: store.DefaultCypherMaxRows
	MaxBytes int           // 0: store.DefaultCypherMaxBytes
	Timeout  time.Duration // 0: store.DefaultCypherTimeout
}

func (c CypherConfig) options() store.CypherOptions {
	o := store.CypherOptions{MaxRows: c.MaxRows, MaxBytes: c.MaxBytes, Timeout: c.Timeout}
	if o.MaxRows <= 0 {
		o.MaxRows = store.DefaultCypherMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = store.DefaultCypherMaxBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = store.DefaultCypherTimeout
	}
	return o
}

// cypherAllowed says whether this caller may see and use the cypher field.
func (r *Resolver) cypherAllowed(ctx context.Context) error {
	if !r.CypherField.Enabled {
		return fmt.Errorf("%w: the cypher field is disabled on this server (set LYSOEN_CYPHER_ENABLED=true to enable it)", auth.ErrForbidden)
	}
	// The Authorizer has checked already; this second check keeps the
	// resolver safe wherever it is mounted.
	return auth.From(ctx).Require(auth.RoleAnalyst)
}

// HideCypher is a field middleware (srv.AroundFields) that removes the
// `cypher` field and its CypherResult type from introspection for callers
// who may not use it, so GraphiQL and schema tools do not offer it.
func (r *Resolver) HideCypher(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	fc := graphql.GetFieldContext(ctx)
	if err != nil || fc == nil || (fc.Object != "__Type" && fc.Object != "__Schema" && fc.Object != "Query") || r.cypherAllowed(ctx) == nil {
		return res, err
	}
	switch {
	case fc.Object == "Query" && fc.Field.Name == "__type":
		// __type(name: "CypherResult") answers null, as for a type that does not exist.
		if t, ok := res.(*introspection.Type); ok && t != nil {
			if n := t.Name(); n != nil && *n == "CypherResult" {
				return (*introspection.Type)(nil), nil
			}
		}
		return res, err
	case fc.Object == "__Type" && fc.Field.Name == "fields":
		fields, ok := res.([]introspection.Field)
		if !ok || !isQueryFields(fields) {
			return res, err
		}
		out := make([]introspection.Field, 0, len(fields))
		for _, f := range fields {
			if f.Name != "cypher" {
				out = append(out, f)
			}
		}
		return out, nil
	case fc.Object == "__Schema" && fc.Field.Name == "types":
		types, ok := res.([]introspection.Type)
		if !ok {
			return res, err
		}
		out := make([]introspection.Type, 0, len(types))
		for _, t := range types {
			if n := t.Name(); n == nil || *n != "CypherResult" {
				out = append(out, t)
			}
		}
		return out, nil
	}
	return res, err
}

// didYouMean is the suggestion gqlparser adds to a validation error.
var didYouMean = regexp.MustCompile(` Did you mean [^?]*\?$`)

// HideSuggestions is a response middleware (srv.AroundResponses) that
// removes "Did you mean …?" from validation errors when they would name
// what the caller may not see: any name when introspection is off, and
// the cypher field or its type for callers who may not use it.
func (r *Resolver) HideSuggestions(introspection bool) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return resp
		}
		for _, e := range resp.Errors {
			hint := didYouMean.FindString(e.Message)
			if hint == "" {
				continue
			}
			if !introspection || (strings.Contains(hint, `"cypher"`) || strings.Contains(hint, `"CypherResult"`)) && r.cypherAllowed(ctx) != nil {
				e.Message = strings.TrimSuffix(e.Message, hint)
			}
		}
		return resp
	}
}

// isQueryFields recognizes the Query type's field list: it is the only
// type with both graphModel and cypher.
func isQueryFields(fields []introspection.Field) bool {
	var model, cypher bool
	for _, f := range fields {
		model = model || f.Name == "graphModel"
		cypher = cypher || f.Name == "cypher"
	}
	return model && cypher
}

func graphModelFrom(m store.GraphModel) *model.GraphModel {
	out := &model.GraphModel{Labels: []*model.GraphLabel{}, RelationshipTypes: []*model.GraphRelationshipType{}}
	for _, l := range m.Labels {
		names, props := properties(l.Properties)
		out.Labels = append(out.Labels, &model.GraphLabel{Name: l.Name, Count: l.Count, Properties: names, PropertyTypes: props})
	}
	for _, t := range m.RelationshipTypes {
		names, props := properties(t.Properties)
		rt := &model.GraphRelationshipType{Name: t.Name, Count: t.Count, Properties: names, PropertyTypes: props,
			AllowedFrom: []string{}, AllowedTo: []string{}}
		if spec, ok := store.RelTypes[store.RelType(t.Name)]; ok {
			for _, l := range spec.From {
				rt.AllowedFrom = append(rt.AllowedFrom, string(l))
			}
			for _, l := range spec.To {
				rt.AllowedTo = append(rt.AllowedTo, string(l))
			}
		}
		out.RelationshipTypes = append(out.RelationshipTypes, rt)
	}
	return out
}

func properties(ps []store.PropertyInfo) ([]string, []*model.GraphProperty) {
	names := make([]string, 0, len(ps))
	out := make([]*model.GraphProperty, 0, len(ps))
	for _, p := range ps {
		names = append(names, p.Name)
		out = append(out, &model.GraphProperty{Name: p.Name, Types: p.Types, Mandatory: p.Mandatory})
	}
	return names, out
}
