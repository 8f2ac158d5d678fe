package main

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Every shape is written for all three targets, and its GraphQL documents
// parse. (Whether they run is what `make bench-smoke` checks, against Neo4j.)
func TestShapesComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range shapes() {
		if seen[s.Name] {
			t.Errorf("shape %q twice", s.Name)
		}
		seen[s.Name] = true
		if s.Floor == nil {
			t.Errorf("%s: no floor parameters", s.Name)
		}
		for target, q := range map[string]string{"lysoen": s.Lysoen.Query, "neo4j-graphql": s.NeoGraphQL.Query} {
			doc, err := parser.ParseQuery(&ast.Source{Input: q})
			if err != nil {
				t.Errorf("%s (%s): %v", s.Name, target, err)
				continue
			}
			if want := map[bool]ast.Operation{true: ast.Mutation, false: ast.Query}[s.Write]; len(doc.Operations) != 1 || doc.Operations[0].Operation != want {
				t.Errorf("%s (%s): want one %s operation", s.Name, target, want)
			}
		}
	}
	for _, want := range []string{"nested", "initiative", "events", "search", "neighborhood", "mutation", "nested-write"} {
		if !seen[want] {
			t.Errorf("shape %q missing (docs/benchmarks.md lists it)", want)
		}
	}
	if !strings.HasPrefix(readInitiative, "initiative:") || readInitiative == writeInitiative {
		t.Errorf("reads and writes must use different initiatives")
	}
}
