package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/tidwall/gjson"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// listenItem is one thing to print: a callback, a background forward
// attempt, or a request rejected before it was judged.
type listenItem struct {
	ev     *listen.Event
	fa     *listen.ForwardAttempt
	reject *listenReject
}

type listenReject struct {
	at         time.Time
	method     string
	path       string
	remoteAddr string
	status     int
}

type renderMode int

const (
	renderPretty renderMode = iota // header, details and the body
	renderQuiet                    // the header line only (-q)
	renderJSON                     // one JSON object per line (-o json)
)

// listenRenderer turns items into text. It is used from one goroutine.
type listenRenderer struct {
	mode    renderMode
	tty     bool // pretty body (indented, expanded, annotated) rather than the body as received
	color   bool
	verbose bool
	s       *ui.Styles
	secret  string // only to scrub headers on -v; never printed
	buf     []byte // scratch for header lines (render only)
}

func (r *listenRenderer) render(w *bufio.Writer, it listenItem) {
	switch {
	case it.ev != nil:
		if r.mode == renderJSON {
			writeJSONLine(w, eventJSON(it.ev))
			return
		}
		r.header(w, it.ev)
		if r.mode == renderPretty {
			r.details(w, it.ev)
			r.body(w, it.ev)
			w.WriteByte('\n')
		}
	case it.fa != nil:
		if r.mode == renderJSON {
			writeJSONLine(w, forwardAttemptJSONOf(it.fa))
			return
		}
		r.forwardLine(w, it.fa)
	case it.reject != nil:
		if r.mode == renderJSON {
			writeJSONLine(w, rejectJSONOf(it.reject))
			return
		}
		r.rejectLine(w, it.reject)
	}
}

// appendQuiet appends what -q prints for it (one line). Unlike render it
// keeps no state, so the handler goroutines call it concurrently: under
// load each request's line is built where the request was handled.
func (r *listenRenderer) appendQuiet(b []byte, it listenItem) []byte {
	switch {
	case it.ev != nil:
		return r.appendHeader(b, it.ev)
	case it.fa != nil:
		return append(append(b, r.forwardLineText(it.fa)...), '\n')
	case it.reject != nil:
		return append(append(b, r.rejectLineText(it.reject)...), '\n')
	}
	return b
}

// paint styles text when colour is on. With colour off it skips lipgloss
// altogether: Render costs microseconds per call, too much per event under load.
func (r *listenRenderer) paint(st lipgloss.Style, text string) string {
	if !r.color {
		return text
	}
	return st.Render(text)
}

func writeJSONLine(w *bufio.Writer, v any) {
	if err := ui.WriteJSONLine(w, v); err != nil {
		_ = ui.WriteJSONLine(w, map[string]string{"kind": "error", "error": err.Error()})
	}
}

// header is the one line every event gets (and all that -q prints).
func (r *listenRenderer) header(w *bufio.Writer, ev *listen.Event) {
	r.buf = r.appendHeader(r.buf[:0], ev)
	w.Write(r.buf)
}

// appendHeader appends the header line. It is built by appending (no
// lipgloss when colour is off): with -q it runs once per request.
func (r *listenRenderer) appendHeader(b []byte, ev *listen.Event) []byte {
	s := r.s
	if r.color {
		b = append(b, s.Faint.Render(ev.Received.Format("15:04:05.000"))...)
	} else {
		b = ev.Received.AppendFormat(b, "15:04:05.000")
	}
	b = append(b, "  "...)
	if r.color {
		b = r.put(b, s.Faint, "#"+strconv.Itoa(ev.Seq))
	} else {
		b = strconv.AppendInt(append(b, '#'), int64(ev.Seq), 10)
	}
	b = append(b, "  "...)
	switch {
	case ev.Payload == nil:
		b = r.put(b, s.Fail, "(unparseable body)")
	case ev.Name == "":
		b = r.put(b, s.Warn, "(no event field)")
	case ev.Spec == nil: // a name from the network: escaped, so it cannot steer the terminal
		b = r.put(b, s.Event, ui.SafeText(clip(ev.Name, 60, markCutASCII)))
		b = r.put(append(b, ' '), s.Warn, "(not in catalog)")
	default:
		b = r.put(b, s.Event, ev.Name)
	}
	b = r.appendKeyIDs(b, ev.Payload)
	b = append(b, "  sig "...)
	switch ev.Sig {
	case listen.SigOK:
		b = r.put(b, s.Pass, "ok")
	case listen.SigBad:
		b = r.put(b, s.Fail, "bad")
		b = append(append(append(b, " ("...), ev.SigResult.Reason...), ')')
	default:
		b = r.put(b, s.Faint, "unchecked")
	}
	b = append(b, "  "...)
	b = r.appendDelivery(b, ev)
	b = append(b, "  → "...)
	if r.color {
		b = r.put(b, s.Status(ev.Status), strconv.Itoa(ev.Status))
	} else {
		b = strconv.AppendInt(b, int64(ev.Status), 10)
	}
	if ev.Answer != "" {
		b = strconv.AppendQuote(append(b, ' '), clip(ev.Answer, 40, markCutASCII))
	}
	b = append(b, " in "...)
	b = appendDuration(b, ev.Latency, durListen)
	return append(b, '\n')
}

