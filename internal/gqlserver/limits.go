package gqlserver

// Request limits, all checked before any Cypher runs:
//   - body size (BodyLimit, HTTP 413 PAYLOAD_TOO_LARGE),
//   - query depth (depthLimit, DEPTH_LIMIT_EXCEEDED),
//   - query cost (costLimit, COMPLEXITY_LIMIT_EXCEEDED), charging list
//     fields by their page size,
//   - introspection on or off (introspectionGate, INTROSPECTION_DISABLED).
// The request timeout (config.Config.RequestTimeout) is applied by httpserver
// and becomes the Neo4j transaction timeout in the store.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/graph"
)

func init() {
	// Refused operations are protocol errors: HTTP 200 with errors (or 400 with
	// application/graphql-response+json), like validation failures.
	for _, code := range []string{graph.CodeDepthLimit, graph.CodeComplexityLimit, graph.CodeIntrospectionOff,
		graph.CodeOperationNotAllowed, graph.CodePersistedQueryBad, graph.CodePersistedQueryAbsent} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

func limitError(code, format string, a ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, a...)
	errcode.Set(err, code)
	return err
}

// WriteJSON writes v as the JSON answer with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers a request that never reached gqlgen: one GraphQL
// error with extensions.code and the extra extensions.
func WriteError(w http.ResponseWriter, status int, code, msg string, extra map[string]any) {
	ext := map[string]any{"code": code}
	for k, v := range extra {
		ext[k] = v
	}
	WriteJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}

// BodyLimit refuses request bodies larger than max with 413 before gqlgen
// reads them. A body without Content-Length is read up to max+1 bytes.
func BodyLimit(max int64, next http.Handler) http.Handler {
	if max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tooLarge := func() {
			WriteError(w, http.StatusRequestEntityTooLarge, graph.CodePayloadTooLarge,
				fmt.Sprintf("request body larger than %d bytes", max), map[string]any{"limit": max})
		}
		if r.ContentLength > max {
			tooLarge()
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			if err != nil {
				WriteError(w, http.StatusBadRequest, graph.CodeBadRequest, "could not read the request body", nil)
				return
			}
			if int64(len(b)) > max {
				tooLarge()
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		next.ServeHTTP(w, r)
	})
}

// depthLimit refuses operations nested deeper than Max.
type depthLimit struct{ Max int }

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if d.Max <= 0 || opCtx.Operation == nil {
		return nil
	}
	if depth := selectionDepth(opCtx.Operation.SelectionSet, 0); depth > d.Max {
		return limitError(graph.CodeDepthLimit, "operation is nested %d levels deep, more than the limit of %d", depth, d.Max)
	}
	return nil
}

// selectionDepth is the deepest field nesting below set; fragments add no
// depth of their own and introspection subtrees are not counted (they are
// governed by the introspection switch).
func selectionDepth(set ast.SelectionSet, seen int) int {
	if seen > 1000 { // fragments cannot cycle after validation; this is a backstop
		return seen
	}
	max := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				d = 1
			} else {
				d = 1 + selectionDepth(s.SelectionSet, seen+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, seen+1)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, seen+1)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

// Introspection answers are costed by what they return, not by one field:
// the whole schema for __schema, one type for __type. A request may hold
// at most maxSchemaIntrospections __schema fields and maxTypeIntrospections
// __type fields (aliases count); GraphiQL and schema tools send one __schema.
const (
	maxSchemaIntrospections = 1
	maxTypeIntrospections   = 10
)

// costLimit refuses operations whose estimated cost exceeds Max, with too
// many filter conditions, or with more introspection than one schema.
type costLimit struct {
	Max           int
	ListCost      int
	MaxPredicates int
}

