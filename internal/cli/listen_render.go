// listen_render.go renders what listen receives, as text: the one-line
// header per callback, -v details, the pretty payload, forward and reject
// lines, and -q's short lines.

package cli

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

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
		b = r.put(b, s.Event, ui.SafeText(clip(ev.Name, 60, markCut)))
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
		b = strconv.AppendQuote(append(b, ' '), clip(ev.Answer, 40, markCut))
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
	if ev.Replay {
		return r.put(b, r.s.Fail, "same nonce, different body: possible replay")
	}
	if ev.Delivery <= 1 {
		return append(b, "delivery 1"...)
	}
	k := ev.Delivery - 1
	label := retryLabel(k, listen.RetriesOf(ev.Spec))
	b = r.put(b, r.s.Warn, label)
	b = appendDuration(append(b, " ("...), ev.SincePrev, durListen)
	b = append(b, " after previous, "...)
	if ev.Drift < 0 {
		return append(appendDuration(b, -ev.Drift, durListen), " early)"...)
	}
	return append(appendDuration(b, ev.Drift, durListen), " late)"...)
}

// retryLabel names retry k of an event whose family retries n times:
// "retry 2 of 5", "retry 3 (ZEGO stops after 2)".
func retryLabel(k, n int) string {
	switch {
	case n == 0:
		return "retry " + strconv.Itoa(k) + " (ZEGO documents no retries)"
	case k > n:
		return "retry " + strconv.Itoa(k) + " (ZEGO stops after " + strconv.Itoa(n) + ")"
	}
	return "retry " + strconv.Itoa(k) + " of " + strconv.Itoa(n)
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
				b = append(b, ui.SafeText(clip(v.Text, 40, markCut))...)
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
		if r.verbose && ev.Payload != nil {
			for _, l := range explainMismatch(callback.SignatureInput(ev.Spec, ev.Payload, r.secret)) {
				line(r.paint(s.Faint, ">"), l)
			}
		}
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
		out += " " + strconv.Quote(clip(string(a.Body), 40, markCut))
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
