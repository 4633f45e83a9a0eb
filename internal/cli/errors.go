// errors.go holds the error kinds commands return (FlagError, InputError,
// CheckError, TransportError, ErrInterrupted); exitcode.go maps them.

package cli

import (
	"errors"
	"fmt"
)

// ErrCheckFailed means a check ran and failed; the verdict was already
// printed, so nothing more is said. Exit 1.
var ErrCheckFailed = errors.New("check failed")

// ErrInterrupted means the user pressed Ctrl-C. Exit 130.
var ErrInterrupted = errors.New("interrupted")

// FlagError is bad usage: a wrong flag or argument. Exit 2, with a pointer to --help.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// InputError is input that cannot be read or parsed (a missing file, a
// malformed body, no secret). Exit 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// CheckError is a failed check with a message still to print. Exit 1.
type CheckError struct{ Err error }

func (e *CheckError) Error() string { return e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// TransportError is a network failure after every retry. Exit 3.
type TransportError struct{ Err error }

func (e *TransportError) Error() string { return e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }
