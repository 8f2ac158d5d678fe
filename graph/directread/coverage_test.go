package directread

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph"
)

// resolverOnly are the read fields the direct path leaves to the
// resolvers, each with why. A query selecting one runs wholly through the
// resolvers, so the types below such a field are not walked.
var resolverOnly = map[string]string{
	"Query.node":              "any node by id: the label is known only once it is read",
	"Query.rollCalls":         "UN voting: vote pages are keyset-paged per node, batched by the loaders",
	"Query.rollCall":          "UN voting: vote pages are keyset-paged per node, batched by the loaders",
	"Query.sources":           "the sources and where their data stop, read by their resolver",
	"Query.exportUrl":         "the address of a file export: nothing is read",
	"Query.influence":         "analytics computed in the server (PageRank)",
	"Query.uptake":            "analytics: an agreement's uptake by year",
	"Query.graphModel":        "describes the graph model, not a projection of nodes",
	"Query.cypher":            "the guarded Cypher runner answers as JSON of its own",
	"Query.connectionPath":    "analytics: a shortest path",
	"Query.potentialPartners": "analytics: ranked by shared events and issue areas, capped",
	"Query.sharedIssueAreas":  "analytics: the issue areas two nodes share",
	"Query.commonGround":      "analytics: what a set of actors shares",
	"Query.coalition":         "analytics: who belonged to a group at a date",
	"Query.coParticipants":    "analytics: actors at the same events, capped",
	"Query.brokers":           "analytics: betweenness centrality computed in the server",
	"Query.timeline":          "analytics: events filtered by participant, initiative, issue area and dates",
	"Query.votingAgreement":   "UN voting: the in-memory vote table",
	"Query.likeMinded":        "UN voting: the in-memory vote table",
	"Query.blocs":             "UN voting: Louvain blocs over the vote table",
	"Query.changeSet":         "a review of what a change set wrote: it scans the graph",
	"Query.audit":             "a node's audit fields, read by its resolver",

	"CountryConnection.aggregate":      "aggregates are computed by their own statements",
	"OrganizationConnection.aggregate": "aggregates are computed by their own statements",
	"IssueAreaConnection.aggregate":    "aggregates are computed by their own statements",
	"InitiativeConnection.aggregate":   "aggregates are computed by their own statements",
	"EventConnection.aggregate":        "aggregates are computed by their own statements",
	"AgreementConnection.aggregate":    "aggregates are computed by their own statements",

	"Country.votes":                     "UN voting: keyset-paged per country, batched by the loaders",
	"Country.membershipsAggregate":      "aggregates are computed by their own statements",
	"Organization.membersAggregate":     "aggregates are computed by their own statements",
	"Organization.membershipsAggregate": "aggregates are computed by their own statements",
	"Initiative.membersAggregate":       "aggregates are computed by their own statements",

	"Evidence.source": "a Source node, read by the loaders",

	"GraphNode.properties": "every property of a node: a drawing asks for none, so the direct neighbourhood reads none",
	"GraphEdge.properties": "every property of a relationship: as GraphNode.properties",
	"GraphEdge.evidence":   "the relationship's evidence: as GraphNode.properties",
}

// TestEveryReadFieldIsDirectOrResolverOnly walks the schema from Query:
// every field of every object type reached through fields the direct path
// serves is either planned by it (a query reaching the field by the
// shortest served path, with the smallest selection, is planned) or listed
// in resolverOnly (and then such a query is not planned). A new field of
// the read API that is neither fails here.
func TestEveryReadFieldIsDirectOrResolverOnly(t *testing.T) {
	planned := plans
	type visit struct {
		typ  string
		wrap func(sel string) string // the query around a selection of typ
	}
	queue := []visit{{"Query", func(sel string) string { return "{ " + sel + " }" }}}
	seen := map[string]bool{"Query": true}
	listedSeen := map[string]bool{}
	served := 0
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, f := range parsedSchema.Types[v.typ].Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			key := v.typ + "." + f.Name
			call := f.Name + requiredArgs(v.typ, f)
			ft := parsedSchema.Types[f.Type.Name()]
			composite := ft.Kind == ast.Object || ft.Kind == ast.Interface || ft.Kind == ast.Union
			sel := call
			if composite {
				sel += " { __typename }"
			}
			q := v.wrap(sel)
			ok, err := planned(q)
			reason, listed := resolverOnly[key]
			if listed {
				listedSeen[key] = true
			}
			switch {
			case err != nil && !listed:
				t.Errorf("%s: the walk's query does not validate: %v\n%s", key, err, q)
			case ok && listed:
				t.Errorf("%s is listed as resolver-only (%s) but the direct path plans %s", key, reason, q)
			case !ok && !listed:
				t.Errorf("%s is neither served by the direct path nor listed in resolverOnly: %s", key, q)
			}
			if !ok {
				continue
			}
			served++
			if !composite {
				continue
			}
			// Behind an interface or a union, the types the direct path
			// writes (a search hit is never a Source or a RollCall: the
			// full-text index holds the six other labels).
			types := concreteTypes(ft.Name)
			inFragment := ft.Kind != ast.Object
			for _, pt := range types {
				if !slices.ContainsFunc(parsedSchema.GetPossibleTypes(ft), func(d *ast.Definition) bool { return d.Name == pt }) {
					t.Errorf("%s: the direct path writes %s, which is not a %s", key, pt, ft.Name)
				}
			}
			for _, pt := range types {
				if seen[pt] {
					continue
				}
				seen[pt] = true
				wrap, pt := v.wrap, pt
				queue = append(queue, visit{pt, func(sel string) string {
					if inFragment {
						sel = "... on " + pt + " { " + sel + " }"
					}
					return wrap(call + " { " + sel + " }")
				}})
			}
		}
	}
	var stale []string
	for key := range resolverOnly {
		if !listedSeen[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("resolverOnly lists fields the walk never reaches (renamed, removed, or below another resolver-only field): %v", stale)
	}
	if served < 150 {
		t.Errorf("only %d fields served directly: the walk is not reaching the read API", served)
	}
	t.Logf("%d fields served directly, %d resolver-only, %d types walked", served, len(resolverOnly), len(seen))
}

// plans reports whether the direct path plans query q (without variables).
func plans(q string) (bool, error) {
	d := Wrap(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}), nil).(*directSchema)
	doc, errs := gqlparser.LoadQueryWithRules(parsedSchema, q, nil)
	if errs != nil {
		return false, errs
	}
	oc := &graphql.OperationContext{RawQuery: q, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
	_, ok := d.planner(graphql.WithOperationContext(context.Background(), oc), oc).operation()
	return ok, nil
}

// requiredArgs writes the arguments a field cannot be selected without,
// with values the direct path accepts.
func requiredArgs(typ string, f *ast.FieldDefinition) string {
	if typ == "Query" && f.Name == "country" {
		return `(iso3: "CAN")` // one of iso3 and id is required
	}
	var args []string
	for _, a := range f.Arguments {
		if !a.Type.NonNull || a.DefaultValue != nil {
			continue
		}
		switch a.Type.Name() {
		case "ID", "String":
			args = append(args, a.Name+`: "country:CAN"`)
		case "Int":
			args = append(args, a.Name+": 1")
		default:
			args = append(args, fmt.Sprintf("%s: null", a.Name)) // refused by validation: the field is listed or reported
		}
	}
	if len(args) == 0 {
		return ""
	}
	return "(" + strings.Join(args, ", ") + ")"
}
