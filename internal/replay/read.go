// read.go holds reading captures line by line: records, bare bodies and listen
// -o json lines, with bounded line lengths.

package replay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/input"
)

// item is one payload as read: a line, or a whole pretty-printed file.
type item struct {
	line int
	data []byte // valid until the next call of next
	// torn: the last line of its source, with no newline after it.
	torn bool
	// off is where data starts in the source, for a line; whole marks a
	// pretty-printed file read whole (data is its trimmed content).
	off   int64
	whole bool
}

// source streams the payloads of one input through a bounded buffer: one
// per line, or one for a file that holds a single pretty-printed JSON
// object. Nothing is retained from one payload to the next.
type source struct {
	name  string
	br    *bufio.Reader
	max   int
	line  int
	off   int64  // bytes consumed so far
	long  []byte // a line longer than br's buffer
	first bool
	done  bool
}

const readBuf = 64 << 10

func newSource(name string, r io.Reader, max int) *source {
	return &source{name: name, br: bufio.NewReaderSize(r, readBuf), max: max, first: true}
}

// readLine returns the next line without its "\n" (and without a "\r"
// before it). newline is false for a last line that has none. err is
// io.EOF at the end, or a read error.
func (s *source) readLine() (line []byte, newline bool, err error) {
	b, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(s.long) > s.max+1 {
				return nil, false, s.tooLong(len(s.long), false)
			}
			b, err = s.br.ReadSlice('\n')
			s.long = append(s.long, b...)
		}
		b = s.long
	}
	s.off += int64(len(b))
	switch {
	case err == io.EOF && len(b) == 0:
		return nil, false, io.EOF
	case err != nil && err != io.EOF:
		return nil, false, &InputError{File: s.name, Line: s.line + 1, Msg: "read error: " + err.Error()}
	}
	newline = err == nil
	if newline {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	if len(b) > s.max {
		return nil, false, s.tooLong(len(b), true)
	}
	return b, newline, nil
}

// tooLong reports line s.line+1 as over the limit: n bytes long, or more
// when the line was not read to its end.
func (s *source) tooLong(n int, whole bool) error {
	more := ""
	if !whole {
		more = "over "
	}
	return &InputError{File: s.name, Line: s.line + 1, Msg: fmt.Sprintf("line is %s%s, over the %s payload limit", more, input.SizeText(n), input.SizeText(s.max))}
}

// next returns the next payload, or io.EOF.
func (s *source) next() (item, error) {
	for !s.done {
		off := s.off
		b, newline, err := s.readLine()
		if err != nil {
			return item{}, err
		}
		s.line++
		if input.IsBlank(b) {
			continue
		}
		if s.first {
			s.first = false
			if newline && opensObject(b) && !callback.ValidJSON(input.UnsafeString(b)) {
				return s.whole(b)
			}
		}
		return item{line: s.line, data: b, torn: !newline, off: off}, nil
	}
	return item{}, io.EOF
}

// whole reads a file whose first line opens a JSON object it does not
// close: a pretty-printed callback (like testdata/payloads/*). It is one
// payload, read whole (up to the payload limit).
func (s *source) whole(first []byte) (item, error) {
	start := s.line
	buf := append(append([]byte(nil), first...), '\n')
	for {
		b, err := s.br.ReadSlice('\n')
		buf = append(buf, b...)
		s.line += bytes.Count(b, []byte{'\n'})
		if len(buf) > s.max {
			return item{}, &InputError{File: s.name, Line: start, Msg: fmt.Sprintf("the JSON object that starts here runs over the %s payload limit", input.SizeText(s.max))}
		}
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			return item{}, &InputError{File: s.name, Line: s.line + 1, Msg: "read error: " + err.Error()}
		}
	}
	s.done = true
	trimmed := bytes.TrimSpace(buf)
	if !callback.ValidJSON(input.UnsafeString(trimmed)) && !input.ContinuesObject(trimmed) {
		// A JSON-lines file whose first line is broken: say so for line 1.
		return item{line: start, data: bytes.TrimSpace(first), whole: true}, nil
	}
	return item{line: start, data: trimmed, whole: true}, nil
}

// opensObject reports whether b starts (after blanks) with "{".
func opensObject(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return c == '{'
		}
	}
	return false
}

