// read.go holds verify's reader: files, directories and streams turned into
// batches of payloads, read straight into recycled buffers.

package verify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/input"
)

// A batch is a run of payloads from one source, checked by one worker.
// Payloads are ranges of buf, which the reader reads the input into.
type batch struct {
	file    string
	items   []item
	buf     []byte
	results []Result
	// used counts the results that checkBatch has written at least once.
	used int
	done chan struct{}
}

// item is one payload of a batch (or a pre-made unreadable row).
type item struct {
	start, end int
	line       int
	// torn: the last line of its source, with no newline after it.
	torn bool
	// errMsg, when set, makes the row unreadable without parsing.
	errMsg string
}

// Batch limits. Smaller batches touch fewer fresh pages (every batch that
// can be in flight has its own buffer) at the cost of more hand-offs;
// 256 KiB halved the page faults of a 100k-line run against 512 KiB and
// lowered its CPU time by about 6%, with the same wall time or better.
// batchItems is above what a buffer of the other families' shorter lines
// holds (~700 of 370 bytes): at 512, such batches outgrew their item and
// result slices and reallocated them, fresh pages each time (a mixed-family
// 100k-line file: 3,264 -> 2,720 page faults, CPU 104 -> 100 ms).
const (
	batchItems = 1024
	batchBytes = 256 << 10
)

func newBatch() *batch {
	return &batch{
		items:   make([]item, 0, batchItems),
		buf:     make([]byte, 0, batchBytes+4096),
		results: make([]Result, 0, batchItems),
		done:    make(chan struct{}, 1),
	}
}

func (b *batch) reset() {
	b.file = ""
	b.items = b.items[:0]
	b.buf = b.buf[:0]
	// results keep their Reasons backing arrays for reuse.
}

// batchPool recycles batches. Unlike sync.Pool it is not emptied by the
// garbage collector, so a long run reuses the same few buffers (no fresh
// pages to fault in and zero), and it holds at most as many batches as can
// be in flight, which bounds memory.
type batchPool struct{ free chan *batch }

func newBatchPool(n int) *batchPool { return &batchPool{free: make(chan *batch, n)} }

func (p *batchPool) get() *batch {
	select {
	case b := <-p.free:
		return b
	default:
		return newBatch()
	}
}

func (p *batchPool) put(b *batch) {
	b.reset()
	select {
	case p.free <- b:
	default:
	}
}

func (b *batch) full() bool { return len(b.items) >= batchItems || len(b.buf) >= batchBytes }

// reader turns inputs into batches, in order.
type reader struct {
	ctx   context.Context
	opts  *Options
	pool  *batchPool
	work  chan<- *batch
	order chan<- *batch
	cur   *batch
}

func newReader(ctx context.Context, opts *Options, pool *batchPool, work, order chan<- *batch) *reader {
	return &reader{ctx: ctx, opts: opts, pool: pool, work: work, order: order}
}

func (r *reader) run(inputs []Input) {
	for _, in := range inputs {
		if r.ctx.Err() != nil {
			return
		}
		switch {
		case in.Reader != nil:
			name := in.Name
			if name == "" {
				name = "stdin"
			}
			r.stream(name, in.Reader)
		default:
			r.path(in.Path)
		}
	}
	r.flush()
}

func (r *reader) path(p string) {
	st, err := os.Stat(p)
	if err != nil {
		r.fileError(p, "unreadable: "+input.DescribeOpenError(err))
		return
	}
	if !st.IsDir() {
		r.file(p)
		return
	}
	var files []string
	// The walk never stops: an unreadable entry is listed, and reported when
	// it is opened.
	_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			files = append(files, path) // reported when opened
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && input.HasExtension(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files) // WalkDir is lexical already; make it explicit
	if len(files) == 0 {
		r.fileError(p, "directory holds no "+strings.Join(input.Extensions, ", ")+" files")
		return
	}
	for _, f := range files {
		if r.ctx.Err() != nil {
			return
		}
		r.file(f)
	}
}

