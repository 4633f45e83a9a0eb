package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/zegocb/zegocb/internal/httpwire"
)

// evLoop is the fast path on Linux for plain http:// without --rate: one
// goroutine drives every connection of the run through its own epoll set,
// as wrk does, instead of a goroutine per connection on Go's poller. Per
// request that is one write and (usually) one read system call: no read
// that finds nothing yet (EAGAIN), no goroutine parked and woken, no
// thread hand-offs. Sockets are non-blocking, edge-triggered, and never
// registered with Go's poller.
//
// It keeps the goroutine path's behaviour: one request in flight per
// connection, kept-alive connections redialled when the server closes them
// (a request that finds its kept-alive connection closed is restamped and
// sent once more on a new one), a per-request timeout, and the same error
// descriptions. Answers are parsed by httpwire.ReadHead; bodies of known length and
// close-delimited ones are counted as they stream by, chunked ones are
// held until complete (up to maxChunked).
type evLoop struct {
	r        *Runner
	ctx      context.Context
	ep       int
	sa       syscall.Sockaddr
	family   int
	timeout  time.Duration
	start    time.Time
	deadline time.Time
	conns    []*evConn
	active   int
	events   [128]syscall.EpollEvent
	acc      accum
	br       *bufio.Reader
	// ready lists connections whose request ended, to start their next
	// one from run's loop (not from the handler, which would recurse).
	ready []readyConn
}

type readyConn struct {
	i      int
	failed bool // the request failed: read the clock again before the next
}

// epollEvents is what a connection waits for, edge-triggered (EPOLLET is
// negative as a Go constant).
const epollEvents = syscall.EPOLLIN | syscall.EPOLLOUT | syscall.EPOLLRDHUP | uint32(1<<31)

// maxChunked bounds a chunked answer, which the loop holds whole.
const maxChunked = 1 << 20

// maxHead bounds an answer's status line and headers.
const maxHead = 1 << 20

type evConn struct {
	w   *worker
	st  *Stamper
	buf []byte // request head + body
	// body is the part of buf the stamper rewrites.
	body []byte

	fd         int // -1: no connection
	gen        int32
	connecting bool
	reused     bool // the connection has carried a request already
	retried    bool // this request was resent after a stale connection
	inFlight   bool
	off        int // bytes of buf written
	t0         time.Time

	in      []byte // received, not yet consumed
	peekBuf [64]byte
	peek    []byte // peekBuf[:0], or all of it with Config.ExpectBody
	// answer state, once the head is parsed
	headDone  bool
	status    int
	keep      bool
	chunked   bool
	bodyLeft  int64 // bytes of a known-length body still to come; -1: until EOF
	n         int   // body bytes copied into peek
	rest      int64 // body bytes dropped
	gotAnswer bool  // some byte of the answer arrived
}

// accum is an io.Reader over bytes received so far; at their end it
// returns errMore, or io.EOF once the connection has ended.
type accum struct {
	b   []byte
	off int
	eof bool
}

var errMore = errors.New("answer incomplete")

func (a *accum) Read(p []byte) (int, error) {
	if a.off >= len(a.b) {
		if a.eof {
			return 0, io.EOF
		}
		return 0, errMore
	}
	n := copy(p, a.b[a.off:])
	a.off += n
	return n, nil
}

// newEvLoop prepares the loop, or returns nil when it cannot be used (the
// first connection failed: the goroutine path then reports that as it
// always has). The probe connection tells which of the host's addresses
// answers (as net.Dial would choose); it is closed again.
func newEvLoop(ctx context.Context, r *Runner, addr string, timeout time.Duration) *evLoop {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil
	}
	ra, _ := c.RemoteAddr().(*net.TCPAddr)
	c.Close()
	if ra == nil {
		return nil
	}
	l := &evLoop{r: r, ctx: ctx, ep: -1, timeout: timeout}
	if ip4 := ra.IP.To4(); ip4 != nil {
		sa := &syscall.SockaddrInet4{Port: ra.Port}
		copy(sa.Addr[:], ip4)
		l.sa, l.family = sa, syscall.AF_INET
	} else {
		sa := &syscall.SockaddrInet6{Port: ra.Port}
		copy(sa.Addr[:], ra.IP.To16())
		if ra.Zone != "" {
			if ifi, err := net.InterfaceByName(ra.Zone); err == nil {
				sa.ZoneId = uint32(ifi.Index)
			}
		}
		l.sa, l.family = sa, syscall.AF_INET6
	}
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	l.ep = ep
	l.br = bufio.NewReaderSize(&l.acc, 8<<10)
	return l
}