// put appends text, styled when colour is on.
func (r *listenRenderer) put(b []byte, st lipgloss.Style, text string) []byte {
	if !r.color {
		return append(b, text...)
	}
	return append(b, st.Render(text)...)
}

func (r *listenRenderer) styleStatus(status int) string {
	return r.paint(r.s.Status(status), strconv.Itoa(status))
}

func (r *listenRenderer) appendDelivery(b []byte, ev *listen.Event) []byte {
	if ev.Delivery <= 1 {
		return append(b, "delivery 1"...)
	}
	k := ev.Delivery - 1
	label := "retry " + strconv.Itoa(k) + " of 5"
	if k > 5 {
		label = "retry " + strconv.Itoa(k) + " (ZEGO stops after 5)"
	}
	b = r.put(b, r.s.Warn, label)
	b = appendDuration(append(b, " ("...), ev.SincePrev, durListen)
	b = append(b, " after previous, "...)
	if ev.Drift < 0 {
		return append(appendDuration(b, -ev.Drift, durListen), " early)"...)
	}
	return append(appendDuration(b, ev.Drift, durListen), " late)"...)
}

// idFields are the ids a reader scans for, in order, with the fields that
// carry each (the first present wins).
var idFields = []struct {
	label  string
	fields []string
}{
	{"room", []string{"room_id", "channel_id"}},
	{"stream", []string{"stream_id", "mix_stream_alias", "stream_alias"}},
	{"user", []string{"user_id", "user_account", "UserId"}},
	{"task", []string{"task_id", "TaskId"}},
}

func (r *listenRenderer) appendKeyIDs(b []byte, p *callback.Payload) []byte {
	if !r.color {
		return appendKeyIDs(b, p, plainLabel)
	}
	return appendKeyIDs(b, p, func(b []byte, label string) []byte { return r.put(b, r.s.Key, label+"=") })
}

// appendKeyIDs appends "  room=… stream=…", the ids of idFields that p
// has (escaped: they come from the network; cut short). label appends a
// label and its "=". send's receiver line shows the same.
func appendKeyIDs(b []byte, p *callback.Payload, label func(b []byte, label string) []byte) []byte {
	if p == nil {
		return b
	}
	first := true
	for _, k := range idFields {
		for _, f := range k.fields {
			if v, ok := p.Get(f); ok && v.Kind != callback.KindArray && v.Kind != callback.KindObject && v.Text != "" {
				if first {
					b = append(b, "  "...)
					first = false
				} else {
					b = append(b, ' ')
				}
				b = label(b, k.label)
				b = append(b, ui.SafeText(clip(v.Text, 40, markCutASCII))...)
				break
			}
		}
	}
	return b
}

func plainLabel(b []byte, label string) []byte { return append(append(b, label...), '=') }

// details are the indented lines under the header.
func (r *listenRenderer) details(w *bufio.Writer, ev *listen.Event) {
	s := r.s
	line := func(label, text string) {
		w.WriteString("  " + label + " " + text + "\n")
	}
	if r.verbose {
		h := capture.ScrubHeaders(ev.Header, r.secret)
		for _, k := range sortedHeaderKeys(h) {
			for _, v := range h[k] {
				line(r.paint(s.Faint, ">"), r.paint(s.Faint, ui.SafeText(k+": "+v))) // from the network
			}
		}
		line(r.paint(s.Faint, ">"), r.paint(s.Faint, ui.SafeText(ev.Method+" "+ev.Path)+" from "+ev.RemoteAddr))
	}
	if ev.ParseErr != nil {
		line(r.paint(s.Fail, "parse error:"), ui.SafeText(ev.ParseErr.Error()))
	}
	if ev.Sig == listen.SigBad {
		line(r.paint(s.Fail, "signature:"), ev.SigResult.Detail)
	}
	if ev.Simulated != "" {
		line(r.paint(s.Warn, "simulated:"), ev.Simulated)
	}
	if f := ev.Forward; f != nil {
		line(r.paint(s.Accent, "forward:"), r.forwardText(f))
	}
	if ev.SaveErr != nil {
		line(r.paint(s.Fail, "capture:"), "write failed, so answered 500: "+ev.SaveErr.Error())
	}
	for _, p := range ev.Problems {
		if p.Severity == callback.Error {
			line(r.paint(s.Fail, "error"), ui.SafeText(p.String()))
		} else {
			line(r.paint(s.Warn, "warning"), ui.SafeText(p.String()))
		}
	}
}

