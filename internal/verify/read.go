package verify

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/tidwall/gjson"
)

// A batch is a run of payloads from one source, checked by one worker.
// Payload bytes are copied into buf, so the reader's buffer can move on.
type batch struct {
	file    string
	items   []item
	buf     []byte
	results []Result
	done    chan struct{}
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

const (
	batchItems = 256
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

func (b *batch) full() bool { return len(b.items) >= batchItems || len(b.buf) >= batchBytes }

// reader turns inputs into batches, in order.
type reader struct {
	ctx   context.Context
	opts  *Options
	pool  *sync.Pool
	work  chan<- *batch
	order chan<- *batch
	br    *bufio.Reader
	cur   *batch
}

func newReader(ctx context.Context, opts *Options, pool *sync.Pool, work, order chan<- *batch) *reader {
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
		r.fileError(p, describeOpenError(err))
		return
	}
	if !st.IsDir() {
		r.file(p)
		return
	}
	var files []string
	walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			files = append(files, path) // reported when opened
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && hasExtension(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	if walkErr != nil {
		r.fileError(p, walkErr.Error())
	}
	sort.Strings(files) // WalkDir is lexical already; make it explicit
	if len(files) == 0 {
		r.fileError(p, "directory holds no "+strings.Join(Extensions, ", ")+" files")
		return
	}
	for _, f := range files {
		if r.ctx.Err() != nil {
			return
		}
		r.file(f)
	}
}

func hasExtension(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

func describeOpenError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "unreadable: no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "unreadable: permission denied"
	}
	return "unreadable: " + err.Error()
}

func (r *reader) file(p string) {
	f, err := os.Open(p)
	if err != nil {
		r.fileError(p, describeOpenError(err))
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

// stream reads one source: a whole multi-line JSON object as one payload,
// otherwise one payload per line.
func (r *reader) stream(name string, src io.Reader) {
	max := r.opts.MaxSize
	if r.br == nil {
		r.br = bufio.NewReaderSize(src, max+2)
	} else {
		r.br.Reset(src)
	}
	br := r.br

	// A whole pretty-printed JSON object (like testdata/payloads/*) is one
	// payload. Only look ahead when the first line cannot be a payload on
	// its own, so a JSON-lines stream is never held up.
	if wholeCandidate(br) {
		head, err := br.Peek(max + 1)
		if len(head) <= max && (err == io.EOF || err == nil) {
			trimmed := bytes.TrimSpace(head)
			if len(trimmed) > 0 && trimmed[0] == '{' && bytes.IndexByte(trimmed, '\n') >= 0 && gjson.ValidBytes(trimmed) {
				lead := bytes.IndexByte(head, '{')
				line := 1 + bytes.Count(head[:lead], []byte{'\n'})
				r.add(name, trimmed, item{line: line})
				_, _ = br.Discard(len(head))
				return
			}
		}
	}

	line := 0
	for {
		if r.ctx.Err() != nil {
			return
		}
		data, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			line++
			n := len(data)
			for errors.Is(err, bufio.ErrBufferFull) {
				data, err = br.ReadSlice('\n')
				n += len(data)
			}
			if n > 0 && err == nil {
				n-- // the newline
			}
			r.add(name, nil, item{line: line, errMsg: fmt.Sprintf("unreadable: line is %s, over the %s payload limit (--max-size)", sizeText(n), sizeText(max))})
			if err != nil {
				r.readError(name, line, err)
				return
			}
			continue
		}
		if len(data) == 0 && err != nil {
			r.readError(name, line, err)
			return
		}
		line++
		newline := len(data) > 0 && data[len(data)-1] == '\n'
		content := data
		if newline {
			content = content[:len(content)-1]
		}
		if len(content) > 0 && content[len(content)-1] == '\r' {
			content = content[:len(content)-1]
		}
		switch {
		case isBlank(content):
		case len(content) > max:
			r.add(name, nil, item{line: line, errMsg: fmt.Sprintf("unreadable: line is %s, over the %s payload limit (--max-size)", sizeText(len(content)), sizeText(max))})
		default:
			r.add(name, content, item{line: line, torn: !newline})
		}
		if err != nil {
			r.readError(name, line, err)
			return
		}
	}
}

// wholeCandidate peeks at the first line (without waiting for more input
// than it needs): a blank line, or a "{" that is not complete JSON on its
// own, may start a multi-line object.
func wholeCandidate(br *bufio.Reader) bool {
	n := 1
	for {
		_, err := br.Peek(n)
		all, _ := br.Peek(br.Buffered())
		if i := bytes.IndexByte(all, '\n'); i >= 0 {
			first := bytes.TrimSpace(all[:i])
			return len(first) == 0 || (first[0] == '{' && !gjson.ValidBytes(first))
		}
		if err != nil {
			return false // no newline before EOF or the limit: one line
		}
		n = len(all) + 1
	}
}

func (r *reader) readError(name string, line int, err error) {
	if err == io.EOF {
		return
	}
	r.add(name, nil, item{line: line + 1, errMsg: "unreadable: read error: " + err.Error()})
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// add appends one payload to the current batch, sending it when full or
// when the source changes.
func (r *reader) add(name string, data []byte, it item) {
	if r.cur != nil && (r.cur.file != name || r.cur.full()) {
		r.flush()
	}
	if r.cur == nil {
		r.cur = r.pool.Get().(*batch)
		r.cur.file = name
	}
	b := r.cur
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