// run sends the requests of every worker; conns[i] belongs to workers[i].
func (l *evLoop) run(workers []*worker, stampers []*Stamper, head []byte, bodyLen int, peek bool) {
	defer syscall.Close(l.ep)
	l.conns = make([]*evConn, len(workers))
	for i := range workers {
		buf := make([]byte, len(head)+bodyLen)
		copy(buf, head)
		c := &evConn{w: workers[i], st: stampers[i], buf: buf, body: buf[len(head):], fd: -1, in: make([]byte, 0, 4096)}
		c.peek = c.peekBuf[:0]
		if peek {
			c.peek = c.peekBuf[:]
		}
		c.st.Into(c.body, l.start) // the fixed part of the body, once
		l.conns[i] = c
	}
	defer func() {
		for _, c := range l.conns {
			l.closeConn(c)
		}
	}()
	now := time.Now()
	l.active = len(l.conns)
	for i := range l.conns {
		l.ready = append(l.ready, readyConn{i: i})
	}
	l.startReady(now)
	lastScan := now
	for l.active > 0 {
		k, err := epollWait(l.ep, l.events[:], 10)
		if err != nil && err != syscall.EINTR {
			// Cannot wait any more: fail what is in flight.
			for i, c := range l.conns {
				if c.inFlight {
					l.fail(i, c, os.NewSyscallError("epoll_wait", err), time.Now())
				}
			}
			return
		}
		if l.ctx.Err() != nil {
			return // interrupted: what is in flight is not the endpoint's doing
		}
		now = time.Now()
		for _, ev := range l.events[:max(k, 0)] {
			i := int(ev.Fd)
			c := l.conns[i]
			if c.fd < 0 || c.gen != ev.Pad {
				continue // an event of a connection closed since
			}
			l.onEvent(i, c, ev.Events, now)
		}
		l.startReady(now)
		if now.Sub(lastScan) >= 10*time.Millisecond {
			lastScan = now
			for i, c := range l.conns {
				if c.inFlight && now.Sub(c.t0) >= l.timeout {
					l.fail(i, c, &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, now)
				}
			}
			l.startReady(now)
		}
	}
}

// startReady starts the next request of every connection whose request
// ended (and of those whose next one fails at once, in turn).
func (l *evLoop) startReady(now time.Time) {
	for j := 0; j < len(l.ready); j++ {
		rc := l.ready[j]
		t := now
		if rc.failed {
			t = time.Now() // a refused connection fails fast: let the clock move on
		}
		l.next(rc.i, l.conns[rc.i], t)
	}
	l.ready = l.ready[:0]
}

// next starts connection i's next request, or retires the connection when
// the run is over.
func (l *evLoop) next(i int, c *evConn, now time.Time) {
	t0, ok := l.r.next(l.ctx, l.start, l.deadline, now)
	if !ok {
		l.closeConn(c)
		l.active--
		return
	}
	c.st.Restamp(c.body, t0)
	c.t0, c.inFlight, c.retried = t0, true, false
	l.send(i, c, t0)
}

// send writes the current request, dialling first when needed.
func (l *evLoop) send(i int, c *evConn, now time.Time) {
	c.off = 0
	c.resetAnswer()
	if c.fd < 0 {
		if err := l.dial(i, c); err != nil {
			l.fail(i, c, err, now)
			return
		}
		if c.connecting {
			return // written once the connection is up (EPOLLOUT)
		}
	}
	l.write(i, c, now)
}

func (c *evConn) resetAnswer() {
	c.headDone, c.status, c.keep, c.chunked = false, 0, false, false
	c.bodyLeft, c.n, c.rest, c.gotAnswer = 0, 0, 0, false
}

