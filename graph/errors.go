package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
)

// BookmarksHeader carries a client's bookmarks back (a JSON array of
// strings, as in extensions.bookmarks); docs/operations.md.
const BookmarksHeader = "X-Lysoen-Bookmarks"

// Error codes returned in extensions.code.
const (
	CodeBadUserInput       = "BAD_USER_INPUT"
	CodeNotFound           = "NOT_FOUND"
	CodeServiceUnavailable = "SERVICE_UNAVAILABLE"
	CodeTimeout            = "TIMEOUT"
	CodeInternal           = "INTERNAL_SERVER_ERROR"
	// CodeUnauthenticated: credentials missing where required, or not valid.
	CodeUnauthenticated = "UNAUTHENTICATED"
	// CodeForbidden: valid credentials without the role the operation needs.
	CodeForbidden = "FORBIDDEN"
	// CodeConflict: an upsert's expectedUpdatedAt is not the stored updatedAt.
	CodeConflict = "CONFLICT"
	// CodeBatchTooLarge: applyChanges with more changes than store.MaxChanges.
	CodeBatchTooLarge = "BATCH_TOO_LARGE"

	// Limits, checked before any Cypher runs (internal/gqlserver/limits.go).
	CodeDepthLimit           = "DEPTH_LIMIT_EXCEEDED"
	CodeComplexityLimit      = "COMPLEXITY_LIMIT_EXCEEDED"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeRateLimited          = "RATE_LIMITED"
	CodeIntrospectionOff     = "INTROSPECTION_DISABLED"
	CodeOperationNotAllowed  = "OPERATION_NOT_ALLOWED"
	CodePersistedQueryBad    = "PERSISTED_QUERY_INVALID"
	CodePersistedQueryAbsent = "PERSISTED_QUERY_NOT_FOUND"
	CodeBadRequest           = "BAD_REQUEST"
	// CodeResourceLimit: the database stopped the work at a memory or size
	// limit (docs/operations.md, "Limits").
	CodeResourceLimit = "RESOURCE_LIMIT_EXCEEDED"
)

// InputError is bad input from the client, naming the argument at fault.
type InputError struct {
	Argument string
	Message  string
}

func (e *InputError) Error() string { return fmt.Sprintf("argument %s: %s", e.Argument, e.Message) }

func badInput(arg, format string, a ...any) error {
	return &InputError{Argument: arg, Message: fmt.Sprintf(format, a...)}
}

// argumentPath names the argument an error path points into, e.g.
// "where.from" for the path events.where.from: the path with the field's
// own path cut off, joined with dots.
func argumentPath(ctx context.Context, path ast.Path) string {
	var field ast.Path
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		field = fc.Path()
	}
	rest := path
	if len(field) <= len(path) && field.String() == path[:len(field)].String() {
		rest = path[len(field):]
	}
	return joinPath(rest)
}

// RequestIDFunc returns the id of the current request, for error messages.
type RequestIDFunc func(ctx context.Context) string

