package httpwire

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestReadHead(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      Head
		headers   string // name=value pairs seen, ";"-separated
		err       string
		next      string // what br holds after the head
	}{
		{name: "content length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-A:  b \r\n\r\nbody",
			want: Head{Status: 200, Length: 12, Keep: true}, headers: "Content-Length=12;X-A=b", next: "body"},
		{name: "LF only, no reason", raw: "HTTP/1.1 204 \ncontent-length:0\n\nnext",
			want: Head{Status: 204, Length: 0, Keep: true}, headers: "content-length=0", next: "next"},
		{name: "chunked, any case", raw: "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: gzip, Chunked\r\n\r\n",
			want: Head{Status: 200, Length: -1, Chunked: true, Keep: true}, headers: "TRANSFER-ENCODING=gzip, Chunked"},
		{name: "close", raw: "HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n",
			want: Head{Status: 200, Length: -1}, headers: "Connection=Close"},
		{name: "1.0 keep-alive", raw: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n",
			want: Head{Status: 200, Length: -1, Keep: true}, headers: "Connection=Keep-Alive"},
		{name: "1.0", raw: "HTTP/1.0 200 OK\r\n\r\n", want: Head{Status: 200, Length: -1}},
		{name: "line without colon skipped", raw: "HTTP/1.1 100 Continue\r\njunk\r\n\r\n", want: Head{Status: 100, Length: -1, Keep: true}},
		{name: "not HTTP", raw: "HTTP/9 OK\r\n\r\n", err: `malformed HTTP response "HTTP/9 OK"`},
		{name: "status not a number", raw: "HTTP/1.1 2x0 OK\r\n\r\n", err: `malformed status line "HTTP/1.1 2x0 OK"`},
		{name: "status under 100", raw: "HTTP/1.1 099 Odd\r\n\r\n", err: `malformed status line "HTTP/1.1 099 Odd"`},
		{name: "bad length", raw: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
			want: Head{Status: 200, Length: -1, Keep: true}, err: `malformed Content-Length "-1"`},
		{name: "nothing", raw: "", err: "EOF"},
		{name: "cut short", raw: "HTTP/1.1 200 OK\r\nX-A: b", want: Head{Status: 200, Length: -1, Keep: true}, err: "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.raw), 16)
			var seen []string
			h, err := ReadHead(br, func(k, v []byte) { seen = append(seen, string(k)+"="+string(v)) })
			if h.Status == 0 {
				h.Length = tc.want.Length // undefined without a status line
			}
			if h != tc.want {
				t.Errorf("head %+v, want %+v", h, tc.want)
			}
			if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
			if err == nil {
				if got := strings.Join(seen, ";"); got != tc.headers {
					t.Errorf("headers %q, want %q", got, tc.headers)
				}
				if rest, _ := io.ReadAll(br); string(rest) != tc.next {
					t.Errorf("left %q, want %q", rest, tc.next)
				}
			}
		})
	}
}

func TestLimits(t *testing.T) {
	long := strings.Repeat("x", MaxLine)
	for _, tc := range []struct {
		name, raw string
		err       error
	}{
		{"longest line", "HTTP/1.1 200 OK\r\nX: " + long[3:] + "\r\n\r\n", nil},
		{"line one over", "HTTP/1.1 200 OK\r\nX: " + long[2:] + "\r\n\r\n", ErrLongLine},
		{"line one over, LF", "HTTP/1.1 200 OK\nX: " + long[2:] + "\n\n", ErrLongLine},
		{"status line", "HTTP/1.1 200 " + long + "\r\n\r\n", ErrLongLine},
		{"most headers", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", MaxHeaders) + "\r\n", nil},
		{"one header too many", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", MaxHeaders+1) + "\r\n", ErrManyHeaders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHead(bufio.NewReaderSize(strings.NewReader(tc.raw), 4096), nil)
			if err != tc.err {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
	if err := SkipTrailers(bufio.NewReader(strings.NewReader(strings.Repeat("T: 1\r\n", MaxHeaders) + "\r\n"))); err != nil {
		t.Fatalf("trailers: %v", err)
	}
	if err := SkipTrailers(bufio.NewReader(strings.NewReader(strings.Repeat("T: 1\r\n", MaxHeaders+1) + "\r\n"))); err != ErrManyHeaders {
		t.Fatalf("too many trailers: %v", err)
	}
}

// Closed recognises a connection the peer reset or closed, as a real
// socket on 127.0.0.1 reports it, and nothing else.
func TestClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	read := func(reset bool) error {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if reset {
			s.(*net.TCPConn).SetLinger(0) // close with RST
		}
		s.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = c.Read(make([]byte, 1))
		return err
	}
	if err := read(true); !Closed(err) {
		t.Errorf("reset: Closed(%v) false", err)
	}
	if err := read(false); !Closed(err) {
		t.Errorf("close: Closed(%v) false", err)
	}
	c, _ := net.Dial("tcp", ln.Addr().String())
	c.Close()
	if _, err := c.Read(make([]byte, 1)); !Closed(err) {
		t.Errorf("our own close: Closed(%v) false", err)
	}
	for _, err := range []error{io.ErrUnexpectedEOF, ErrLongLine, errors.New("connection reset? no"), &net.OpError{Op: "read", Err: errTimeout{}}} {
		if Closed(err) {
			t.Errorf("Closed(%v) true", err)
		}
	}
}

type errTimeout struct{}

func (errTimeout) Error() string { return "i/o timeout" }
