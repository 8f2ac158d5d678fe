package graph

// Subgraphs for the file exports (internal/export) that the GraphQL API
// answers as lists rather than as subgraphs: one bloc of the blocs
// partition with the agreement of each pair of its members, and the nodes a
// root list matches with its where. Both reuse what the GraphQL fields use
// — the bloc cache and vote table behind `blocs`, and the list fields
// themselves, run through gqlgen's executor so that a where is checked by
// the same schema, with the same error codes, as at /graphql.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/graph/voting"
)

// BlocTieDisagreements is how many roll calls on which two members voted
// differently a bloc tie lists (the most recent first).
const BlocTieDisagreements = MaxDisagreements

// BlocArgs are the arguments of the blocs field and which bloc: its index
// in the partition, or the id of one of its members (exactly one).
type BlocArgs struct {
	IssueAreaID *string
	From, To    *model.Date
	MinVotes    *int
	Resolution  *float64
	Index       *int
	Member      *string
}

// BlocSubgraph is one bloc of the partition blocs answers for the same
// arguments, with the voting agreement of every linked pair of members.
type BlocSubgraph struct {
	Partition *model.BlocPartition
	Bloc      *model.Bloc
	// Window is the first and last day of the window ("" when open) and the
	// issue area ("" for every roll call).
	WindowFrom, WindowTo, IssueAreaID string
	// Ties are the pairs of members linked in the agreement graph the
	// partition was computed on (at least minVotes shared roll calls, at
	// least one of them alike), by member ids.
	Ties []BlocTie
}

// BlocTie is the voting agreement of two members of a bloc over the
// window's roll calls.
type BlocTie struct {
	A, B          string // country ids, A < B
	Votes, Agreed int
	Score         float64
	// First and Last are the dates (YYYY-MM-DD) of the first and last roll
	// call both voted in.
	First, Last string
	// Differed are up to BlocTieDisagreements ids of roll calls on which
	// they voted differently, the most recent first.
	Differed []string
}

// BlocOf answers the blocs field for args and returns the bloc asked for
// with the agreement ties among its members.
func (r *Resolver) BlocOf(ctx context.Context, a BlocArgs) (*BlocSubgraph, error) {
	if (a.Index == nil) == (a.Member == nil) {
		return nil, badInput("index", "give exactly one of index and member")
	}
	p, err := (&queryResolver{r}).Blocs(ctx, a.IssueAreaID, a.From, a.To, a.MinVotes, a.Resolution)
	if err != nil {
		return nil, err
	}
	var bloc *model.Bloc
	switch {
	case len(p.Blocs) == 0:
		return nil, fmt.Errorf("the partition has no bloc: no state voted in %d roll calls of the window (are the UN voting data imported?): %w", p.MinVotes, store.ErrNotFound)
	case a.Index != nil:
		if *a.Index < 0 || *a.Index >= len(p.Blocs) {
			return nil, badInput("index", "must be between 0 and %d: the partition has %d blocs (got %d)", len(p.Blocs)-1, len(p.Blocs), *a.Index)
		}
		bloc = p.Blocs[*a.Index]
	default:
		for _, b := range p.Blocs {
			if slices.ContainsFunc(b.Members, func(c *model.Country) bool { return c.ID == *a.Member }) {
				bloc = b
				break
			}
		}
		if bloc == nil {
			return nil, fmt.Errorf("%s is in no bloc of this partition (it is not a state with at least %d votes in the window): %w", *a.Member, p.MinVotes, store.ErrNotFound)
		}
	}
	lo, hi, err := voteWindow(a.From, a.To)
	if err != nil {
		return nil, err
	}
	issue := ""
	if a.IssueAreaID != nil {
		issue = *a.IssueAreaID
	}
	// The table the partition was read from (kept until the voting data
	// change; a change in between gives ties of the newer data).
	t, err := r.votes.table(ctx, r.Store)
	if err != nil {
		return nil, err
	}
	out := &BlocSubgraph{Partition: p, Bloc: bloc, WindowFrom: lo, WindowTo: hi, IssueAreaID: issue}
	out.Ties = blocTies(t.Table, t.Select(lo, hi, issue), bloc, p.MinVotes)
	return out, nil
}