func (l *evLoop) dial(i int, c *evConn) error {
	fd, err := syscall.Socket(l.family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", err)}
	}
	_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	c.gen++
	ev := syscall.EpollEvent{Events: epollEvents, Fd: int32(i), Pad: c.gen}
	if err := syscall.EpollCtl(l.ep, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		syscall.Close(fd)
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("epoll_ctl", err)}
	}
	c.fd, c.reused, c.connecting = fd, false, false
	c.in = c.in[:0]
	for {
		err = syscall.Connect(fd, l.sa)
		if err != syscall.EINTR {
			break
		}
	}
	switch err {
	case nil:
	case syscall.EINPROGRESS, syscall.EALREADY:
		c.connecting = true
	default:
		l.closeConn(c)
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	return nil
}

func (l *evLoop) closeConn(c *evConn) {
	if c.fd >= 0 {
		syscall.Close(c.fd) // also leaves the epoll set
		c.fd = -1
	}
	c.connecting = false
}

func (l *evLoop) onEvent(i int, c *evConn, ev uint32, now time.Time) {
	if c.connecting {
		if ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) == 0 {
			return
		}
		errno, err := syscall.GetsockoptInt(c.fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
		if err == nil && errno != 0 {
			err = syscall.Errno(errno)
		}
		if err != nil {
			l.closeConn(c)
			l.fail(i, c, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}, now)
			return
		}
		c.connecting = false
		l.write(i, c, now)
		return
	}
	if !c.inFlight {
		return
	}
	if c.off < len(c.buf) && ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) != 0 {
		l.write(i, c, now)
		if c.fd < 0 || !c.inFlight {
			return
		}
	}
	if c.off == len(c.buf) && ev&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
		l.read(i, c, now)
	}
}

// write sends what is left of the request; EAGAIN waits for EPOLLOUT.
func (l *evLoop) write(i int, c *evConn, now time.Time) {
	for c.off < len(c.buf) {
		n, err := syscall.Write(c.fd, c.buf[c.off:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		case err != nil:
			l.broken(i, c, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", err)}, now)
			return
		}
		c.off += n
	}
	// Written. No read now: the answer, when it comes, raises an
	// edge-triggered EPOLLIN (a read now would almost always find nothing).
}

// read takes in what has arrived and finishes the request when its answer
// is complete.
func (l *evLoop) read(i int, c *evConn, now time.Time) {
	for {
		if len(c.in) == cap(c.in) {
			c.in = append(c.in, 0)[:len(c.in)]
		}
		n, err := syscall.Read(c.fd, c.in[len(c.in):cap(c.in)])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		case err != nil:
			l.broken(i, c, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}, now)
			return
		case n == 0:
			l.ended(i, c, now)
			return
		}
		c.in = c.in[:len(c.in)+n]
		c.gotAnswer = true
		done, err := l.parse(c, false)
		if err != nil {
			l.closeConn(c)
			l.fail(i, c, err, now)
			return
		}
		if done {
			l.finish(i, c, now)
			return
		}
		// Incomplete: read on until EAGAIN. The edge that brought this
		// data may also have brought the end of the connection, which only
		// a read returning 0 shows.
	}
}

