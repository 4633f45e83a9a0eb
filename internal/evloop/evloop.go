// Package evloop drives many plain-HTTP/1.1 client connections from one
// goroutine, the fast path of `send`'s load mode (internal/load) and of
// `replay` (internal/replay) on Linux: each connection is a non-blocking,
// edge-triggered socket in the loop's own epoll set, never registered with
// Go's poller, so a request costs one write and (usually) one read system
// call, and no goroutine is parked or woken.
//
// The loop knows HTTP/1.1 framing and nothing of what it sends: a Handler
// puts a request on a connection (Loop.Send), and hears back when its
// answer is complete (Done) or the request failed (Fail). The loop keeps
// one request in flight per connection, redials kept-alive connections the
// server closed (a request that finds its kept-alive connection closed
// before any answer goes once more on a new one: Handler.Resend), applies
// a per-request timeout, and bounds what it holds of an answer.
//
// evloop.go holds the API shared by every platform and the parse of
// answers; loop_linux.go the loop itself; loop_other.go its absence.
package evloop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/httpwire"
)

// Config tunes a loop.
type Config struct {
	// Timeout bounds each request, from Send (a dial included) to its
	// answer's end; 0: none.
	Timeout time.Duration
	// KeepBody is how many bytes of each answer's body Conn.Body holds; the
	// rest is counted in Conn.Rest and dropped.
	KeepBody int
	// MaxDrop, when positive, is how many body bytes past KeepBody are read
	// and dropped; past it the answer ends there and the connection is
	// closed (it cannot carry another request).
	MaxDrop int64
	// KeepHead keeps the answer's head (status line and headers) in
	// Conn.Head.
	KeepHead bool
}

// MaxHead bounds an answer's status line and headers.
const MaxHead = 1 << 20

// Handler is told what happens on the loop's connections. Its methods run
// on the loop's goroutine, one at a time; they may call Loop.Send,
// Loop.Retire and Loop.Stop.
type Handler interface {
	// Idle: c carries no request. Start its next one (Loop.Send), retire
	// it (Loop.Retire), or leave it idle until Wake sends on it.
	Idle(c *Conn, now time.Time)
	// Resend: c's request goes again on a new connection, its kept-alive
	// one having closed before answering; c.Req may be changed first.
	Resend(c *Conn, now time.Time)
	// Done: c's answer is complete (Status, Body, Rest, Head).
	Done(c *Conn, now time.Time)
	// Fail: c's request failed (no answer, a malformed one, the timeout).
	// Status is set when a head had arrived.
	Fail(c *Conn, err error, now time.Time)
	// Wake is called before each wait for events; it may start requests on
	// idle connections. It returns the longest the loop may wait before
	// calling it again.
	Wake(now time.Time) time.Duration
}

// Conn is one of the loop's connections.
type Conn struct {
	ID  int    // its index, 0 to the number of connections - 1
	Req []byte // the request: head and body, written as it is
	// Start is when the request was sent (the now given to Send).
	Start time.Time

	// The answer, in Done (and Status in Fail when a head had arrived):
	Status int
	Body   []byte // up to Config.KeepBody bytes of the body
	Rest   int64  // body bytes past Body, dropped
	Head   []byte // the final head, with Config.KeepHead
	Keep   bool   // the connection carries another request

	fd         int // -1: no connection
	gen        int32
	connecting bool
	reused     bool // the connection has carried a request already
	retried    bool // this request was resent after a stale connection
	inFlight   bool
	retired    bool
	off        int // bytes of Req written

	in []byte // received, not yet consumed
	// head scan state (scanHead): bytes of in scanned, the start of the
	// line being scanned, lines complete
	hscan, hline, hlines int
	hfirst               int // the status line's length, once it is in
	// answer state, once the head is parsed
	headDone  bool
	chunked   bool
	cpart     int   // the part of a chunked body to come
	bodyLeft  int64 // bytes of a known-length body still to come; -1: until EOF
	gotAnswer bool  // some byte of the answer arrived
}

// InFlight reports whether c carries a request.
func (c *Conn) InFlight() bool { return c.inFlight }

func (c *Conn) resetAnswer() {
	c.headDone, c.Status, c.Keep, c.chunked, c.cpart = false, 0, false, false, chunkSize
	c.bodyLeft, c.Body, c.Rest, c.gotAnswer = 0, c.Body[:0], 0, false
	c.Head = c.Head[:0]
	c.hscan, c.hline, c.hlines = 0, 0, 0
}