func (r *listenRenderer) forwardText(f *listen.ForwardResult) string {
	if f.Redelivery {
		switch {
		case f.Delivered:
			return fmt.Sprintf("not forwarded again: the app accepted this callback (attempt %d of %d); answered its %d", f.Attempts, f.Max, f.Status)
		case f.Retrying:
			return fmt.Sprintf("not forwarded again: retries to the app are pending (%d of %d made); answered %d as the app last did", f.Attempts, f.Max, f.Status)
		}
		return fmt.Sprintf("not forwarded again: the app failed all %d attempts; answered %d as it last did", f.Attempts, f.Status)
	}
	a := f.Attempt
	text := f.URL + " attempt 1 of " + strconv.Itoa(f.Max) + ": " + r.attemptOutcome(a)
	switch {
	case f.Delivered:
		text += "; relayed its answer"
	case f.Retrying:
		text += "; relayed its answer, retrying in the background in " + durText(f.NextIn)
	default:
		text += "; relayed its answer, no retries"
	}
	return text
}

func (r *listenRenderer) attemptOutcome(a deliver.Attempt) string {
	s := r.s
	if a.Status == 0 {
		return r.paint(s.Fail, "unreachable") + " (" + a.Reason + ") after " + durText(a.Latency)
	}
	out := r.styleStatus(a.Status)
	if len(a.Body) > 0 {
		out += " " + strconv.Quote(clip(string(a.Body), 40, markCutASCII))
	}
	return out + " in " + durText(a.Latency)
}

func (r *listenRenderer) forwardLine(w *bufio.Writer, fa *listen.ForwardAttempt) {
	w.WriteString(r.forwardLineText(fa) + "\n")
}

func (r *listenRenderer) forwardLineText(fa *listen.ForwardAttempt) string {
	s := r.s
	a := fa.Attempt
	parts := []string{
		r.paint(s.Faint, a.Start.Format("15:04:05.000")),
		r.paint(s.Faint, "#"+strconv.Itoa(fa.Seq)),
		r.paint(s.Event, ui.SafeText(orText(fa.Event, "(no event)"))),
		r.paint(s.Accent, "forward") + " attempt " + strconv.Itoa(a.N) + " of " + strconv.Itoa(fa.Max) + " (+" + durText(a.Offset) + "): " + r.attemptOutcome(a),
	}
	text := strings.Join(parts, "  ")
	switch {
	case !fa.Final:
		text += "; next in " + durText(fa.NextIn)
	case a.Verdict == deliver.Accepted || a.Verdict == deliver.AcceptedWithWarning:
		text += "; " + r.paint(s.Pass, "delivered")
	case a.N >= fa.Max:
		text += "; " + r.paint(s.Fail, "gave up") + " (as ZEGO does after 5 retries)"
	default:
		text += "; stopped"
	}
	return text
}

func (r *listenRenderer) rejectLine(w *bufio.Writer, rj *listenReject) {
	w.WriteString(r.rejectLineText(rj) + "\n")
}

func (r *listenRenderer) rejectLineText(rj *listenReject) string {
	s := r.s
	why := http.StatusText(rj.status)
	switch rj.status {
	case http.StatusNotFound:
		why = "wrong path"
	case http.StatusMethodNotAllowed:
		why = "not POST"
	case http.StatusRequestEntityTooLarge:
		why = "body over --max-body"
	}
	parts := []string{
		r.paint(s.Faint, rj.at.Format("15:04:05.000")),
		r.paint(s.Faint, "rejected"),
		rj.method + " " + rj.path,
		"→ " + r.paint(s.Fail, strconv.Itoa(rj.status)) + " (" + why + ")",
	}
	return strings.Join(parts, "  ")
}

