// raw.go holds load's raw HTTP/1.1 connection for the goroutine path: one
// request head built once, written with each freshly stamped body.

package load

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/evloop"
	"github.com/zegocb/zegocb/internal/httpwire"
)

// rawConn is the fast path of a worker: HTTP/1.1 with keep-alive over one
// connection it owns, written and read in the worker's own goroutine. It
// saves what net/http's Transport spends per request on its read and write
// goroutines, channel hand-offs, header maps and timers: each request is
// one write of a reused buffer (headers and body) and a minimal response
// parse. Used for http:// and https:// URLs that no proxy applies to.
type rawConn struct {
	addr     string
	tlsConf  *tls.Config
	timeout  time.Duration
	head     int    // length of the request head in buf
	buf      []byte // request head + body, rewritten in place
	c        net.Conn
	br       *bufio.Reader
	deadline time.Time // current connection deadline
	reused   bool      // the connection has carried a request already

	mu          sync.Mutex
	interrupted bool
	live        net.Conn // the connection, for interrupt
}

// interrupt closes the connection from another goroutine (Ctrl-C), so a
// worker blocked on it returns at once.
func (rc *rawConn) interrupt() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.interrupted = true
	if rc.live != nil {
		rc.live.Close()
	}
}

func (rc *rawConn) setLive(c net.Conn) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.live = c
	return !rc.interrupted
}

// rawHead builds the request line and headers for a body of n bytes.
func rawHead(method string, u *url.URL, h http.Header, n int) ([]byte, error) {
	var b bytes.Buffer
	host := u.Host
	if v := h.Get("Host"); v != "" {
		host = v
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, u.RequestURI(), host)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ck := http.CanonicalHeaderKey(k)
		if ck == "Host" || ck == "Content-Length" || ck == "Transfer-Encoding" || ck == "Connection" {
			continue
		}
		for _, v := range h[k] {
			if strings.ContainsAny(k+v, "\r\n") {
				return nil, fmt.Errorf("header %q: line breaks are not allowed", k)
			}
			fmt.Fprintf(&b, "%s: %s\r\n", ck, v)
		}
	}
	if h.Get("User-Agent") == "" {
		b.WriteString("User-Agent: zegocb\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", n)
	return b.Bytes(), nil
}

func newRawConn(addr string, tlsConf *tls.Config, head []byte, bodyLen int, timeout time.Duration) *rawConn {
	buf := make([]byte, len(head)+bodyLen)
	copy(buf, head)
	return &rawConn{addr: addr, tlsConf: tlsConf, timeout: timeout, head: len(head), buf: buf}
}

// body is the region of buf the stamper writes into.
func (rc *rawConn) body() []byte { return rc.buf[rc.head:] }

func (rc *rawConn) close() {
	if rc.c != nil {
		rc.c.Close()
		rc.c = nil
		rc.setLive(nil)
	}
}

