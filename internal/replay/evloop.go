// evloop.go holds replay's delivery on the event loop (internal/evloop),
// the path of plain http:// on Linux without --preserve-timing or --rate:
// one goroutine reads the selection from the spool, drives every
// connection, judges each answer, keeps each delivery's retries in a timer
// heap (a delivery waiting for its retry holds one of the -c slots, as a
// worker does on the goroutine path, but no connection and not the loop)
// and hands each delivery as it ends to emit's own goroutine (emitq.go).
// Everything else takes the goroutine path (deliver.go, conn.go).

package replay

import (
	"bytes"
	"container/heap"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/evloop"
)

// maxDrop is how much of an answer's body past deliver.MaxBodyKeep is read
// and dropped before the connection is given up (conn.go's bound too).
const maxDrop = 4 << 20

// loopRun is one delivery pass on the loop; it is the loop's Handler.
type loopRun struct {
	r    *run
	o    *Options
	ctx  context.Context
	l    *evloop.Loop
	u    *url.URL
	w    *worker // builds requests; keeps kits and headers
	f    *feeder
	sum  *Summary
	free []*slot              // slots without a delivery
	busy []*slot              // by connection: the delivery in flight on it
	idle []*evloop.Conn       // connections without a request
	wait retryHeap            // deliveries waiting for their next attempt
	outs int                  // deliveries started, not yet reported
	fed  bool                 // the feeder has no more
	err  error                // the feeder's error
	head map[[2]string][]byte // request heads by method and content type
	// q runs emit (nil without one); batch holds what ended this turn of
	// the loop, handed to q in one go (Wake). stopped: emit failed.
	q       *emitQueue
	batch   []handed
	stopped bool
	// The last answer head parsed, and its headers: answers of one
	// endpoint mostly repeat it (Date changes once a second), and
	// attempts with the same head share the map.
	lastHead   []byte
	lastHeader http.Header
}

// slot is one delivery in progress (Options.Concurrency of them).
type slot struct {
	j   *job
	res *Result
	kit eventKit
	req []byte   // the request, head and body: every attempt sends it
	ans *answers // the attempts, and their answers' bodies
	due time.Time
}

