// loop_linux.go holds the loop: its epoll set, the connections' dial,
// write and read, the timeout scan, and the non-blocking wait.

package evloop

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// Loop drives a set of connections to one address from one goroutine.
type Loop struct {
	ctx     context.Context
	cfg     Config
	h       Handler
	ep      int
	sa      syscall.Sockaddr
	family  int
	conns   []*Conn
	active  int
	stopped bool
	events  [128]syscall.EpollEvent
	p       *parser
	// ready lists connections whose request ended, for run's loop to hand
	// to Handler.Idle (not the event handler, which would recurse).
	ready []readyConn
}

type readyConn struct {
	c      *Conn
	failed bool // the request failed: read the clock again before the next
}

// epollEvents is what a connection waits for, edge-triggered (EPOLLET is
// negative as a Go constant).
const epollEvents = syscall.EPOLLIN | syscall.EPOLLOUT | syscall.EPOLLRDHUP | uint32(1<<31)

// New prepares a loop to addr (host:port, plain TCP), or returns nil when
// it cannot be used: the first connection failed, or ctx ended while it
// was being made (the caller's other path then reports that as it always
// has). The probe connection tells which of the host's addresses answers
// (as net.Dial would choose); it is closed again. Run uses the loop once.
func New(ctx context.Context, addr string, cfg Config) *Loop {
	d := net.Dialer{Timeout: cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", addr) // Ctrl-C ends a dial that hangs
	if err != nil {
		return nil
	}
	ra, _ := c.RemoteAddr().(*net.TCPAddr)
	c.Close()
	if ra == nil {
		return nil
	}
	l := &Loop{ctx: ctx, cfg: cfg, ep: -1}
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
	l.p = newParser(cfg)
	return l
}

// Run drives n connections, each idle at first (Handler.Idle), until every
// one is retired, Stop is called, or ctx ends. It closes them all.
func (l *Loop) Run(n int, h Handler) {
	defer syscall.Close(l.ep)
	l.h = h
	l.conns = make([]*Conn, n)
	for i := range l.conns {
		l.conns[i] = &Conn{ID: i, fd: -1, in: make([]byte, 0, 4096), Body: make([]byte, 0, min(l.cfg.KeepBody, 512))}
	}
	defer func() {
		for _, c := range l.conns {
			l.closeConn(c)
		}
	}()
	now := time.Now()
	l.active = len(l.conns)
	for _, c := range l.conns {
		l.ready = append(l.ready, readyConn{c: c})
	}
	l.startReady(now)
	lastScan := now
	for l.active > 0 && !l.stopped {
		wait := min(h.Wake(now), 10*time.Millisecond)
		l.startReady(now)
		if l.active == 0 || l.stopped {
			return
		}
		k, err := epollWait(l.ep, l.events[:], int((wait+time.Millisecond-1)/time.Millisecond))
		if err != nil && err != syscall.EINTR {
			// Cannot wait any more: fail what is in flight.
			for _, c := range l.conns {
				if c.inFlight {
					l.fail(c, os.NewSyscallError("epoll_wait", err), time.Now())
				}
			}
			return
		}
		if l.ctx.Err() != nil {
			return // interrupted: what is in flight is not the endpoint's doing
		}
		now = time.Now()
		for _, ev := range l.events[:max(k, 0)] {
			c := l.conns[int(ev.Fd)]
			if c.fd < 0 || c.gen != ev.Pad {
				continue // an event of a connection closed since
			}
			l.onEvent(c, ev.Events, now)
		}
		l.startReady(now)
		if now.Sub(lastScan) >= 10*time.Millisecond {
			lastScan = now
			for _, c := range l.conns {
				l.expire(c, now)
			}
			l.startReady(now)
		}
	}
}

// Stop ends Run after the current step; what is in flight is abandoned.
func (l *Loop) Stop() { l.stopped = true }

// Conns returns the loop's connections (during Run).
func (l *Loop) Conns() []*Conn { return l.conns }

// Retire closes c for good: Run ends when every connection is retired.
func (l *Loop) Retire(c *Conn) {
	if c.retired {
		return
	}
	l.closeConn(c)
	c.retired, c.inFlight = true, false
	l.active--
}

// startReady hands every connection whose request ended to Handler.Idle
// (and those whose next one fails at once, in turn).
func (l *Loop) startReady(now time.Time) {
	for j := 0; j < len(l.ready); j++ {
		rc := l.ready[j]
		if rc.c.retired || rc.c.inFlight {
			continue
		}
		t := now
		if rc.failed {
			t = time.Now() // a refused connection fails fast: let the clock move on
		}
		l.h.Idle(rc.c, t)
	}
	l.ready = l.ready[:0]
}

// Send starts c's request c.Req, sent at now; c must be idle.
func (l *Loop) Send(c *Conn, now time.Time) {
	c.Start, c.inFlight, c.retried = now, true, false
	l.send(c, now)
}

// send writes the current request, dialling first when needed.
func (l *Loop) send(c *Conn, now time.Time) {
	c.off = 0
	c.resetAnswer()
	if c.fd < 0 {
		if err := l.dial(c); err != nil {
			l.fail(c, err, now)
			return
		}
		if c.connecting {
			return // written once the connection is up (EPOLLOUT)
		}
	}
	l.write(c, now)
}

func (l *Loop) dial(c *Conn) error {
	fd, err := syscall.Socket(l.family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", err)}
	}
	_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	c.gen++
	ev := syscall.EpollEvent{Events: epollEvents, Fd: int32(c.ID), Pad: c.gen}
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

func (l *Loop) closeConn(c *Conn) {
	if c.fd >= 0 {
		syscall.Close(c.fd) // also leaves the epoll set
		c.fd = -1
	}
	c.connecting = false
}

func (l *Loop) onEvent(c *Conn, ev uint32, now time.Time) {
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
			l.fail(c, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}, now)
			return
		}
		// Up: write the request, and read what the same event says has
		// arrived already (an endpoint may speak first; edge-triggered
		// epoll will not say it again).
		c.connecting = false
		ev |= syscall.EPOLLOUT
	}
	if !c.inFlight {
		// Readable while idle: the server closed it, or sent what no
		// request asked for. The next request dials. (epoll reports
		// EPOLLIN only while there is something to read.)
		if ev&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
			l.closeConn(c)
		}
		return
	}
	if c.off < len(c.Req) && ev&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) != 0 {
		l.write(c, now)
		if c.fd < 0 || !c.inFlight {
			return
		}
	}
	if c.off == len(c.Req) && ev&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
		l.read(c, now)
	}
}