// blocTies computes the agreement of each pair of members over sel, by the
// rule of the blocs' agreement graph (voting.Table.Blocs).
func blocTies(t *voting.Table, sel []int, bloc *model.Bloc, minVotes int) []BlocTie {
	idx := make([]int, 0, len(bloc.Members))
	for _, m := range bloc.Members {
		if i, ok := t.Country(m.ID); ok {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(x, y int) int { return cmpString(t.Countries[x].ID, t.Countries[y].ID) })
	var ties []BlocTie
	for i, a := range idx {
		for _, b := range idx[i+1:] {
			tie := BlocTie{A: t.Countries[a].ID, B: t.Countries[b].ID}
			for _, rc := range sel {
				va, vb := t.Vote(rc, a), t.Vote(rc, b)
				if va == voting.Absent || vb == voting.Absent {
					continue
				}
				if tie.Votes == 0 {
					tie.First = t.RollCalls[rc].Date
				}
				tie.Last = t.RollCalls[rc].Date
				tie.Votes++
				if va == vb {
					tie.Agreed++
				}
			}
			if tie.Votes < minVotes || tie.Agreed == 0 {
				continue
			}
			tie.Score = float64(tie.Agreed) / float64(tie.Votes)
			for _, rc := range t.Disagreements(sel, a, b, BlocTieDisagreements) {
				tie.Differed = append(tie.Differed, t.RollCalls[rc].ID)
			}
			ties = append(ties, tie)
		}
	}
	return ties
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ExportLists are the root lists a list export may read, with their where
// input types.
var ExportLists = map[string]string{
	"countries":     "CountryWhere",
	"organizations": "OrganizationWhere",
	"issueAreas":    "IssueAreaWhere",
	"initiatives":   "InitiativeWhere",
	"events":        "EventWhere",
	"agreements":    "AgreementWhere",
	"rollCalls":     "RollCallWhere",
}

// ListMatch is what a root list with a where matched.
type ListMatch struct {
	IDs []string // in the list's order, at most the max asked for
	// Total is the list's totalCount: every node the where matches.
	Total int
}

// ListIDs runs the root list named list with where (the JSON of its where
// input; null or empty for none) through the GraphQL schema, a page of
// MaxPageSize at a time, and returns the ids of at most max matching nodes
// in the list's order. A where the schema refuses fails with the error
// /graphql gives (GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, …).
func (r *Resolver) ListIDs(ctx context.Context, list string, where json.RawMessage, max int) (ListMatch, error) {
	whereType, ok := ExportLists[list]
	if !ok {
		names := make([]string, 0, len(ExportLists))
		for n := range ExportLists {
			names = append(names, n)
		}
		slices.Sort(names)
		return ListMatch{}, badInput("list", "must be one of %v (got %q)", names, list)
	}
	var w any
	if len(where) > 0 {
		if err := json.Unmarshal(where, &w); err != nil {
			return ListMatch{}, badInput("where", "must be a JSON object: %v", err)
		}
	}
	q := fmt.Sprintf(`query ListExport($where: %s, $first: Int!, $after: String) {
  list: %s(where: $where, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
}`, whereType, list)
	exec := executor.New(NewExecutableSchema(Config{Resolvers: r}))
	var m ListMatch
	var after any
	for len(m.IDs) < max {
		vars := map[string]any{"where": w, "first": min(MaxPageSize, max-len(m.IDs)), "after": after}
		var page struct {
			List struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct{ Node struct{ ID string } }
			}
		}
		if err := runOperation(ctx, exec, q, vars, &page); err != nil {
			return ListMatch{}, err
		}
		m.Total = page.List.TotalCount
		for _, e := range page.List.Edges {
			m.IDs = append(m.IDs, e.Node.ID)
		}
		if !page.List.PageInfo.HasNextPage || page.List.PageInfo.EndCursor == nil || len(page.List.Edges) == 0 {
			break
		}
		after = *page.List.PageInfo.EndCursor
	}
	return m, nil
}

// runOperation executes one operation and decodes its data into out; the
// first error of the answer is returned as the typed *gqlerror.Error
// /graphql would have answered (the caller's presenter keeps its code).
func runOperation(ctx context.Context, exec *executor.Executor, query string, vars map[string]any, out any) error {
	exec.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		// Type the error as /graphql does, keeping the Go error for the
		// caller's presenter (it maps store and input errors to codes).
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			return ge
		}
		return &gqlerror.Error{Message: err.Error(), Err: err}
	})
	ctx = graphql.StartOperationTrace(ctx)
	oc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: query, Variables: vars})
	if len(errs) > 0 {
		return errs[0]
	}
	h, ctx := exec.DispatchOperation(ctx, oc)
	resp := h(graphql.WithOperationContext(ctx, oc))
	if resp == nil {
		return errors.New("list export: no response")
	}
	if len(resp.Errors) > 0 {
		e := resp.Errors[0]
		if e.Err != nil {
			return e.Err
		}
		return e
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return fmt.Errorf("list export: decode the answer: %w", err)
	}
	return nil
}

