package gqlserver

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/lysoen/lysoen/internal/telemetry"
)

// recordOutcome notes the operation name and outcome of each response for
// the access log and the metrics.
func recordOutcome(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	info := telemetry.RequestInfoFrom(ctx)
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
		name = operationNameOf(info.Query())
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
	info.Finish(name, outcome, codes)
	return resp
}

// operationRecorder keeps the raw query of the request, to name operations
// that are refused before gqlgen has parsed them.
type operationRecorder struct{}

func (operationRecorder) ExtensionName() string                          { return "OperationRecorder" }
func (operationRecorder) Validate(schema graphql.ExecutableSchema) error { return nil }

func (operationRecorder) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if info := telemetry.RequestInfoFrom(ctx); info != nil {
		info.SetRequest(p.Query, p.OperationName)
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
