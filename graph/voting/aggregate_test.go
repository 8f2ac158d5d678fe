package voting_test

// rollCalls' aggregate on the whole voting data: roll calls counted by
// year, session and issue area, every count compared with the roll calls
// of un_roll_calls.csv.gz and un_roll_call_issues.csv.gz read here.

import (
	"reflect"
	"sort"
	"strconv"
	"testing"
)

// issueOfCode maps the dataset's topic codes to the importer's issue
// areas, as docs/data.md documents them.
var issueOfCode = map[string]string{"hr": "issue:human-rights", "di": "issue:arms-control-disarmament",
	"nu": "issue:nuclear-weapons", "co": "issue:colonialism", "me": "issue:palestinian-conflict", "ec": "issue:economic-development"}

type group struct {
	Key   *string
	Count int
}

// groupsOf counts the keys the way the API orders groups: by count
// (largest first), then key, the null group (a nil key) last among equals.
func groupsOf(keys [][]string) []group {
	counts, nulls := map[string]int{}, 0
	for _, ks := range keys {
		if len(ks) == 0 {
			nulls++
		}
		for _, k := range ks {
			counts[k]++
		}
	}
	out := []group{}
	for k, c := range counts {
		out = append(out, group{Key: &k, Count: c})
	}
	if nulls > 0 {
		out = append(out, group{Count: nulls})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Key == nil || b.Key == nil {
			return b.Key == nil && a.Key != nil
		}
		return *a.Key < *b.Key
	})
	return out
}

func TestRollCallAggregates(t *testing.T) {
	_, fv := fixture(t)
	a := sharedAPI(t)
	const q = `query($where: RollCallWhere) { rollCalls(where: $where, first: 1) { totalCount edges { node { id } } aggregate { count
	  year: groupBy(field: YEAR) { key count } session: groupBy(field: SESSION) { key count } issue: groupBy(field: ISSUE_AREA) { key count } } } }`
	for _, c := range []struct {
		name  string
		where map[string]any
		w     window
	}{
		{"1995 to 2004", map[string]any{"from": "1995", "to": "2004"}, window{from: "1995-01-01", to: "2004-12-31"}},
		{"human rights, all years", map[string]any{"issueArea": "issue:human-rights"}, window{code: "hr"}},
		{"nuclear weapons in the 1980s", map[string]any{"from": "1980", "to": "1989-12", "issueArea": "issue:nuclear-weapons"},
			window{from: "1980-01-01", to: "1989-12-31", code: "nu"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sel := fv.selected(c.w)
			if len(sel) < 50 {
				t.Fatalf("the files have %d roll calls in %+v", len(sel), c.w)
			}
			var years, sessions, issues [][]string
			for _, rc := range sel {
				years = append(years, []string{rc.date[:4]})
				sessions = append(sessions, []string{strconv.Itoa(rc.session)})
				var is []string
				for code := range rc.codes {
					is = append(is, issueOfCode[code])
				}
				issues = append(issues, is)
			}
			var d struct {
				RollCalls struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
					Aggregate  struct {
						Count                int
						Year, Session, Issue []group
					}
				}
			}
			a.on(t).ok(q, map[string]any{"where": c.where}, &d)
			agg := d.RollCalls.Aggregate
			if agg.Count != len(sel) || d.RollCalls.TotalCount != len(sel) || len(d.RollCalls.Edges) != 1 {
				t.Errorf("count %d, totalCount %d, %d edges; the files: %d roll calls", agg.Count, d.RollCalls.TotalCount, len(d.RollCalls.Edges), len(sel))
			}
			if w := groupsOf(years); !reflect.DeepEqual(agg.Year, w) {
				t.Errorf("by year:\n got %s\nwant %s", show(agg.Year), show(w))
			}
			if w := groupsOf(sessions); !reflect.DeepEqual(agg.Session, w) {
				t.Errorf("by session:\n got %s\nwant %s", show(agg.Session), show(w))
			}
			if w := groupsOf(issues); !reflect.DeepEqual(agg.Issue, w) {
				t.Errorf("by issue area:\n got %s\nwant %s", show(agg.Issue), show(w))
			}
		})
	}
}

func show(gs []group) string {
	s := ""
	for _, g := range gs {
		k := "null"
		if g.Key != nil {
			k = *g.Key
		}
		s += k + "=" + strconv.Itoa(g.Count) + " "
	}
	return s
}

// on is the api for subtest t.
func (a *api) on(t *testing.T) *api { return &api{t: t, srv: a.srv} }
