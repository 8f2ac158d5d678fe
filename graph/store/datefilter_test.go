package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// dayRange is the first and last day a stored date ("1999", "1999-02",
// "1999-02-28") stands for: the reference the Cypher must agree with.
func dayRange(t *testing.T, s string) (time.Time, time.Time) {
	t.Helper()
	switch len(s) {
	case 4:
		d, err := time.Parse("2006", s)
		if err != nil {
			t.Fatal(err)
		}
		return d, d.AddDate(1, 0, -1)
	case 7:
		d, err := time.Parse("2006-01", s)
		if err != nil {
			t.Fatal(err)
		}
		return d, d.AddDate(0, 1, -1)
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d, d
}

// TestDateFiltersExact checks the string comparisons that date filters
// compile to (so range indexes can seek) against day arithmetic in Go, for
// every precision, both operators, open and closed bounds, with and
// without an end date, around month, year and leap-day edges.
func TestDateFiltersExact(t *testing.T) {
	s := testdb.Open(t)
	dates := []string{"1998", "1999", "2000", "1998-12", "1999-01", "1999-02", "1999-03", "2000-02", "1999-12",
		"1998-12-31", "1999-01-01", "1999-01-15", "1999-02-28", "1999-03-01", "1999-03-31", "2000-02-29", "1999-12-31", "2000-01-01"}
	var rows []map[string]any
	for _, sd := range dates {
		rows = append(rows, map[string]any{"startDate": sd})
		for _, ed := range []string{"1999", "1999-02", "1999-03-15", "2000-12"} {
			if ed >= sd[:4] {
				rows = append(rows, map[string]any{"startDate": sd, "endDate": ed})
			}
		}
	}
	rows = append(rows, map[string]any{"endDate": "1999"}) // no start date: never matches
	bounds := []string{"", "1998-12-31", "1999-01-01", "1999-02-28", "1999-03-01", "1999-12-31", "2000-02-29"}
	ctx := context.Background()
	for _, op := range []store.Op{store.OpOverlaps, store.OpWithin} {
		for _, endProp := range []string{"", "endDate"} {
			for _, from := range bounds {
				for _, to := range bounds {
					if from == "" && to == "" {
						continue
					}
					c := store.Cond{Prop: "startDate", EndProp: endProp, Op: op, Value: store.DateRange{From: from, To: to}}
					got, err := s.DateCondForTest(ctx, store.LabelEvent, c, rows)
					if err != nil {
						t.Fatalf("%+v: %v", c, err)
					}
					var want []int64
					for i, r := range rows {
						sd, ok := r["startDate"].(string)
						if !ok {
							continue
						}
						first, _ := dayRange(t, sd)
						end := sd
						if ed, ok := r["endDate"].(string); ok && endProp != "" {
							end = ed
						}
						_, last := dayRange(t, end)
						keep := true
						day := func(b string) time.Time { d, _ := time.Parse("2006-01-02", b); return d }
						if op == store.OpOverlaps {
							keep = (to == "" || !first.After(day(to))) && (from == "" || !last.Before(day(from)))
						} else {
							keep = (from == "" || !first.Before(day(from))) && (to == "" || !last.After(day(to)))
						}
						if keep {
							want = append(want, int64(i))
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s from %q to %q end %q: kept %v, want %v", op, from, to, endProp, pick(rows, got), pick(rows, want))
					}
				}
			}
		}
	}
}

func pick(rows []map[string]any, idx []int64) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = fmt.Sprint(rows[j]["startDate"], "..", rows[j]["endDate"])
	}
	return out
}
