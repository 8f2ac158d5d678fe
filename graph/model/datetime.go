package model

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// ErrBadDateTime is wrapped by every error about a malformed DateTime.
var ErrBadDateTime = errors.New("not a valid date-time")

// DateTime is an instant in UTC, written in RFC 3339 with a Z offset and
// six fraction digits (store.InstantLayout), as the write path stores
// createdAt and updatedAt. It stays the stored string, so an updatedAt read
// and sent back as expectedUpdatedAt compares equal to the stored one.
type DateTime string

// NewDateTime writes t in UTC, to the microsecond.
func NewDateTime(t time.Time) DateTime {
	return DateTime(store.FormatInstant(t))
}

// ParseDateTime reads an RFC 3339 instant with any offset and returns it in UTC.
func ParseDateTime(s string) (DateTime, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not an RFC 3339 date-time such as \"2026-12-05T10:53:50.358Z\"", ErrBadDateTime, s)
	}
	return NewDateTime(t), nil
}

// OptDateTime converts an optional stored string.
func OptDateTime(s *string) *DateTime {
	if s == nil {
		return nil
	}
	d := DateTime(*s)
	return &d
}

// MarshalGQL writes the instant as a JSON string.
func (d DateTime) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}

// UnmarshalGQL accepts RFC 3339 instants only and converts them to UTC.
func (d *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%w: a DateTime must be a string such as \"2026-12-05T10:53:50.358Z\"", ErrBadDateTime)
	}
	parsed, err := ParseDateTime(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
