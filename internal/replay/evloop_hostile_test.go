package replay

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A hostile endpoint that streams interim (1xx) answers without end,
// faster than they are read: the attempt's timeout still ends the wait on
// both paths; the loop is not held by the one connection. (A body without
// end stops at maxDrop.)
func TestLoopEndlessInterim(t *testing.T) {
	path, _ := captureOf(t, 2)
	paths(t, func(t *testing.T, noLoop bool) {
		u := handServer(t, streamAfterRequest("", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 2000)))
		start := time.Now()
		got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 2, Timeout: 300 * time.Millisecond, noLoop: noLoop}, path)
		if err != nil {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		onPath(t, sum, noLoop)
		if el := time.Since(start); len(got) != 2 || el > time.Second {
			t.Fatalf("%d results after %v", len(got), el)
		}
		for seq, d := range got {
			if d.Outcome == Delivered || !strings.Contains(d.Error, "within 300ms (timeout)") {
				t.Fatalf("delivery %d: %v %d %q", seq, d.Outcome, d.Status, d.Error)
			}
		}
	})
}

// A delivery pass on either path keeps nothing per callback, even when
// every record carries a content type of its own (a capture is the
// endpoint's input, not ours): the heap after the last result is what it
// was after the tenth of them.
func TestDeliverMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("replays 20,000 records")
	}
	const n = 20_000
	bodies := [][]byte{signedJSON(t, "stream_create", "room-m", testSecret, 1), signedJSON(t, "stream_close", "room-m", testSecret, 2)}
	for _, tc := range []struct {
		name  string
		ctype func(i int) string
	}{
		{"one content type", func(int) string { return "application/json" }},
		{"a content type each", func(i int) string { return "application/json; x=" + strconv.Itoa(i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			for i := range n {
				b.WriteString(record(t, bodies[i%2], tc.ctype(i), t0.Add(time.Duration(i)*time.Millisecond), 200))
			}
			path := writeFile(t, "cap.jsonl", b.String())
			paths(t, func(t *testing.T, noLoop bool) {
				srv := newRawServer(t, func(int) (string, bool) { return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", false })
				var before, after uint64
				got := 0
				sum, err := Run(context.Background(), Options{URL: srv.url(), Secret: testSecret, Concurrency: 4, Timeout: 5 * time.Second, noLoop: noLoop}, files(path), func(r *Result) error {
					got++
					switch got {
					case n / 10:
						before = heapNow()
					case n:
						after = heapNow()
					}
					return nil
				})
				if err != nil || sum.Delivered != n {
					t.Fatalf("%v %+v", err, sum)
				}
				onPath(t, sum, noLoop)
				if after > before+512<<10 {
					t.Fatalf("heap grew from %d to %d bytes over %d callbacks", before, after, n-n/10)
				}
			})
		})
	}
}

// An endpoint that answers as soon as it accepts a connection, before the
// request has arrived (then reads it, and closes): the answer is read on
// both paths however its arrival interleaves with the connection's set-up
// and the request's write, never left waiting for the timeout.
func TestLoopAnswerBeforeRequest(t *testing.T) {
	path, _ := captureOf(t, 40)
	paths(t, func(t *testing.T, noLoop bool) {
		u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n1"))
			http.ReadRequest(br)
		})
		start := time.Now()
		got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Concurrency: 4, Timeout: 2 * time.Second, noLoop: noLoop}, path)
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		if sum.Delivered != 40 || time.Since(start) > 2*time.Second {
			for seq, d := range got {
				if d.Outcome != Delivered {
					t.Errorf("delivery %d: %v %q", seq, d.Outcome, d.Error)
				}
			}
			t.Fatalf("summary %+v after %v", sum, time.Since(start))
		}
	})
}

// A slow reader of the results (a paused terminal, a full pipe) holds the
// emit call, and the next delivery starts only after it: its latency and
// its timeout count from when it was sent, not from before the wait.
func TestSlowEmitNotCounted(t *testing.T) {
	path, _ := captureOf(t, 3)
	paths(t, func(t *testing.T, noLoop bool) {
		u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
			for {
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				time.Sleep(50 * time.Millisecond)
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"))
			}
		})
		var got []Result
		sum, err := Run(context.Background(), Options{URL: u.String(), Secret: testSecret, Timeout: 300 * time.Millisecond, noLoop: noLoop}, files(path), func(r *Result) error {
			got = append(got, *r)
			time.Sleep(400 * time.Millisecond) // longer than the timeout
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		for _, r := range got {
			if r.Outcome != Delivered || r.Latency > 250*time.Millisecond {
				t.Errorf("delivery %d: %v %q after %v", r.Seq, r.Outcome, r.Error, r.Latency)
			}
		}
		if len(got) != 3 {
			t.Fatalf("%d results", len(got))
		}
	})
}

// An endpoint that sends more than its answer (here a second answer, in
// the same write): the rest is not the next request's answer; the
// connection is not used again.
func TestBytesAfterTheAnswer(t *testing.T) {
	path, _ := captureOf(t, 3)
	paths(t, func(t *testing.T, noLoop bool) {
		srv := newRawServer(t, func(int) (string, bool) {
			return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 500 Stale\r\nContent-Length: 0\r\n\r\n", false
		})
		got, sum, err := replayAll(t, context.Background(), Options{URL: srv.url(), Secret: testSecret, Timeout: 2 * time.Second, noLoop: noLoop}, path)
		if err != nil {
			t.Fatal(err)
		}
		onPath(t, sum, noLoop)
		for seq, d := range got {
			if d.Outcome != Delivered || d.Status != 200 {
				t.Errorf("delivery %d: %v %d %q", seq, d.Outcome, d.Status, d.Error)
			}
		}
		if len(got) != 3 || srv.requests.Load() != 3 {
			t.Fatalf("%d results, %d requests", len(got), srv.requests.Load())
		}
	})
}

// An endpoint that speaks on a kept-alive connection while no request is
// on it: the loop drops the connection, so what it said is not taken for
// the next request's answer (the goroutine path reads only when it has
// asked, and cannot tell).
func TestLoopUnsolicitedAnswer(t *testing.T) {
	path, _ := captureOf(t, 1)
	var requests atomic.Int32
	u := handServer(t, func(c *net.TCPConn, br *bufio.Reader) {
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			if requests.Add(1) > 1 {
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"))
				continue
			}
			c.Write([]byte("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"))
			time.Sleep(30 * time.Millisecond)
			c.Write([]byte("HTTP/1.1 500 Unasked\r\nContent-Length: 0\r\n\r\n"))
		}
	})
	got, sum, err := replayAll(t, context.Background(), Options{URL: u.String(), Secret: testSecret, Retry: true, RetryScale: 0.05, Timeout: 2 * time.Second}, path)
	if err != nil {
		t.Fatal(err)
	}
	onPath(t, sum, false)
	d := got[1]
	if d.Outcome != Delivered || len(d.attempts) != 2 || d.attempts[0].Status != 503 || d.attempts[1].Status != 200 {
		t.Fatalf("%v after %d attempts: %+v", d.Outcome, len(d.attempts), d.attempts)
	}
}