// body prints the payload: on a terminal indented, with JSON-in-string
// fields expanded and enum values annotated; piped, exactly as received.
func (r *listenRenderer) body(w *bufio.Writer, ev *listen.Event) {
	if !r.tty || ev.Payload == nil || callback.DeeperThan(string(ev.Body), displayDepth) {
		b := ev.Body
		more := 0
		if len(b) > 4096 {
			b, more = b[:4096], len(b)-4096
		}
		if r.tty { // piped, the body is exactly as received; on a terminal, never raw control bytes
			b = []byte(ui.SafeBlock(string(b)))
		}
		w.Write(b)
		if more > 0 {
			fmt.Fprintf(w, "... (%d more bytes)", more)
		}
		w.WriteByte('\n')
		return
	}
	w.Write(r.prettyPayload(ev.Payload, ev.Spec))
}

// prettyPayload renders p as indented JSON (coloured when colour is on).
// Each value keeps its exact text; strings holding JSON are expanded, and
// each top-level line can carry a // note (expansion, enum meaning).
func (r *listenRenderer) prettyPayload(p *callback.Payload, spec *callback.Event) []byte {
	var raw strings.Builder
	notes := map[string]string{}
	raw.WriteByte('{')
	for i, e := range p.Entries {
		if i > 0 {
			raw.WriteByte(',')
		}
		key := callback.QuoteJSON(e.Key)
		raw.WriteString(key)
		raw.WriteByte(':')
		val, note := displayValue(e, spec)
		raw.WriteString(val)
		if note != "" {
			notes["  "+key+":"] = note
		}
	}
	raw.WriteByte('}')
	text := ui.SafeJSON(raw.String()) // C1 controls and bidi overrides as \u escapes
	plain := ui.PrettyJSON([]byte(text), false)
	if len(notes) == 0 && !r.color {
		return plain
	}
	out := plain
	if r.color {
		out = ui.PrettyJSON([]byte(text), true)
	}
	plainLines := strings.Split(string(plain), "\n")
	outLines := strings.Split(string(out), "\n")
	if len(plainLines) != len(outLines) {
		return out // cannot align notes; show the body without them
	}
	for i, l := range plainLines {
		if !strings.HasPrefix(l, "  \"") {
			continue
		}
		for prefix, note := range notes {
			if strings.HasPrefix(l, prefix) {
				outLines[i] += "  " + r.paint(r.s.Faint, "// "+note)
				break
			}
		}
	}
	return []byte(strings.Join(outLines, "\n"))
}

// displayValue is the JSON text to show for e, and a note about it.
func displayValue(e callback.Entry, spec *callback.Event) (string, string) {
	v := e.Value
	if v.Kind == callback.KindString {
		text := strings.TrimSpace(v.Text)
		if isJSONContainer(text) {
			return text, "JSON string, expanded"
		}
		if callback.LooksURLEncoded(text) {
			if dec, err := callback.Unescape(strings.ReplaceAll(text, "+", " "), 0); err == nil && isJSONContainer(strings.TrimSpace(dec)) {
				return strings.TrimSpace(dec), "UrlEncoded JSON string, decoded and expanded"
			}
		}
	}
	if spec != nil {
		if f := spec.Field(e.Key); f != nil && f.Role == "" && len(f.Enum) > 1 && v.Kind != callback.KindArray && v.Kind != callback.KindObject {
			if m, ok := f.EnumMeaning(v.Text); ok {
				return v.Raw, m
			}
		}
	}
	return v.Raw, ""
}

// displayDepth bounds the nesting listen and decode indent: indented
// output grows with the square of the depth (a 10 KB body nested 5000 deep
// printed 50 MB). Deeper bodies are shown as received; deeper strings are
// not expanded.
const displayDepth = 64

func isJSONContainer(s string) bool {
	return len(s) >= 2 && (s[0] == '{' || s[0] == '[') && !callback.DeeperThan(s, displayDepth) && gjson.Valid(s)
}

// The -o json stream: one object per line, told apart by "kind". The
// schema is documented in docs/listen.md; tests unmarshal it.