func (r *reader) file(p string) {
	f, err := os.Open(p)
	if err != nil {
		r.fileError(p, "unreadable: "+input.DescribeOpenError(err))
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		r.fileError(p, "unreadable: is a directory")
		return
	}
	r.stream(p, f)
}

// fileError reports a whole source as unreadable (line 0).
func (r *reader) fileError(name, msg string) {
	r.add(name, nil, item{line: 0, errMsg: msg})
}

// minRead is the least free space a read is given.
const minRead = 64 << 10

// stream reads one source: a whole multi-line JSON object as one payload,
// otherwise one payload per line. It reads straight into batch buffers (no
// intermediate copy); a partial last line moves to the next batch. A line
// longer than the payload limit is skipped through its newline without
// being held in memory.
func (r *reader) stream(name string, src io.Reader) {
	s := &lineStream{r: r, name: name, src: src, max: r.opts.MaxSize}
	s.run()
}

type lineStream struct {
	r    *reader
	name string
	src  io.Reader
	max  int

	b     *batch
	start int // where the current, incomplete line starts in b.buf
	line  int
	eof   bool
	err   error // a read error other than EOF
}

// fill reads once into the free space of the batch buffer.
func (s *lineStream) fill() {
	b := s.b
	if cap(b.buf)-len(b.buf) < minRead {
		b.buf = slices.Grow(b.buf, minRead)
	}
	n, err := s.src.Read(b.buf[len(b.buf):cap(b.buf)])
	b.buf = b.buf[:len(b.buf)+n]
	if err != nil {
		s.eof = true
		if err != io.EOF {
			s.err = err
		}
	}
}

func (s *lineStream) run() {
	r := s.r
	s.b = r.batchFor(s.name)
	s.start = len(s.b.buf)
	if s.whole() {
		return
	}
	scan := s.start
	for {
		if r.ctx.Err() != nil {
			return
		}
		b := s.b
		for {
			i := bytes.IndexByte(b.buf[scan:], '\n')
			if i < 0 {
				break
			}
			end := scan + i
			s.line++
			s.addLine(s.start, end, true)
			s.start = end + 1
			scan = s.start
		}
		scan = len(b.buf)
		if len(b.buf)-s.start > s.max+1 { // +1: a "\r" before the newline
			s.line++
			n := s.skipLong()
			b.items = append(b.items, item{line: s.line, errMsg: fmt.Sprintf("unreadable: line is %s, over the %s payload limit (--max-size)", input.SizeText(n), input.SizeText(s.max))})
			scan = s.start
			continue
		}
		if s.eof {
			if s.start < len(b.buf) {
				s.line++
				s.addLine(s.start, len(b.buf), false)
			}
			if s.err != nil {
				b.items = append(b.items, item{line: s.line + 1, errMsg: "unreadable: read error: " + s.err.Error()})
			}
			return
		}
		if len(b.items) > 0 && (b.full() || cap(b.buf)-len(b.buf) < minRead) {
			s.handOff()
			scan = len(s.b.buf)
		}
		s.fill()
	}
}

// handOff sends the batch's complete lines on and carries the partial
// line into a fresh batch.
func (s *lineStream) handOff() {
	r, b := s.r, s.b
	nb := r.pool.get()
	nb.file = s.name
	nb.buf = append(nb.buf[:0], b.buf[s.start:]...)
	b.buf = b.buf[:s.start]
	r.cur = b
	r.flush()
	r.cur, s.b, s.start = nb, nb, 0
}

// skipLong drops the current over-long line through its newline and returns
// its length (without the newline). Bytes after the newline are kept.
func (s *lineStream) skipLong() int {
	b := s.b
	n := len(b.buf) - s.start
	b.buf = b.buf[:s.start]
	for !s.eof {
		s.fill()
		if i := bytes.IndexByte(b.buf[s.start:], '\n'); i >= 0 {
			n += i
			s.start += i + 1 // the bytes between stay in buf, unreferenced
			return n
		}
		n += len(b.buf) - s.start
		b.buf = b.buf[:s.start]
	}
	return n
}

