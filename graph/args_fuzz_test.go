package graph

import (
	"errors"
	"testing"
)

// FuzzPageArgs: pagination arguments are either refused as BAD_USER_INPUT
// naming one of them, or become a page within the limits.
func FuzzPageArgs(f *testing.F) {
	f.Add(10, true, "", false, 0, false, "", false)
	f.Add(-1, true, "x", true, 5, true, "y", true)
	f.Add(0, false, "djE6eyJrIjoiTm9yd2F5IiwiaSI6ImNvdW50cnk6Tk9SIn0", true, 3, true, "", false)
	f.Add(1000, true, "", false, 0, false, "", false)
	f.Fuzz(func(t *testing.T, first int, hasFirst bool, after string, hasAfter bool, last int, hasLast bool, before string, hasBefore bool) {
		var pf, pl *int
		var pa, pb *string
		if hasFirst {
			pf = &first
		}
		if hasLast {
			pl = &last
		}
		if hasAfter {
			pa = &after
		}
		if hasBefore {
			pb = &before
		}
		p, err := pageArgs(pf, pa, pl, pb)
		if err != nil {
			var in *InputError
			if !errors.As(err, &in) || (in.Argument != "first" && in.Argument != "last" && in.Argument != "after" && in.Argument != "before") {
				t.Fatalf("error %v does not name an argument", err)
			}
			return
		}
		if p.First < 0 || p.Last < 0 || p.First > MaxPageSize || p.Last > MaxPageSize || p.HasLast != hasLast || p.OnlyLast != (hasLast && !hasFirst) || (hasFirst && p.First != first) || (!hasFirst && p.First != DefaultPageSize) {
			t.Fatalf("page out of bounds: %+v", p)
		}
	})
}

// FuzzNormalizeISO3: accepted codes are exactly three letters A-Z.
func FuzzNormalizeISO3(f *testing.F) {
	for _, s := range []string{"NOR", "nor", " can ", "CANADA", "", "N0R", "ñor"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := normalizeISO3(s)
		if err != nil {
			return
		}
		if len(code) != 3 {
			t.Fatalf("%q accepted as %q", s, code)
		}
		for _, c := range code {
			if c < 'A' || c > 'Z' {
				t.Fatalf("%q accepted as %q", s, code)
			}
		}
	})
}
