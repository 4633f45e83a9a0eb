// validate.go holds replay's first pass: every selected line read, classified
// and checked before anything is sent, into the plan and the spool.

package replay

import (
	"bufio"
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/input"
)

// The validation pass decodes every payload before anything is sent. It
// runs on every core: the reader copies payloads into batches, workers
// classify them, and the batches are merged in input order, so the error
// reported is the first in the input and the counts are exact.

// vbatch is a run of payloads from one file, classified by one worker.
type vbatch struct {
	file  string
	index int // the file's index in run.files
	buf   []byte
	items []vitem
	// err is a reading error that follows the items (a line over the
	// limit, a read error): reported after them, in order.
	err error
	// inline: the batch's selected callbacks are spooled with their
	// bodies (they fit the budget: see spool.go).
	inline bool

	// Results, filled by the worker: the counts, and the selected
	// callbacks encoded for the spool.
	res  vresult
	out  []byte
	done chan struct{}
}

type vitem struct {
	line        int
	start, end  int
	torn, whole bool
	off         int64
}

// vresult is what a batch (or the whole input) adds up to.
type vresult struct {
	payloads       int
	selected       int
	exact, restamp int
	reasons        map[string]int
	first, last    time.Time // received times of the first and last selected records
	err            error     // the first error, in input order
}

const (
	vbatchItems = 512
	vbatchBytes = 256 << 10
)

func (b *vbatch) full() bool { return len(b.items) >= vbatchItems || len(b.buf) >= vbatchBytes }

// validate is the first pass.
func (r *run) validate(ctx context.Context) (Plan, error) {
	plan := Plan{Reasons: map[string]int{}}
	for i := range r.files {
		plan.Files = append(plan.Files, r.name(i))
	}
	spool, err := os.CreateTemp(r.opts.TempDir, "zegocb-replay-*.spool")
	if err != nil {
		return plan, &InputError{File: os.TempDir(), Msg: "cannot create the temporary copy of the selection: " + input.DescribeOpenError(err)}
	}
	r.spool = spool
	sw := bufio.NewWriterSize(spool, 256<<10)

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *vbatch, workers)
	order := make(chan *vbatch, workers+2)
	free := make(chan *vbatch, 2*workers+4) // bounds the batches in flight, and so memory
	get := func() *vbatch {
		select {
		case b := <-free:
			b.file, b.index, b.buf, b.items, b.err, b.inline, b.res, b.out = "", 0, b.buf[:0], b.items[:0], nil, false, vresult{}, b.out[:0]
			return b
		default:
			return &vbatch{buf: make([]byte, 0, vbatchBytes+4096), items: make([]vitem, 0, vbatchItems), done: make(chan struct{}, 1)}
		}
	}

	// The budget of bodies spooled inline is spent by the reader, in
	// input order, on each batch's bytes (a body is never longer than its
	// line): the batches spooled with their bodies are the input's start.
	budget := r.opts.spoolInline
	switch {
	case budget == 0:
		budget = spoolInline
	case budget < 0:
		budget = 0
	}
	go func() {
		defer close(work)
		defer close(order)
		send := func(b *vbatch) bool {
			if len(b.buf) <= budget && budget > 0 {
				b.inline = true
				budget -= len(b.buf)
			} else {
				budget = 0 // spent: every later batch refers to its lines
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case order <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for i := range r.files {
			src, closeFn, err := r.open(i)
			if err != nil {
				b := get()
				b.file, b.index, b.err = r.name(i), i, err
				send(b)
				return
			}
			s := newSource(r.name(i), src, r.opts.MaxSize)
			b := get()
			b.file, b.index = s.name, i
			for {
				it, err := s.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.err = err
					break
				}
				start := len(b.buf)
				b.buf = append(b.buf, it.data...)
				b.items = append(b.items, vitem{line: it.line, start: start, end: len(b.buf), torn: it.torn, whole: it.whole, off: it.off})
				if b.full() {
					if !send(b) {
						closeFn()
						return
					}
					b = get()
					b.file, b.index = s.name, i
				}
			}
			closeFn()
			stop := b.err != nil
			if (len(b.items) > 0 || b.err != nil) && !send(b) || stop {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &decoder{cat: r.opts.Catalog}
			var e entry
			for b := range work {
				r.classifyBatch(d, &e, b)
				b.done <- struct{}{}
			}
		}()
	}

	var total vresult
	total.reasons = plan.Reasons
	for b := range order {
		<-b.done
		if total.err == nil {
			total.merge(&b.res)
			if total.err == nil && b.err != nil {
				total.err = b.err
			}
			if total.err == nil {
				if _, err := sw.Write(b.out); err != nil {
					total.err = &InputError{File: spool.Name(), Msg: "cannot write the temporary copy of the selection: " + input.DescribeOpenError(err)}
				}
			}
			if total.err != nil {
				cancel() // stop reading: the input is unusable
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	wg.Wait()
	plan.Payloads = total.payloads
	plan.Selected, plan.ByteExact, plan.Restamped = total.selected, total.exact, total.restamp
	if total.err != nil {
		return plan, total.err
	}
	if err := parent.Err(); err != nil {
		return plan, err // interrupted while validating
	}
	if err := sw.Flush(); err != nil {
		return plan, &InputError{File: spool.Name(), Msg: "cannot write the temporary copy of the selection: " + input.DescribeOpenError(err)}
	}
	if !total.first.IsZero() && total.last.After(total.first) {
		plan.Span = total.last.Sub(total.first)
	}
	if plan.Selected == 0 {
		e := &EmptySelectionError{Selection: r.opts.Select.describe(), Payloads: plan.Payloads, Files: plan.Files}
		if (!r.opts.Select.Since.IsZero() || !r.opts.Select.Until.IsZero() || r.opts.Select.Failed) && e.Selection != "" {
			e.Hint = "--since, --until and --failed look at capture records (listen --save) only"
		}
		return plan, e
	}
	return plan, nil
}

// classifyBatch classifies a batch's payloads, stopping at its first error.
func (r *run) classifyBatch(d *decoder, e *entry, b *vbatch) {
	res := &b.res
	for _, it := range b.items {
		res.payloads++
		in := item{line: it.line, data: b.buf[it.start:it.end], torn: it.torn, whole: it.whole, off: it.off}
		sel, err := r.classify(d, b.file, in, e)
		if err != nil {
			res.err = err
			return
		}
		if sel == nil {
			continue
		}
		// Inline: within the budget, cannot be read again, or not the line
		// itself (a listen -o json line holds the callback).
		inline := b.inline || it.whole || r.files[b.index].Reader != nil || e.listen
		b.out = appendSpool(b.out, b.index, &in, inline, sel, contentTypeOf(e))
		res.selected++
		if sel.mode == ModeRestamp {
			res.restamp++
		} else {
			res.exact++
		}
		if res.reasons == nil {
			res.reasons = map[string]int{}
		}
		res.reasons[sel.reason]++
		if e.record {
			if res.first.IsZero() {
				res.first = e.received
			}
			res.last = e.received
		}
	}
}

// merge adds a later batch's result to t.
func (t *vresult) merge(b *vresult) {
	t.payloads += b.payloads
	t.selected += b.selected
	t.exact += b.exact
	t.restamp += b.restamp
	for k, v := range b.reasons {
		t.reasons[k] += v
	}
	if !b.first.IsZero() {
		if t.first.IsZero() {
			t.first = b.first
		}
		t.last = b.last
	}
	if t.err == nil {
		t.err = b.err
	}
}
