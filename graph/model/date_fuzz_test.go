package model

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
)

// FuzzParseDate: any string either is refused or becomes a Date whose
// range is well ordered and which survives a JSON round trip unchanged.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1999", "1998-12", "1998-05-11", "2000-02-29", "1900-02-29", "1999-13", "1999-00-10", "", "99", "1999-1-1", "１９９９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if string(d) != s {
			t.Fatalf("ParseDate(%q) = %q", s, d)
		}
		first, last := d.Range()
		if last.Before(first) {
			t.Fatalf("%q: range %v..%v", s, first, last)
		}
		var buf bytes.Buffer
		d.MarshalGQL(&buf)
		unq, err := strconv.Unquote(buf.String())
		if err != nil {
			t.Fatalf("%q marshals to %s: %v", s, buf.String(), err)
		}
		var back Date
		if err := back.UnmarshalGQL(unq); err != nil || back != d {
			t.Fatalf("%q: round trip gives %q, %v", s, back, err)
		}
	})
}

// FuzzDateShape: the hand-written shape check accepts exactly what the
// regular expression it replaced accepted.
func FuzzDateShape(f *testing.F) {
	shape := regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)
	for _, s := range []string{"1999", "1998-12", "1998-05-11", "1999-", "1999-1", "1999-12-", "1999-12-1x", "１９９９", "19999", "1999/12/01", "1999-12-01\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := dateShape(s), shape.MatchString(s); got != want {
			t.Fatalf("dateShape(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}
