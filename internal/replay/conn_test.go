package replay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
)

// rawServer answers each request on a connection with the next of
// answers (raw HTTP), and closes the connection after an answer when
// closeAfter says so. It counts connections and requests.
type rawServer struct {
	ln       net.Listener
	answers  func(n int) (raw string, closeAfter bool)
	conns    atomic.Int32
	requests atomic.Int32
}

func newRawServer(t *testing.T, answers func(n int) (string, bool)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, answers: answers}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go s.serve(c)
		}
	}()
	return s
}

func (s *rawServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		n := int(s.requests.Add(1))
		raw, closeAfter := s.answers(n)
		io.WriteString(c, raw)
		if closeAfter {
			return
		}
	}
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() + "/cb?x=1" }

func sendOnce(t *testing.T, c *conn, body string) (int, http.Header, []byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.send(ctx, &deliver.Request{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)})
}

func TestConnAnswers(t *testing.T) {
	big := strings.Repeat("x", deliver.MaxBodyKeep+1000)
	cases := []struct {
		name   string
		raw    string
		close  bool
		status int
		body   string
		header string
		conns  int32 // connections after two requests
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Seen: yes\r\n\r\n1", false, 200, "1", "yes", 1},
		{"chunked with trailer", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n", false, 201, "abcde", "", 1},
		{"continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy", false, 503, "busy", "", 1},
		{"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true, 200, "ok", "", 2},
		{"until close", "HTTP/1.0 200 OK\r\n\r\nall of it", true, 200, "all of it", "", 2},
		{"no content", "HTTP/1.1 204 No Content\r\n\r\n", false, 204, "", "", 1},
		{"redirect is an answer", "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n", false, 302, "", "", 1},
		{"long body kept in part", "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n" + big, false, 200, big[:deliver.MaxBodyKeep], "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newRawServer(t, func(int) (string, bool) { return c.raw, c.close })
			u, _ := url.Parse(srv.url())
			cn := newConn(u, time.Second, nil)
			defer cn.close()
			for i := 0; i < 2; i++ {
				status, h, body, err := sendOnce(t, cn, `{"a":1}`)
				if err != nil || status != c.status || string(body) != c.body {
					t.Fatalf("request %d: %d %.40q %v", i+1, status, body, err)
				}
				if c.header != "" && h.Get("X-Seen") != c.header {
					t.Fatalf("headers %v", h)
				}
			}
			if got := srv.conns.Load(); got != c.conns {
				t.Fatalf("%d connections, want %d", got, c.conns)
			}
		})
	}
}

// A kept-alive connection that the server closed while idle is replaced
// once, transparently; the request reaches the server once.
func TestConnStaleKeepAlive(t *testing.T) {
	srv := newRawServer(t, func(int) (string, bool) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", true // closes without saying so
	})
	u, _ := url.Parse(srv.url())
	cn := newConn(u, time.Second, nil)
	defer cn.close()
	for i := 0; i < 3; i++ {
		time.Sleep(20 * time.Millisecond) // let the close arrive
		if status, _, _, err := sendOnce(t, cn, "x"); err != nil || status != 200 {
			t.Fatalf("request %d: %d %v", i+1, status, err)
		}
	}
	if srv.requests.Load() != 3 {
		t.Fatalf("%d requests reached the server, want 3", srv.requests.Load())
	}
}