// expand turns the inputs into the files to read, in order: a directory
// becomes its files with a known extension, in lexical order.
func expand(inputs []Input) ([]Input, error) {
	var out []Input
	for _, in := range inputs {
		if in.Reader != nil {
			if in.Name == "" {
				in.Name = "stdin"
			}
			out = append(out, in)
			continue
		}
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, &InputError{File: in.Path, Msg: input.DescribeOpenError(err)}
		}
		if !st.IsDir() {
			out = append(out, in)
			continue
		}
		var files []string
		err = filepath.WalkDir(in.Path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return &InputError{File: p, Msg: input.DescribeOpenError(err)}
			}
			if !d.IsDir() && input.HasExtension(d.Name()) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, &InputError{File: in.Path, Msg: "directory holds no " + strings.Join(input.Extensions, ", ") + " files"}
		}
		sort.Strings(files)
		for _, f := range files {
			out = append(out, Input{Path: f})
		}
	}
	return out, nil
}

// entry is one payload decoded: a capture record's frame and body, or a
// callback body on its own. Its byte slices and payload point into the
// reader's buffers and the decoder's scratch: valid until the next payload.
type entry struct {
	file string
	line int

	record bool
	// listen: the line is a listen -o json callback line (record is set
	// too: it has a received time); reencoded: its body is the payload
	// listen parsed, printed again, not the bytes received.
	listen, reencoded bool
	body              []byte
	contentType       string
	method            string
	received          time.Time
	answered          bool
	answerStatus      int

	// Filled by decoder.payload.
	p    *callback.Payload
	spec *callback.Event
	name string
	room string
}

// decoder turns payloads into entries, reusing its scratch space.
type decoder struct {
	cat                  *callback.Catalog
	det                  callback.Detection
	outer, inner         callback.Payload
	oscratch, iscratch   []byte
	outerParsed, isOuter bool
}

// frame decodes the structure of one payload: is it a capture record (and
// of a version this reader knows), what body does it hold. Errors are
// *InputError naming file and line.
func (d *decoder) frame(file string, it item, e *entry) error {
	*e = entry{file: file, line: it.line, body: it.data, method: "POST"}
	d.outerParsed, d.isOuter = false, false
	if input.FirstByte(it.data) != '{' {
		return nil // a form or UrlEncoded body: checked when parsed
	}
	if err := callback.ParseJSONScratch(&d.outer, input.UnsafeString(it.data), &d.oscratch); err != nil {
		if it.torn {
			if off, ok := input.TornAt(it.data, err); ok {
				msg := "torn last line: byte " + strconv.Itoa(off) + ": the input ends in the middle of a JSON object with no final newline (what a killed `listen --save` leaves)"
				if it.line > 1 {
					msg += "; delete this line to replay the ones before it"
				}
				return &InputError{File: file, Line: it.line, Msg: msg}
			}
		}
		return &InputError{File: file, Line: it.line, Msg: err.Error()}
	}
	d.outerParsed = true
	o := &d.outer
	get := func(k string) (string, string, bool) {
		v, ok := o.Get(k)
		return v.Raw, v.Text, ok
	}
	if _, ok := o.Get("kind"); ok {
		if k := capture.ListenKindOf(get); k != capture.NotListen {
			return d.listenLine(file, it, e, k, get)
		}
	}
	if !capture.IsRecordKeys(func(k string) bool { _, ok := o.Get(k); return ok }) {
		d.isOuter = true // the line is a callback body
		return nil
	}
	e.record = true
	if v, ok := o.Get("v"); ok {
		if v.Kind != callback.KindNumber || !callback.IsInteger(v.Text) {
			return &InputError{File: file, Line: it.line, Msg: fmt.Sprintf("capture record: v is %.20s, want a version number", v.Raw)}
		}
		if n, err := strconv.Atoi(v.Text); err != nil || n != capture.Version {
			return &InputError{File: file, Line: it.line, Msg: fmt.Sprintf("unknown capture-record version %s: this zegocb reads version %d (a newer zegocb wrote this file?)", v.Text, capture.Version)}
		}
	}
	ess, err := capture.EssentialsFrom(get)
	if err != nil {
		return &InputError{File: file, Line: it.line, Msg: "capture record: " + err.Error()}
	}
	e.body, e.contentType, e.received = ess.Body, ess.ContentType, ess.ReceivedAt
	d.methodAnswer(e)
	return nil
}

// methodAnswer takes the method and the recorded answer's status from a
// capture record or a listen -o json line (the same fields in both).
func (d *decoder) methodAnswer(e *entry) {
	o := &d.outer
	if v, ok := o.Get("method"); ok && v.Kind == callback.KindString && v.Text != "" {
		e.method = v.Text
	}
	if v, ok := o.Get("answer"); ok && v.Kind == callback.KindObject {
		if st := gjson.Get(v.Raw, "status"); st.Type == gjson.Number {
			e.answered, e.answerStatus = true, int(st.Int())
		}
	}
}

