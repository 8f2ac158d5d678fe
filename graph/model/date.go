package model

import (
	"io"
	"regexp"
	"strconv"
	"time"
)

// Date is a calendar date that keeps its precision: "1999", "1998-12" or
// "1998-05-11". It is stored in Neo4j as the same string, so lexical order is
// chronological order and nothing is invented.
type Date string

var dateShape = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// ParseDate validates s and returns it as a Date.
func ParseDate(s string) (Date, error) {
	m := dateShape.FindStringSubmatch(s)
	if m == nil {
		return "", dateErrorf("%q is not a date: use YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	year, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		month, _ := strconv.Atoi(m[2])
		if month < 1 || month > 12 {
			return "", dateErrorf("%q is not a date: month %02d does not exist", s, month)
		}
		if m[3] != "" {
			day, _ := strconv.Atoi(m[3])
			t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
			if day < 1 || t.Day() != day {
				return "", dateErrorf("%q is not a date: %s has no day %02d", s, time.Month(month), day)
			}
		}
	}
	return Date(s), nil
}

// Precision says whether the date is known to the day, month or year.
func (d Date) Precision() DatePrecision {
	switch len(d) {
	case 4:
		return DatePrecisionYear
	case 7:
		return DatePrecisionMonth
	default:
		return DatePrecisionDay
	}
}

// Range returns the first and last day the date stands for: "1998-12"
// covers 1998-12-01 to 1998-12-31.
func (d Date) Range() (first, last time.Time) {
	s := string(d)
	year, _ := strconv.Atoi(s[:4])
	switch d.Precision() {
	case DatePrecisionYear:
		first = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(1, 0, -1)
	case DatePrecisionMonth:
		month, _ := strconv.Atoi(s[5:7])
		first = time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1)
	default:
		t, _ := time.Parse("2006-01-02", s)
		return t, t
	}
}

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL accepts only well-formed, existing dates.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return dateErrorf("a Date must be a string such as \"1998-05-11\", \"1998-12\" or \"1999\"")
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