func (rc *rawConn) dial() error {
	c, err := net.DialTimeout("tcp", rc.addr, rc.timeout)
	if err != nil {
		return err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	if rc.tlsConf != nil {
		t := tls.Client(c, rc.tlsConf)
		_ = t.SetDeadline(time.Now().Add(rc.timeout))
		if err := t.Handshake(); err != nil {
			c.Close()
			return err
		}
		c = t
	}
	rc.c = c
	if !rc.setLive(c) {
		rc.close()
		return net.ErrClosed
	}
	if rc.br == nil {
		rc.br = bufio.NewReaderSize(c, 8<<10)
	} else {
		rc.br.Reset(c)
	}
	rc.deadline = time.Time{}
	rc.reused = false
	return nil
}

// errStale is a kept-alive connection the server closed before answering.
var errStale = errors.New("stale connection")

// roundTrip writes buf and reads the answer. peek receives the first bytes
// of the body. A request on a kept-alive connection that the server had
// already closed is retried once on a new connection (restamp is called
// first, so the retry is a new callback, not a duplicate).
func (rc *rawConn) roundTrip(now time.Time, peek []byte, restamp func()) (status, n int, rest int64, err error) {
	for try := 0; ; try++ {
		status, n, rest, err = rc.once(now, peek)
		if err == errStale && try == 0 {
			restamp()
			continue
		}
		if err == errStale {
			err = io.ErrUnexpectedEOF
		}
		return
	}
}

func (rc *rawConn) once(now time.Time, peek []byte) (status, n int, rest int64, err error) {
	if rc.c == nil {
		if err := rc.dial(); err != nil {
			return 0, 0, 0, err
		}
	}
	// Every request gets at least the timeout, and up to 10% more: the
	// deadline is moved only when less than the timeout is left, and then
	// a tenth further, so the timer is reset once per tenth of the timeout
	// rather than per request.
	if now.Add(rc.timeout).After(rc.deadline) {
		d := now.Add(rc.timeout + rc.timeout/10)
		if err := rc.c.SetDeadline(d); err != nil {
			rc.close()
			return 0, 0, 0, err
		}
		rc.deadline = d
	}
	reused := rc.reused
	rc.reused = true
	if _, err := rc.c.Write(rc.buf); err != nil {
		rc.close()
		if reused && !isTimeout(err) {
			return 0, 0, 0, errStale
		}
		return 0, 0, 0, err
	}
	status, n, rest, keep, err := readResponse(rc.br, peek)
	if err != nil {
		rc.close()
		if reused && status == 0 && httpwire.Closed(err) {
			return 0, 0, 0, errStale
		}
		return status, n, rest, err
	}
	if !keep || rc.br.Buffered() > 0 { // more than the answer: not the next one's
		rc.close()
	}
	return status, n, rest, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// readResponse reads one response (skipping 1xx), copies up to len(peek)
// body bytes into peek and discards the rest. keep says whether the
// connection can carry another request.
func readResponse(br *bufio.Reader, peek []byte) (status, n int, rest int64, keep bool, err error) {
	for {
		var h httpwire.Head
		h, err = httpwire.ReadHead(br, nil)
		status, keep = h.Status, h.Keep
		if err != nil {
			return status, 0, 0, false, err
		}
		length, chunked := h.Length, h.Chunked
		if status >= 100 && status < 200 && status != 101 {
			continue
		}
		var body io.Reader
		switch {
		case status == 204 || status == 304:
			return status, 0, 0, keep, nil
		case !chunked && length >= 0:
			// The usual answer: a short body of known length, read and
			// dropped in the buffer (no reader to allocate, no copy loop).
			n, rest, err = readKnown(br, peek, length)
			if err != nil {
				return status, n, rest, false, err
			}
			return status, n, rest, keep, nil
		case chunked:
			body = &evloop.ChunkedReader{R: br}
		default:
			body, keep = br, false // until the server closes
		}
		n, err = io.ReadFull(body, peek)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil
		}
		if err != nil {
			return status, n, 0, false, err
		}
		if n == len(peek) {
			rest, err = io.Copy(io.Discard, body)
			if err != nil {
				return status, n, rest, false, err
			}
		}
		if length >= 0 && int64(n)+rest < length {
			return status, n, rest, false, io.ErrUnexpectedEOF
		}
		return status, n, rest, keep, nil
	}
}

// readKnown reads a body of length bytes: the first len(peek) into peek,
// the rest discarded.
func readKnown(br *bufio.Reader, peek []byte, length int64) (n int, rest int64, err error) {
	if int64(len(peek)) > length {
		peek = peek[:length]
	}
	n, err = io.ReadFull(br, peek)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, 0, err
	}
	left := length - int64(n)
	for left > 0 {
		k := int(min(left, int64(br.Size())))
		d, err := br.Discard(k)
		rest += int64(d)
		left -= int64(d)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, rest, err
		}
	}
	return n, rest, nil
}
