// source.go holds the inspector's sources of entries: FileSource (a
// capture file, read as a stream) and Feed (listen's live traffic).

package inspect

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/listen"
)

// A Source delivers entries to the inspector: a capture file (NewFileSource)
// or listen's live traffic (NewFeed).
type Source interface {
	// Name is shown in the title bar.
	Name() string
	// Live reports whether entries keep arriving (listen --ui).
	Live() bool
	// start begins delivering; next then returns batches.
	start(ctx context.Context, j *judge)
	// next waits for at least one entry, then returns up to max of those
	// already waiting. done is true once the source has ended.
	next(ctx context.Context, max int) batch
}

// batch is what a source hands over in one message.
type batch struct {
	entries []*Entry
	done    bool
	err     error  // why a file source ended early (read error)
	skipped int    // lines that were neither a record nor a callback body
	skipErr string // the first such line's reason, with its line number
	dropped int64  // live: events dropped because the inspector fell behind
}

// FileSource reads a capture file (the JSON lines `listen --save` writes, or
// bare callback bodies one per line) as a stream: the inspector keeps only
// the last MaxEvents entries however long the file is.
type FileSource struct {
	name string
	r    io.Reader
	ch   chan *Entry
	end  chan batch // the final batch (counts, error), sent once
}

// NewFileSource returns a source reading r; name labels it (the file name).
func NewFileSource(r io.Reader, name string) *FileSource {
	return &FileSource{name: name, r: r, ch: make(chan *Entry, 256), end: make(chan batch, 1)}
}

func (s *FileSource) Name() string { return s.name }
func (s *FileSource) Live() bool   { return false }

// maxLine bounds one capture line: a 1 MiB body escaped as JSON, and more.
const maxLine = 16 << 20

func (s *FileSource) start(ctx context.Context, j *judge) {
	go func() {
		fin := batch{done: true}
		defer func() {
			close(s.ch)
			s.end <- fin
		}()
		br := bufio.NewReaderSize(s.r, 64<<10)
		for n := 1; ; n++ {
			line, err := readLine(br)
			if len(bytes.TrimSpace(line)) > 0 {
				e, why := parseLine(j, line, n)
				if e == nil {
					if fin.skipped == 0 {
						fin.skipErr = fmt.Sprintf("line %d: %s", n, why)
					}
					fin.skipped++
				} else {
					select {
					case s.ch <- e:
					case <-ctx.Done():
						return
					}
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					fin.err = fmt.Errorf("%s: line %d: %w", s.name, n, err)
				}
				return
			}
		}
	}()
}

// readLine returns the next line without its newline; a line over maxLine
// is an error.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("line longer than %d MiB", maxLine>>20)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// parseLine turns one line into an entry, or says why it cannot.
func parseLine(j *judge, line []byte, n int) (*Entry, string) {
	if capture.IsRecord(string(line)) {
		rec, err := capture.Parse(line)
		if err != nil {
			return nil, "capture record: " + err.Error()
		}
		return j.fromRecord(rec, n), ""
	}
	if _, err := callback.Parse(line, ""); err != nil {
		return nil, "neither a capture record nor a callback body"
	}
	return j.fromBody(line, n), ""
}

func (s *FileSource) next(ctx context.Context, max int) batch {
	var b batch
	select {
	case e, ok := <-s.ch:
		if !ok {
			return <-s.end
		}
		b.entries = append(b.entries, e)
	case <-ctx.Done():
		return batch{done: true}
	}
	for len(b.entries) < max {
		select {
		case e, ok := <-s.ch:
			if !ok {
				fin := <-s.end
				fin.entries = b.entries
				return fin
			}
			b.entries = append(b.entries, e)
		default:
			return b
		}
	}
	return b
}

// Reject is a request listen answered 404, 405 or 413 before judging it.
type Reject struct {
	At         time.Time
	Method     string
	Path       string
	RemoteAddr string
	Status     int
}

// feedLinger is how long a live batch waits for more events after its
// first: at most about 60 batches (and screen updates) a second, and a
// lone event still shows at once to the eye.
const feedLinger = 16 * time.Millisecond

// DefaultFeedBuffer is how many events a Feed holds for the inspector
// between two of its reads.
const DefaultFeedBuffer = 4096

// Feed carries listen's live traffic to the inspector. Push and PushReject
// never block: when the buffer is full (the inspector has fallen behind)
// the event is dropped from the view and counted; the capture file and
// the answer are not affected. A Feed is safe for concurrent use.
//
// Push copies the Event struct into the buffer (no allocation; a buffer of
// DefaultFeedBuffer events takes about 1.9 MB) but keeps what it points to:
// its Body, Header and Payload must not be reused after Push (do not set
// listen.Config.ReusePayloads with a Feed).
type Feed struct {
	name    string
	ch      chan feedItem
	dropped atomic.Int64
	once    sync.Once
	closed  chan struct{}
	j       *judge // set by start, before next is called
}

// feedItem is held by value: Push allocates nothing.
type feedItem struct {
	ev     listen.Event
	rej    Reject
	reject bool
}

// NewFeed returns a feed named name (e.g. "listening on 127.0.0.1:8080")
// with room for buffer events (<= 0: DefaultFeedBuffer).
func NewFeed(name string, buffer int) *Feed {
	if buffer <= 0 {
		buffer = DefaultFeedBuffer
	}
	return &Feed{name: name, ch: make(chan feedItem, buffer), closed: make(chan struct{})}
}

func (f *Feed) Name() string { return f.name }
func (f *Feed) Live() bool   { return true }

// Push hands ev to the inspector without blocking; it reports false when
// the event was dropped because the buffer was full.
func (f *Feed) Push(ev listen.Event) bool {
	select {
	case f.ch <- feedItem{ev: ev}:
		return true
	default:
		f.dropped.Add(1)
		return false
	}
}

// PushReject is Push for a rejected request.
func (f *Feed) PushReject(r Reject) bool {
	select {
	case f.ch <- feedItem{rej: r, reject: true}:
		return true
	default:
		f.dropped.Add(1)
		return false
	}
}

// Dropped is how many events were dropped so far.
func (f *Feed) Dropped() int64 { return f.dropped.Load() }

// Close tells the inspector that no more events will come (listen is
// shutting down). Push after Close still never blocks or panics.
func (f *Feed) Close() { f.once.Do(func() { close(f.closed) }) }

func (f *Feed) start(_ context.Context, j *judge) { f.j = j }

func (f *Feed) next(ctx context.Context, max int) batch {
	var it feedItem
	select {
	case it = <-f.ch:
	case <-f.closed:
		select { // closed: hand over what is still buffered first
		case it = <-f.ch:
		default:
			return batch{done: true, dropped: f.dropped.Load()}
		}
	case <-ctx.Done():
		return batch{done: true}
	}
	// Let more arrive: under load the inspector then takes a batch every
	// feedLinger (one screen update each) rather than one per handful of
	// events, which would cost listen a share of the CPU.
	t := time.NewTimer(feedLinger)
	select {
	case <-t.C:
	case <-f.closed:
		t.Stop()
	case <-ctx.Done():
		t.Stop()
	}
	b := batch{entries: []*Entry{f.convert(it)}}
	for len(b.entries) < max {
		select {
		case it = <-f.ch:
			b.entries = append(b.entries, f.convert(it))
			continue
		default:
		}
		break
	}
	b.dropped = f.dropped.Load()
	return b
}

func (f *Feed) convert(it feedItem) *Entry {
	if it.reject {
		return fromReject(it.rej)
	}
	return f.j.fromEvent(&it.ev)
}
