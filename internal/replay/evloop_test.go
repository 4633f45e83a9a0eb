package replay

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// paths runs f on the event loop and on the goroutine path (the loop is
// Linux's; elsewhere both runs take the goroutine path).
func paths(t *testing.T, f func(t *testing.T, noLoop bool)) {
	for _, noLoop := range []bool{false, true} {
		name := "event loop"
		if noLoop {
			name = "goroutines"
		}
		t.Run(name, func(t *testing.T) { f(t, noLoop) })
	}
}

// onPath checks that a run took the path it was meant to.
func onPath(t *testing.T, sum Summary, noLoop bool) {
	t.Helper()
	if want := !noLoop && runtime.GOOS == "linux"; sum.loop != want {
		t.Fatalf("delivered on the event loop: %v, want %v", sum.loop, want)
	}
}

// delivery is what a test keeps of a Result (and its attempts) after emit.
type delivery struct {
	Result
	attempts []deliver.Attempt
}

// replayAll runs Run and keeps every result with copies of its attempts,
// by Seq.
func replayAll(t *testing.T, ctx context.Context, opts Options, path string) (map[int]delivery, Summary, error) {
	t.Helper()
	got := map[int]delivery{}
	var mu sync.Mutex
	sum, err := Run(ctx, opts, files(path), func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		d := delivery{Result: *r}
		for _, a := range r.AttemptLog {
			a.Body = append([]byte(nil), a.Body...)
			a.Header = a.Header.Clone()
			d.attempts = append(d.attempts, a)
		}
		d.Request, d.AttemptLog = nil, nil
		got[r.Seq] = d
		return nil
	})
	return got, sum, err
}

// captureOf writes n signed stream_create records and returns the path
// and the bodies.
func captureOf(t *testing.T, n int) (string, [][]byte) {
	t.Helper()
	var b strings.Builder
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = signedJSON(t, "stream_create", "", testSecret, uint64(i))
		b.WriteString(record(t, bodies[i], "application/json", t0.Add(time.Duration(i)*time.Second), 200))
	}
	return writeFile(t, "cap.jsonl", b.String()), bodies
}

// Every shape of answer is read, judged and reported the same way on both
// paths: status, the body kept, headers (the secret masked), outcome.
func TestLoopAnswers(t *testing.T) {
	big := strings.Repeat("x", deliver.MaxBodyKeep+1000)
	huge := strings.Repeat("y", maxDrop+deliver.MaxBodyKeep+1000) // past what is dropped: the connection goes
	// 2 MiB in chunks of 64 KiB
	var chunked strings.Builder
	chunked.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
	for range 32 {
		chunked.WriteString("10000\r\n" + big[:0x10000] + "\r\n")
	}
	chunked.WriteString("0\r\n\r\n")
	cases := []struct {
		name    string
		raw     string
		close   bool
		outcome Outcome
		status  int
		answer  string // the body kept (its first AnswerExcerpt bytes in Answer)
		err     string // in Error
		header  string // X-Echo of the last attempt
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Echo: a\r\n\r\n1", false, Delivered, 200, "1", "", "a"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Echo: b\r\n\r\n1\r\n1\r\n0\r\nX-T: 1\r\n\r\n", false, Delivered, 200, "1", "", "b"},
		{"until close", "HTTP/1.0 200 OK\r\n\r\n1", true, Delivered, 200, "1", "", ""},
		{"continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy", false, Rejected, 503, "busy", "status 503 is not 2xx", ""},
		{"another body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, Delivered, 200, "ok", "", ""},
		{"secret echoed", "HTTP/1.1 500 Oops\r\nX-Echo: k=" + testSecret + "\r\nContent-Length: " + strconv.Itoa(len(testSecret)+2) + "\r\n\r\nk=" + testSecret, false, Rejected, 500, "k=" + MaskedSecret, "status 500", "k=" + MaskedSecret},
		{"long body kept in part", "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n" + big, false, Delivered, 200, big[:deliver.MaxBodyKeep], "", ""},
		{"body past the drop bound", "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(huge)) + "\r\n\r\n" + huge, false, Delivered, 200, huge[:deliver.MaxBodyKeep], "", ""},
		{"chunked, long", chunked.String(), false, Delivered, 200, big[:deliver.MaxBodyKeep], "", ""},
		{"cut short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1", true, Rejected, 200, "1", "status 200, body cut short: connection closed by the endpoint", ""},
		{"malformed", "HTTP/1.1 2x0 OK\r\n\r\n", true, Unreachable, 0, "", "malformed status line", ""},
		// Transfer-Encoding overrides Content-Length (RFC 9112 6.3)
		{"chunked over a length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n1\r\nz\r\n0\r\n\r\n", false, Delivered, 200, "z", "", ""},
		// the body is all there; only the trailers' end is missing
		{"chunked, closed in the trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n", true, Delivered, 200, "z", "", ""},
		{"signed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\nz\r\n0\r\n\r\n", false, Rejected, 200, "", "status 200, body cut short: ", ""},
	}
	path, _ := captureOf(t, 3)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			paths(t, func(t *testing.T, noLoop bool) {
				srv := newRawServer(t, func(int) (string, bool) { return c.raw, c.close })
				got, sum, err := replayAll(t, context.Background(), Options{URL: srv.url(), Secret: testSecret, Concurrency: 2, Timeout: 5 * time.Second, noLoop: noLoop}, path)
				if err != nil {
					t.Fatal(err)
				}
				onPath(t, sum, noLoop)
				if len(got) != 3 || sum.Done != 3 {
					t.Fatalf("%d results, summary %+v", len(got), sum)
				}
				for seq, d := range got {
					a := d.attempts[len(d.attempts)-1]
					if d.Outcome != c.outcome || d.Status != c.status || d.Attempts != 1 || string(a.Body) != c.answer ||
						d.Answer != excerpt([]byte(c.answer), AnswerExcerpt) || d.AnswerBytes != len(c.answer) || !strings.Contains(d.Error, c.err) {
						t.Fatalf("delivery %d: %v %d (%d attempts) answer %.40q (%d B) error %q", seq, d.Outcome, d.Status, d.Attempts, d.Answer, d.AnswerBytes, d.Error)
					}
					if h := a.Header.Get("X-Echo"); h != c.header {
						t.Fatalf("delivery %d: X-Echo %q, want %q (headers %v)", seq, h, c.header, a.Header)
					}
				}
			})
		})
	}
}

