package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/testdb"
)

// api is the GraphQL handler as internal/gqlserver builds it, on a given store and
// cypher configuration.
type api struct {
	h http.Handler
}

func newAPI(s *store.Store, cfg graph.CypherConfig) api {
	r := &graph.Resolver{Store: s, Logger: slog.Default(), CypherField: cfg}
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	srv.AroundFields(r.HideCypher)
	srv.SetErrorPresenter(graph.ErrorPresenter(slog.Default(), func(context.Context) string { return "" }))
	srv.Use(graph.Authorizer{})
	return api{srv}
}

type gqlErr struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   map[string]any `json:"data"`
	Errors []gqlErr       `json:"errors"`
}

// as is a caller with role, as the authentication middleware puts it in
// the request context; "" is an anonymous caller.
func as(role auth.Role) auth.Principal {
	if role == "" {
		return auth.Anonymous
	}
	return auth.Principal{Name: "key:test-" + string(role), Role: role, Method: "api-key"}
}

// post sends a query as caller p.
func (a api) post(t *testing.T, p auth.Principal, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(auth.With(req.Context(), p))
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	var out response
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("status %d body %s: %v", w.Code, w.Body, err)
	}
	return out
}

func TestGraphModel(t *testing.T) {
	s := testdb.Seeded(t)
	a := newAPI(s, graph.CypherConfig{})
	resp := a.post(t, as(auth.RoleReader), `{ graphModel {
		labels { name count properties propertyTypes { name types mandatory } }
		relationshipTypes { name count properties allowedFrom allowedTo } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	gm := resp.Data["graphModel"].(map[string]any)
	// Counted by hand from seed/seed.json (11 countries, 2 organizations, …),
	// and the version node the seed's writes recorded themselves on.
	wantLabels := map[string]float64{"Actor": 13, "Agreement": 1, "Country": 11, "Event": 6, "Initiative": 4,
		"IssueArea": 12, "Organization": 2, "Source": 1, "DatasetVersion": 1}
	gotLabels := map[string]float64{}
	for _, l := range gm["labels"].([]any) {
		l := l.(map[string]any)
		gotLabels[l["name"].(string)] = l["count"].(float64)
		if l["name"] == "Country" {
			want := []any{"evidence", "id", "iso2", "iso3", "name", "sourceId"}
			if !reflect.DeepEqual(l["properties"], want) {
				t.Errorf("Country properties %v, want %v", l["properties"], want)
			}
			for _, p := range l["propertyTypes"].([]any) {
				p := p.(map[string]any)
				if p["mandatory"] != true || !reflect.DeepEqual(p["types"], []any{"String"}) {
					t.Errorf("Country.%v = %v, want a mandatory String", p["name"], p)
				}
			}
		}
		if l["name"] == "Event" {
			for _, p := range l["propertyTypes"].([]any) {
				p := p.(map[string]any)
				if p["name"] == "location" && p["mandatory"] != false {
					t.Errorf("Event.location is on 2 of 6 events, yet mandatory = %v", p["mandatory"])
				}
			}
		}
	}
	if !reflect.DeepEqual(gotLabels, wantLabels) {
		t.Errorf("labels %v, want %v", gotLabels, wantLabels)
	}
	wantTypes := map[string]float64{"ADDRESSES": 17, "ESTABLISHED_BY": 1, "FOLLOWS": 2, "HELD_IN": 1, "MEMBER_OF": 5,
		"PARTICIPATED_IN": 14, "PART_OF": 7, "SEEKS_PARTNERSHIP_WITH": 1, "SIGNATORY_OF": 2}
	gotTypes := map[string]float64{}
	for _, rt := range gm["relationshipTypes"].([]any) {
		rt := rt.(map[string]any)
		gotTypes[rt["name"].(string)] = rt["count"].(float64)
		if rt["name"] == "MEMBER_OF" {
			if want := []any{"evidence", "role", "since", "sourceId", "until"}; !reflect.DeepEqual(rt["properties"], want) {
				t.Errorf("MEMBER_OF properties %v, want %v", rt["properties"], want)
			}
			if !reflect.DeepEqual(rt["allowedFrom"], []any{"Country", "Organization"}) || !reflect.DeepEqual(rt["allowedTo"], []any{"Initiative", "Organization"}) {
				t.Errorf("MEMBER_OF endpoints %v -> %v", rt["allowedFrom"], rt["allowedTo"])
			}
		}
	}
	if !reflect.DeepEqual(gotTypes, wantTypes) {
		t.Errorf("relationship types %v, want %v", gotTypes, wantTypes)
	}
}

const introspectQuery = `{ __type(name: "Query") { fields { name } } __schema { types { name } } }`

// visible reports whether introspection shows the cypher field and its type.
func visible(t *testing.T, resp response) (field, typ bool) {
	t.Helper()
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	for _, f := range resp.Data["__type"].(map[string]any)["fields"].([]any) {
		field = field || f.(map[string]any)["name"] == "cypher"
	}
	for _, ty := range resp.Data["__schema"].(map[string]any)["types"].([]any) {
		typ = typ || ty.(map[string]any)["name"] == "CypherResult"
	}
	return field, typ
}

func TestCypherFieldNeedsConfigAndRole(t *testing.T) {
	s := testdb.Seeded(t)
	q := `{ cypher(query: "MATCH (n) RETURN count(n) AS n") { rows } }`
	// Roles are ordered (reader < analyst < editor < admin): editors and
	// admins have the analyst's rights.
	for _, c := range []struct {
		name    string
		enabled bool
		role    auth.Role
		allowed bool
		code    string
	}{
		{"disabled, anonymous", false, "", false, "UNAUTHENTICATED"},
		{"disabled, analyst", false, auth.RoleAnalyst, false, "FORBIDDEN"},
		{"enabled, anonymous", true, "", false, "UNAUTHENTICATED"},
		{"enabled, reader", true, auth.RoleReader, false, "FORBIDDEN"},
		{"enabled, analyst", true, auth.RoleAnalyst, true, ""},
		{"enabled, editor", true, auth.RoleEditor, true, ""},
		{"enabled, admin", true, auth.RoleAdmin, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(s, graph.CypherConfig{Enabled: c.enabled})
			field, typ := visible(t, a.post(t, as(c.role), introspectQuery, nil))
			if field != c.allowed || typ != c.allowed {
				t.Errorf("introspection shows cypher field %v, CypherResult %v; want %v", field, typ, c.allowed)
			}
			resp := a.post(t, as(c.role), q, nil)
			if c.allowed {
				if len(resp.Errors) > 0 {
					t.Fatal(resp.Errors)
				}
				rows := resp.Data["cypher"].(map[string]any)["rows"]
				// The seed's 37 nodes and the dataset's version node.
				if !reflect.DeepEqual(rows, []any{[]any{float64(38)}}) {
					t.Errorf("rows %v, want [[38]]", rows)
				}
				return
			}
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != c.code || resp.Data["cypher"] != nil {
				t.Errorf("errors %+v, data %v; want one %s and no data", resp.Errors, resp.Data, c.code)
			}
		})
	}
}

func TestCypherFieldAnswersAndRefuses(t *testing.T) {
	s := testdb.Seeded(t)
	a := newAPI(s, graph.CypherConfig{Enabled: true, MaxRows: 5, Timeout: 500 * time.Millisecond})
	analyst := as(auth.RoleAnalyst)

	resp := a.post(t, analyst, `query($q: String!, $p: JSON) { cypher(query: $q, params: $p) { columns rows rowCount truncated maxRows queryType } }`,
		map[string]any{"q": "MATCH (c:Country)-[p:PARTICIPATED_IN]->(:Event {id: $event}) RETURN c.name AS name, p.role AS role ORDER BY name",
			"p": map[string]any{"event": "event:human-security-luncheon-1998"}})
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	got, _ := json.Marshal(resp.Data["cypher"])
	want := `{"columns":["name","role"],"maxRows":5,"queryType":"r","rowCount":5,"rows":[["Austria","PARTICIPANT"],["Canada","HOST"],["Chile","PARTICIPANT"],["Ireland","PARTICIPANT"],["Jordan","PARTICIPANT"]],"truncated":true}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	for _, c := range []struct{ query, params, argument, contains string }{
		{`"CREATE (:Probe)"`, `null`, "query", "writes to the graph"},
		{`"MATCH (n) DETACH DELETE n"`, `null`, "query", "writes to the graph"},
		{`"DROP INDEX node_names"`, `null`, "query", "schema"},
		{`"LOAD CSV FROM 'file:///x.csv' AS r RETURN r"`, `null`, "query", "LOAD CSV"},
		{`"CALL db.createLabel('Probe')"`, `null`, "query", "writes"},
		{`"MATCH (n RETURN n"`, `null`, "query", "Invalid input"},
		{`"RETURN $x AS x"`, `[1, 2]`, "params", "JSON object"},
	} {
		resp := a.post(t, analyst, `{ cypher(query: `+c.query+`, params: `+c.params+`) { rows } }`, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
			resp.Errors[0].Extensions["argument"] != c.argument || !strings.Contains(resp.Errors[0].Message, c.contains) {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT on %s mentioning %q", c.query, resp.Errors, c.argument, c.contains)
		}
	}
	resp = a.post(t, analyst, `{ cypher(query: "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x)") { rows } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "TIMEOUT" {
		t.Errorf("slow query: errors %+v, want TIMEOUT", resp.Errors)
	}
	if n, r, err := s.Counts(context.Background()); err != nil || n != 37 || r != 50 {
		t.Errorf("after the refused writes: %d nodes, %d relationships (%v); want the seed's 37 and 50", n, r, err)
	}
}
