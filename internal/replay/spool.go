// spool.go holds the spool between validation and delivery: the selected
// entries, kept compact so a large capture streams in flat memory.

package replay

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zegocb/zegocb/internal/input"
)

// The validation pass writes what it decided for every selected callback
// to a temporary file, the spool, which the delivery pass reads back: the
// mode and why, the event, room, method, content type and received time,
// and where the body is. So the delivery pass decodes no callback body,
// checks no signature and matches no selection again (decoding every
// record twice was most of replay's CPU); it only takes the body out of
// each selected line, found by its offset. What is sent is what was
// validated: lines a capture gains between the passes (listen still
// saving) are not in the spool. Bodies that cannot be read again, from a
// stream (stdin) or a pretty-printed file read whole, are kept in the spool
// itself. It is deleted when Run returns.
//
// The selected callbacks of the input's start (its first spoolInline
// bytes, which the reader spends batch by batch) are spooled with their
// bodies, already taken out of their records by the validation pass, so
// that the delivery pass has no line to read again and no body to unescape
// for them; they are sent as validated, even from a file rewritten since.
// Past the budget, entries refer to their lines. The spool thus stays
// bounded on disk (the budget, plus a few dozen bytes a callback), and
// memory stays flat: nothing of it is kept in memory.
//
// An entry: uvarint file index, uvarint line, mode byte (recordFlag set
// for a capture record), varint received
// time (Unix ns; 0 for a body), the strings reason, event (as sent), room,
// method and content type (each a uvarint length and the bytes), then a
// byte: 0 and the line's offset and length (uvarints), or 1 and the body
// (a uvarint length and the bytes).

// spoolEntry is one selected callback as the delivery pass reads it. Its
// strings and body are only valid until the next read.
type spoolEntry struct {
	file     int
	line     int
	mode     Mode
	record   bool
	received time.Time
	reason   []byte
	event    []byte
	room     []byte
	method   []byte
	ctype    []byte
	// The body: inline, or at off (n bytes) in the file.
	inline bool
	body   []byte
	off    int64
	n      int
}

// appendSpool encodes a selected callback. inline keeps its body in the
// spool; else the body is found again at it.off, it.data's length.
func appendSpool(dst []byte, file int, it *item, inline bool, s *selected, ctype string) []byte {
	e := s.e
	dst = binary.AppendUvarint(dst, uint64(file))
	dst = binary.AppendUvarint(dst, uint64(e.line))
	flags := byte(s.mode)
	if e.record {
		flags |= recordFlag
	}
	dst = append(dst, flags)
	var ns int64
	if e.record {
		ns = e.received.UnixNano()
	}
	dst = binary.AppendVarint(dst, ns)
	for _, f := range [...]string{s.reason, e.name, e.room, e.method, ctype} {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	if !inline {
		dst = append(dst, 0)
		dst = binary.AppendUvarint(dst, uint64(it.off))
		return binary.AppendUvarint(dst, uint64(len(it.data)))
	}
	dst = append(dst, 1)
	dst = binary.AppendUvarint(dst, uint64(len(e.body)))
	return append(dst, e.body...)
}

// spoolInline is the default budget of input whose selected bodies are
// spooled inline (see above).
const spoolInline = 64 << 20

// recordFlag marks, in the mode byte, an entry that is a capture record.
const recordFlag = 0x80

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
		if i == 5 {
			kind, err := r.br.ReadByte()
			if err != nil {
				return spoolErr(err)
			}
			if kind == 0 {
				off, err := binary.ReadUvarint(r.br)
				if err != nil {
					return spoolErr(err)
				}
				n, err := binary.ReadUvarint(r.br)
				if err != nil {
					return spoolErr(err)
				}
				e.inline, e.off, e.n = false, int64(off), int(n)
				break
			}
			e.inline = true
		}
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
	e.file, e.line, e.mode, e.record, e.received = int(file), int(line), Mode(mode&^recordFlag), mode&recordFlag != 0, time.Time{}
	if ns != 0 {
		e.received = time.Unix(0, ns).UTC()
	}
	e.reason = r.buf[spans[0][0]:spans[0][1]]
	e.event = r.buf[spans[1][0]:spans[1][1]]
	e.room = r.buf[spans[2][0]:spans[2][1]]
	e.method = r.buf[spans[3][0]:spans[3][1]]
	e.ctype = r.buf[spans[4][0]:spans[4][1]]
	e.body = nil
	if e.inline {
		e.body = r.buf[spans[5][0]:spans[5][1]]
	}
	return nil
}

func spoolErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errSpoolCorrupt
	}
	return fmt.Errorf("reading the temporary copy of the selection: %w", err)
}

// lineReader takes the bodies of the spool's entries out of the input
// files, reading each file forward once.
type lineReader struct {
	r    *run
	d    *decoder
	file int // open file's index, -1 none
	f    *os.File
	br   *bufio.Reader
	pos  int64
	buf  []byte // the line
	out  []byte // the body taken out of it
	e    entry
}

func (l *lineReader) close() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// body returns the body of the callback on e's line: the line itself, or
// the body of the capture record it holds. It is valid until the next call.
func (l *lineReader) body(e *spoolEntry) ([]byte, error) {
	name := l.r.name(e.file)
	if l.f == nil || l.file != e.file || e.off < l.pos {
		l.close()
		f, err := os.Open(name)
		if err != nil {
			return nil, &InputError{File: name, Msg: input.DescribeOpenError(err)}
		}
		l.f, l.file, l.pos = f, e.file, 0
		if l.br == nil {
			l.br = bufio.NewReaderSize(f, readBuf)
		} else {
			l.br.Reset(f)
		}
	}
	if skip := e.off - l.pos; skip > 0 {
		if skip > readBuf {
			if _, err := l.f.Seek(e.off, io.SeekStart); err != nil {
				return nil, &InputError{File: name, Line: e.line, Msg: "read error: " + err.Error()}
			}
			l.br.Reset(l.f)
		} else if _, err := l.br.Discard(int(skip)); err != nil {
			return nil, changed(name, e.line)
		}
		l.pos = e.off
	}
	if cap(l.buf) < e.n {
		l.buf = make([]byte, e.n)
	}
	l.buf = l.buf[:e.n]
	if _, err := io.ReadFull(l.br, l.buf); err != nil {
		return nil, changed(name, e.line)
	}
	l.pos += int64(e.n)
	// Validated already: a body line is the body, and a record's body is
	// taken out without decoding the rest (recordBody); what that does not
	// expect is decoded in full, which also notices a file rewritten
	// between the passes.
	if !e.record {
		return l.buf, nil
	}
	if out, ok := recordBody(l.out[:0], l.buf); ok {
		l.out = out
		return out, nil
	}
	if err := l.d.frame(name, item{line: e.line, data: l.buf}, &l.e); err != nil || !l.e.record {
		return nil, changed(name, e.line)
	}
	return l.e.body, nil
}

func changed(name string, line int) error {
	return &InputError{File: name, Line: line, Msg: "the file changed while it was being replayed"}
}
