package load

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/httpwire"
)

// endless is a reader that never ends: prefix, then fill repeated.
type endless struct {
	prefix string
	fill   string
	read   int64 // bytes handed out
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.prefix != "" {
			k := copy(p[n:], e.prefix)
			e.prefix = e.prefix[k:]
			n += k
			continue
		}
		n += copy(p[n:], e.fill)
	}
	e.read += int64(n)
	return n, nil
}

// An answer whose head never ends stops the read at a bound, with an
// error that says why, whatever shape the endless part takes.
func TestReadHeadBoundsAnEndlessHead(t *testing.T) {
	for _, tc := range []struct {
		name, prefix, fill string
		want               error
		status             int
	}{
		{"status line", "HTTP/1.1 200 ", "x", httpwire.ErrLongLine, 0},
		{"header line", "HTTP/1.1 200 OK\r\nX-Endless: ", "x", httpwire.ErrLongLine, 200},
		{"header lines", "HTTP/1.1 200 OK\r\n", "X-More: y\r\n", httpwire.ErrManyHeaders, 200},
		{"chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "0", httpwire.ErrLongLine, 200},
		{"trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "X-T: y\r\n", httpwire.ErrManyHeaders, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &endless{prefix: tc.prefix, fill: tc.fill}
			br := bufio.NewReaderSize(src, 8<<10)
			status, _, _, _, err := readResponse(br, make([]byte, 64))
			if err != tc.want || status != tc.status {
				t.Fatalf("status %d, err %v; want %d, %v", status, err, tc.status, tc.want)
			}
			// what was read is bounded by the limits, not by the source
			if limit := int64(httpwire.MaxHeaders*(len(tc.fill)+1) + httpwire.MaxLine + 2*br.Size()); src.read > limit {
				t.Fatalf("read %d bytes before giving up, want at most %d", src.read, limit)
			}
		})
	}
}

// streamForever is a rawServer answer: prefix, then fill over and over
// until the client hangs up.
func streamForever(prefix, fill string) func(c net.Conn, k int) bool {
	return func(c net.Conn, _ int) bool {
		if _, err := c.Write([]byte(prefix)); err != nil {
			return false
		}
		for {
			if _, err := c.Write([]byte(fill)); err != nil {
				return false
			}
		}
	}
}

// A hostile endpoint on 127.0.0.1 that streams one header line (or header
// lines) forever gets a clear error on both paths, not a worker that grows
// without bound until the timeout.
func TestRunAgainstEndlessHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, prefix, fill string
		goroutines, evloop string
	}{
		{"endless header line", "HTTP/1.1 200 OK\r\nX-Endless: ", strings.Repeat("x", 4096),
			"malformed HTTP response: a line over 64 KiB", "malformed HTTP response: a line over 64 KiB"},
		{"endless header lines", "HTTP/1.1 200 OK\r\n", strings.Repeat("X-More: y\r\n", 400),
			"malformed HTTP response: over 512 header lines", "malformed HTTP response: over 512 header lines"},
	} {
		for _, goroutines := range []bool{false, true} {
			name, want := tc.name+"/event loop", tc.evloop
			if goroutines {
				name, want = tc.name+"/goroutines", tc.goroutines
			}
			t.Run(name, func(t *testing.T) {
				url := rawServer(t, streamForever(tc.prefix, tc.fill))
				r, err := New(Config{URL: url, Template: template(t, "stream_create", false), Requests: 4, Concurrency: 2, Timeout: 20 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				r.goroutines = goroutines
				rep, err := r.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if errs := map[string]int64{want: 4}; !maps.Equal(rep.Errors, errs) || len(rep.Status) != 0 {
					t.Fatalf("errors %v, want %v; status %v", rep.Errors, errs, rep.Status)
				}
			})
		}
	}
}

// A hostile endpoint that streams a body without end (until the close, or
// interim answers) faster than it is read: the timeout still ends each
// request, on both paths; the event loop is not held by one connection.
func TestRunAgainstEndlessBody(t *testing.T) {
	for _, tc := range []struct{ name, prefix, fill string }{
		{"until close", "HTTP/1.0 200 OK\r\n\r\n", strings.Repeat("x", 64<<10)},
		{"interim answers", "", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 2000)},
	} {
		for _, goroutines := range []bool{false, true} {
			name := tc.name + "/event loop"
			if goroutines {
				name = tc.name + "/goroutines"
			}
			t.Run(name, func(t *testing.T) {
				url := rawServer(t, streamForever(tc.prefix, tc.fill))
				r, err := New(Config{URL: url, Template: template(t, "stream_create", false), Requests: 2, Concurrency: 2, Timeout: 300 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				r.goroutines = goroutines
				start := time.Now()
				rep, err := r.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if el := time.Since(start); el > time.Second {
					t.Fatalf("took %v, timeout 300ms", el)
				}
				var n int64
				for e, k := range rep.Errors {
					if !strings.Contains(e, "timeout") {
						t.Fatalf("errors %v", rep.Errors)
					}
					n += k
				}
				if n != 2 || len(rep.Status) != 0 {
					t.Fatalf("errors %v, status %v", rep.Errors, rep.Status)
				}
			})
		}
	}
}

// An endpoint that sends more than its answer (a second answer in the same
// write): on both paths the rest is not taken for the next request's
// answer; the connection is dropped.
func TestRunBytesAfterTheAnswer(t *testing.T) {
	for _, goroutines := range []bool{false, true} {
		t.Run(fmt.Sprint("goroutines=", goroutines), func(t *testing.T) {
			url := rawServer(t, func(c net.Conn, k int) bool {
				_, err := c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 500 Stale\r\nContent-Length: 0\r\n\r\n"))
				return err == nil
			})
			r, err := New(Config{URL: url, Template: template(t, "stream_create", false), Requests: 6, Concurrency: 1, Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			r.goroutines = goroutines
			rep, err := r.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int]int64{200: 6}; !maps.Equal(rep.Status, want) || len(rep.Errors) != 0 {
				t.Fatalf("status %v, errors %v", rep.Status, rep.Errors)
			}
		})
	}
}
