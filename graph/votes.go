package graph

import (
	"context"
	"errors"

	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// Vote lists (Country.votes, RollCall.votes) and tallies. Each is read for
// the whole group of sibling nodes in one statement (loader.Batch), so a
// list of countries with their votes costs one round trip for the pages
// and one for the counts, whatever the number of countries.

// votePage is one node's page of votes, with the group of the nodes at the
// other end of the whole batch (so their own fields batch across parents).
type votePage struct {
	store.VotePage
	group *model.Group
}

// voteArgs checks a vote list's first/after and makes the store query.
func voteArgs(side store.VoteSide, first *int, after *string) (store.VoteQuery, error) {
	q := store.VoteQuery{First: DefaultPageSize}
	if first != nil {
		if *first < 0 {
			return q, badInput("first", "must not be negative (got %d)", *first)
		}
		if *first > MaxPageSize {
			return q, badInput("first", "at most %d items per page (got %d)", MaxPageSize, *first)
		}
		q.First = *first
	}
	if after != nil {
		c, err := store.DecodeCursor(*after)
		if err != nil {
			return q, badInput("after", "not a cursor returned by this API")
		}
		if c.Order != store.VoteOrder(side) {
			return q, badInput("after", "this cursor was made for another list")
		}
		q.After = &c
	}
	return q, nil
}

// countryVoteQuery narrows a country's votes to where.
func countryVoteQuery(q *store.VoteQuery, w *model.CountryVoteWhere) {
	if w == nil {
		return
	}
	if w.Vote != nil {
		q.Vote = string(*w.Vote)
	}
	rc := &model.RollCallWhere{IssueArea: w.IssueArea, From: w.From, To: w.To}
	if w.RollCall != nil {
		rc.And = []*model.RollCallWhere{w.RollCall}
	}
	q.Other = rollCallFilter(rc)
}

// rollCallVoteQuery narrows a roll call's votes to where.
func rollCallVoteQuery(q *store.VoteQuery, w *model.RollCallVoteWhere) {
	if w == nil {
		return
	}
	if w.Vote != nil {
		q.Vote = string(*w.Vote)
	}
	q.Other = countryFilter(w.Country)
}

// votes reads node id's page of votes (batched over its group) and, only
// when totalCount is selected, the count.
func votes(ctx context.Context, r *Resolver, side store.VoteSide, id string, g *model.Group, q store.VoteQuery) (votePage, model.Paged, error) {
	if err := checkDepth(q.Other); err != nil {
		return votePage{}, model.Paged{}, err
	}
	l := r.loaders(ctx)
	kind := "votes"
	if side == store.VotesOfRollCall {
		kind = "rollCallVotes"
	}
	count := func(ctx context.Context) (int, error) {
		cq := q
		cq.First, cq.After = 0, nil
		return loader.Batch(ctx, l, kind+".count", id, g, cq, func(ctx context.Context, ids []string) (map[string]int, error) {
			return r.Store.VoteCounts(ctx, side, ids, cq)
		})
	}
	if onlyCounted(ctx) {
		return votePage{}, model.Paged{PageInfo: &model.PageInfo{}, Count: count}, nil
	}
	page, err := loader.Batch(ctx, l, kind, id, g, q, func(ctx context.Context, ids []string) (map[string]votePage, error) {
		pages, err := r.Store.VotePages(ctx, side, ids, q)
		if err != nil {
			return nil, err
		}
		var others []store.Node
		for _, p := range pages {
			for _, e := range p.Edges {
				others = append(others, e.Other)
			}
		}
		group := model.NewGroup(others)
		out := make(map[string]votePage, len(pages))
		for id, p := range pages {
			out[id] = votePage{p, group}
		}
		return out, nil
	})
	if errors.Is(err, store.ErrBadCursor) {
		return votePage{}, model.Paged{}, badInput("after", "not a cursor returned by this API")
	}
	if err != nil {
		return votePage{}, model.Paged{}, err
	}
	info := &model.PageInfo{HasNextPage: page.HasNext, HasPreviousPage: q.After != nil}
	if n := len(page.Edges); n > 0 {
		start, end := page.Edges[0].Cursor.Encode(), page.Edges[n-1].Cursor.Encode()
		info.StartCursor, info.EndCursor = &start, &end
	}
	return page, model.Paged{PageInfo: info, Count: count}, nil
}

func countryVotes(ctx context.Context, r *Resolver, obj *model.Country, first *int, after *string, where *model.CountryVoteWhere) (*model.CountryVoteConnection, error) {
	q, err := voteArgs(store.VotesOfCountry, first, after)
	if err != nil {
		return nil, err
	}
	countryVoteQuery(&q, where)
	page, paged, err := votes(ctx, r, store.VotesOfCountry, obj.ID, obj.Group, q)
	if err != nil {
		return nil, err
	}
	conn := &model.CountryVoteConnection{Paged: paged, Edges: make([]*model.CountryVoteEdge, 0, len(page.Edges))}
	for _, e := range page.Edges {
		if rc, ok := model.FromNode(e.Other, page.group).(*model.RollCall); ok {
			conn.Edges = append(conn.Edges, &model.CountryVoteEdge{Cursor: e.Cursor.Encode(), Vote: model.Vote(e.Vote), Node: rc})
		}
	}
	return conn, nil
}

func rollCallVotes(ctx context.Context, r *Resolver, obj *model.RollCall, first *int, after *string, where *model.RollCallVoteWhere) (*model.RollCallVoteConnection, error) {
	q, err := voteArgs(store.VotesOfRollCall, first, after)
	if err != nil {
		return nil, err
	}
	rollCallVoteQuery(&q, where)
	page, paged, err := votes(ctx, r, store.VotesOfRollCall, obj.ID, obj.Group, q)
	if err != nil {
		return nil, err
	}
	conn := &model.RollCallVoteConnection{Paged: paged, Edges: make([]*model.RollCallVoteEdge, 0, len(page.Edges))}
	for _, e := range page.Edges {
		if c, ok := model.FromNode(e.Other, page.group).(*model.Country); ok {
			conn.Edges = append(conn.Edges, &model.RollCallVoteEdge{Cursor: e.Cursor.Encode(), Vote: model.Vote(e.Vote), Node: c})
		}
	}
	return conn, nil
}

func rollCallTally(ctx context.Context, r *Resolver, obj *model.RollCall) (*model.VoteTally, error) {
	t, err := loader.Batch(ctx, r.loaders(ctx), "tally", obj.ID, obj.Group, nil, r.Store.VoteTallies)
	if err != nil {
		return nil, err
	}
	return &model.VoteTally{Yes: t.Yes, No: t.No, Abstain: t.Abstain}, nil
}
