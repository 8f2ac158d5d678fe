package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// BenchmarkVotes reads vote pages at the UN voting data's full scale for
// one country: 6,000 roll calls over 74 sessions, and 30 synthetic
// countries each voting in 5,000 of them (the dataset's busiest states
// have about 5,000 votes), every third roll call on human rights. It
// shows that a page's cost does not grow with its depth (keyset cursor on
// date and rcid), what the count and a filter cost, and that 20 countries'
// pages come in one statement.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7688 go test -run '^$' -bench BenchmarkVotes ./graph/store/
func BenchmarkVotes(b *testing.B) {
	s := testdb.Open(b)
	testdb.Reset(b, s)
	testdb.Exec(b, `UNWIND range(1, 6000) AS i
		CREATE (r:RollCall {id: 'rollcall:bench-' + i, name: 'Roll call ' + i, rcid: i, session: 1 + i / 82,
		        date: toString(date('1946-01-01') + duration({days: i * 4})), datePrecision: 'DAY'})`, nil)
	testdb.Exec(b, `MERGE (h:IssueArea {id: 'issue:human-rights'}) SET h.name = 'Human Rights'
		WITH h MATCH (r:RollCall) WHERE r.rcid % 3 = 0 CREATE (r)-[:ADDRESSES]->(h)`, nil)
	for c := range 30 {
		testdb.Exec(b, `CREATE (c:Country:Actor {id: $id, iso3: $iso3, name: $name})
			WITH c MATCH (r:RollCall) WHERE r.rcid > 1000
			CREATE (c)-[:VOTED {vote: CASE r.rcid % 3 WHEN 0 THEN 'YES' WHEN 1 THEN 'NO' ELSE 'ABSTAIN' END}]->(r)`,
			map[string]any{"id": fmt.Sprintf("country:B%02d", c), "iso3": fmt.Sprintf("B%02d", c), "name": fmt.Sprintf("Bench %02d", c)})
	}
	ctx := context.Background()
	one := []string{"country:B00"}
	var twenty []string
	for c := range 20 {
		twenty = append(twenty, fmt.Sprintf("country:B%02d", c))
	}
	// A cursor 4,900 votes deep.
	deep, err := s.VotePages(ctx, store.VotesOfCountry, one, store.VoteQuery{First: 4900})
	if err != nil || len(deep["country:B00"].Edges) != 4900 {
		b.Fatalf("deep cursor: %v", err)
	}
	after := deep["country:B00"].Edges[4899].Cursor
	humanRights := store.Filter{Rels: []store.RelFilter{{Type: store.RelAddresses, Dir: store.Outgoing, Other: store.LabelIssueArea,
		Where: store.Filter{Conds: []store.Cond{{Prop: "id", Op: store.OpEq, Value: "issue:human-rights"}}}}}}

	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"first page of 20", func() error {
			_, err := s.VotePages(ctx, store.VotesOfCountry, one, store.VoteQuery{First: 20})
			return err
		}},
		{"page of 20 after 4900", func() error {
			_, err := s.VotePages(ctx, store.VotesOfCountry, one, store.VoteQuery{First: 20, After: &after})
			return err
		}},
		{"human-rights page of 20", func() error {
			_, err := s.VotePages(ctx, store.VotesOfCountry, one, store.VoteQuery{First: 20, Other: humanRights})
			return err
		}},
		{"count", func() error {
			_, err := s.VoteCounts(ctx, store.VotesOfCountry, one, store.VoteQuery{})
			return err
		}},
		{"20 countries' first pages", func() error {
			_, err := s.VotePages(ctx, store.VotesOfCountry, twenty, store.VoteQuery{First: 20})
			return err
		}},
		{"a roll call's 30 votes", func() error {
			_, err := s.VotePages(ctx, store.VotesOfRollCall, []string{"rollcall:bench-3000"}, store.VoteQuery{First: 100})
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
