package httpwire

import (
	"errors"
	"syscall"
)

// resetErrno catches Windows' own codes for a connection the peer reset
// or aborted, which are not syscall.ECONNRESET there.
func resetErrno(err error) bool {
	return errors.Is(err, syscall.WSAECONNRESET) || errors.Is(err, syscall.WSAECONNABORTED)
}