// A failed delivery is retried on its family's schedule (scaled), with the
// same bytes; while it waits, the other slot delivers the rest. --no-retry
// sends once.
func TestLoopRetries(t *testing.T) {
	path, bodies := captureOf(t, 8)
	paths(t, func(t *testing.T, noLoop bool) {
		ep := newEndpoint(t)
		var mu sync.Mutex
		failures := 0
		ep.answer = func(_ int, b []byte) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			if string(b) == string(bodies[0]) && failures < 2 {
				failures++
				return 503, "busy"
			}
			return 200, "1"
		}
		start := time.Now()
		got, sum, err := replayAll(t, context.Background(), Options{URL: ep.srv.URL, Secret: testSecret, Concurrency: 2, Retry: true, RetryScale: 0.05, noLoop: noLoop}, path)
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		first := got[1]
		if first.Outcome != Delivered || first.Attempts != 3 || sum.Attempts != 10 || sum.Delivered != 8 {
			t.Fatalf("first delivery %v after %d attempts; summary %+v", first.Outcome, first.Attempts, sum)
		}
		// RTC's schedule is 2 s, 4 s, ...: 100 ms, then 200 ms more.
		for i, want := range []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond} {
			off := first.attempts[i].Offset
			if first.attempts[i].N != i+1 || off < want || off > want+150*time.Millisecond {
				t.Fatalf("attempt %d at %v, want %v (+150ms)", i+1, off, want)
			}
		}
		hits := ep.got()
		if len(hits) != 10 {
			t.Fatalf("%d requests, want 10", len(hits))
		}
		last := hits[len(hits)-1]
		if string(last.body) != string(bodies[0]) {
			t.Fatal("the retried callback was not the last to arrive: the others waited for it")
		}
		for _, h := range hits {
			if h.ctype != "application/json" {
				t.Fatalf("content type %q", h.ctype)
			}
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("took %v", el)
		}

		ep2 := newEndpoint(t)
		ep2.answer = func(n int, _ []byte) (int, string) { return 500, "no" }
		got, sum, _ = replayAll(t, context.Background(), Options{URL: ep2.srv.URL, Secret: testSecret, Concurrency: 2, noLoop: noLoop}, path)
		if sum.Rejected != 8 || sum.Attempts != 8 || len(ep2.got()) != 8 || got[3].Attempts != 1 || got[3].Error != "status 500 is not 2xx" {
			t.Fatalf("no retry: summary %+v, delivery 3 %+v", sum, got[3])
		}
	})
}

