package store

import (
	"context"
	_ "embed" // the vote table's statements live in .cypher files beside this one
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The two statements that read the UN General Assembly votes for the
// voting-agreement measures (votingAgreement, likeMinded, blocs).
var (
	//go:embed votes_rollcalls.cypher
	voteRollCallsCypher string
	//go:embed votes_countries.cypher
	voteCountriesCypher string
)

// VoteRollCall is one roll call as the vote table keeps it.
type VoteRollCall struct {
	RCID       int64
	ID         string
	Date       string // YYYY-MM-DD
	Resolution string
	Title      string
	Issues     []string // ids of the issue areas it addresses, sorted
}

// VoteCountry is one state that voted, with its votes packed as
// rcid*4 + code (1 YES, 2 NO, 3 ABSTAIN).
type VoteCountry struct {
	ID, Name string
	Packed   []int64
}

// VoteRows is every roll call and every state's votes, as read in one read
// session of two statements.
type VoteRows struct {
	RollCalls []VoteRollCall // by date, then rcid
	Countries []VoteCountry  // by id
}

// LoadVotes reads every roll call (with its issue areas) and every state's
// votes. Two statements in one read session: the roll calls (about 6,200
// records) and one record per state that voted (about 200) with its votes
// packed into a list of integers, so the 870,000 votes of the full dataset
// cost a few hundred records, not 870,000.
func (s *Store) LoadVotes(ctx context.Context) (*VoteRows, error) {
	return read(ctx, s, func(tx runner) (*VoteRows, error) {
		out := &VoteRows{}
		err := s.each(ctx, tx, voteRollCallsCypher, nil, func(r *neo4j.Record) error {
			rcid, _, _ := neo4j.GetRecordValue[int64](r, "rcid")
			rc := VoteRollCall{RCID: rcid}
			rc.ID, _, _ = neo4j.GetRecordValue[string](r, "id")
			rc.Date, _, _ = neo4j.GetRecordValue[string](r, "date")
			rc.Resolution, _, _ = neo4j.GetRecordValue[string](r, "resolution")
			rc.Title, _, _ = neo4j.GetRecordValue[string](r, "title")
			issues, _, _ := neo4j.GetRecordValue[[]any](r, "issues")
			for _, i := range issues {
				if s, ok := i.(string); ok {
					rc.Issues = append(rc.Issues, s)
				}
			}
			out.RollCalls = append(out.RollCalls, rc)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read roll calls: %w", err)
		}
		err = s.each(ctx, tx, voteCountriesCypher, nil, func(r *neo4j.Record) error {
			c := VoteCountry{}
			c.ID, _, _ = neo4j.GetRecordValue[string](r, "id")
			c.Name, _, _ = neo4j.GetRecordValue[string](r, "name")
			votes, _, _ := neo4j.GetRecordValue[[]any](r, "votes")
			c.Packed = make([]int64, 0, len(votes))
			for _, v := range votes {
				if n, ok := v.(int64); ok {
					c.Packed = append(c.Packed, n)
				}
			}
			out.Countries = append(out.Countries, c)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read votes: %w", err)
		}
		return out, nil
	})
}

//go:embed votes_version.cypher
var voteVersionCypher string

//go:embed votes_version_countries.cypher
var voteVersionCountriesCypher string

// VoteSourceID is the Source node of the UN General Assembly voting data.
const VoteSourceID = "source:unga-votes"

// VotesVersion returns a string that changes when the voting data change:
// the numbers of roll calls, votes and ADDRESSES relationships and the
// content hash the importer records. One cheap statement (count store
// and an index lookup), run before a cached vote table is used.
func (s *Store) VotesVersion(ctx context.Context) (string, error) {
	return read(ctx, s, func(tx runner) (string, error) {
		recs, err := s.run(ctx, tx, voteVersionCypher, map[string]any{"source": VoteSourceID})
		if err != nil {
			return "", fmt.Errorf("voting data version: %w", err)
		}
		if len(recs) == 0 {
			return "", nil
		}
		r := recs[0]
		rc, _, _ := neo4j.GetRecordValue[int64](r, "rollCalls")
		v, _, _ := neo4j.GetRecordValue[int64](r, "votes")
		a, _, _ := neo4j.GetRecordValue[int64](r, "addresses")
		h, _, _ := neo4j.GetRecordValue[string](r, "hash")
		return fmt.Sprintf("%d/%d/%d/%s", rc, v, a, h), nil
	})
}

// VotesVersionCountries returns VotesVersion and the Country nodes of ids
// (by id; an id without a Country is left out), in one statement: a
// cached answer naming states checks its freshness and reads their
// current properties in one round trip.
func (s *Store) VotesVersionCountries(ctx context.Context, ids []string) (string, map[string]Node, error) {
	type answer struct {
		version string
		nodes   map[string]Node
	}
	a, err := read(ctx, s, func(tx runner) (answer, error) {
		recs, err := s.run(ctx, tx, voteVersionCountriesCypher, map[string]any{"source": VoteSourceID, "ids": ids})
		if err != nil {
			return answer{}, fmt.Errorf("voting data version and countries: %w", err)
		}
		if len(recs) == 0 {
			return answer{}, nil
		}
		r := recs[0]
		rc, _, _ := neo4j.GetRecordValue[int64](r, "rollCalls")
		v, _, _ := neo4j.GetRecordValue[int64](r, "votes")
		ad, _, _ := neo4j.GetRecordValue[int64](r, "addresses")
		h, _, _ := neo4j.GetRecordValue[string](r, "hash")
		out := answer{version: fmt.Sprintf("%d/%d/%d/%s", rc, v, ad, h), nodes: make(map[string]Node, len(ids))}
		list, _, _ := neo4j.GetRecordValue[[]any](r, "nodes")
		for _, x := range list {
			pair, ok := x.([]any)
			if !ok || len(pair) != 2 {
				continue
			}
			labels, _ := pair[0].([]any)
			props, _ := pair[1].(map[string]any)
			n := Node{Label: primaryLabel(labels), Props: props}
			if n.Label != "" {
				out.nodes[n.ID()] = n
			}
		}
		return out, nil
	})
	return a.version, a.nodes, err
}
