package evloop

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// recorder is a Handler that notes what ends.
type recorder struct {
	done, failed []int // statuses
	errs         []error
}

func (r *recorder) Idle(*Conn, time.Time)   {}
func (r *recorder) Resend(*Conn, time.Time) {}
func (r *recorder) Done(c *Conn, _ time.Time) {
	r.done = append(r.done, c.Status)
}
func (r *recorder) Fail(c *Conn, err error, _ time.Time) {
	r.failed, r.errs = append(r.failed, c.Status), append(r.errs, err)
}
func (r *recorder) Wake(time.Time) time.Duration { return time.Hour }

// The event that says a connection is up can also say that its answer is
// in (an endpoint that speaks first, or one the loop hears from late): the
// answer is read then, as edge-triggered epoll says it only once.
func TestConnectedEventWithAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	release := make(chan struct{})
	defer close(release)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"))
				http.ReadRequest(bufio.NewReader(c))
				<-release // the connection stays open
			}()
		}
	}()
	l := New(context.Background(), ln.Addr().String(), Config{Timeout: 5 * time.Second})
	if l == nil {
		t.Fatal("no loop")
	}
	defer syscall.Close(l.ep)
	rec := &recorder{}
	l.h = rec
	c := &Conn{fd: -1, in: make([]byte, 0, 4096), Req: []byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")}
	l.conns = []*Conn{c}
	defer l.closeConn(c)
	now := time.Now()
	c.Start, c.inFlight = now, true
	c.resetAnswer()
	if err := l.dial(c); err != nil {
		t.Fatal(err)
	}
	// As if connect(2) had said EINPROGRESS and the loop were told of the
	// connection only once the answer had arrived.
	c.connecting = true
	time.Sleep(100 * time.Millisecond)
	for range 3 {
		k, _ := epollWait(l.ep, l.events[:], 100)
		for _, ev := range l.events[:max(k, 0)] {
			l.onEvent(c, ev.Events, time.Now())
		}
	}
	if len(rec.done) != 1 || rec.done[0] != 200 || len(rec.failed) != 0 {
		t.Fatalf("done %v, failed %v %v", rec.done, rec.failed, rec.errs)
	}
}