type listenEventJSON struct {
	Kind        string          `json:"kind"` // "callback"
	Seq         int             `json:"seq"`
	ReceivedAt  time.Time       `json:"received_at"`
	Event       string          `json:"event"`
	Known       bool            `json:"known"` // the event is in the catalog
	Sig         string          `json:"sig"`   // ok, bad, unchecked
	SigReason   string          `json:"sig_reason"`
	SigDetail   string          `json:"sig_detail,omitempty"`
	Delivery    int             `json:"delivery"`
	SincePrevMs *float64        `json:"since_prev_ms,omitempty"`
	DriftMs     *float64        `json:"drift_ms,omitempty"`
	Status      int             `json:"status"`
	Answer      string          `json:"answer"`
	LatencyMs   float64         `json:"latency_ms"`
	RemoteAddr  string          `json:"remote_addr"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	ContentType string          `json:"content_type"`
	Format      string          `json:"format,omitempty"`
	Problems    []problemJSON   `json:"problems"`
	Simulated   string          `json:"simulated,omitempty"`
	Saved       bool            `json:"saved"`
	SaveError   string          `json:"save_error,omitempty"`
	Forward     *forwardJSON    `json:"forward,omitempty"`
	ParseError  string          `json:"parse_error,omitempty"`
	Payload     json.RawMessage `json:"payload"`        // the parsed body as JSON; null when it did not parse
	Body        *string         `json:"body,omitempty"` // the raw body, only when it did not parse
}

type problemJSON struct {
	Field    string `json:"field"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

type forwardJSON struct {
	URL        string       `json:"url"`
	Redelivery bool         `json:"redelivery"`
	Attempt    *attemptJSON `json:"attempt,omitempty"`
	Attempts   int          `json:"attempts"`
	Max        int          `json:"max"`
	Delivered  bool         `json:"delivered"`
	Retrying   bool         `json:"retrying"`
	NextInMs   float64      `json:"next_in_ms,omitempty"`
}

type forwardAttemptJSON struct {
	Kind    string      `json:"kind"` // "forward_attempt"
	Seq     int         `json:"seq"`
	Event   string      `json:"event"`
	URL     string      `json:"url"`
	At      time.Time   `json:"at"`
	Attempt attemptJSON `json:"attempt"`
	Max     int         `json:"max"`
	NextIn  float64     `json:"next_in_ms,omitempty"`
	Final   bool        `json:"final"`
}

type rejectJSON struct {
	Kind       string    `json:"kind"` // "rejected"
	ReceivedAt time.Time `json:"received_at"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	RemoteAddr string    `json:"remote_addr"`
	Status     int       `json:"status"`
}

func eventJSON(ev *listen.Event) listenEventJSON {
	j := listenEventJSON{
		Kind:        "callback",
		Seq:         ev.Seq,
		ReceivedAt:  ev.Received,
		Event:       ev.Name,
		Known:       ev.Spec != nil,
		Sig:         string(ev.Sig),
		Delivery:    ev.Delivery,
		Status:      ev.Status,
		Answer:      ev.Answer,
		LatencyMs:   millis(ev.Latency),
		RemoteAddr:  ev.RemoteAddr,
		Method:      ev.Method,
		Path:        ev.Path,
		ContentType: ev.ContentType,
		Problems:    []problemJSON{},
		Simulated:   ev.Simulated,
		Saved:       ev.Saved,
		Payload:     json.RawMessage("null"),
	}
	if ev.Sig != listen.SigUnchecked {
		j.SigReason, j.SigDetail = string(ev.SigResult.Reason), ev.SigResult.Detail
	}
	if ev.Delivery > 1 {
		since, drift := millis(ev.SincePrev), millis(ev.Drift)
		j.SincePrevMs, j.DriftMs = &since, &drift
	}
	for _, p := range ev.Problems {
		j.Problems = append(j.Problems, problemJSON{Field: p.Field, Severity: p.Severity.String(), Message: p.Msg})
	}
	if ev.SaveErr != nil {
		j.SaveError = ev.SaveErr.Error()
	}
	if f := ev.Forward; f != nil {
		fj := &forwardJSON{URL: f.URL, Redelivery: f.Redelivery, Attempts: f.Attempts, Max: f.Max, Delivered: f.Delivered, Retrying: f.Retrying, NextInMs: millis(f.NextIn)}
		if !f.Redelivery {
			a := newAttemptJSON(f.Attempt)
			fj.Attempt = &a
		}
		j.Forward = fj
	}
	if ev.Payload != nil {
		j.Format = string(ev.Payload.Format)
		j.Payload = ev.Payload.JSON()
	} else {
		body := string(ev.Body)
		j.Body = &body
		if ev.ParseErr != nil {
			j.ParseError = ev.ParseErr.Error()
		}
	}
	return j
}

func forwardAttemptJSONOf(fa *listen.ForwardAttempt) forwardAttemptJSON {
	return forwardAttemptJSON{Kind: "forward_attempt", Seq: fa.Seq, Event: fa.Event, URL: fa.URL, At: fa.Attempt.Start, Attempt: newAttemptJSON(fa.Attempt), Max: fa.Max, NextIn: millis(fa.NextIn), Final: fa.Final}
}

func rejectJSONOf(rj *listenReject) rejectJSON {
	return rejectJSON{Kind: "rejected", ReceivedAt: rj.at, Method: rj.method, Path: rj.path, RemoteAddr: rj.remoteAddr, Status: rj.status}
}
