package graph

import (
	"context"
	"errors"
	"github.com/99designs/gqlgen/graphql"
	"strings"
	"unicode/utf8"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// pageArgs checks Relay pagination arguments and turns them into a store page.
// Without first or last a page holds DefaultPageSize items.
func pageArgs(first *int, after *string, last *int, before *string) (store.Page, error) {
	var p store.Page
	for _, a := range []struct {
		name string
		v    *int
	}{{"first", first}, {"last", last}} {
		if a.v == nil {
			continue
		}
		if *a.v < 0 {
			return p, badInput(a.name, "must not be negative (got %d)", *a.v)
		}
		if *a.v > MaxPageSize {
			return p, badInput(a.name, "at most %d items per page (got %d)", MaxPageSize, *a.v)
		}
	}
	for _, c := range []struct {
		name string
		v    *string
		dst  **store.Cursor
	}{{"after", after, &p.After}, {"before", before, &p.Before}} {
		if c.v == nil {
			continue
		}
		cur, err := store.DecodeCursor(*c.v)
		if err != nil {
			return p, badInput(c.name, "not a cursor returned by this API")
		}
		*c.dst = &cur
	}
	// Both may be given (relay-runtime sends its default first with last):
	// the specification applies first, then last.
	p.First = DefaultPageSize
	if first != nil {
		p.First = *first
	}
	if last != nil {
		p.Last, p.HasLast, p.OnlyLast = *last, true, first == nil
	}
	return p, nil
}

// listArgs are a root list's arguments, converted for the store.
type listArgs struct {
	first, last   *int
	after, before *string
	where         store.Filter
	order         []store.SortKey
}

// listNodes fetches one page of a label and builds its edges with mkEdge.
func listNodes[T any, E any](ctx context.Context, r *Resolver, label store.Label, a listArgs,
	mkEdge func(cursor string, node T) E) ([]E, model.Paged, error) {
	page, err := pageArgs(a.first, a.after, a.last, a.before)
	if err != nil {
		return nil, model.Paged{}, err
	}
	if err := checkDepth(a.where); err != nil {
		return nil, model.Paged{}, err
	}
	sig := store.OrderSignature(label, a.order)
	if page.After != nil && page.After.Order != sig {
		return nil, model.Paged{}, badInput("after", "this cursor was made for another orderBy")
	}
	if page.Before != nil && page.Before.Order != sig {
		return nil, model.Paged{}, badInput("before", "this cursor was made for another orderBy")
	}
	paged := model.Paged{
		Count: func(ctx context.Context) (int, error) { return r.Store.CountNodes(ctx, label, a.where) },
		Agg: func(ctx context.Context, keys []store.GroupKey) (store.Aggregation, error) {
			return r.Store.CountNodesGrouped(ctx, label, a.where, keys)
		},
	}
	if onlyCounted(ctx) {
		// `{ countries { totalCount aggregate { … } } }` needs the counts, not the page.
		paged.PageInfo = &model.PageInfo{}
		return []E{}, paged, nil
	}
	aheads := connectionAhead(ctx)
	res, err := r.Store.ListNodes(ctx, label, store.ListQuery{Where: a.where, Order: a.order, Page: page, Ahead: aheads})
	if err != nil {
		return nil, model.Paged{}, err
	}
	g := model.NewGroup(res.Nodes)
	r.loaders(ctx).Prefetched(g, res.Nodes, res.Ahead, aheads)
	edges := make([]E, 0, len(res.Nodes))
	info := &model.PageInfo{HasNextPage: res.HasNext, HasPreviousPage: res.HasPrevious}
	for i, n := range res.Nodes {
		t, ok := model.FromNode(n, g).(T)
		if !ok {
			continue
		}
		c := res.Cursors[i].Encode()
		if info.StartCursor == nil {
			info.StartCursor = &c
		}
		info.EndCursor = &c
		edges = append(edges, mkEdge(c, t))
	}
	paged.PageInfo = info
	return edges, paged, nil
}

// onlyCounted reports whether a connection's selection asks for nothing
// but totalCount and aggregate (and __typename), so its page need not be read.
func onlyCounted(ctx context.Context) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return false
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "totalCount" && f.Name != "aggregate" && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// connectionAhead plans the relationship fields to fetch with a root
// list's page, from its selection (edges { node { ... } }).
func connectionAhead(ctx context.Context) []store.Ahead {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	var out []store.Ahead
	for _, e := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range graphql.CollectFields(oc, e.Selections, nil) {
			if n.Name == "node" && n.Definition != nil {
				out = mergeAhead(out, planNode(oc, n.Definition.Type.Name(), n.Selections, maxAheadDepth))
			}
		}
	}
	return out
}

