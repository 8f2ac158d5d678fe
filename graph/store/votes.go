package store

import (
	"context"
	"strconv"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Votes are read apart from the generic edge lists (edges.go): a country
// has about 5,000 of them at full scale, so they are paged inside Cypher
// (keyset cursor, ORDER BY … LIMIT per start node) instead of collected
// whole, and counted without being read.

// VoteSide says from which end a vote list is read.
type VoteSide int

const (
	// VotesOfCountry lists a country's votes, by the roll call's date then
	// its rcid.
	VotesOfCountry VoteSide = iota
	// VotesOfRollCall lists a roll call's votes, by the country's name then id.
	VotesOfRollCall
)

// Vote values as stored on VOTED.
const (
	VoteYes     = "YES"
	VoteNo      = "NO"
	VoteAbstain = "ABSTAIN"
)

// VoteQuery narrows one page of votes. Other filters the node at the other
// end (a RollCall for VotesOfCountry, a Country for VotesOfRollCall).
type VoteQuery struct {
	Vote  string `json:"v,omitempty"` // "" for any
	Other Filter `json:"o,omitempty"`
	First int    `json:"f"`
	After *Cursor
}

// VoteEdge is one vote seen from the node the list hangs from.
type VoteEdge struct {
	Vote   string
	Other  Node
	Cursor Cursor
}

// VotePage is one page of a node's votes.
type VotePage struct {
	Edges   []VoteEdge
	HasNext bool
}

// VoteTally counts a roll call's votes.
type VoteTally struct{ Yes, No, Abstain int }

// VoteOrder names the order of a side's lists, as cursors record it.
func VoteOrder(side VoteSide) string {
	if side == VotesOfRollCall {
		return "votes:name"
	}
	return "votes:date,rcid"
}

// voteShape is the fixed part of a vote statement for a side.
func voteShape(side VoteSide) (from Label, pattern string, other Label) {
	if side == VotesOfRollCall {
		return LabelRollCall, "(n)<-[r:VOTED]-(m:Country)", LabelCountry
	}
	return LabelCountry, "(n)-[r:VOTED]->(m:RollCall)", LabelRollCall
}

// voteWhere is the condition of q on n-r-m, without the cursor.
func voteWhere(b *whereBuilder, side VoteSide, q VoteQuery) ([]string, error) {
	_, _, other := voteShape(side)
	var conds []string
	if q.Vote != "" {
		conds = append(conds, "r.vote = "+b.param(q.Vote))
	}
	c, err := b.node(q.Other, "m", other)
	if err != nil {
		return nil, err
	}
	if c != "" {
		conds = append(conds, c)
	}
	return conds, nil
}

// VotePages reads one page of votes for each of ids in one statement.
func (s *Store) VotePages(ctx context.Context, side VoteSide, ids []string, q VoteQuery) (map[string]VotePage, error) {
	from, pattern, _ := voteShape(side)
	params := map[string]any{"ids": ids, "limit": q.First + 1}
	b := newWhereBuilder(params)
	conds, err := voteWhere(b, side, q)
	if err != nil {
		return nil, err
	}
	// Sort keys: what the cursor records, as strings.
	keys, order := "[coalesce(m.date, ''), toString(m.rcid)]", "coalesce(m.date, ''), m.rcid"
	if side == VotesOfRollCall {
		keys, order = "[m.name]", "m.name, m.id"
	}
	if c := q.After; c != nil {
		want := 2 // date, rcid
		if side == VotesOfRollCall {
			want = 1 // name
		}
		if c.Order != VoteOrder(side) || len(c.Keys) != want {
			return nil, ErrBadCursor
		}
		if side == VotesOfRollCall {
			name, id := b.param(c.Keys[0]), b.param(c.ID)
			conds = append(conds, "(m.name > "+name+" OR (m.name = "+name+" AND m.id > "+id+"))")
		} else {
			rcid, err := strconv.ParseInt(c.Keys[1], 10, 64)
			if err != nil {
				return nil, ErrBadCursor
			}
			date, rc := b.param(c.Keys[0]), b.param(rcid)
			conds = append(conds, "(coalesce(m.date, '') > "+date+" OR (coalesce(m.date, '') = "+date+" AND m.rcid > "+rc+"))")
		}
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + joinAnd(conds) + " "
	}
	cypher := "UNWIND $ids AS id MATCH (n:" + string(from) + " {id: id}) USING INDEX n:" + string(from) + "(id) " +
		"CALL (n) { MATCH " + pattern + " " + where + "WITH r, m ORDER BY " + order + " LIMIT $limit " +
		"RETURN collect([r.vote, labels(m), properties(m), " + keys + "]) AS edges } RETURN id, edges"
	return read(ctx, s, func(tx runner) (map[string]VotePage, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]VotePage, len(recs))
		for _, r := range recs {
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			raw, _, _ := neo4j.GetRecordValue[[]any](r, "edges")
			var page VotePage
			for _, x := range raw {
				t, _ := x.([]any)
				if len(t) != 4 {
					continue
				}
				if len(page.Edges) == q.First {
					page.HasNext = true
					break
				}
				vote, _ := t[0].(string)
				labels, _ := t[1].([]any)
				props, _ := t[2].(map[string]any)
				rawKeys, _ := t[3].([]any)
				n := Node{Label: primaryLabel(labels), Props: props}
				c := Cursor{ID: n.ID(), Order: VoteOrder(side), Keys: make([]string, len(rawKeys))}
				for i, k := range rawKeys {
					c.Keys[i], _ = k.(string)
				}
				page.Edges = append(page.Edges, VoteEdge{Vote: vote, Other: n, Cursor: c})
			}
			out[id] = page
		}
		return out, nil
	})
}