// addLine records b.buf[start:end] (without its newline) as a payload.
func (s *lineStream) addLine(start, end int, newline bool) {
	b := s.b
	if end > start && b.buf[end-1] == '\r' {
		end--
	}
	switch content := b.buf[start:end]; {
	case input.IsBlank(content):
	case len(content) > s.max:
		b.items = append(b.items, item{line: s.line, errMsg: fmt.Sprintf("unreadable: line is %s, over the %s payload limit (--max-size)", input.SizeText(len(content)), input.SizeText(s.max))})
	default:
		b.items = append(b.items, item{start: start, end: end, line: s.line, torn: !newline})
	}
}

// whole reads a source that may be one pretty-printed JSON object (like
// testdata/payloads/*) and, when it is, adds it as one payload. It only
// reads ahead when the first line cannot be a payload on its own, so a
// JSON-lines stream is not read past its first line here. (Rows still come
// out a batch at a time, or when the input ends.)
func (s *lineStream) whole() bool {
	b := s.b
	for !s.eof && bytes.IndexByte(b.buf[s.start:], '\n') < 0 && len(b.buf)-s.start <= s.max {
		s.fill()
	}
	head := b.buf[s.start:]
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	} else {
		return false // one line (or over the limit): the line loop handles it
	}
	first := bytes.TrimSpace(head)
	// callback.ValidJSON counts the depth first: gjson.Valid recurses per
	// level, and with a large --max-size a first line of millions of '['
	// would overflow the stack.
	if len(first) > 0 && (first[0] != '{' || callback.ValidJSON(input.UnsafeString(first))) {
		return false
	}
	for !s.eof && len(b.buf)-s.start <= s.max {
		s.fill()
	}
	all := b.buf[s.start:]
	if !s.eof || s.err != nil || len(all) > s.max {
		return false
	}
	lead := len(all) - len(bytes.TrimLeft(all, " \t\r\n"))
	trimmed := bytes.TrimSpace(all)
	if len(trimmed) == 0 || trimmed[0] != '{' || bytes.IndexByte(trimmed, '\n') < 0 {
		return false
	}
	// A first line of just "{", or one that leaves its object open with the
	// next line going on with a key or closing it, can only open a
	// pretty-printed object: keep the file whole even when it is broken, so
	// its one error names the byte, instead of one misleading error per line.
	if !opensAlone(trimmed) && !input.ContinuesObject(trimmed) && !callback.ValidJSON(input.UnsafeString(trimmed)) {
		return false
	}
	line := 1 + bytes.Count(all[:lead], []byte{'\n'})
	b.items = append(b.items, item{start: s.start + lead, end: s.start + lead + len(trimmed), line: line})
	return true
}

// opensAlone reports whether b starts with a "{" alone on its line.
func opensAlone(b []byte) bool {
	rest := bytes.TrimLeft(b[1:], " \t\r")
	return len(rest) > 0 && rest[0] == '\n'
}

// batchFor returns the current batch when it holds name's payloads and has
// room, else flushes it and starts a new one.
func (r *reader) batchFor(name string) *batch {
	if r.cur != nil && (r.cur.file != name || r.cur.full()) {
		r.flush()
	}
	if r.cur == nil {
		r.cur = r.pool.get()
		r.cur.file = name
	}
	return r.cur
}

// add appends one payload to the current batch, sending it when full or
// when the source changes.
func (r *reader) add(name string, data []byte, it item) {
	b := r.batchFor(name)
	it.start = len(b.buf)
	b.buf = append(b.buf, data...)
	it.end = len(b.buf)
	b.items = append(b.items, it)
}

// flush hands the current batch to the workers, then to the emitter.
// Work first: the emitter only waits on batches a worker has.
func (r *reader) flush() {
	b := r.cur
	if b == nil {
		return
	}
	r.cur = nil
	select {
	case r.work <- b:
	case <-r.ctx.Done():
		return
	}
	select {
	case r.order <- b:
	case <-r.ctx.Done():
	}
}
