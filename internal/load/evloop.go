// evloop.go holds load mode's use of the event loop (internal/evloop): on
// Linux, plain http:// without --rate, one goroutine drives every
// connection of the run through its own epoll set, as wrk does, instead of
// a goroutine per connection on Go's poller. The loop keeps the goroutine
// path's behaviour: one request in flight per connection, kept-alive
// connections redialled when the server closes them (a request that finds
// its kept-alive connection closed is restamped and sent once more on a
// new one), a per-request timeout, and the same error descriptions.

package load

import (
	"context"
	"time"

	"github.com/zegocb/zegocb/internal/evloop"
)

// evLoop is the run's evloop.Handler: conns[i] belongs to workers[i].
type evLoop struct {
	r               *Runner
	ctx             context.Context
	l               *evloop.Loop
	start, deadline time.Time
	workers         []*worker
	stampers        []*Stamper
	bodies          [][]byte // the part of each connection's request the stamper rewrites
}

// newEvLoop prepares the loop, or returns nil when it cannot be used (not
// Linux, or the first connection failed: the goroutine path then reports
// that as it always has).
func newEvLoop(ctx context.Context, r *Runner, addr string, timeout time.Duration) *evLoop {
	cfg := evloop.Config{Timeout: timeout}
	if r.cfg.ExpectBody != "" {
		cfg.KeepBody = 64
	}
	l := evloop.New(ctx, addr, cfg)
	if l == nil {
		return nil
	}
	return &evLoop{r: r, ctx: ctx, l: l}
}

// run sends the requests of every worker.
func (e *evLoop) run(workers []*worker, stampers []*Stamper, head []byte, bodyLen int) {
	e.workers, e.stampers = workers, stampers
	e.bodies = make([][]byte, len(workers))
	reqs := make([][]byte, len(workers))
	for i := range workers {
		buf := make([]byte, len(head)+bodyLen)
		copy(buf, head)
		reqs[i], e.bodies[i] = buf, buf[len(head):]
		stampers[i].Into(e.bodies[i], e.start) // the fixed part of the body, once
	}
	e.l.Run(len(workers), &loadHandler{e: e, reqs: reqs})
}

type loadHandler struct {
	e    *evLoop
	reqs [][]byte
}

func (h *loadHandler) Idle(c *evloop.Conn, now time.Time) {
	e := h.e
	if c.Req == nil {
		c.Req = h.reqs[c.ID]
	}
	t0, ok := e.r.next(e.ctx, e.start, e.deadline, now)
	if !ok {
		e.l.Retire(c)
		return
	}
	e.stampers[c.ID].Restamp(e.bodies[c.ID], t0)
	e.l.Send(c, t0)
}

func (h *loadHandler) Resend(c *evloop.Conn, now time.Time) {
	h.e.stampers[c.ID].Restamp(h.e.bodies[c.ID], now)
}

func (h *loadHandler) Done(c *evloop.Conn, now time.Time) {
	w := h.e.workers[c.ID]
	w.lat.Record(now.Sub(c.Start))
	h.e.r.record(w, c.Status, c.Body, c.Rest)
}

func (h *loadHandler) Fail(c *evloop.Conn, err error, _ time.Time) {
	h.e.r.fail(h.e.workers[c.ID], err)
}

func (h *loadHandler) Wake(time.Time) time.Duration { return time.Hour }
