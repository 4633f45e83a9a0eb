//go:build !windows

// reset_other.go holds resetErrno outside Windows, where syscall.ECONNRESET
// and EPIPE (checked in httpwire.go) are all the reset codes there are.

package httpwire

func resetErrno(error) bool { return false }
