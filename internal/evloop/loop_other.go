//go:build !linux

// loop_other.go: the loop needs epoll; elsewhere New returns nil and
// callers take their goroutine-per-connection path.

package evloop

import (
	"context"
	"time"
)

// Loop is the Linux event loop (loop_linux.go).
type Loop struct{}

// New returns nil: there is no event loop on this platform.
func New(context.Context, string, Config) *Loop { return nil }

func (*Loop) Run(int, Handler)      {}
func (*Loop) Stop()                 {}
func (*Loop) Conns() []*Conn        { return nil }
func (*Loop) Retire(*Conn)          {}
func (*Loop) Send(*Conn, time.Time) {}
