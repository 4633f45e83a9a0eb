// listen_queue.go holds listen's output queue: handlers hand their events to
// one printer through a mutex-guarded slice and two sync.Conds (ready, room),
// or with -q render their lines themselves; listenStats counts what was shown.

package cli

import (
	"bufio"
	"io"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/listen"
)

// listenStats are counted by the printer goroutine.
type listenStats struct {
	events, badSig, failures, redeliveries, replays, saved, saveErrors, rejected int
	late                                                                         int // not printed: answered after the grace period
	hidden                                                                       int // callbacks and rejected requests the display filters hid
}

// listenSink is what listen's items are shown on, the seam between
// receiving and showing. drain hands it every item that passes the display
// filters (counted, with the hidden ones, in listenStats), in arrival
// order, from one goroutine, and calls flush after each batch. An item is
// typed: a callback (*listen.Event, judged and answered), a background
// forward attempt, or a rejected request. textSink prints them; the
// interactive inspector (--ui) is to be another sink.
type listenSink interface {
	show(it listenItem)
	flush()
}

// textSink prints items as text through the renderer.
type textSink struct {
	w *bufio.Writer
	r *listenRenderer
}

func newTextSink(w io.Writer, r *listenRenderer) *textSink {
	return &textSink{w: bufio.NewWriterSize(w, 64<<10), r: r}
}

func (t *textSink) show(it listenItem) { t.r.render(t.w, it) }
func (t *textSink) flush()             { t.w.Flush() }

// listenOutput is the queue between the handler goroutines and the one
// printer goroutine, which prints in arrival order. send never drops an
// item: when listenQueueMax items (or bytes, with -q) are waiting it blocks
// until the printer catches up. Items sent after close (a request still
// running when the grace period ran out) are counted, not printed.
//
// It is a mutex-guarded slice rather than a channel so that, under load,
// handlers do not wake the printer once per event: the printer takes
// everything queued, prints it with one write, then sleeps listenLinger
// before looking again; only a printer parked on an empty queue is woken.
// A lone event is printed at once.
//
// With -q (quiet set) nothing is queued but text: send renders the item's
// line itself, in the handler goroutine, appends it to the pending text and
// counts it; the event is not kept, so a request leaves no garbage behind
// for the printer.
type listenOutput struct {
	mu     sync.Mutex
	ready  *sync.Cond // the printer waits for items
	room   *sync.Cond // senders wait for room
	items  []listenItem
	parked bool
	closed bool
	late   int

	quiet  *listenRenderer // -q: render at send time
	filter *listenFilter   // the display filters (nil: none)
	text   []byte          // -q: lines waiting to be printed
	st     listenStats     // -q: counted at send time
}

const (
	listenQueueMax = 1 << 16
	listenTextMax  = 4 << 20
	listenLinger   = time.Millisecond
)

func newListenOutput(quiet *listenRenderer, filter *listenFilter) *listenOutput {
	o := &listenOutput{quiet: quiet, filter: filter}
	o.ready = sync.NewCond(&o.mu)
	o.room = sync.NewCond(&o.mu)
	return o
}

// lineBufs are scratch buffers for rendering -q lines in send.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (o *listenOutput) send(it listenItem) {
	if o.quiet != nil {
		o.sendQuiet(it)
		return
	}
	o.mu.Lock()
	if o.roomLocked(func() bool { return len(o.items) < listenQueueMax }) {
		o.items = append(o.items, it)
		o.wakeLocked()
	}
	o.mu.Unlock()
}

func (o *listenOutput) sendQuiet(it listenItem) {
	if o.filter != nil && !o.filter.shows(it) {
		o.mu.Lock()
		o.st.count(it)
		o.st.hide(it)
		o.mu.Unlock()
		return
	}
	bp := lineBufs.Get().(*[]byte)
	line := o.quiet.appendQuiet((*bp)[:0], it)
	o.mu.Lock()
	if o.roomLocked(func() bool { return len(o.text) < listenTextMax }) {
		o.text = append(o.text, line...)
		o.st.count(it)
		o.wakeLocked()
	}
	o.mu.Unlock()
	if cap(line) <= 4<<10 {
		*bp = line
		lineBufs.Put(bp)
	}
}

// roomLocked waits until hasRoom or the output is closed; it reports
// whether the item can be queued (an item arriving after close is counted
// as late instead).
func (o *listenOutput) roomLocked(hasRoom func() bool) bool {
	for !hasRoom() && !o.closed {
		o.room.Wait()
	}
	if o.closed {
		o.late++
		return false
	}
	return true
}

// take waits until something is queued (empty reports false) or the output
// is closed, lets swap move the queue out, and reports whether it is closed.
func (o *listenOutput) take(empty func() bool, swap func()) (closed bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for empty() && !o.closed {
		o.parked = true
		o.ready.Wait()
	}
	swap()
	o.room.Broadcast()
	return o.closed
}

func (o *listenOutput) wakeLocked() {
	if o.parked {
		o.parked = false
		o.ready.Signal()
	}
}

func (o *listenOutput) lateCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.late
}

func (o *listenOutput) close() {
	o.mu.Lock()
	o.closed = true
	o.ready.Signal()
	o.room.Broadcast()
	o.mu.Unlock()
}

// drain hands items to sink until close, then returns the counts. With -q
// the lines are already rendered and are written to w.
func (o *listenOutput) drain(w io.Writer, sink listenSink) listenStats {
	if o.quiet != nil {
		return o.drainText(w)
	}
	var st listenStats
	var batch []listenItem
	for {
		closed := o.take(func() bool { return len(o.items) == 0 }, func() { batch, o.items = o.items, batch[:0] })
		for i, it := range batch {
			st.count(it)
			if o.filter.shows(it) {
				sink.show(it)
			} else {
				st.hide(it)
			}
			batch[i] = listenItem{} // let the event be collected
		}
		sink.flush()
		if closed && len(batch) == 0 {
			return st
		}
		time.Sleep(listenLinger)
	}
}

// drainText is drain for -q: the lines are already rendered and counted.
func (o *listenOutput) drainText(w io.Writer) listenStats {
	var buf []byte
	for {
		closed := o.take(func() bool { return len(o.text) == 0 }, func() { buf, o.text = o.text, buf[:0] })
		if len(buf) > 0 {
			w.Write(buf)
		}
		if closed { // nothing is added after close
			o.mu.Lock()
			defer o.mu.Unlock()
			return o.st
		}
		if cap(buf) > listenTextMax {
			buf = nil
		}
		time.Sleep(listenLinger)
	}
}

// hide counts an item the filters hid (forward attempts are not counted:
// they belong to a callback).
func (st *listenStats) hide(it listenItem) {
	if it.ev != nil || it.reject != nil {
		st.hidden++
	}
}

func (st *listenStats) count(it listenItem) {
	if it.reject != nil {
		st.rejected++
	}
	ev := it.ev
	if ev == nil {
		return
	}
	st.events++
	if ev.Sig == listen.SigBad {
		st.badSig++
	}
	if ev.Status < 200 || ev.Status > 299 {
		st.failures++
	}
	switch {
	case ev.Replay:
		st.replays++
	case ev.Delivery > 1:
		st.redeliveries++
	}
	if ev.Saved {
		st.saved++
	}
	if ev.SaveErr != nil {
		st.saveErrors++
	}
}
