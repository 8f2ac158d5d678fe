package model

import (
	"errors"
	"fmt"
)

// ErrInvalidDate is matched (errors.Is) by every error of ParseDate and
// Date.UnmarshalGQL, so the API can answer BAD_USER_INPUT for a bad Date
// argument or input field.
var ErrInvalidDate = errors.New("invalid date")

type dateError struct{ msg string }

func (e *dateError) Error() string        { return e.msg }
func (e *dateError) Is(target error) bool { return target == ErrInvalidDate }

func dateErrorf(format string, a ...any) error {
	return &dateError{msg: fmt.Sprintf(format, a...)}
}
