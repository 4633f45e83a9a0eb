//go:build !windows

package httpwire

func resetErrno(error) bool { return false }
