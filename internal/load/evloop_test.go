package load

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawServer serves HTTP/1.1 by hand on 127.0.0.1: for the k-th request on
// a connection (from 1) it calls answer, which writes whatever it likes and
// reports whether to keep the connection. It returns the URL.
func rawServer(t *testing.T, answer func(c net.Conn, k int) bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for k := 1; ; k++ {
					n := -1
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if line == "\r\n" {
							break
						}
						if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
							n, _ = strconv.Atoi(strings.TrimSpace(v))
						}
					}
					if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
						return
					}
					if !answer(c, k) {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/cb"
}

// writeSlowly writes s in pieces of at most n bytes, pausing between them,
// so the client sees an answer arrive in several reads.
func writeSlowly(c net.Conn, s string, n int) {
	for len(s) > 0 {
		k := min(n, len(s))
		c.Write([]byte(s[:k]))
		s = s[k:]
		time.Sleep(200 * time.Microsecond)
	}
}

// The event loop and the goroutine path count the same answers the same
// way, whatever shape the answers take.
func TestEventLoopMatchesGoroutinePath(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"
	cases := []struct {
		name    string
		answer  func(c net.Conn, k int) bool
		timeout time.Duration
		// mismatch: answers that are not exactly "1"
		mismatch int64
		want     map[int]int64
		errs     map[string]int64
	}{
		{
			// the server drops kept-alive connections after two answers,
			// without saying so: the third request is sent again on a new one
			name: "stale keep-alive",
			answer: func(c net.Conn, k int) bool {
				c.Write([]byte(ok))
				return k < 2
			},
			want: map[int]int64{200: 40},
		},
		{
			name: "answers in pieces",
			answer: func(c net.Conn, k int) bool {
				writeSlowly(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nX-Pad: "+strings.Repeat("p", 5000)+"\r\nContent-Length: 1\r\n\r\n1", 700)
				return true
			},
			want: map[int]int64{201: 40},
		},
		{
			name: "chunked in pieces",
			answer: func(c net.Conn, k int) bool {
				writeSlowly(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n1\r\n1000\r\n"+strings.Repeat(" ", 4096)+"\r\n0\r\n\r\n", 300)
				return true
			},
			mismatch: 40,
			want:     map[int]int64{200: 40},
		},
		{
			name: "body until close",
			answer: func(c net.Conn, k int) bool {
				c.Write([]byte("HTTP/1.1 202 Accepted\r\n\r\n1" + strings.Repeat(" ", 9000)))
				return false
			},
			mismatch: 40,
			want:     map[int]int64{202: 40},
		},
		{
			name: "truncated body",
			answer: func(c net.Conn, k int) bool {
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1"))
				return false
			},
			want: map[int]int64{},
			errs: map[string]int64{"connection closed by the endpoint": 40},
		},
		{
			name: "malformed",
			answer: func(c net.Conn, k int) bool {
				c.Write([]byte("HTTP/9 OK\r\n\r\n"))
				return false
			},
			want: map[int]int64{},
			errs: map[string]int64{`malformed HTTP response "HTTP/9 OK"`: 40},
		},
		{
			name:    "silent",
			answer:  func(c net.Conn, k int) bool { time.Sleep(time.Second); return false },
			timeout: 150 * time.Millisecond,
			want:    map[int]int64{},
			errs:    map[string]int64{"no answer within 150ms (timeout)": 40},
		},
	}
	for _, tc := range cases {
		for _, goroutines := range []bool{false, true} {
			name := tc.name + "/event loop"
			if goroutines {
				name = tc.name + "/goroutines"
			}
			t.Run(name, func(t *testing.T) {
				url := rawServer(t, tc.answer)
				requests := 40
				if tc.timeout > 0 {
					requests = 4 // each waits the timeout
				}
				r, err := New(Config{URL: url, Template: template(t, "stream_create", false), Requests: requests, Concurrency: 4, ExpectBody: "1", Timeout: tc.timeout})
				if err != nil {
					t.Fatal(err)
				}
				r.goroutines = goroutines
				rep, err := r.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				want, errs := tc.want, tc.errs
				if tc.timeout > 0 {
					errs = map[string]int64{"no answer within 150ms (timeout)": 4}
				}
				if errs == nil {
					errs = map[string]int64{}
				}
				if !maps.Equal(rep.Status, want) || !maps.Equal(rep.Errors, errs) || rep.BodyMismatch != tc.mismatch || int(rep.Requests) != requests || answered(rep) != requests-errCount(errs) || r.Done() != int64(requests) {
					t.Fatalf("status %v (want %v), errors %v (want %v), mismatches %d (%q), requests %d, latencies %d, done %d",
						rep.Status, want, rep.Errors, errs, rep.BodyMismatch, rep.FirstMismatchBody, rep.Requests, rep.Latency.Count(), r.Done())
				}
			})
		}
	}
}

// A server that goes away mid-run: the requests after it are counted as
// refused connections, and the run still ends.
func TestEventLoopServerGoesAway(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for served < 10 {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n1"))
			c.Close()
			served++
		}
		ln.Close()
	}()
	r, _ := New(Config{URL: "http://" + ln.Addr().String() + "/", Template: template(t, "stream_create", false), Requests: 50, Concurrency: 1, Timeout: time.Second})
	rep, err := r.Run(context.Background())
	<-done
	if err != nil || rep.Requests != 50 || rep.Status[200] == 0 || rep.Errors["connection refused"] == 0 || rep.Status[200]+rep.Errors["connection refused"]+rep.Errors["connection closed by the endpoint"]+rep.Errors["connection reset by peer"] != 50 {
		t.Fatalf("err %v requests %d status %v errors %v", err, rep.Requests, rep.Status, rep.Errors)
	}
}

// The loop dials the address the probe connection reached: IPv6 loopback
// and a host name work as IPv4 does.
func TestEventLoopAddresses(t *testing.T) {
	for _, network := range []struct{ listen, host string }{{"[::1]:0", "[::1]"}, {"127.0.0.1:0", "localhost"}} {
		ln, err := net.Listen("tcp", network.listen)
		if err != nil {
			t.Logf("%s: %v (skipped)", network.listen, err)
			continue
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "1")
		})}
		go srv.Serve(ln)
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		r, _ := New(Config{URL: "http://" + network.host + ":" + port + "/", Template: template(t, "stream_create", false), Requests: 100, Concurrency: 8, ExpectBody: "1"})
		rep, err := r.Run(context.Background())
		srv.Close()
		if err != nil || rep.Status[200] != 100 || rep.BodyMismatch != 0 {
			t.Fatalf("%s: err %v status %v errors %v", network.host, err, rep.Status, rep.Errors)
		}
	}
}

// answered is how many latencies the report holds: one per answered request.
func answered(rep *Report) int { return int(rep.Latency.Count()) }

func errCount(errs map[string]int64) int {
	n := 0
	for _, k := range errs {
		n += int(k)
	}
	return n
}
