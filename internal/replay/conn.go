// conn.go holds a worker's own HTTP/1.1 connection on the goroutine path
// (https://, timing, a rate cap, systems without the event loop): the
// request's bytes (appendRequest, shared with evloop.go) and the answer's
// blocking read (readResponse).

package replay

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/httpwire"
)

// conn is a worker's own HTTP/1.1 client: one kept-alive connection, used
// by one goroutine, each request written with one write call and its
// answer parsed in the same goroutine (deliver.Options.Send). It saves
// what net/http's Client and Transport spend per request on connection
// goroutines, hand-offs and request objects, which held replay to a
// fraction of load mode's throughput (load mode has the same kind of fast
// path). URLs a proxy applies to go through net/http instead.
type conn struct {
	u       *url.URL
	addr    string
	tlsConf *tls.Config // nil for http
	timeout time.Duration

	c        net.Conn
	br       *bufio.Reader
	buf      []byte // request head and body
	reused   bool
	deadline time.Time // the connection's deadline, moved on by a tenth of timeout at a time

	// watched is the context whose end interrupts the connection (the
	// run's, for every request of a worker: one registration, not one per
	// request); live is the connection it interrupts.
	watched       context.Context
	unwatch       func() bool
	mu            sync.Mutex
	live          net.Conn
	watchedLocked context.Context // watched, for interrupt (under mu)
}

// interrupt makes the connection's blocked write or read return at once,
// when ctx is still the one watched (a context left behind can end late).
func (t *conn) interrupt(ctx context.Context) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live != nil && t.watchedLocked == ctx {
		t.live.SetDeadline(time.Unix(1, 0))
	}
}

func (t *conn) setLive(c net.Conn) {
	t.mu.Lock()
	t.live = c
	t.mu.Unlock()
}

func (t *conn) watch(ctx context.Context) {
	if t.watched == ctx {
		return
	}
	if t.unwatch != nil {
		t.unwatch()
	}
	t.mu.Lock()
	t.watchedLocked = ctx
	t.mu.Unlock()
	t.watched, t.unwatch = ctx, context.AfterFunc(ctx, func() { t.interrupt(ctx) })
}

// newConn returns a connection for u, or nil when the fast path does not
// apply (a proxy is configured for u, or the scheme is not http or https).
func newConn(u *url.URL, timeout time.Duration, tlsConf *tls.Config) *conn {
	addr, conf, ok := httpwire.Target(u, tlsConf)
	if !ok {
		return nil
	}
	return &conn{u: u, timeout: timeout, addr: addr, tlsConf: conf}
}

func (t *conn) close() {
	if t.c != nil {
		t.c.Close()
		t.c = nil
		t.setLive(nil)
	}
}

// stop closes the connection and stops watching the context.
func (t *conn) stop() {
	t.close()
	if t.unwatch != nil {
		t.unwatch()
		t.unwatch, t.watched = nil, nil
	}
}

func (t *conn) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: t.timeout, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return err
	}
	if t.tlsConf != nil {
		tc := tls.Client(c, t.tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return err
		}
		c = tc
	}
	t.c, t.reused, t.deadline = c, false, time.Time{}
	t.setLive(c)
	if t.br == nil {
		t.br = bufio.NewReaderSize(c, 8<<10)
	} else {
		t.br.Reset(c)
	}
	return nil
}

// errStale is a kept-alive connection the server closed before answering.
var errStale = errors.New("stale connection")

// send is deliver.Options.Send: one attempt on the worker's connection.
func (t *conn) send(ctx context.Context, req *deliver.Request) (int, http.Header, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, err
	}
	t.watch(ctx)
	t.buf = appendRequest(t.buf[:0], t.u, req)
	for try := 0; ; try++ {
		status, h, body, err := t.once(ctx)
		if err == errStale && try == 0 && ctx.Err() == nil {
			continue // the server had closed the idle connection: once more on a new one
		}
		if err == errStale {
			err = io.ErrUnexpectedEOF
		}
		return status, h, body, err
	}
}

