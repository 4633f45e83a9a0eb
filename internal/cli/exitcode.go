// exitcode.go is the one map from errors to exit codes, and its --help text.

package cli

import (
	"context"
	"errors"
	"io/fs"

	"github.com/zegocb/zegocb/internal/callback"
)

// Exit codes: the product's table, the same for every command.
const (
	ExitOK          = 0   // all good
	ExitCheckFailed = 1   // a check failed: the endpoint answered wrongly, a payload did not verify
	ExitUsage       = 2   // bad usage or unreadable input
	ExitTransport   = 3   // network/transport failure after all retries
	ExitInterrupted = 130 // interrupted (Ctrl-C)
)

// ExitCode maps an error returned by a command to the process exit code.
// This is the only place exit codes are decided.
func ExitCode(err error) int {
	var (
		flagErr      *FlagError
		inputErr     *InputError
		parseErr     *callback.ParseError
		pathErr      *fs.PathError
		transportErr *TransportError
		checkErr     *CheckError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, ErrCheckFailed), errors.As(err, &checkErr):
		return ExitCheckFailed
	case errors.As(err, &transportErr):
		return ExitTransport
	case errors.As(err, &flagErr), errors.As(err, &inputErr), errors.As(err, &parseErr), errors.As(err, &pathErr):
		return ExitUsage
	}
	return ExitCheckFailed
}

// exitCodesHelp is shown in the root --help and in docs/.
const exitCodesHelp = `Exit codes:
  0    all good
  1    a check failed (the endpoint answered wrongly, a payload did not verify)
  2    bad usage or unreadable input (wrong flag, missing file, malformed body,
       no secret)
  3    network/transport failure after all retries
  130  interrupted (Ctrl-C)`