// write sends what is left of the request; EAGAIN waits for EPOLLOUT.
func (l *Loop) write(c *Conn, now time.Time) {
	for c.off < len(c.Req) {
		n, err := syscall.Write(c.fd, c.Req[c.off:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		case err != nil:
			l.broken(c, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", err)}, now)
			return
		}
		c.off += n
	}
	// Written. No read now: the answer, when it comes, raises an
	// edge-triggered EPOLLIN (a read now would almost always find nothing).
}

// read takes in what has arrived and finishes the request when its answer
// is complete.
func (l *Loop) read(c *Conn, now time.Time) {
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
			l.broken(c, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}, now)
			return
		case n == 0:
			l.ended(c, now)
			return
		}
		c.in = c.in[:len(c.in)+n]
		c.gotAnswer = true
		done, err := l.p.parse(c, false)
		if err != nil {
			l.closeConn(c)
			l.fail(c, err, now)
			return
		}
		if done {
			l.finish(c, now)
			return
		}
		// Incomplete: read on until EAGAIN. The edge that brought this
		// data may also have brought the end of the connection, which only
		// a read returning 0 shows. An endpoint that sends faster than
		// this reads (a body or interim answers without end) would hold
		// the loop here: the timeout is checked as it reads.
		if l.expire(c, time.Now()) {
			return
		}
	}
}

// expire fails c's request when its timeout has passed, and reports
// whether it did.
func (l *Loop) expire(c *Conn, now time.Time) bool {
	if !c.inFlight || l.cfg.Timeout <= 0 || now.Sub(c.Start) < l.cfg.Timeout {
		return false
	}
	l.fail(c, &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, now)
	return true
}

// ended handles the server closing the connection.
func (l *Loop) ended(c *Conn, now time.Time) {
	if c.inFlight && c.off == len(c.Req) {
		done, err := l.p.parse(c, true)
		if done {
			c.Keep = false
			l.finish(c, now)
			return
		}
		l.broken(c, err, now)
		return
	}
	l.broken(c, io.EOF, now)
}

// broken handles a connection that failed mid-request: a kept-alive one
// that the server closed before answering gets the request once more on a
// new connection.
func (l *Loop) broken(c *Conn, err error, now time.Time) {
	l.closeConn(c)
	if c.reused && !c.gotAnswer && !c.retried && !isTimeout(err) {
		c.retried = true
		l.h.Resend(c, now)
		l.send(c, now)
		return
	}
	if c.retried && !c.gotAnswer {
		err = io.ErrUnexpectedEOF
	}
	l.fail(c, err, now)
}

// finish hands a complete answer to the handler.
func (l *Loop) finish(c *Conn, now time.Time) {
	c.inFlight = false
	if c.Keep && len(c.in) > 0 {
		c.Keep = false // more than the answer: not the next one's
	}
	if c.Keep {
		c.reused = true
	} else {
		l.closeConn(c)
	}
	l.h.Done(c, now)
	l.ready = append(l.ready, readyConn{c: c})
}

// fail hands a failed request to the handler.
func (l *Loop) fail(c *Conn, err error, now time.Time) {
	l.closeConn(c)
	c.inFlight = false
	l.h.Fail(c, err, now)
	l.ready = append(l.ready, readyConn{c: c, failed: true})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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
