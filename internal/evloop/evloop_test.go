package evloop

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/httpwire"
)

// feed gives the parser raw in pieces of n bytes, as reads would, and
// returns the answer once parse says it is complete (or the error).
func feed(t *testing.T, cfg Config, raw string, n int, eof bool) (*Conn, bool, error) {
	t.Helper()
	p := newParser(cfg)
	c := &Conn{}
	c.resetAnswer()
	for len(raw) > 0 {
		k := min(n, len(raw))
		c.in = append(c.in, raw[:k]...)
		raw = raw[k:]
		done, err := p.parse(c, false)
		if done || err != nil {
			return c, done, err
		}
	}
	if eof {
		done, err := p.parse(c, true)
		return c, done, err
	}
	return c, false, nil
}

// Answers arriving whole or a few bytes at a time parse the same: status,
// the body kept (KeepBody), the rest counted, the head kept, keep-alive.
func TestParse(t *testing.T) {
	long := strings.Repeat("z", 300)
	cases := []struct {
		name   string
		cfg    Config
		raw    string
		eof    bool
		status int
		body   string
		rest   int64
		keep   bool
		head   string
	}{
		{"length", Config{KeepBody: 64, KeepHead: true}, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", false, 200, "1", 0, true, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"},
		{"nothing kept", Config{}, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", false, 200, "", 3, true, ""},
		{"kept in part", Config{KeepBody: 100}, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + long, false, 200, long[:100], 200, true, ""},
		{"chunked", Config{KeepBody: 64}, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n", false, 201, "abcde", 0, true, ""},
		{"chunked kept in part", Config{KeepBody: 2}, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false, 200, "ab", 1, true, ""},
		{"interim first", Config{KeepBody: 64, KeepHead: true}, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy", false, 503, "busy", 0, true, "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\n"},
		{"until close", Config{KeepBody: 64}, "HTTP/1.0 200 OK\r\n\r\nall of it", true, 200, "all of it", 0, false, ""},
		{"connection close", Config{KeepBody: 64}, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false, 200, "ok", 0, false, ""},
		{"no content", Config{KeepBody: 64}, "HTTP/1.1 204 No Content\r\n\r\n", false, 204, "", 0, true, ""},
		{"chunked past the drop bound", Config{KeepBody: 10, MaxDrop: 100}, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n" + long + "\r\n0\r\n\r\n", false, 200, long[:10], 100, false, ""},
		{"chunked in many chunks", Config{KeepBody: 64}, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("1;ext=1\r\nq\r\n", 100) + "0\r\n\r\n", false, 200, strings.Repeat("q", 64), 36, true, ""},
		{"past the drop bound", Config{KeepBody: 10, MaxDrop: 100}, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + long, false, 200, long[:10], 100, false, ""},
	}
	for _, c := range cases {
		for _, n := range []int{1 << 20, 7, 1} {
			got, done, err := feed(t, c.cfg, c.raw, n, c.eof)
			if err != nil || !done || got.Status != c.status || string(got.Body) != c.body || got.Rest < c.rest || got.Keep != c.keep || string(got.Head) != c.head {
				t.Fatalf("%s in pieces of %d: done %v err %v status %d body %.20q rest %d keep %v head %q", c.name, n, done, err, got.Status, got.Body, got.Rest, got.Keep, got.Head)
			}
			if c.cfg.MaxDrop == 0 && got.Rest != c.rest {
				t.Fatalf("%s in pieces of %d: rest %d, want %d", c.name, n, got.Rest, c.rest)
			}
		}
	}
}

// Heads that break the rules, or that never end, fail at httpwire's bounds
// with httpwire's errors, the status taken when the status line is in.
func TestParseBadHeads(t *testing.T) {
	cases := []struct {
		name   string
		raw    string
		eof    bool
		status int
		want   error
		msg    string
	}{
		{"endless line", "HTTP/1.1 200 OK\r\nX-Endless: " + strings.Repeat("x", httpwire.MaxLine+10), false, 200, httpwire.ErrLongLine, ""},
		{"endless status line", "HTTP/1.1 200 " + strings.Repeat("x", httpwire.MaxLine+10), false, 0, httpwire.ErrLongLine, ""},
		{"too many lines", "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-More: y\r\n", httpwire.MaxHeaders+10), false, 200, httpwire.ErrManyHeaders, ""},
		{"cut short in the head", "HTTP/1.1 200 OK\r\nContent-Le", true, 200, io.ErrUnexpectedEOF, ""},
		{"nothing", "", true, 0, io.EOF, ""},
		{"cut short in the body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", true, 200, io.ErrUnexpectedEOF, ""},
		{"malformed status", "HTTP/1.1 2x0 OK\r\n\r\n", false, 0, nil, "malformed status line"},
		{"malformed length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, 200, nil, "malformed Content-Length"},
		{"chunked cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true, 200, io.ErrUnexpectedEOF, ""},
		{"endless chunk-size line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("0", httpwire.MaxLine+10), false, 200, httpwire.ErrLongLine, ""},
		{"endless trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + strings.Repeat("X-T: 1\r\n", httpwire.MaxHeaders+10), false, 200, httpwire.ErrManyHeaders, ""},
		{"malformed chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true, 200, nil, "malformed chunk size"},
		{"signed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\nz\r\n0\r\n\r\n", true, 200, nil, "malformed chunk size"},
	}
	for _, c := range cases {
		for _, n := range []int{1 << 20, 4096, 1} {
			got, done, err := feed(t, Config{KeepBody: 64}, c.raw, n, c.eof)
			if done || err == nil || (c.want != nil && !errors.Is(err, c.want)) || (c.msg != "" && !strings.Contains(err.Error(), c.msg)) || got.Status != c.status {
				t.Fatalf("%s in pieces of %d: done %v, status %d, err %v", c.name, n, done, got.Status, err)
			}
		}
	}
}