// VoteCounts counts, for each of ids, the votes q matches (its page is
// ignored), without reading them.
func (s *Store) VoteCounts(ctx context.Context, side VoteSide, ids []string, q VoteQuery) (map[string]int, error) {
	from, pattern, _ := voteShape(side)
	params := map[string]any{"ids": ids}
	conds, err := voteWhere(newWhereBuilder(params), side, q)
	if err != nil {
		return nil, err
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + joinAnd(conds)
	}
	cypher := "UNWIND $ids AS id MATCH (n:" + string(from) + " {id: id}) USING INDEX n:" + string(from) + "(id) " +
		"RETURN id, COUNT { MATCH " + pattern + where + " } AS c"
	return read(ctx, s, func(tx runner) (map[string]int, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]int, len(recs))
		for _, r := range recs {
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			c, _, _ := neo4j.GetRecordValue[int64](r, "c")
			out[id] = int(c)
		}
		return out, nil
	})
}

// VoteTallies counts the yes, no and abstain votes of each roll call of ids.
func (s *Store) VoteTallies(ctx context.Context, ids []string) (map[string]VoteTally, error) {
	const cypher = "UNWIND $ids AS id MATCH (m:RollCall {id: id}) USING INDEX m:RollCall(id) " +
		"CALL (m) { MATCH (m)<-[r:VOTED]-(:Country) RETURN sum(CASE r.vote WHEN 'YES' THEN 1 ELSE 0 END) AS yes, " +
		"sum(CASE r.vote WHEN 'NO' THEN 1 ELSE 0 END) AS no, sum(CASE r.vote WHEN 'ABSTAIN' THEN 1 ELSE 0 END) AS abstain } " +
		"RETURN id, yes, no, abstain"
	return read(ctx, s, func(tx runner) (map[string]VoteTally, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := make(map[string]VoteTally, len(recs))
		for _, r := range recs {
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			y, _, _ := neo4j.GetRecordValue[int64](r, "yes")
			n, _, _ := neo4j.GetRecordValue[int64](r, "no")
			a, _, _ := neo4j.GetRecordValue[int64](r, "abstain")
			out[id] = VoteTally{Yes: int(y), No: int(n), Abstain: int(a)}
		}
		return out, nil
	})
}