// With -c 1 a delivery waiting for its retry holds the one slot: the
// deliveries stay in the original order, as on the goroutine path.
func TestLoopRetryKeepsOrderWithOneSlot(t *testing.T) {
	path, bodies := captureOf(t, 3)
	paths(t, func(t *testing.T, noLoop bool) {
		ep := newEndpoint(t)
		ep.answer = func(n int, _ []byte) (int, string) {
			if n == 1 {
				return 502, "bad gateway"
			}
			return 200, "1"
		}
		var order []int
		sum, err := Run(context.Background(), Options{URL: ep.srv.URL, Secret: testSecret, Retry: true, RetryScale: 0.01, noLoop: noLoop}, files(path), func(r *Result) error {
			order = append(order, r.Seq)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		hits := ep.got()
		if len(hits) != 4 || string(hits[1].body) != string(bodies[0]) || string(hits[2].body) != string(bodies[1]) || !slices.Equal(order, []int{1, 2, 3}) {
			t.Fatalf("%d requests, results in order %v", len(hits), order)
		}
	})
}

// A server that closes kept-alive connections without saying so (after
// every second answer), or resets them when the next request arrives:
// each request goes once more on a new connection, transparently.
func TestLoopServerClosesKeptAlive(t *testing.T) {
	path, _ := captureOf(t, 20)
	paths(t, func(t *testing.T, noLoop bool) {
		srv := newRawServer(t, func(n int) (string, bool) {
			return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", n%2 == 0
		})
		_, sum, err := replayAll(t, context.Background(), Options{URL: srv.url(), Secret: testSecret, Concurrency: 3, noLoop: noLoop}, path)
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		if sum.Delivered != 20 || sum.Attempts != 20 || srv.requests.Load() != 20 {
			t.Fatalf("summary %+v, %d requests reached the server", sum, srv.requests.Load())
		}

		var mu sync.Mutex
		count := 0
		u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
			for k := 1; ; k++ {
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				req.Body.Close()
				mu.Lock()
				count++
				mu.Unlock()
				if k == 2 {
					c.SetLinger(0) // the close sends RST
					return
				}
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"))
			}
		})
		_, sum, err = replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 1, noLoop: noLoop}, path)
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		mu.Lock()
		defer mu.Unlock()
		// every connection resets its second request, which goes again on a new one
		if sum.Delivered != 20 || sum.Attempts != 20 || count != 39 {
			t.Fatalf("summary %+v, %d requests reached the server, want 39", sum, count)
		}
	})
}

// A server that says nothing, or stops halfway through its answer: the
// attempt's timeout ends the wait, in words.
func TestLoopTimeout(t *testing.T) {
	path, _ := captureOf(t, 2)
	for _, tc := range []struct {
		name, says string
		outcome    Outcome
		err        string
	}{
		{"no answer", "", Unreachable, "no answer within 200ms (timeout)"},
		{"half an answer", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1", Rejected, "status 200, body cut short: no answer within 200ms (timeout)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths(t, func(t *testing.T, noLoop bool) {
				release := make(chan struct{})
				defer close(release)
				u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					c.Write([]byte(tc.says))
					<-release
				})
				start := time.Now()
				got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 2, Timeout: 200 * time.Millisecond, noLoop: noLoop}, path)
				if err != nil {
					t.Fatal(err)
				}
				onPath(t, sum, noLoop)
				for seq, d := range got {
					if d.Outcome != tc.outcome || d.Error != tc.err || d.Latency < 200*time.Millisecond {
						t.Fatalf("delivery %d: %v %q after %v", seq, d.Outcome, d.Error, d.Latency)
					}
				}
				if len(got) != 2 || time.Since(start) > 2*time.Second {
					t.Fatalf("%d results after %v", len(got), time.Since(start))
				}
			})
		})
	}
}

// A hostile endpoint that streams one header line, or header lines,
// forever gets the same error on both paths at httpwire's bounds, not a
// connection that grows until the timeout.
func TestLoopEndlessHead(t *testing.T) {
	path, _ := captureOf(t, 2)
	for _, tc := range []struct {
		name, prefix, fill, want string
	}{
		{"header line", "HTTP/1.1 200 OK\r\nX-Endless: ", strings.Repeat("x", 4096), "a line over 64 KiB"},
		{"header lines", "HTTP/1.1 200 OK\r\n", strings.Repeat("X-More: y\r\n", 400), "over 512 header lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths(t, func(t *testing.T, noLoop bool) {
				u := handServer(t, streamAfterRequest(tc.prefix, tc.fill))
				got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 2, Timeout: 10 * time.Second, noLoop: noLoop}, path)
				if err != nil {
					t.Fatal(err)
				}
				onPath(t, sum, noLoop)
				for seq, d := range got {
					if d.Outcome != Rejected || d.Status != 200 || d.Error != "status 200, body cut short: malformed HTTP response: "+tc.want {
						t.Fatalf("delivery %d: %v %d %q", seq, d.Outcome, d.Status, d.Error)
					}
				}
			})
		})
	}
}

// Ctrl-C: the run ends at once with ctx's error; what was in flight is
// reported as interrupted.
func TestLoopInterrupted(t *testing.T) {
	path, _ := captureOf(t, 4)
	paths(t, func(t *testing.T, noLoop bool) {
		arrived := make(chan struct{}, 8)
		release := make(chan struct{})
		defer close(release)
		u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			arrived <- struct{}{}
			<-release
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		start := time.Now()
		got, sum, err := replayAll(t, ctx, Options{URL: u.String(), Secret: testSecret, Concurrency: 2, Retry: true, noLoop: noLoop}, path)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		onPath(t, sum, noLoop)
		// The loop reports the two in flight; the goroutine path also the
		// jobs its workers had taken, as interrupted before their first
		// attempt.
		if len(got) == 0 || (len(got) > 2 && !noLoop) {
			t.Fatalf("%d results", len(got))
		}
		for seq, d := range got {
			if d.Outcome != Unreachable || d.Error != "interrupted" {
				t.Fatalf("delivery %d: %v %q", seq, d.Outcome, d.Error)
			}
		}
	})
}
