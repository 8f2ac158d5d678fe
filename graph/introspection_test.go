package graph

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// specLocations are the directive locations of the GraphQL specification
// (October 2021), the enum schema builders such as graphql-core 3.2's
// build_client_schema accept when they read an introspection answer.
var specLocations = map[string]bool{
	"QUERY": true, "MUTATION": true, "SUBSCRIPTION": true, "FIELD": true, "FRAGMENT_DEFINITION": true,
	"FRAGMENT_SPREAD": true, "INLINE_FRAGMENT": true, "VARIABLE_DEFINITION": true, "SCHEMA": true, "SCALAR": true,
	"OBJECT": true, "FIELD_DEFINITION": true, "ARGUMENT_DEFINITION": true, "INTERFACE": true, "UNION": true,
	"ENUM": true, "ENUM_VALUE": true, "INPUT_OBJECT": true, "INPUT_FIELD_DEFINITION": true,
}

func TestIntrospectionDirectiveLocations(t *testing.T) {
	// Introspection reads no data: no store.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Logger: logger}}))
	h.AddTransport(transport.POST{})
	h.Use(extension.Introspection{})
	h.SetErrorPresenter(ErrorPresenter(logger, func(context.Context) string { return "" }))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	a := &api{t: t, srv: srv}

	var out struct {
		Schema struct {
			Directives []struct {
				Name      string
				Locations []string
			}
		} `json:"__schema"`
	}
	a.ok(`{ __schema { directives { name locations } } }`, nil, &out)
	seen := map[string]bool{}
	for _, d := range out.Schema.Directives {
		seen[d.Name] = true
		if len(d.Locations) == 0 {
			t.Errorf("@%s has no locations", d.Name)
		}
		for _, l := range d.Locations {
			if !specLocations[l] {
				t.Errorf("@%s is declared on %s, which is not a directive location of the GraphQL specification", d.Name, l)
			}
		}
	}
	for _, d := range []string{"deprecated", "include", "skip"} {
		if !seen[d] {
			t.Errorf("@%s is missing from the introspection", d)
		}
	}
	// Every answer is one JSON response, so @defer is not declared, and a
	// query that uses it is refused rather than answered inline.
	if seen["defer"] {
		t.Error("@defer is declared, but no transport delivers deferred fragments")
	}
	errs := a.do(`{ __schema { ... @defer { queryType { name } } } }`, nil, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(errs[0].Message, "defer") {
		t.Errorf("a query with @defer: %+v, want one GRAPHQL_VALIDATION_FAILED error naming @defer", errs)
	}
}