// listenLine frames a `zegocb listen -o json` line (capture.ListenKindOf):
// a "callback" line is read like a capture record (received time, method,
// answer) whose body is the callback it holds; a "rejected" or
// "forward_attempt" line holds no callback and is an error. A callback
// whose body listen parsed is there only as that parse, printed again
// (payload): e.reencoded, which cannot be sent byte-exact (see
// reencodedMode). One whose body did not parse has it raw (body): that is
// sent as it came.
func (d *decoder) listenLine(file string, it item, e *entry, k capture.ListenKind, get func(string) (string, string, bool)) error {
	e.listen = true
	if k != capture.ListenCallback {
		return &InputError{File: file, Line: it.line, Msg: k.NoCallback() + `; keep the callbacks only: jq -c 'select(.kind == "callback")'`}
	}
	l, err := capture.ListenFrom(get)
	if err != nil {
		return &InputError{File: file, Line: it.line, Msg: "listen -o json line: " + err.Error()}
	}
	e.record, e.listen, e.reencoded = true, true, l.Reencoded
	e.body, e.contentType, e.received = l.Body, l.ContentType, l.ReceivedAt
	d.methodAnswer(e)
	return nil
}

// reencodedMode decides the mode of a listen -o json line's payload
// (e.reencoded): never byte-exact, since the bytes received are not in
// the line; re-stamped (a fresh timestamp and nonce, signed again) when
// that is possible, else an error that says why.
func (r *run) reencodedMode(e *entry) (Mode, string, error) {
	o := r.opts
	why := capture.NotByteExact
	switch {
	case o.Mode == ModeExact:
		return 0, "", &InputError{File: e.file, Line: e.line, Msg: "cannot replay byte-exact (--exact): " + why + "; replay it re-stamped, or replay the listen --save capture of it"}
	case e.spec == nil:
		return 0, "", &InputError{File: e.file, Line: e.line, Msg: "cannot replay event " + strconv.Quote(e.name) + ": " + why + ", and an unknown event cannot be re-stamped"}
	case o.Secret == "":
		return 0, "", &InputError{File: e.file, Line: e.line, Msg: "cannot replay without a secret: " + why + ", so it must be re-stamped (set $ZEGO_CALLBACK_SECRET or --secret-file)"}
	case o.Mode == ModeRestamp:
		return ModeRestamp, ReasonAsked, nil
	}
	return ModeRestamp, ReasonReencoded, nil
}

// ReasonReencoded is the mode reason of a listen -o json line's payload.
const ReasonReencoded = capture.NotByteExact + ": re-stamped"

// payload parses e's body as a callback and identifies its event and room.
// A body that is not a callback is an error.
func (d *decoder) payload(e *entry) error {
	var err error
	switch {
	case d.isOuter:
		e.p = &d.outer
	case len(e.body) > 0 && callback.Detect(e.body, e.contentType) == callback.FormatJSON:
		err = callback.ParseJSONScratch(&d.inner, input.UnsafeString(e.body), &d.iscratch)
		e.p = &d.inner
	default:
		e.p, err = callback.Parse(e.body, e.contentType)
	}
	if err != nil {
		e.p = nil
		what := "not a callback body"
		if e.record {
			what = "the captured body is not a callback"
		}
		msg := err.Error()
		if errors.Is(err, callback.ErrEmpty) {
			msg = "empty body"
		}
		return &InputError{File: e.file, Line: e.line, Msg: what + ": " + msg}
	}
	e.name, e.spec = identify(d.cat, e.p, &d.det)
	e.room = roomOf(e.p)
	return nil
}

// identify finds a payload's event through the catalog's detection (the
// routing field of any family: RTC's event, a numeric EventType, ...). It
// returns the name to keep and the catalog entry (nil when the catalog does
// not know the event). A known event's name is its qualified name, which
// the delivery pass resolves to the same entry; an unknown one's is the
// routing value as sent.
func identify(cat *callback.Catalog, p *callback.Payload, d *callback.Detection) (string, *callback.Event) {
	cat.DetectInto(p, d)
	if d.Event != nil {
		return d.Event.Qualified, d.Event
	}
	if d.Value.Text != "" {
		return d.Value.Text, nil
	}
	return p.EventName(), nil
}

// roomOf returns the room id of a payload: room_id, or RoomId in the
// PascalCase families.
func roomOf(p *callback.Payload) string {
	if v, ok := p.Get("room_id"); ok {
		return v.Text
	}
	if _, v, ok := p.GetFold("room_id"); ok {
		return v.Text
	}
	if _, v, ok := p.GetFold("roomid"); ok {
		return v.Text
	}
	return ""
}
