// reset_windows.go holds resetErrno for Windows, whose own codes for a
// reset or aborted connection are not syscall.ECONNRESET.

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
