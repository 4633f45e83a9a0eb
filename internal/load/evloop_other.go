//go:build !linux

package load

import (
	"context"
	"time"
)

// evLoop is the Linux event loop (evloop_linux.go); elsewhere every run
// takes the goroutine-per-connection path.
type evLoop struct{ start, deadline time.Time }

func newEvLoop(context.Context, *Runner, string, time.Duration) *evLoop { return nil }

func (*evLoop) run([]*worker, []*Stamper, []byte, int, bool) {}