// ErrorPresenter maps every error to a typed GraphQL error in one place.
// Internal details (Cypher, driver messages) go to the log under the request
// id; the client sees only the code, a safe message and that id.
func ErrorPresenter(logger *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		if _, ok := gqlErr.Extensions["code"]; ok {
			return responsePathOnly(ctx, gqlErr) // already typed (e.g. by gqlgen's validation)
		}
		rid := requestID(ctx)
		var in *InputError
		var conflict *ConflictError
		var refused *store.CypherRefusedError
		var cypherIn *store.CypherInputError
		var cypherLimit *store.CypherLimitError
		var cypherBusy *store.CypherBusyError
		var cypherParam *store.CypherParamError
		switch {
		case errors.As(err, &cypherParam):
			gqlErr.Message = "argument params: " + cypherParam.Error()
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = "params"
		case errors.As(err, &cypherBusy):
			gqlErr.Message = cypherBusy.Error()
			gqlErr.Extensions["code"] = CodeRateLimited
		case errors.As(err, &cypherLimit):
			gqlErr.Message = "argument query: " + cypherLimit.Error()
			gqlErr.Extensions["code"] = CodeResourceLimit
			gqlErr.Extensions["argument"] = "query"
		case errors.As(err, &refused):
			gqlErr.Message = "argument query: " + refused.Error()
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = "query"
		case errors.As(err, &cypherIn):
			gqlErr.Message = "argument query: " + cypherIn.Error()
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = "query"
			if cypherIn.Code != "" {
				gqlErr.Extensions["neo4jCode"] = cypherIn.Code
			}
		case errors.As(err, &conflict):
			gqlErr.Extensions["code"] = CodeConflict
			gqlErr.Extensions["argument"] = conflict.Argument
		case errors.Is(err, store.ErrTooManyChanges):
			gqlErr.Extensions["code"] = CodeBatchTooLarge
			gqlErr.Extensions["argument"] = "changes"
			gqlErr.Extensions["limit"] = store.MaxChanges
		case errors.As(err, &in):
			gqlErr.Message = in.Error()
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = in.Argument
		case errors.Is(err, auth.ErrUnauthenticated):
			gqlErr.Extensions["code"] = CodeUnauthenticated
		case errors.Is(err, auth.ErrForbidden):
			gqlErr.Extensions["code"] = CodeForbidden
		case errors.Is(err, model.ErrBadDate), errors.Is(err, model.ErrBadDateTime):
			// A Date or DateTime scalar refused while gqlgen read the arguments: the
			// error's path is the field's path followed by the argument's.
			arg := argumentPath(ctx, gqlErr.Path)
			gqlErr.Message = "argument " + arg + ": " + gqlErr.Message
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = arg
		case errors.Is(err, store.ErrBadCursor):
			gqlErr.Extensions["code"] = CodeBadUserInput
		case errors.Is(err, store.ErrNotFound):
			gqlErr.Extensions["code"] = CodeNotFound
			var missing *store.MissingError
			if errors.As(err, &missing) {
				gqlErr.Extensions["argument"] = missing.Argument
			}
		case errors.Is(err, store.ErrBadBookmark):
			gqlErr.Message = "header " + BookmarksHeader + ": Neo4j did not accept these bookmarks; send back the extensions.bookmarks of a response from this deployment"
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = BookmarksHeader
		case errors.Is(err, store.ErrResourceLimit):
			logger.WarnContext(ctx, "database memory limit", "request_id", rid, "err", err)
			gqlErr.Message = "the database refused the memory this request needs; try again shortly or ask for less"
			gqlErr.Extensions["code"] = CodeResourceLimit
		case errors.Is(err, store.ErrUnavailable):
			logger.WarnContext(ctx, "database unavailable", "request_id", rid, "err", err)
			gqlErr.Message = "the database is unavailable; try again shortly"
			gqlErr.Extensions["code"] = CodeServiceUnavailable
		case errors.Is(err, context.DeadlineExceeded):
			gqlErr.Message = "the request took too long and was cancelled"
			gqlErr.Extensions["code"] = CodeTimeout
		case errors.Is(err, context.Canceled):
			gqlErr.Message = "the request was cancelled"
			gqlErr.Extensions["code"] = CodeTimeout
		default:
			// A client's text can reach an error message: a short excerpt only.
			msg := err.Error()
			if len(msg) > 1000 {
				msg = strings.ToValidUTF8(msg[:1000], "") + fmt.Sprintf("… (%d bytes)", len(msg))
			}
			logger.ErrorContext(ctx, "internal error", "request_id", rid, "path", gqlErr.Path, "err", msg)
			gqlErr.Message = "internal error"
			gqlErr.Extensions["code"] = CodeInternal
		}
		// A failing change of an applyChanges batch: which one.
		var indexed *IndexedError
		if errors.As(err, &indexed) {
			gqlErr.Extensions["index"] = indexed.Index
		}
		if rid != "" {
			gqlErr.Extensions["requestId"] = rid
		}
		return responsePathOnly(ctx, gqlErr)
	}
}

// responsePathOnly keeps an error's `path` to what the GraphQL spec lets it
// hold, the path of a response field: gqlgen and gqlparser put argument
// names (["events", "where", "from"]) and variable names (["variable",
// "id"]) there too, which clients such as Apollo and Relay then look up in
// the response. The argument or variable goes to extensions.argument or
// extensions.variable instead, and an error raised in a field gets that
// field's location when it has none.
func responsePathOnly(ctx context.Context, gqlErr *gqlerror.Error) *gqlerror.Error {
	if len(gqlErr.Path) > 0 {
		if name, ok := gqlErr.Path[0].(ast.PathName); ok && name == "variable" {
			v := joinPath(gqlErr.Path[1:])
			gqlErr.Extensions["variable"] = v
			gqlErr.Message = "variable $" + v + ": " + gqlErr.Message
			gqlErr.Path = nil
		}
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return gqlErr
	}
	if field := fc.Path(); len(gqlErr.Path) > len(field) && field.String() == gqlErr.Path[:len(field)].String() {
		if _, ok := gqlErr.Extensions["argument"]; !ok {
			gqlErr.Extensions["argument"] = argumentPath(ctx, gqlErr.Path)
		}
		gqlErr.Path = field
	}
	if len(gqlErr.Locations) == 0 && fc.Field.Field != nil && fc.Field.Position != nil {
		gqlErr.Locations = []gqlerror.Location{{Line: fc.Field.Position.Line, Column: fc.Field.Position.Column}}
	}
	return gqlErr
}

// joinPath writes a path into an argument or variable with dots:
// "where.from", "orderBy.0.field".
func joinPath(p ast.Path) string {
	parts := make([]string, 0, len(p))
	for _, e := range p {
		switch v := e.(type) {
		case ast.PathName:
			parts = append(parts, string(v))
		case ast.PathIndex:
			parts = append(parts, strconv.Itoa(int(v)))
		}
	}
	return strings.Join(parts, ".")
}
