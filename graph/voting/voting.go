// Package voting measures how alike states vote in the UN General
// Assembly: the agreement of two states, the states most like one, and
// blocs of states that vote together. It works on a Table, every roll
// call and vote held in memory (about 6,200 roll calls × 200 states, one
// byte a cell: 1.3 MB), because every measure scans many votes: reading
// the 870,000 votes from Neo4j takes seconds, scanning them here takes
// microseconds to milliseconds. The graph package keeps one Table per
// version of the voting data.
package voting

import (
	"cmp"
	"slices"
	"sort"

	"github.com/lysoen/lysoen/graph/store"
)

// Vote is one state's vote in one roll call.
type Vote int8

// The votes of the dataset; Absent: the state has no vote recorded in the
// roll call (not a member yet or any more, absent, or not voting).
const (
	Absent Vote = iota
	Yes
	No
	Abstain
)

// String is the vote as the API writes it.
func (v Vote) String() string {
	switch v {
	case Yes:
		return "YES"
	case No:
		return "NO"
	case Abstain:
		return "ABSTAIN"
	}
	return ""
}

// RollCall is one roll call of the table.
type RollCall = store.VoteRollCall

// Country is one state that voted at least once.
type Country struct {
	ID, Name string
}

// Table is every roll call and vote. RollCalls are in date order (then
// rcid), Countries in id order; votes[r][c] is Countries[c]'s vote in
// RollCalls[r]. A Table is never changed after NewTable: safe for
// concurrent use.
type Table struct {
	RollCalls []RollCall
	Countries []Country
	index     map[string]int
	issues    map[string]bool
	votes     [][]Vote
}

// NewTable builds the table from the rows the store read. A packed vote
// of an rcid that is not among the roll calls is ignored (the store reads
// both from the same graph, so there is none).
func NewTable(rows *store.VoteRows) *Table {
	t := &Table{RollCalls: rows.RollCalls, index: map[string]int{}, issues: map[string]bool{}}
	slices.SortStableFunc(t.RollCalls, func(a, b RollCall) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.RCID, b.RCID))
	})
	byRCID := make(map[int64]int, len(t.RollCalls))
	for i, rc := range t.RollCalls {
		byRCID[rc.RCID] = i
		for _, is := range rc.Issues {
			t.issues[is] = true
		}
	}
	countries := slices.Clone(rows.Countries)
	slices.SortFunc(countries, func(a, b store.VoteCountry) int { return cmp.Compare(a.ID, b.ID) })
	cells := make([]Vote, len(t.RollCalls)*len(countries))
	t.votes = make([][]Vote, len(t.RollCalls))
	for r := range t.votes {
		t.votes[r] = cells[r*len(countries) : (r+1)*len(countries) : (r+1)*len(countries)]
	}
	for c, vc := range countries {
		t.Countries = append(t.Countries, Country{ID: vc.ID, Name: vc.Name})
		t.index[vc.ID] = c
		for _, p := range vc.Packed {
			if r, ok := byRCID[p/4]; ok && p%4 != 0 {
				t.votes[r][c] = Vote(p % 4)
			}
		}
	}
	return t
}

// Country returns the index of the state with id, if it ever voted.
func (t *Table) Country(id string) (int, bool) {
	i, ok := t.index[id]
	return i, ok
}

// Addressed reports whether any roll call addresses the issue area.
func (t *Table) Addressed(issueID string) bool { return t.issues[issueID] }

// Vote returns Countries[c]'s vote in RollCalls[r].
func (t *Table) Vote(r, c int) Vote { return t.votes[r][c] }

// Select returns the indexes of the roll calls from the day from to the
// day to (YYYY-MM-DD, both included; "" leaves that end open) that
// address issueID ("" for any), in date order.
func (t *Table) Select(from, to, issueID string) []int {
	lo := 0
	if from != "" {
		lo = sort.Search(len(t.RollCalls), func(i int) bool { return t.RollCalls[i].Date >= from })
	}
	hi := len(t.RollCalls)
	if to != "" {
		hi = sort.Search(len(t.RollCalls), func(i int) bool { return t.RollCalls[i].Date > to })
	}
	out := make([]int, 0, max(hi-lo, 0))
	for r := lo; r < hi; r++ {
		if issueID == "" || slices.Contains(t.RollCalls[r].Issues, issueID) {
			out = append(out, r)
		}
	}
	return out
}

// Pair is the agreement of two states over some roll calls: in how many
// both voted, and in how many of those they cast the same vote (YES, NO or
// ABSTAIN).
type Pair struct {
	Votes, Agreed int
}

// Score is Agreed / Votes, and false when they never voted together.
func (p Pair) Score() (float64, bool) {
	if p.Votes == 0 {
		return 0, false
	}
	return float64(p.Agreed) / float64(p.Votes), true
}

// better orders pairs by score (compared exactly, as fractions), then by
// votes: -1 when p ranks before q.
func (p Pair) better(q Pair) int {
	// p.Agreed/p.Votes > q.Agreed/q.Votes  <=>  p.Agreed*q.Votes > q.Agreed*p.Votes
	if c := cmp.Compare(q.Agreed*p.Votes, p.Agreed*q.Votes); c != 0 {
		return c
	}
	return cmp.Compare(q.Votes, p.Votes)
}

// Agreement counts the roll calls of sel in which a and b both voted and
// those in which they voted alike.
func (t *Table) Agreement(sel []int, a, b int) Pair {
	var p Pair
	for _, r := range sel {
		row := t.votes[r]
		va, vb := row[a], row[b]
		if va == Absent || vb == Absent {
			continue
		}
		p.Votes++
		if va == vb {
			p.Agreed++
		}
	}
	return p
}

// Disagreements returns up to max roll calls of sel in which a and b
// voted differently, the most recent first.
func (t *Table) Disagreements(sel []int, a, b, max int) []int {
	var out []int
	for i := len(sel) - 1; i >= 0 && len(out) < max; i-- {
		row := t.votes[sel[i]]
		if va, vb := row[a], row[b]; va != Absent && vb != Absent && va != vb {
			out = append(out, sel[i])
		}
	}
	return out
}

// Ranked is another state's agreement with the state asked about.
type Ranked struct {
	Country int
	Pair
}

// LikeMinded ranks every other state by its agreement with a over sel:
// by score, then by shared votes, then by name (then id); states that
// voted with a in fewer than minVotes roll calls are left out.
func (t *Table) LikeMinded(sel []int, a, minVotes int) []Ranked {
	pairs := make([]Pair, len(t.Countries))
	for _, r := range sel {
		row := t.votes[r]
		va := row[a]
		if va == Absent {
			continue
		}
		for c, vc := range row {
			if vc == Absent {
				continue
			}
			pairs[c].Votes++
			if vc == va {
				pairs[c].Agreed++
			}
		}
	}
	var out []Ranked
	for c, p := range pairs {
		if c != a && p.Votes >= minVotes {
			out = append(out, Ranked{Country: c, Pair: p})
		}
	}
	slices.SortFunc(out, func(x, y Ranked) int {
		return cmp.Or(x.better(y.Pair), cmp.Compare(t.Countries[x.Country].Name, t.Countries[y.Country].Name),
			cmp.Compare(t.Countries[x.Country].ID, t.Countries[y.Country].ID))
	})
	return out
}
