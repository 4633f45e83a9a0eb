// feed.go holds the feeder both delivery paths take their jobs from: the
// spool read back in order, each entry made a job with its body, event and
// content type (interned, a bounded number of them).

package replay

import (
	"bufio"
	"context"
	"io"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/input"
)

// feeder reads the validated selection back from the spool, one job at a
// time, waiting for each one's slot (--preserve-timing, --rate).
type feeder struct {
	r     *run
	start time.Time
	sr    *spoolReader
	lines *lineReader
	keep  interner
	seq   int
	first time.Time
	timer *time.Timer
	e     spoolEntry
}

func (r *run) newFeeder(start time.Time) (*feeder, error) {
	if _, err := r.spool.Seek(0, io.SeekStart); err != nil {
		return nil, spoolErr(err)
	}
	f := &feeder{
		r:     r,
		start: start,
		sr:    &spoolReader{br: bufio.NewReaderSize(r.spool, 64<<10)},
		lines: &lineReader{r: r, d: &decoder{cat: r.opts.Catalog}},
		keep:  interner{},
		timer: time.NewTimer(time.Hour),
	}
	f.timer.Stop()
	return f, nil
}

func (f *feeder) close() { f.lines.close() }

// next returns the next job once it is due, io.EOF after the last one, or
// ctx's error.
func (f *feeder) next(ctx context.Context) (*job, error) {
	o := f.r.opts
	e := &f.e
	if err := f.sr.next(e); err != nil {
		return nil, err
	}
	body := e.body
	if !e.inline {
		b, err := f.lines.body(e)
		if err != nil {
			return nil, err
		}
		body = b
	}
	due := time.Duration(0)
	if o.PreserveTiming {
		if f.first.IsZero() {
			f.first = e.received
		}
		if gap := e.received.Sub(f.first); gap > 0 {
			due = time.Duration(float64(gap) / o.Speed)
		}
	}
	if o.Rate > 0 {
		if slot := time.Duration(float64(f.seq) / o.Rate * float64(time.Second)); slot > due {
			due = slot
		}
	}
	f.seq++
	if wait := due - time.Since(f.start); due > 0 && wait > 0 {
		f.timer.Reset(wait)
		select {
		case <-ctx.Done():
			f.timer.Stop()
			return nil, ctx.Err()
		case <-f.timer.C:
		}
	}
	bp := bodyPool.Get().(*[]byte)
	*bp = append((*bp)[:0], body...)
	// The entry's bytes are the reader's: the job keeps copies (recurring
	// values shared).
	keep := f.keep
	name := keep.get(input.UnsafeString(e.event))
	spec, _ := o.Catalog.Lookup(name)
	if spec != nil {
		name = spec.Ref
	}
	return &job{
		Delivery:    Delivery{Seq: f.seq, File: f.r.name(e.file), Line: e.line, Event: name, Mode: e.mode},
		room:        string(e.room),
		reason:      keep.get(input.UnsafeString(e.reason)),
		spec:        spec,
		method:      keep.get(input.UnsafeString(e.method)),
		contentType: keep.get(input.UnsafeString(e.ctype)),
		received:    e.received,
		scheduled:   due,
		buf:         bp,
	}, nil
}

// release returns j's body to the pool.
func (j *job) release() {
	*j.buf = (*j.buf)[:0]
	if cap(*j.buf) <= 64<<10 {
		bodyPool.Put(j.buf)
	}
}

// interner keeps one copy of each of a few recurring strings (methods,
// content types, unknown event names); past its size it just copies.
type interner map[string]string

// maxCached bounds the values an interner or a per-content-type cache
// keeps: past it they are made anew each time, so that memory stays flat
// whatever a capture holds.
const maxCached = 64

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(in) < maxCached {
		in[v] = v
	}
	return v
}

// contentTypeOf is the captured Content-Type, else the one the body's
// format calls for.
func contentTypeOf(e *entry) string {
	if e.contentType != "" {
		return e.contentType
	}
	if e.p != nil {
		return e.p.Format.ContentType()
	}
	return callback.Detect(e.body, "").ContentType()
}