// newLoop returns the loop path for this run, or nil when it does not
// apply: not Linux, not plain http://, a proxy, a client of the caller's,
// a dry run, timing or a rate cap, or an endpoint that does not take a
// first connection (the goroutine path reports that as it always has).
func (r *run) newLoop(ctx context.Context, u *url.URL, start time.Time) *loopRun {
	o := r.opts
	if o.DryRun || o.Client != nil || o.PreserveTiming || o.Rate > 0 || u.Scheme != "http" || o.noLoop {
		return nil
	}
	if p, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err != nil || p != nil {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	l := evloop.New(ctx, net.JoinHostPort(u.Hostname(), port), evloop.Config{
		Timeout: o.Timeout, KeepBody: deliver.MaxBodyKeep, MaxDrop: maxDrop, KeepHead: true,
	})
	if l == nil {
		return nil
	}
	lr := &loopRun{r: r, o: o, ctx: ctx, l: l, u: u, w: &worker{r: r, start: start},
		busy: make([]*slot, o.Concurrency), head: map[[2]string][]byte{}}
	for range o.Concurrency {
		lr.free = append(lr.free, &slot{})
	}
	return lr
}

// run delivers what f reads, reporting into sum.
func (lr *loopRun) run(f *feeder, sum *Summary) error {
	lr.f, lr.sum = f, sum
	sum.loop = true
	if lr.r.emit != nil {
		lr.q = newEmitQueue(lr.r.emit)
	}
	lr.l.Run(lr.o.Concurrency, lr)
	// Interrupted or stopped: what is in flight ends as interrupted, what
	// waits for a retry as it stands.
	now := time.Now()
	for id, s := range lr.busy {
		if s == nil {
			continue
		}
		start := lr.l.Conns()[id].Start
		err := lr.ctx.Err()
		if err == nil {
			err = context.Canceled
		}
		lr.busy[id] = nil
		lr.attempt(s, deliver.Attempt{Start: start, Latency: now.Sub(start), Err: err,
			Verdict: deliver.Unreachable, Reason: deliver.DescribeError(err, lr.o.Timeout)})
		lr.finish(s)
	}
	for lr.wait.Len() > 0 {
		lr.finish(heap.Pop(&lr.wait).(*slot))
	}
	if lr.q != nil {
		lr.q.put(lr.batch)
		lr.batch = lr.batch[:0]
		if err := lr.q.close(); err != nil {
			return err
		}
	}
	switch {
	case lr.ctx.Err() != nil:
		return lr.ctx.Err()
	}
	return lr.err
}

// Idle starts c's next request: a retry that is due, else the next
// callback when a slot is free. With neither, c waits (Wake); when
// everything is delivered, every connection is retired.
func (lr *loopRun) Idle(c *evloop.Conn, now time.Time) {
	if s := lr.take(now); s != nil {
		lr.send(c, s)
		return
	}
	if lr.fed && lr.outs == 0 {
		lr.l.Retire(c)
		lr.retireIdle()
		return
	}
	lr.idle = append(lr.idle, c)
}

// Wake hands what ended since its last call to emit, stops the run when
// emit has failed, starts what may start on idle connections (retries that
// are due; new deliveries once emit has caught up), and says how long the
// loop may wait.
func (lr *loopRun) Wake(now time.Time) time.Duration {
	if lr.q != nil {
		lr.q.put(lr.batch)
		lr.batch = lr.batch[:0]
		if lr.q.failed.Load() && !lr.stopped {
			lr.stopped = true
			lr.l.Stop()
		}
	}
	for len(lr.idle) > 0 {
		s := lr.take(now)
		if s == nil {
			break
		}
		c := lr.idle[len(lr.idle)-1]
		lr.idle = lr.idle[:len(lr.idle)-1]
		lr.send(c, s)
	}
	if lr.fed && lr.outs == 0 {
		lr.retireIdle()
		return 0
	}
	if lr.held() {
		// Emit is behind. With answers to read, look again in a
		// millisecond; with none (the usual case: the deliveries in flight
		// end soon after), wait for emit to catch up, or the next retry.
		if lr.outs > lr.wait.Len() {
			return time.Millisecond
		}
		var due time.Time
		if lr.wait.Len() > 0 {
			due = lr.wait[0].due
		}
		lr.q.waitSpace(lr.ctx, due)
		return 0 // Wake again, after a look at the connections
	}
	if lr.wait.Len() > 0 {
		return max(lr.wait[0].due.Sub(now), 0)
	}
	return time.Hour
}

// held reports whether emit is so far behind that no new delivery starts.
func (lr *loopRun) held() bool {
	return lr.q != nil && lr.q.backlog()+len(lr.batch) > emitBacklog
}

// retireIdle retires the idle connections: everything is delivered.
func (lr *loopRun) retireIdle() {
	for _, ic := range lr.idle {
		lr.l.Retire(ic)
	}
	lr.idle = lr.idle[:0]
}

// Resend: a retry after a stale connection sends the same bytes.
func (lr *loopRun) Resend(*evloop.Conn, time.Time) {}

// Done judges a complete answer.
func (lr *loopRun) Done(c *evloop.Conn, now time.Time) {
	s := lr.busy[c.ID]
	lr.busy[c.ID] = nil
	a := lr.answer(s, c, now)
	a.Verdict, a.Reason = s.kit.judge(a.Status, a.Body, a.Latency)
	lr.attempted(s, a, now)
}

// Fail records an attempt without a (whole) answer, as deliver.Deliver
// words it.
func (lr *loopRun) Fail(c *evloop.Conn, err error, now time.Time) {
	s := lr.busy[c.ID]
	lr.busy[c.ID] = nil
	a := lr.answer(s, c, now)
	if a.Status == 0 {
		a.Err, a.Verdict, a.Reason = err, deliver.Unreachable, deliver.DescribeError(err, lr.o.Timeout)
	} else {
		a.Verdict, a.Reason = deliver.Rejected, "status "+strconv.Itoa(a.Status)+", body cut short: "+deliver.DescribeError(err, lr.o.Timeout)
	}
	lr.attempted(s, a, now)
}

// answer is the attempt c made for s, its answer copied out of c.
func (lr *loopRun) answer(s *slot, c *evloop.Conn, now time.Time) deliver.Attempt {
	a := deliver.Attempt{Start: c.Start, Latency: now.Sub(c.Start), Status: c.Status}
	if c.Status != 0 {
		if !bytes.Equal(c.Head, lr.lastHead) || lr.lastHeader == nil {
			lr.lastHead, lr.lastHeader = append(lr.lastHead[:0], c.Head...), headerOf(c.Head)
		}
		a.Header = lr.lastHeader
		b := &s.ans.bodies
		k := len(*b)
		*b = append(*b, c.Body...)
		a.Body = (*b)[k:len(*b):len(*b)]
	}
	return a
}

// take returns the next delivery to send: a due retry, else a new one
// while a slot is free.
func (lr *loopRun) take(now time.Time) *slot {
	if lr.wait.Len() > 0 && !lr.wait[0].due.After(now) {
		return heap.Pop(&lr.wait).(*slot)
	}
	for len(lr.free) > 0 && !lr.fed && !lr.stopped && !lr.held() {
		j, err := lr.f.next(lr.ctx)
		if err != nil {
			lr.fed = true
			if err != io.EOF {
				lr.err = err
			}
			return nil
		}
		res, req, ok := lr.w.begin(j)
		if !ok {
			j.release()
			lr.report(res, nil, nil)
			continue
		}
		s := lr.free[len(lr.free)-1]
		lr.free = lr.free[:len(lr.free)-1]
		lr.outs++
		s.j, s.res, s.kit = j, res, lr.w.kit(j.spec)
		if s.ans == nil {
			s.ans = answersPool.Get().(*answers)
		}
		s.ans.attempts, s.ans.bodies = s.ans.attempts[:0], s.ans.bodies[:0]
		key := [2]string{j.method, j.contentType}
		h, ok := lr.head[key]
		if !ok {
			h = appendHead(nil, lr.u, j.method, req.Header)
			if len(lr.head) < maxCached {
				lr.head[key] = h
			}
		}
		s.req = appendBody(append(s.req[:0], h...), req.Body)
		return s
	}
	return nil
}

// send starts s's attempt on c. Its clock starts now, read afresh: the
// loop's time is that of its last wait, and the other handlers may have
// taken a while since.
func (lr *loopRun) send(c *evloop.Conn, s *slot) {
	lr.busy[c.ID] = s
	c.Req = s.req
	lr.l.Send(c, time.Now())
}

// attempt adds a to s's attempts, numbered, and tells Options.OnAttempt.
func (lr *loopRun) attempt(s *slot, a deliver.Attempt) {
	at := &s.ans.attempts
	a.N = len(*at) + 1
	if a.N > 1 {
		a.Offset = a.Start.Sub((*at)[0].Start)
	}
	*at = append(*at, a)
	if lr.o.OnAttempt != nil {
		if lr.o.Secret != "" {
			maskSecret(&a, lr.o.Secret) // on copies: the header map is shared
		}
		d := s.j.Delivery
		lr.o.OnAttempt(&d, a)
	}
}

// attempted ends s's delivery after a, or schedules its retry.
func (lr *loopRun) attempted(s *slot, a deliver.Attempt, now time.Time) {
	lr.attempt(s, a)
	n := len(s.ans.attempts)
	if a.Verdict == deliver.Accepted || a.Verdict == deliver.AcceptedWithWarning || !lr.o.Retry || n > len(s.kit.schedule) {
		lr.finish(s)
		return
	}
	gaps := deliver.Options{Schedule: s.kit.schedule, Scale: lr.o.RetryScale}
	s.due = now.Add(gaps.Gap(n - 1))
	heap.Push(&lr.wait, s)
}

// finish reports s's delivery and frees its slot.
func (lr *loopRun) finish(s *slot) {
	lr.w.end(s.res, s.ans.attempts)
	if lr.report(s.res, s.j, s.ans) {
		s.ans = nil // emit's now; the next delivery takes another
	} else {
		s.j.release()
	}
	s.j, s.res = nil, nil
	lr.free = append(lr.free, s)
	lr.outs--
}

// report counts res in and hands it, with the job and answers it points
// into, to emit; it reports whether it did (they are emit's then).
func (lr *loopRun) report(res *Result, j *job, ans *answers) bool {
	lr.sum.add(res)
	if lr.q == nil {
		return false
	}
	lr.batch = append(lr.batch, handed{res: res, j: j, ans: ans})
	return true
}

// headerOf parses the headers of an answer's head (which the loop has
// checked already): one string for the whole head, values sharing it.
func headerOf(head []byte) http.Header {
	hs := string(head)
	n := strings.Count(hs, "\n")
	h := make(http.Header, n)
	vals := make([]string, 0, n)
	for i := 0; len(hs) > 0; i++ {
		line := hs
		if k := strings.IndexByte(hs, '\n'); k >= 0 {
			line, hs = hs[:k], hs[k+1:]
		} else {
			hs = ""
		}
		line = strings.TrimSuffix(line, "\r")
		if i == 0 {
			continue // the status line
		}
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, v := http.CanonicalHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v)
		if old, ok := h[key]; ok {
			h[key] = append(old, v)
			continue
		}
		vals = append(vals, v)
		h[key] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	return h
}

// retryHeap orders the deliveries waiting for a retry by when it is due.
type retryHeap []*slot

func (h retryHeap) Len() int { return len(h) }
func (h retryHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].j.Seq < h[j].j.Seq
	}
	return h[i].due.Before(h[j].due)
}
func (h retryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *retryHeap) Push(x any)   { *h = append(*h, x.(*slot)) }
func (h *retryHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return s
}