func (t *conn) once(ctx context.Context) (status int, h http.Header, body []byte, err error) {
	if t.c == nil {
		if err := t.dial(ctx); err != nil {
			return 0, nil, nil, err
		}
	}
	c := t.c
	// Every request gets at least the timeout, and up to a tenth more: the
	// deadline moves only when less than the timeout is left (one timer
	// reset per tenth of the timeout, not one per request). A context
	// deadline (tests) is set as it is.
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
		t.deadline = time.Time{}
	} else if now := time.Now(); t.timeout > 0 && now.Add(t.timeout).After(t.deadline) {
		t.deadline = now.Add(t.timeout + t.timeout/10)
		c.SetDeadline(t.deadline)
	}
	reused := t.reused
	t.reused = true
	if _, err := c.Write(t.buf); err != nil {
		t.close()
		if reused && ctx.Err() == nil && !isTimeout(err) {
			return 0, nil, nil, errStale
		}
		return 0, nil, nil, ctxErr(ctx, err)
	}
	status, h, body, keep, err := readResponse(t.br)
	if err != nil {
		t.close()
		if reused && status == 0 && ctx.Err() == nil && httpwire.Closed(err) {
			return 0, nil, nil, errStale
		}
		return status, h, body, ctxErr(ctx, err)
	}
	if !keep || t.br.Buffered() > 0 { // more than the answer: not the next one's
		t.close()
	}
	return status, h, body, nil
}

// ctxErr prefers the context's error (a timeout or Ctrl-C) to the
// connection error it caused.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	// The connection's deadline is the context's: it can fire first.
	if dl, ok := ctx.Deadline(); ok && isTimeout(err) && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// appendRequest writes req's head (request line, Host, headers,
// Content-Length) and body, to u.
func appendRequest(dst []byte, u *url.URL, req *deliver.Request) []byte {
	dst = appendHead(dst, u, req.Method, req.Header)
	return appendBody(dst, req.Body)
}

// appendBody writes Content-Length, the blank line and body.
func appendBody(dst, body []byte) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

// appendHead writes the head of a request to u up to Content-Length:
// the request line, Host and the headers.
func appendHead(dst []byte, u *url.URL, method string, header http.Header) []byte {
	if method == "" {
		method = http.MethodPost
	}
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, u.RequestURI()...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	if h := header.Get("Host"); h != "" {
		dst = appendHeaderValue(dst, h)
	} else {
		dst = append(dst, u.Host...)
	}
	dst = append(dst, "\r\n"...)
	ua := false
	for k, vs := range header {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		case "User-Agent":
			ua = true
		}
		for _, v := range vs {
			dst = appendHeaderValue(dst, k)
			dst = append(dst, ": "...)
			dst = appendHeaderValue(dst, v)
			dst = append(dst, "\r\n"...)
		}
	}
	if !ua {
		dst = append(dst, "User-Agent: zegocb\r\n"...)
	}
	return dst
}

// appendHeaderValue writes v with line breaks replaced by spaces, as
// net/http does, so that a value cannot start a header of its own.
func appendHeaderValue(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		dst = append(dst, c)
	}
	return dst
}

// readResponse reads one answer (skipping 1xx ones): its status, headers
// and up to deliver.MaxBodyKeep bytes of its body, the rest discarded.
// keep says whether the connection can carry another request.
func readResponse(br *bufio.Reader) (status int, h http.Header, body []byte, keep bool, err error) {
	for {
		h = make(http.Header, 4)
		hd, err := httpwire.ReadHead(br, func(k, v []byte) {
			key := http.CanonicalHeaderKey(string(k))
			h[key] = append(h[key], string(v))
		})
		if hd.Status == 0 {
			h = nil
		}
		status, keep = hd.Status, hd.Keep
		if err != nil {
			return status, h, nil, false, err
		}
		length, chunked := hd.Length, hd.Chunked
		if status < 200 && status != 101 {
			continue // 100 Continue and the like: the answer follows
		}
		var r io.Reader
		switch {
		case status == 204 || status == 304:
			return status, h, nil, keep, nil
		case chunked:
			r, length = httputil.NewChunkedReader(br), -1 // Transfer-Encoding overrides Content-Length
		case length >= 0:
			r = io.LimitReader(br, length)
		default:
			r, keep = br, false // until the server closes
		}
		body, err = readSome(r, deliver.MaxBodyKeep, length)
		if err != nil {
			return status, h, body, false, err
		}
		// Discard the rest, up to a bound; past it, drop the connection.
		n, err := io.Copy(io.Discard, io.LimitReader(r, 4<<20))
		if err != nil || n == 4<<20 {
			keep = false
		}
		if chunked && err == nil && keep {
			// the chunked reader stops before the trailers' final CRLF
			if httpwire.SkipTrailers(br) != nil {
				return status, h, body, false, nil
			}
		}
		return status, h, body, keep, nil
	}
}

// readSome reads up to max bytes of r (all of it when shorter).
func readSome(r io.Reader, max int, length int64) ([]byte, error) {
	n := max
	if length >= 0 && length < int64(max) {
		n = int(length)
	}
	buf := make([]byte, 0, min(n, 512))
	for len(buf) < max {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), max)])
		buf = buf[:len(buf)+m]
		if err == io.EOF && length >= 0 && len(buf) < n {
			return buf, io.ErrUnexpectedEOF // the connection ended before Content-Length
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
