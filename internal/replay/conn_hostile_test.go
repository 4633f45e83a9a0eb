package replay

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/httpwire"
)

// handServer serves each connection with serve, on 127.0.0.1.
func handServer(t *testing.T, serve func(c *net.TCPConn, br *bufio.Reader)) *url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c.(*net.TCPConn), bufio.NewReader(c))
			}()
		}
	}()
	u, _ := url.Parse("http://" + ln.Addr().String() + "/cb")
	return u
}

// streamAfterRequest is a handServer endpoint that reads a request, then
// writes prefix and fill over and over until the client hangs up.
func streamAfterRequest(prefix, fill string) func(c *net.TCPConn, br *bufio.Reader) {
	return func(c *net.TCPConn, br *bufio.Reader) {
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		c.Write([]byte(prefix))
		for {
			if _, err := c.Write([]byte(fill)); err != nil {
				return
			}
		}
	}
}

// An endpoint that sends header lines (or one header line) forever gets
// an error at the bound, not a worker that grows until the timeout.
func TestConnEndlessHead(t *testing.T) {
	for _, tc := range []struct {
		name, prefix, fill string
		want               error
	}{
		{"header line", "HTTP/1.1 200 OK\r\nX-Endless: ", strings.Repeat("x", 4096), httpwire.ErrLongLine},
		{"header lines", "HTTP/1.1 200 OK\r\n", strings.Repeat("X-More: y\r\n", 400), httpwire.ErrManyHeaders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := handServer(t, streamAfterRequest(tc.prefix, tc.fill))
			cn := newConn(u, 10*time.Second, nil)
			defer cn.close()
			if status, _, _, err := sendOnce(t, cn, "x"); err != tc.want || status != 200 {
				t.Fatalf("status %d, err %v; want 200, %v", status, err, tc.want)
			}
		})
	}
}

// A kept-alive connection the server resets (RST) when the next request
// arrives is replaced once, transparently.
func TestConnResetKeepAlive(t *testing.T) {
	var requests atomic.Int32
	u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
		for k := 1; ; k++ {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			req.Body.Close()
			requests.Add(1)
			if k == 2 {
				c.SetLinger(0) // the close sends RST
				return
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"))
		}
	})
	cn := newConn(u, time.Second, nil)
	defer cn.close()
	for i := 0; i < 3; i++ {
		if status, _, _, err := sendOnce(t, cn, "x"); err != nil || status != 200 {
			t.Fatalf("request %d: %d %v", i+1, status, err)
		}
	}
	// every connection resets its second request: 1, 2 (reset); 2, 3 (reset); 3
	if got := requests.Load(); got != 5 {
		t.Fatalf("%d requests reached the server, want 5", got)
	}
}