// exportKinds are exportUrl's arguments naming a subgraph, with the path
// of their export.
var exportKinds = []struct{ arg, path string }{
	{"neighborhood", "/export/neighborhood"},
	{"path", "/export/path"},
	{"coalition", "/export/coalition"},
	{"bloc", "/export/bloc"},
	{"list", "/export/list"},
}

// exportURL builds exportUrl's answer from the field's arguments as the
// client wrote them (variables resolved): each input field becomes the
// export's query parameter of the same name — a list comma-separated, a
// list's where its JSON text.
func exportURL(ctx context.Context, format *model.ExportFormat) (string, error) {
	raw := graphql.GetFieldContext(ctx).Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	var path string
	var in map[string]any
	for _, k := range exportKinds {
		m, ok := raw[k.arg].(map[string]any)
		if !ok {
			continue
		}
		if path != "" {
			return "", badInput(k.arg, "give exactly one of neighborhood, path, coalition, bloc and list")
		}
		path, in = k.path, m
	}
	if path == "" {
		return "", badInput("neighborhood", "give exactly one of neighborhood, path, coalition, bloc and list")
	}
	q := url.Values{}
	f := model.ExportFormatGexf
	if format != nil {
		f = *format
	}
	q.Set("format", strings.ToLower(string(f)))
	if path == "/export/list" {
		var lists []string
		for name := range ExportLists {
			if w, ok := in[name]; ok && w != nil {
				lists = append(lists, name)
				b, err := json.Marshal(w)
				if err != nil {
					return "", fmt.Errorf("exportUrl: %w", err)
				}
				q.Set("list", name)
				q.Set("where", string(b))
			}
		}
		if len(lists) != 1 {
			sort.Strings(lists)
			return "", badInput("list", "give exactly one list with its where, e.g. {countries: {}} (got %d: %v)", len(lists), lists)
		}
		if string(q.Get("where")) == "{}" {
			q.Del("where")
		}
		in = map[string]any{"relationshipTypes": in["relationshipTypes"]}
	}
	if path == "/export/bloc" {
		if (in["index"] == nil) == (in["member"] == nil) {
			return "", badInput("bloc.index", "give exactly one of index (the bloc's position, 0 = the largest) and member (the id of one of its states)")
		}
	}
	for k, v := range in {
		switch x := v.(type) {
		case nil:
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			q.Set(k, strings.Join(parts, ","))
		case json.Number:
			q.Set(k, x.String())
		default:
			q.Set(k, fmt.Sprint(x))
		}
	}
	return path + "?" + q.Encode(), nil
}