func (costLimit) ExtensionName() string                          { return "CostLimit" }
func (costLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (c costLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	var w operationWalk
	w.walk(opCtx.Operation.SelectionSet, opCtx.Variables, 0)
	if w.schemas > maxSchemaIntrospections || w.types > maxTypeIntrospections {
		return limitError(graph.CodeComplexityLimit, "operation asks for __schema %d times and __type %d times; at most %d and %d are answered per request",
			w.schemas, w.types, maxSchemaIntrospections, maxTypeIntrospections)
	}
	if c.MaxPredicates > 0 && w.predicates > c.MaxPredicates {
		err := limitError(graph.CodeBadUserInput, "argument where: the request's filters hold %d conditions, more than the limit of %d", w.predicates, c.MaxPredicates)
		err.Extensions["argument"] = "where"
		err.Extensions["limit"] = c.MaxPredicates
		return err
	}
	// Each condition is one more predicate for Neo4j to plan and test.
	cost := operationCost(opCtx.Operation.SelectionSet, opCtx.Variables, c.ListCost, "", 0) + w.predicates
	opCtx.Stats.SetExtension("CostLimit", cost)
	if c.Max > 0 && cost > c.Max {
		return limitError(graph.CodeComplexityLimit, "operation has an estimated cost of %d, more than the limit of %d", cost, c.Max)
	}
	return nil
}

// operationWalk counts, over a whole operation (fragments included), the
// introspection roots and the filter conditions: every input field set
// inside a where argument, AND/OR lists counting each of their elements'
// fields.
type operationWalk struct {
	schemas, types, predicates int
}

func (w *operationWalk) walk(set ast.SelectionSet, vars map[string]any, seen int) {
	if seen > 1000 {
		return
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			switch s.Name {
			case "__schema":
				w.schemas++
				continue
			case "__type":
				w.types++
				continue
			}
			if s.Arguments.ForName("where") != nil {
				w.predicates += countConditions(s.ArgumentMap(vars)["where"], 0)
			}
			w.walk(s.SelectionSet, vars, seen+1)
		case *ast.InlineFragment:
			w.walk(s.SelectionSet, vars, seen+1)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				w.walk(s.Definition.SelectionSet, vars, seen+1)
			}
		}
	}
}

// countConditions counts the input fields set in a filter value.
func countConditions(v any, depth int) int {
	if depth > 100 {
		return 1 << 20
	}
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += 1 + countConditions(e, depth+1)
		}
	case []any:
		for _, e := range x {
			n += countConditions(e, depth+1)
		}
	}
	return n
}

// operationCost estimates the work of a selection set: each field costs 1
// plus its children times its multiplier. A field given first or last
// multiplies by that value; a connection without them by the default page
// size; any other list field (nested relationship lists, which return up
// to graph.DefaultNestedSize items but usually a handful) by listCost; the
// edges list of a Connection by 1, since the connection field was charged.
// The sum saturates instead of overflowing.
func operationCost(set ast.SelectionSet, vars map[string]any, listCost int, parentType string, seen int) int {
	const ceiling = 1 << 40
	if seen > 1000 {
		return ceiling
	}
	total := 0
	for _, sel := range set {
		var c int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				c = 1
				break
			}
			mult := fieldMultiplier(s, vars, listCost, parentType)
			typeName := ""
			if s.Definition != nil {
				typeName = s.Definition.Type.Name()
			}
			c = 1 + mult*operationCost(s.SelectionSet, vars, listCost, typeName, seen+1)
		case *ast.InlineFragment:
			c = operationCost(s.SelectionSet, vars, listCost, parentType, seen+1)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				c = operationCost(s.Definition.SelectionSet, vars, listCost, parentType, seen+1)
			}
		}
		total += c
		if total > ceiling || c < 0 {
			return ceiling
		}
	}
	return total
}

func fieldMultiplier(f *ast.Field, vars map[string]any, listCost int, parentType string) int {
	if f.Definition == nil {
		return 1
	}
	var args map[string]any
	for _, name := range []string{"first", "last"} {
		if f.Definition.Arguments.ForName(name) == nil {
			continue
		}
		if args == nil {
			args = f.ArgumentMap(vars)
		}
		if n, ok := intArg(args[name]); ok {
			return min(max(n, 1), 1<<20) // larger pages are refused by the resolvers anyway
		}
	}
	if f.Definition.Arguments.ForName("first") != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		// A connection without a page size: the resolver's default page.
		return graph.DefaultPageSize
	}
	if f.Definition.Type.Elem != nil { // a list
		if strings.HasSuffix(parentType, "Connection") {
			return 1
		}
		return max(listCost, 1)
	}
	return 1
}

func intArg(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// introspectionGate refuses __schema and __type when introspection is
// off, before execution (gqlgen alone would answer them with null data).
type introspectionGate struct{}

func (introspectionGate) ExtensionName() string                          { return "IntrospectionGate" }
func (introspectionGate) Validate(schema graphql.ExecutableSchema) error { return nil }

func (introspectionGate) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation != nil && usesIntrospection(opCtx.Operation.SelectionSet, 0) {
		return limitError(graph.CodeIntrospectionOff, "introspection is disabled on this server")
	}
	return nil
}

func usesIntrospection(set ast.SelectionSet, seen int) bool {
	if seen > 1000 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || usesIntrospection(s.SelectionSet, seen+1) {
				return true
			}
		case *ast.InlineFragment:
			if usesIntrospection(s.SelectionSet, seen+1) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && usesIntrospection(s.Definition.SelectionSet, seen+1) {
				return true
			}
		}
	}
	return false
}