// parse advances the answer with the bytes in c.in; eof says the
// connection has ended. It reports whether the answer is complete.
func (l *evLoop) parse(c *evConn, eof bool) (bool, error) {
	for !c.headDone {
		end := headEnd(c.in)
		if end < 0 {
			if len(c.in) > maxHead {
				return false, fmt.Errorf("malformed HTTP response: headers over %d bytes", maxHead)
			}
			if eof {
				if len(c.in) == 0 {
					return false, io.EOF
				}
				return false, io.ErrUnexpectedEOF
			}
			return false, nil
		}
		l.acc = accum{b: c.in[:end], eof: true}
		l.br.Reset(&l.acc)
		h, err := httpwire.ReadHead(l.br, nil)
		if err != nil {
			return false, err
		}
		status, length, chunked, keep := h.Status, h.Length, h.Chunked, h.Keep
		c.in = c.in[:copy(c.in, c.in[end:])]
		if status >= 100 && status < 200 && status != 101 {
			continue // an interim answer: the real one follows
		}
		c.headDone, c.status, c.keep, c.chunked = true, status, keep, chunked
		switch {
		case status == 204 || status == 304:
			return true, nil
		case chunked:
		case length >= 0:
			c.bodyLeft = length
		default:
			c.bodyLeft, c.keep = -1, false // until the server closes
		}
	}
	if c.chunked {
		return l.parseChunked(c, eof)
	}
	// A body of known length, or one that runs until the connection ends:
	// count it as it comes, keep only what fits in peek.
	take := int64(len(c.in))
	if c.bodyLeft >= 0 {
		take = min(take, c.bodyLeft)
	}
	k := copy(c.peek[c.n:], c.in[:take])
	c.n += k
	c.rest += take - int64(k)
	c.in = c.in[:copy(c.in, c.in[take:])]
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

// parseChunked decodes the whole chunked body once it has arrived.
func (l *evLoop) parseChunked(c *evConn, eof bool) (bool, error) {
	l.acc = accum{b: c.in, eof: eof}
	l.br.Reset(&l.acc)
	cr := &chunkedReader{br: l.br}
	n, err := io.ReadFull(cr, c.peek)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	var rest int64
	if err == nil && n == len(c.peek) {
		rest, err = io.Copy(io.Discard, cr)
	}
	if errors.Is(err, errMore) {
		if len(c.in) > maxChunked {
			return false, fmt.Errorf("chunked answer over %d bytes", maxChunked)
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	used := l.acc.off - l.br.Buffered()
	c.in = c.in[:copy(c.in, c.in[used:])]
	c.n, c.rest = n, rest
	return true, nil
}

// headEnd returns the length of the head (through its blank line) at the
// start of b, or -1 when it is not complete.
func headEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
		if i < len(b) && b[i] == '\n' {
			return i + 1
		}
		if i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n' {
			return i + 2
		}
	}
}

// ended handles the server closing the connection.
func (l *evLoop) ended(i int, c *evConn, now time.Time) {
	if c.inFlight && c.off == len(c.buf) {
		done, err := l.parse(c, true)
		if done {
			c.keep = false
			l.finish(i, c, now)
			return
		}
		l.broken(i, c, err, now)
		return
	}
	l.broken(i, c, io.EOF, now)
}

// broken handles a connection that failed mid-request: a kept-alive one
// that the server closed before answering gets the request, restamped,
// once more on a new connection.
func (l *evLoop) broken(i int, c *evConn, err error, now time.Time) {
	l.closeConn(c)
	if c.reused && !c.gotAnswer && !c.retried && !isTimeout(err) {
		c.retried = true
		c.st.Restamp(c.body, now)
		l.send(i, c, now)
		return
	}
	if c.retried && !c.gotAnswer {
		err = io.ErrUnexpectedEOF
	}
	l.fail(i, c, err, now)
}

// finish records a complete answer and starts the next request.
func (l *evLoop) finish(i int, c *evConn, now time.Time) {
	c.inFlight = false
	c.w.lat.Record(now.Sub(c.t0))
	l.r.record(c.w, c.status, c.peek[:c.n], c.rest)
	if c.keep {
		c.reused = true
	} else {
		l.closeConn(c)
	}
	l.ready = append(l.ready, readyConn{i: i})
}

// fail records a failed request and starts the next one.
func (l *evLoop) fail(i int, c *evConn, err error, now time.Time) {
	l.closeConn(c)
	c.inFlight = false
	l.r.fail(c.w, err)
	l.ready = append(l.ready, readyConn{i: i, failed: true})
}

// epollWait polls without blocking first, as a raw system call that the
// scheduler does not track (it cannot block, and under load something is
// usually ready); only when nothing is does it block, as a tracked system
// call. A blocking wait that is longer than a sysmon tick costs the
// scheduler a P hand-off and keeps sysmon waking every 20 µs.
func epollWait(ep int, events []syscall.EpollEvent, msec int) (int, error) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(ep), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e == 0 && n > 0 {
		return int(n), nil
	}
	return syscall.EpollWait(ep, events, msec)
}
