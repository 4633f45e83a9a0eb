// emitq.go holds the event loop's hand-off of finished deliveries to emit:
// emit (a slow reader of the results: a paused terminal, a full pipe) runs
// on a goroutine of its own, so that it never holds the loop while answers
// of other deliveries are waiting to be read and timed.

package replay

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// emitBacklog is how many finished deliveries may wait for emit before the
// loop stops starting new ones. It still reads the answers of those in
// flight, so at most emitBacklog + 1 + Concurrency wait, and it starts
// again once emit has caught up: polling every millisecond while answers
// are due, else blocked on emitQueue.space (a reader paused for seconds
// costs no CPU; polling it cost 5% of a core). After an error of emit
// (stdout closed) up to about this many more deliveries may have been sent
// (256 measured no faster than 64: replay/send 0.84 against 0.83).
const emitBacklog = 64

// answers is a delivery's attempts and the bytes of their answers' bodies
// (the attempts' Body point into bodies). A slot fills one; it goes with
// the Result to emit, and back to answersPool after it.
type answers struct {
	attempts []deliver.Attempt
	bodies   []byte
}

var answersPool = sync.Pool{New: func() any { return new(answers) }}

// handed is a finished delivery on its way to emit, with what its Result
// points into: the job (the request's body) and the answers.
type handed struct {
	res *Result
	j   *job
	ans *answers
}

// emitQueue runs emit on its own goroutine, one Result at a time, in the
// order the loop hands them over. The loop hands them in batches, once per
// turn (put), and reads how many wait (backlog) and whether emit has failed.
type emitQueue struct {
	emit    func(*Result) error
	mu      sync.Mutex
	pending []handed // handed over, not yet taken by the emitter
	closed  bool
	wake    chan struct{} // something was handed over, or the queue closed
	done    chan struct{} // the emitter has returned
	waiting atomic.Int64  // handed over, not yet emitted
	failed  atomic.Bool   // err is set: emit is not called any more
	err     error         // emit's error; read after done
	// The loop, held with nothing to read, waits on space (wantSpace set)
	// for the backlog to come down to emitBacklog, or emit to fail.
	wantSpace atomic.Bool
	space     chan struct{}
}

func newEmitQueue(emit func(*Result) error) *emitQueue {
	q := &emitQueue{emit: emit, wake: make(chan struct{}, 1), done: make(chan struct{}), space: make(chan struct{}, 1)}
	go q.run()
	return q
}

// put hands batch over (the caller keeps the slice, to reuse).
func (q *emitQueue) put(batch []handed) {
	if len(batch) == 0 {
		return
	}
	q.waiting.Add(int64(len(batch)))
	q.mu.Lock()
	q.pending = append(q.pending, batch...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// backlog is how many handed-over results emit has not finished with.
func (q *emitQueue) backlog() int { return int(q.waiting.Load()) }

// waitSpace waits until the backlog is down to emitBacklog, emit has
// failed, ctx ends or until passes (zero: no limit).
func (q *emitQueue) waitSpace(ctx context.Context, until time.Time) {
	q.wantSpace.Store(true)
	defer q.wantSpace.Store(false)
	if q.backlog() <= emitBacklog || q.failed.Load() {
		return // came down before wantSpace was seen
	}
	var timeout <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(time.Until(until))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-q.space:
	case <-ctx.Done():
	case <-timeout:
	}
}

// close waits until emit has seen everything handed over and returns its
// error.
func (q *emitQueue) close() error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	<-q.done
	return q.err
}

// run is the emitter: it takes what is pending, a batch at a time, and
// emits it; after an error of emit it only releases what comes.
func (q *emitQueue) run() {
	defer close(q.done)
	var work []handed
	for {
		q.mu.Lock()
		work, q.pending = q.pending, work[:0]
		closed := q.closed
		q.mu.Unlock()
		if len(work) == 0 {
			if closed {
				return
			}
			<-q.wake
			continue
		}
		for i := range work {
			h := &work[i]
			if q.err == nil {
				if err := q.emit(h.res); err != nil {
					q.err = err
					q.failed.Store(true)
				}
			}
			h.release()
			if q.waiting.Add(-1) <= emitBacklog && q.wantSpace.Load() || q.err != nil {
				select {
				case q.space <- struct{}{}:
				default:
				}
			}
		}
		clear(work)
	}
}

// release gives h's job body and answers back for reuse.
func (h *handed) release() {
	if h.j != nil {
		h.j.release()
	}
	if a := h.ans; a != nil {
		if cap(a.bodies) <= 4*deliver.MaxBodyKeep {
			clear(a.attempts) // the headers they point to
			a.attempts, a.bodies = a.attempts[:0], a.bodies[:0]
			answersPool.Put(a)
		}
	}
}
