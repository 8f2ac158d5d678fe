package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/auth"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

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
			return gqlErr // already typed (e.g. by gqlgen's validation)
		}
		rid := requestID(ctx)
		var in *InputError
		var refused *store.CypherRefusedError
		var cypherIn *store.CypherInputError
		switch {
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
		case errors.As(err, &in):
			gqlErr.Message = in.Error()
			gqlErr.Extensions["code"] = CodeBadUserInput
			gqlErr.Extensions["argument"] = in.Argument
		case errors.Is(err, auth.ErrUnauthenticated):
			gqlErr.Extensions["code"] = CodeUnauthenticated
		case errors.Is(err, auth.ErrForbidden):
			gqlErr.Extensions["code"] = CodeForbidden
		case errors.Is(err, model.ErrInvalidDate):
			// A Date argument or input field that does not parse: its path
			// below the field is the argument, e.g. input.startDate.
			gqlErr.Extensions["code"] = CodeBadUserInput
			if arg := argumentPath(gqlErr.Path); arg != "" {
				gqlErr.Extensions["argument"] = arg
			}
		case errors.Is(err, store.ErrBadCursor):
			gqlErr.Extensions["code"] = CodeBadUserInput
		case errors.Is(err, store.ErrNotFound):
			gqlErr.Extensions["code"] = CodeNotFound
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
			logger.ErrorContext(ctx, "internal error", "request_id", rid, "path", gqlErr.Path, "err", err)
			gqlErr.Message = "internal error"
			gqlErr.Extensions["code"] = CodeInternal
		}
		if rid != "" {
			gqlErr.Extensions["requestId"] = rid
		}
		return gqlErr
	}
}

// argumentPath turns the path of an argument error ([upsertEvent input
// startDate]) into the argument's name (input.startDate).
func argumentPath(p ast.Path) string {
	var parts []string
	for i, el := range p {
		if i == 0 {
			continue // the field itself
		}
		parts = append(parts, fmt.Sprint(el))
	}
	return strings.Join(parts, ".")
}
