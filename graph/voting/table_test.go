package voting

// The table's rules on small hand-made tables, where each expected answer
// is worked out in the comment beside it (the real data are checked in
// api_test.go against the dataset files).

import (
	"reflect"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
)

// table builds a table of roll calls on the given days; votes[c] is
// country c's votes, one letter per roll call: y, n, a or - (absent).
func table(days []string, names []string, votes []string) *Table {
	rows := &store.VoteRows{}
	for i, d := range days {
		rows.RollCalls = append(rows.RollCalls, store.VoteRollCall{RCID: int64(100 + i), ID: "rc", Date: d})
	}
	code := map[byte]int64{'y': 1, 'n': 2, 'a': 3}
	for c, name := range names {
		vc := store.VoteCountry{ID: "country:" + name, Name: name}
		for i := range days {
			if k, ok := code[votes[c][i]]; ok {
				vc.Packed = append(vc.Packed, int64(100+i)*4+k)
			}
		}
		rows.Countries = append(rows.Countries, vc)
	}
	return NewTable(rows)
}

func TestSelectWindow(t *testing.T) {
	tb := table([]string{"1999-12-31", "2000-01-01", "2000-06-15", "2000-12-31", "2001-01-01"}, nil, nil)
	cases := []struct {
		from, to string
		want     []int
	}{
		{"", "", []int{0, 1, 2, 3, 4}},
		{"2000-01-01", "2000-12-31", []int{1, 2, 3}}, // both ends included
		{"2000-06-16", "", []int{3, 4}},
		{"", "1999-12-31", []int{0}},
		{"2002-01-01", "", []int{}},
	}
	for _, c := range cases {
		if got := tb.Select(c.from, c.to, ""); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Select(%q, %q) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestLikeMindedOrder(t *testing.T) {
	// A votes y y y y y y. B agrees 3 of 3 (1.0); C 6 of 6 (1.0, more
	// votes: before B); D and E 2 of 4 each (0.5; E's name first, but
	// D is "Dee" < "Eee": D first); F votes once (below minVotes 2).
	tb := table([]string{"2000-01-01", "2000-01-02", "2000-01-03", "2000-01-04", "2000-01-05", "2000-01-06"},
		[]string{"A", "B", "C", "Eee", "Dee", "F"},
		[]string{"yyyyyy", "yyy---", "yyyyyy", "yynn--", "nnyy--", "y-----"})
	a, _ := tb.Country("country:A")
	var got []string
	for _, r := range tb.LikeMinded(tb.Select("", "", ""), a, 2) {
		got = append(got, tb.Countries[r.Country].Name)
	}
	if want := []string{"C", "B", "Dee", "Eee"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	b, _ := tb.Country("country:B")
	if p := tb.Agreement(tb.Select("", "", ""), a, b); p != (Pair{Votes: 3, Agreed: 3}) {
		t.Errorf("A–B %+v", p)
	}
	e, _ := tb.Country("country:Eee")
	// A and Eee differ on days 3 and 4 (indexes 2, 3): most recent first.
	if got := tb.Disagreements(tb.Select("", "", ""), a, e, 10); !reflect.DeepEqual(got, []int{3, 2}) {
		t.Errorf("disagreements %v", got)
	}
}

func TestBlocsTwoCamps(t *testing.T) {
	// Two camps of three that always vote together and always against
	// each other (on 8 roll calls), and agree on 4 others: Louvain must
	// find the camps.
	days := []string{"2000-01-01", "2000-01-02", "2000-01-03", "2000-01-04", "2000-01-05", "2000-01-06",
		"2000-01-07", "2000-01-08", "2000-01-09", "2000-01-10", "2000-01-11", "2000-01-12"}
	west, east := "yyyyyyyyyyyy", "nnnnnnnnyyyy"
	tb := table(days, []string{"P", "Q", "R", "X", "Y", "Z"}, []string{west, west, west, east, east, east})
	o := BlocOptions{MinVotes: 5, Resolution: 1, Seed: 1, CohesiveVotes: 2}
	p := tb.Blocs(tb.Select("", "", ""), o)
	var got [][]string
	for _, b := range p.Blocs {
		var names []string
		for _, m := range b.Members {
			names = append(names, tb.Countries[m].Name)
		}
		got = append(got, names)
		// Inside a camp every pair agrees on all 12: 3 pairs × 12.
		if b.Agreement != (Pair{Votes: 36, Agreed: 36}) {
			t.Errorf("bloc %v agreement %+v", names, b.Agreement)
		}
		// The cohesive votes are contested ones: all 3 members one way,
		// all 3 others the other way.
		for _, v := range b.Votes {
			if v.Cast != 3 || v.Voting != 3 || v.OthersCast != 0 || v.OthersVoting != 3 {
				t.Errorf("bloc %v vote %+v", names, v)
			}
		}
	}
	if want := [][]string{{"P", "Q", "R"}, {"X", "Y", "Z"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("blocs %v, want %v", got, want)
	}
	// Q by hand: inside pairs weigh 1 (12 of 12), cross pairs 1/3 (4 of
	// 12). k_i = 2·1 + 3·1/3 = 3, 2m = 6·3 = 18, k_i k_j / 2m = 1/2. Per
	// camp, over ordered pairs: 6 × (1 − 1/2) off the diagonal and
	// 3 × (0 − 1/2) on it: 1.5; two camps: 3; Q = 3 / 18.
	if want := 3.0 / 18; p.Modularity < want-1e-12 || p.Modularity > want+1e-12 {
		t.Errorf("modularity %v, want %v", p.Modularity, want)
	}
	if again := tb.Blocs(tb.Select("", "", ""), o); !reflect.DeepEqual(again, p) {
		t.Error("not deterministic")
	}
}
