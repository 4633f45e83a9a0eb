// Package httpwire reads the head of an HTTP/1.1 response off a buffered connection, within fixed limits.
package httpwire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"syscall"
)

// Limits on a response's head, so a hostile endpoint cannot make a client
// hold an endless line or read headers forever.
const (
	MaxLine    = 64 << 10 // a status, header, chunk-size or trailer line
	MaxHeaders = 512      // header (or trailer) lines of one response
)

var (
	// ErrLongLine is a line over MaxLine.
	ErrLongLine = fmt.Errorf("malformed HTTP response: a line over %d KiB", MaxLine>>10)
	// ErrManyHeaders is a head or trailer section over MaxHeaders lines.
	ErrManyHeaders = fmt.Errorf("malformed HTTP response: over %d header lines", MaxHeaders)
)

// Head is what a client needs from a response's status line and headers.
type Head struct {
	Status  int
	Length  int64 // Content-Length, or -1 when there is none
	Chunked bool  // Transfer-Encoding: chunked
	Keep    bool  // the connection can carry another request
}

// ReadHead reads a response's status line and headers, through the empty
// line. each, when not nil, gets every header's name and value (trimmed,
// valid until the next read from br). The status is 0 when the status line
// is missing or malformed.
func ReadHead(br *bufio.Reader, each func(name, value []byte)) (Head, error) {
	line, err := ReadLine(br)
	if err != nil {
		return Head{}, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return Head{}, fmt.Errorf("malformed HTTP response %q", trim(line, 40))
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return Head{}, fmt.Errorf("malformed status line %q", trim(line, 40))
	}
	h := Head{Status: status, Length: -1, Keep: line[7] == '1'}
	for i := 0; ; i++ {
		if i > MaxHeaders {
			return h, ErrManyHeaders
		}
		l, err := ReadLine(br)
		if err != nil {
			return h, err
		}
		if len(l) == 0 {
			return h, nil
		}
		k, v, ok := bytes.Cut(l, []byte{':'})
		if !ok {
			continue
		}
		k, v = bytes.TrimSpace(k), bytes.TrimSpace(v)
		if each != nil {
			each(k, v)
		}
		switch {
		case asciiEqualFold(k, "content-length"):
			if h.Length, err = strconv.ParseInt(string(v), 10, 64); err != nil || h.Length < 0 {
				return h, fmt.Errorf("malformed Content-Length %q", trim(v, 20))
			}
		case asciiEqualFold(k, "transfer-encoding"):
			h.Chunked = containsFold(v, "chunked")
		case asciiEqualFold(k, "connection"):
			if containsFold(v, "close") {
				h.Keep = false
			} else if containsFold(v, "keep-alive") {
				h.Keep = true
			}
		}
	}
}

// SkipTrailers reads a chunked body's trailer lines through the empty line.
func SkipTrailers(br *bufio.Reader) error {
	for i := 0; ; i++ {
		if i > MaxHeaders {
			return ErrManyHeaders
		}
		l, err := ReadLine(br)
		if err != nil {
			return err
		}
		if len(l) == 0 {
			return nil
		}
	}
}

// ReadLine reads a CRLF- or LF-terminated line without its terminator.
// A line longer than br's buffer is read whole (and copied), up to MaxLine.
// io.EOF means nothing was left; a line cut short is io.ErrUnexpectedEOF.
func ReadLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			if len(long) > MaxLine {
				return nil, ErrLongLine
			}
			line, err = br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) > MaxLine {
		return nil, ErrLongLine
	}
	return line, nil
}

// Closed reports whether err says the peer closed or reset the connection
// (a kept-alive connection the server dropped while it was idle).
func Closed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || resetErrno(err)
}

// trim is the first n bytes of b, for an error message.
func trim(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether b contains s (lower case) in any case.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if asciiEqualFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