// parser is the loop's answer parsing state, shared by its connections.
type parser struct {
	cfg  Config
	head bytes.Reader
	br   *bufio.Reader
}

func newParser(cfg Config) *parser {
	p := &parser{cfg: cfg}
	p.br = bufio.NewReaderSize(&p.head, 8<<10)
	return p
}

// parse advances c's answer with the bytes in c.in; eof says the
// connection has ended. It reports whether the answer is complete.
func (p *parser) parse(c *Conn, eof bool) (bool, error) {
	for !c.headDone {
		end, err := scanHead(c)
		if err != nil {
			return false, err
		}
		if end < 0 {
			if eof {
				if len(c.in) == 0 {
					return false, io.EOF
				}
				return false, io.ErrUnexpectedEOF
			}
			return false, nil
		}
		p.head.Reset(c.in[:end])
		p.br.Reset(&p.head)
		h, err := httpwire.ReadHead(p.br, nil)
		if err != nil {
			c.Status = h.Status // as far as it was read
			return false, err
		}
		status, length, chunked, keep := h.Status, h.Length, h.Chunked, h.Keep
		if status >= 100 && status < 200 && status != 101 {
			c.in = c.in[:copy(c.in, c.in[end:])]
			c.Status, c.hscan, c.hline, c.hlines = 0, 0, 0, 0
			continue // an interim answer: the real one follows
		}
		if p.cfg.KeepHead {
			c.Head = append(c.Head[:0], c.in[:end]...)
		}
		c.in = c.in[:copy(c.in, c.in[end:])]
		c.headDone, c.Status, c.Keep, c.chunked = true, status, keep, chunked
		switch {
		case status == 204 || status == 304:
			return true, nil
		case chunked:
		case length >= 0:
			c.bodyLeft = length
		default:
			c.bodyLeft, c.Keep = -1, false // until the server closes
		}
	}
	if c.chunked {
		return p.parseChunked(c, eof)
	}
	// A body of known length, or one that runs until the connection ends:
	// count it as it comes, keep only the first KeepBody bytes.
	take := int64(len(c.in))
	if c.bodyLeft >= 0 {
		take = min(take, c.bodyLeft)
	}
	p.take(c, c.in[:take])
	c.in = c.in[:copy(c.in, c.in[take:])]
	if p.dropped(c) {
		return true, nil
	}
	if c.bodyLeft >= 0 {
		c.bodyLeft -= take
		if c.bodyLeft == 0 {
			return true, nil
		}
		if eof {
			return false, io.ErrUnexpectedEOF
		}
		return false, nil
	}
	return eof, nil
}

// take counts body bytes b in: the first KeepBody into Body, the rest in
// Rest.
func (p *parser) take(c *Conn, b []byte) {
	k := min(len(b), p.cfg.KeepBody-len(c.Body))
	c.Body = append(c.Body, b[:k]...)
	c.Rest += int64(len(b) - k)
}

// dropped reports whether more of the body was dropped than MaxDrop: the
// answer ends there, and the connection with it.
func (p *parser) dropped(c *Conn) bool {
	if p.cfg.MaxDrop > 0 && c.Rest >= p.cfg.MaxDrop {
		c.Keep = false
		return true
	}
	return false
}

// The parts of a chunked body (Conn.cpart).
const (
	chunkSize     = iota // the chunk-size line
	chunkData            // the chunk's bytes (Conn.bodyLeft of them left)
	chunkEnd             // the line break after them
	chunkTrailers        // trailer lines, through the empty one
)