// The request on the wire: the URL's path and query, Host, the headers,
// Content-Length and the exact body; header values cannot inject lines.
func TestConnRequestBytes(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/zego/cb?k=v")
	cn := newConn(u, time.Second, nil)
	defer cn.close()
	body := `{"event":"stream_create", "x": "é"}`
	ctx := context.Background()
	status, _, _, err := cn.send(ctx, &deliver.Request{Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Evil": {"a\r\nX-Injected: 1"}}, Body: []byte(body)})
	if err != nil || status != 200 {
		t.Fatal(status, err)
	}
	r := <-got
	if r.Method != "POST" || r.URL.RequestURI() != "/zego/cb?k=v" || r.Host != u.Host || r.ContentLength != int64(len(body)) ||
		r.Header.Get("Content-Type") != "application/json; charset=utf-8" || r.Header.Get("User-Agent") != "zegocb" ||
		r.Header.Get("X-Injected") != "" || r.Header.Get("X-Evil") != "a  X-Injected: 1" {
		t.Fatalf("request %s %s host %s len %d headers %v", r.Method, r.URL, r.Host, r.ContentLength, r.Header)
	}
	if b := <-bodies; !bytes.Equal(b, []byte(body)) {
		t.Fatalf("body %q", b)
	}
}

// A server that never answers: the attempt's timeout ends the wait; so does
// a cancelled context.
func TestConnTimeoutAndCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	u, _ := url.Parse("http://" + ln.Addr().String() + "/")
	cn := newConn(u, time.Second, nil)
	defer cn.close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	status, _, _, err := cn.send(ctx, &deliver.Request{Body: []byte("x")})
	if status != 0 || err != context.DeadlineExceeded || time.Since(start) > time.Second {
		t.Fatalf("timeout: %d %v after %v", status, err, time.Since(start))
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel2() }()
	if _, _, _, err := cn.send(ctx2, &deliver.Request{Body: []byte("x")}); err != context.Canceled {
		t.Fatalf("cancel: %v", err)
	}
	// Through deliver: unreachable, in words.
	res, _ := deliver.Deliver(context.Background(), deliver.Request{Body: []byte("x")}, deliver.Options{Send: cn.send, Timeout: 100 * time.Millisecond})
	if a := res.Last(); a.Verdict != deliver.Unreachable || a.Reason != "no answer within 100ms (timeout)" {
		t.Fatalf("attempt %+v", a)
	}
}

// https: the fast path speaks TLS with the given roots; the replay reaches
// a TLS endpoint byte-exact.
func TestConnTLS(t *testing.T) {
	var seen atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		io.WriteString(w, "1")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted handshake below
	srv.StartTLS()
	defer srv.Close()
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	path := writeFile(t, "cap.jsonl", record(t, signedJSON(t, "stream_create", "", testSecret, 1), "application/json", t0, 200))
	_, sum, err := replay(t, Options{URL: srv.URL, Secret: testSecret, TLS: &tls.Config{RootCAs: pool}}, files(path)...)
	if err != nil || sum.Delivered != 1 || seen.Load() != 1 {
		t.Fatalf("%v %+v", err, sum)
	}
	// Without the roots: a certificate error, in words, and no answer.
	res, sum, _ := replay(t, Options{URL: srv.URL, Secret: testSecret}, files(path)...)
	if sum.Unreachable != 1 || !strings.Contains(res[0].Error, "certificate") {
		t.Fatalf("untrusted: %+v", res[0])
	}
}

// An endpoint that echoes the secret gets it masked in what is reported.
func TestSecretMaskedInAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", "key="+testSecret)
		w.WriteHeader(500)
		io.WriteString(w, "bad secret "+testSecret)
	}))
	defer srv.Close()
	path := writeFile(t, "cap.jsonl", record(t, signedJSON(t, "stream_create", "", testSecret, 1), "application/json", t0, 200))
	var logged []deliver.Attempt
	res, _, _ := replay(t, Options{URL: srv.URL, Secret: testSecret, OnAttempt: func(_ *Delivery, a deliver.Attempt) { logged = append(logged, a) }}, files(path)...)
	if res[0].Answer != "bad secret [masked]" || strings.Contains(logged[0].Header.Get("X-Echo"), testSecret) || bytes.Contains(logged[0].Body, []byte(testSecret)) {
		t.Fatalf("answer %q, attempt %+v", res[0].Answer, logged[0])
	}
}
