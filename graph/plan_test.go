package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph/store"
)

// planFixture parses query against the schema and returns the operation
// context and the selection of the node under the root connection's edges.
func planFixture(t testing.TB, query string) (*graphql.OperationContext, string, ast.SelectionSet) {
	t.Helper()
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	oc := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
	root := graphql.CollectFields(oc, doc.Operations[0].SelectionSet, nil)[0]
	for _, e := range graphql.CollectFields(oc, root.Selections, nil) {
		if e.Name == "edges" {
			for _, n := range graphql.CollectFields(oc, e.Selections, nil) {
				if n.Name == "node" {
					return oc, n.Definition.Type.Name(), n.Selections
				}
			}
		}
	}
	t.Fatal("no edges { node }")
	return nil, "", nil
}

// TestPlanAhead: argument-less relationship fields are planned, through
// relationship objects to the node at their other end and as deep as
// maxAheadDepth; fields with arguments, the Actor interface and derived
// fields are left to the loader.
func TestPlanAhead(t *testing.T) {
	oc, typ, sel := planFixture(t, `{ countries(first: 5) { edges { node { id
		participations { role event { partOf { issueAreas { initiatives { events { id } } } } } }
		memberships(first: 3) { role initiative { id } }
		issueAreas { id }
		signatures { agreement { id } actor { id ... on Country { memberships { role } } } }
		eventsHeld { participants { actor { id } } } } } } }`)
	got := planNode(oc, typ, sel, maxAheadDepth)
	want := []store.Ahead{
		{Spec: store.ActorParticipations, Ahead: []store.Ahead{{Spec: store.EventInitiatives, Ahead: []store.Ahead{{Spec: store.InitiativeIssueAreas}}}}},
		{Spec: store.ActorSignatures},
		{Spec: store.CountryEventsHeld, Ahead: []store.Ahead{{Spec: store.EventParticipants}}},
	}
	if !sameAhead(got, want) {
		t.Errorf("plan\n got %+v\nwant %+v", got, want)
	}
}

func sameAhead(a, b []store.Ahead) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Spec != b[i].Spec || !sameAhead(a[i].Ahead, b[i].Ahead) {
			return false
		}
	}
	return true
}

// BenchmarkPlanAhead plans the nested levels of the bench's initiative-like
// query from its selection (what each batched relationship read does once
// per request and field).
func BenchmarkPlanAhead(b *testing.B) {
	oc, typ, sel := planFixture(b, `{ initiatives(first: 20) { edges { node { id name
		members { role actor { id name } } events { id name startDate participants { role actor { id name } } } issueAreas { id name } } } } }`)
	b.ReportAllocs()
	for b.Loop() {
		if p := planNode(oc, typ, sel, maxAheadDepth); len(p) != 3 {
			b.Fatal(p)
		}
	}
}