// parseChunked decodes a chunked body as it arrives, counted like any
// other (KeepBody, MaxDrop), with httpwire's bounds on its lines.
func (p *parser) parseChunked(c *Conn, eof bool) (bool, error) {
	in := c.in
	defer func() { c.in = c.in[:copy(c.in, in)] }() // what is left, once
	for {
		if c.cpart == chunkData {
			take := min(int64(len(in)), c.bodyLeft)
			p.take(c, in[:take])
			in = in[take:]
			c.bodyLeft -= take
			if p.dropped(c) {
				return true, nil
			}
			if c.bodyLeft > 0 {
				if eof {
					return false, io.ErrUnexpectedEOF
				}
				return false, nil
			}
			c.cpart = chunkEnd
			continue
		}
		i := bytes.IndexByte(in, '\n')
		if i < 0 {
			switch {
			case len(in) > httpwire.MaxLine:
				return false, httpwire.ErrLongLine
			case eof && c.cpart == chunkTrailers:
				// The body is whole; only the trailers' end is missing.
				// Taken as the blocking readers take it.
				c.Keep = false
				return true, nil
			case eof:
				return false, io.ErrUnexpectedEOF
			}
			return false, nil
		}
		line := bytes.TrimSuffix(in[:i], []byte{'\r'})
		in = in[i+1:]
		if len(line) > httpwire.MaxLine {
			return false, httpwire.ErrLongLine
		}
		switch c.cpart {
		case chunkSize:
			size, err := chunkSizeOf(line)
			if err != nil {
				return false, err
			}
			c.cpart, c.bodyLeft = chunkData, size
			if size == 0 {
				c.cpart, c.hlines = chunkTrailers, 0
			}
		case chunkEnd:
			c.cpart = chunkSize
		case chunkTrailers:
			if len(line) == 0 {
				return true, nil
			}
			if c.hlines++; c.hlines > httpwire.MaxHeaders {
				return false, httpwire.ErrManyHeaders
			}
		}
	}
}

// chunkSizeOf reads a chunk-size line (its extensions ignored).
func chunkSizeOf(line []byte) (int64, error) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	size, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 63) // no sign
	if err != nil {
		return 0, fmt.Errorf("malformed chunk size %.40q", line)
	}
	return int64(size), nil
}

// scanHead finds the end of the head at the start of c.in, going on
// from where its last call stopped (a head that arrives a byte at a time
// is scanned once, not once a byte). It returns the head's length, or -1
// while the head is incomplete. The lines so far are held to the bounds
// httpwire.ReadHead applies, so that a hostile endpoint gets the same
// error as on a blocking connection, at the same point; the status is
// taken once its line is in.
func scanHead(c *Conn) (end int, err error) {
	for {
		i := bytes.IndexByte(c.in[c.hscan:], '\n')
		if i < 0 {
			break
		}
		end := c.hscan + i
		line := bytes.TrimSuffix(c.in[c.hline:end], []byte{'\r'})
		c.hscan, c.hline = end+1, end+1
		n := c.hlines
		c.hlines++
		switch {
		case n > 0 && len(line) == 0:
			return end + 1, nil
		case len(line) > httpwire.MaxLine:
			return -1, c.failHead(httpwire.ErrLongLine)
		case n > httpwire.MaxHeaders+1:
			return -1, c.failHead(httpwire.ErrManyHeaders)
		case n == 0:
			c.hfirst = len(line)
		}
	}
	c.hscan = len(c.in)
	switch {
	case len(c.in)-c.hline > httpwire.MaxLine+1:
		err = httpwire.ErrLongLine
	case len(c.in) > MaxHead:
		err = fmt.Errorf("malformed HTTP response: headers over %d bytes", MaxHead)
	}
	return -1, c.failHead(err)
}

// failHead takes the status of a head that is incomplete or fails, once
// its status line is in (a complete one is httpwire.ReadHead's to read),
// and returns err.
func (c *Conn) failHead(err error) error {
	if c.Status == 0 && c.hlines > 0 {
		c.Status = statusOf(c.in[:c.hfirst])
	}
	return err
}

// statusOf is the status of a status line, 0 when it is malformed (as
// httpwire.ReadHead reads it).
func statusOf(line []byte) int {
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0
	}
	n, err := strconv.Atoi(string(line[9:12]))
	if err != nil || n < 100 {
		return 0
	}
	return n
}

// ChunkedReader decodes a chunked body from R, then consumes the trailers.
type ChunkedReader struct {
	R    *bufio.Reader
	left int64
	done bool
}

func (c *ChunkedReader) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	if c.left == 0 {
		line, err := httpwire.ReadLine(c.R)
		if err != nil {
			return 0, err
		}
		size, err := chunkSizeOf(line)
		if err != nil {
			return 0, err
		}
		if size == 0 {
			if err := httpwire.SkipTrailers(c.R); err != nil {
				return 0, err
			}
			c.done = true
			return 0, io.EOF
		}
		c.left = size
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.R.Read(p)
	c.left -= int64(n)
	if err == nil && c.left == 0 {
		if _, err = httpwire.ReadLine(c.R); err != nil { // the CRLF after the chunk
			return n, err
		}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