// lookupAhead plans the relationship fields to fetch with one node looked up.
func lookupAhead(ctx context.Context) []store.Ahead {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Definition == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	return planNode(graphql.GetOperationContext(ctx), fc.Field.Definition.Type.Name(), fc.Field.Selections, maxAheadDepth)
}

// lookup fetches one node by id as a model of type T, or nil when unknown.
// The relationship fields its selection asks for without arguments come in
// the same statement.
func lookup[T any](ctx context.Context, r *Resolver, label store.Label, id string) (T, error) {
	var zero T
	if aheads := lookupAhead(ctx); label != "" && len(aheads) > 0 {
		n, ahead, err := r.Store.NodeByIDAhead(ctx, label, id, aheads)
		if errors.Is(err, store.ErrNotFound) {
			return zero, nil
		}
		if err != nil {
			return zero, err
		}
		g := model.NewGroup([]store.Node{n})
		r.loaders(ctx).Prefetched(g, []store.Node{n}, [][][]store.Edge{ahead}, aheads)
		t, _ := model.FromNode(n, g).(T)
		return t, nil
	}
	n, err := r.Store.NodeByID(ctx, label, id)
	if errors.Is(err, store.ErrNotFound) {
		return zero, nil
	}
	if err != nil {
		return zero, err
	}
	t, _ := model.FromNode(n, nil).(T)
	return t, nil
}

// normalizeISO3 upper-cases and checks an ISO 3166 alpha-3 code.
func normalizeISO3(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", badInput("iso3", "%q is not an ISO 3166-1 alpha-3 code (three letters, e.g. CAN)", s)
	}
	return s, nil
}

// MaxSearchText bounds the length of a search text, in characters.
const MaxSearchText = 200

// search runs a full-text search; the text is escaped by the store.
func search(ctx context.Context, r *Resolver, text string, first *int) ([]*model.SearchHit, error) {
	limit := 10
	if first != nil {
		limit = *first
	}
	if limit < 0 {
		return nil, badInput("first", "must not be negative (got %d)", limit)
	}
	if limit > MaxPageSize {
		return nil, badInput("first", "at most %d hits (got %d)", MaxPageSize, limit)
	}
	if n := utf8.RuneCountInString(text); n > MaxSearchText {
		return nil, badInput("text", "at most %d characters (got %d)", MaxSearchText, n)
	}
	hits, err := r.Store.Search(ctx, text, limit)
	if err != nil {
		return nil, err
	}
	g := model.NewGroup(nodesOf(hits))
	out := make([]*model.SearchHit, 0, len(hits))
	for _, h := range hits {
		if n := model.FromNode(h.Node, g); n != nil {
			out = append(out, &model.SearchHit{Node: n, Label: string(h.Node.Label), Score: h.Score})
		}
	}
	return out, nil
}

func nodesOf(hits []store.SearchHit) []store.Node {
	out := make([]store.Node, len(hits))
	for i, h := range hits {
		out[i] = h.Node
	}
	return out
}

// countryNode finds the country of a country(iso3:, id:) lookup: exactly
// one of the two must be given.
func (r *Resolver) countryNode(ctx context.Context, iso3, id *string) (store.Node, error) {
	switch {
	case iso3 != nil && id != nil:
		return store.Node{}, badInput("id", "give either iso3 or id, not both")
	case id != nil:
		return r.Store.NodeByID(ctx, store.LabelCountry, *id)
	case iso3 == nil:
		return store.Node{}, badInput("iso3", "give iso3 or id")
	}
	code, err := normalizeISO3(*iso3)
	if err != nil {
		return store.Node{}, err
	}
	return r.Store.CountryByISO3(ctx, code)
}
