package replay

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The validation pass writes every selected callback, decoded, to a
// temporary file: the spool. The delivery pass reads it back instead of
// the input, so it decodes no JSON (half of replay's CPU went into
// decoding every record twice), what is sent is exactly what was
// validated (a capture still being appended to, or changed, between the
// passes cannot slip anything in), and a stream (stdin) is read once. The
// spool holds the selected bodies and a few fields each: about the size
// of the selection. It is deleted when Run returns.
//
// An entry: uvarint file index, uvarint line, mode byte, varint received
// time (Unix ns; 0 for a body), then the strings reason, event (as sent),
// room, method, content type and the body, each a uvarint length and the bytes.

// spoolEntry is one selected callback as the delivery pass reads it. Its
// strings and body are only valid until the next read.
type spoolEntry struct {
	file     int
	line     int
	mode     Mode
	received time.Time
	reason   []byte
	event    []byte
	room     []byte
	method   []byte
	ctype    []byte
	body     []byte
}

// appendSpool encodes a selected callback.
func appendSpool(dst []byte, file int, s *selected, ctype string) []byte {
	e := s.e
	dst = binary.AppendUvarint(dst, uint64(file))
	dst = binary.AppendUvarint(dst, uint64(e.line))
	dst = append(dst, byte(s.mode))
	var ns int64
	if e.record {
		ns = e.received.UnixNano()
	}
	dst = binary.AppendVarint(dst, ns)
	for _, f := range [...]string{s.reason, e.name, e.room, e.method, ctype} {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.body)))
	return append(dst, e.body...)
}

// spoolReader reads entries back, reusing one buffer.
type spoolReader struct {
	br  *bufio.Reader
	buf []byte
}

var errSpoolCorrupt = errors.New("the temporary copy of the selection is corrupt")

// next reads the next entry into e; io.EOF at the end.
func (r *spoolReader) next(e *spoolEntry) error {
	file, err := binary.ReadUvarint(r.br)
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return spoolErr(err)
	}
	line, err := binary.ReadUvarint(r.br)
	if err != nil {
		return spoolErr(err)
	}
	mode, err := r.br.ReadByte()
	if err != nil {
		return spoolErr(err)
	}
	ns, err := binary.ReadVarint(r.br)
	if err != nil {
		return spoolErr(err)
	}
	// The strings and the body share r.buf: read the lengths and bytes
	// into it, then slice.
	var spans [6][2]int
	r.buf = r.buf[:0]
	for i := range spans {
		n, err := binary.ReadUvarint(r.br)
		if err != nil {
			return spoolErr(err)
		}
		if n > 1<<31 {
			return errSpoolCorrupt
		}
		start := len(r.buf)
		if cap(r.buf)-start < int(n) {
			nb := make([]byte, start, 2*cap(r.buf)+int(n))
			copy(nb, r.buf)
			r.buf = nb
		}
		r.buf = r.buf[:start+int(n)]
		if _, err := io.ReadFull(r.br, r.buf[start:]); err != nil {
			return spoolErr(err)
		}
		spans[i] = [2]int{start, start + int(n)}
	}
	*e = spoolEntry{file: int(file), line: int(line), mode: Mode(mode)}
	if ns != 0 {
		e.received = time.Unix(0, ns).UTC()
	}
	e.reason = r.buf[spans[0][0]:spans[0][1]]
	e.event = r.buf[spans[1][0]:spans[1][1]]
	e.room = r.buf[spans[2][0]:spans[2][1]]
	e.method = r.buf[spans[3][0]:spans[3][1]]
	e.ctype = r.buf[spans[4][0]:spans[4][1]]
	e.body = r.buf[spans[5][0]:spans[5][1]]
	return nil
}

func spoolErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errSpoolCorrupt
	}
	return fmt.Errorf("reading the temporary copy of the selection: %w", err)
}
