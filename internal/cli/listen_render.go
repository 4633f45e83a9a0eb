// listen_render.go renders what listen receives, as text: the one-line
// header per callback, -v details, the pretty payload, forward and reject
// lines, and -q's short lines.

package cli

import (
	"bufio"
	"fmt"
	"hash/maphash"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

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

// bodyMode is --body: which deliveries get their body printed.
type bodyMode string

const (
	bodyFull bodyMode = "full" // every delivery
	bodyNew  bodyMode = "new"  // all but re-deliveries whose body is identical to the one shown (the default)
	bodyNone bodyMode = "none" // none: header and detail lines only
)

// listenRenderer turns items into text. render is used from one
// goroutine; appendQuiet from any.
type listenRenderer struct {
	mode     renderMode
	tty      bool // pretty body (indented, expanded, annotated) rather than the body as received
	color    bool
	verbose  bool
	width    int      // lines fit this many columns (0: no limit)
	bodyMode bodyMode // pretty: which bodies are printed ("" is bodyNew)
	s        *ui.Styles
	secret   string   // only to scrub headers on -v; never printed
	buf      []byte   // scratch for header lines (render only)
	memo     bodyMemo // pretty: the bodies shown, for "body identical to #N" (render only)
}

func (r *listenRenderer) render(w *bufio.Writer, it listenItem) {
	switch {
	case it.ev != nil:
		if r.mode == renderJSON {
			writeJSONLine(w, eventJSON(it.ev))
			return
		}
		if r.mode != renderPretty {
			r.buf = r.appendHeaderLine(r.buf[:0], it.ev, r.width, 0, false)
			w.Write(r.buf)
			return
		}
		r.event(w, it.ev)
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
		return r.appendHeaderLine(b, it.ev, r.width, 0, false)
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

// event prints a callback: its header line, the detail lines, and its
// body as --body says. A re-delivery whose body is identical to the one
// shown before gets its header line alone ("retry 2 of 5, +4.01s (…),
// body identical to #14") and the lines about its own answer.
func (r *listenRenderer) event(w *bufio.Writer, ev *listen.Event) {
	sum, same, differ := r.memo.compare(ev)
	identical := same > 0 && !differ
	show := true
	switch r.bodyMode {
	case bodyNone:
		show = false
	case bodyFull:
	default:
		show = !identical
	}
	r.buf = r.appendHeaderLine(r.buf[:0], ev, r.width, same, differ)
	w.Write(r.buf)
	r.details(w, ev, identical)
	if show {
		r.body(w, ev)
		w.WriteByte('\n')
	}
	if show || same == 0 {
		r.memo.note(ev, sum)
	}
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

// appendKeyIDs appends "  room=… stream=…", the ids that p has
// (callback.KeyIDs), escaped (they come from the network) and cut short.
// label appends a label and its "=". send's receiver line uses it; listen's
// header lays the same ids out to the width (listen_layout.go).
func appendKeyIDs(b []byte, p *callback.Payload, label func(b []byte, label string) []byte) []byte {
	if p == nil {
		return b
	}
	var buf [callback.MaxKeyIDs]callback.KeyID
	for i, k := range callback.AppendKeyIDs(buf[:0], p) {
		if i == 0 {
			b = append(b, "  "...)
		} else {
			b = append(b, ' ')
		}
		b = label(b, k.Label)
		b = append(b, ui.SafeText(clip(k.Value, 40, markCut))...)
	}
	return b
}

func plainLabel(b []byte, label string) []byte { return append(append(b, label...), '=') }

// details are the indented lines under the header, each wrapped at word
// boundaries to the width. A re-delivery identical to one already shown
// (repeat) gets only those about its own answer: its signature verdict and
// schema findings are the first delivery's.
func (r *listenRenderer) details(w *bufio.Writer, ev *listen.Event, repeat bool) {
	s := r.s
	line := func(label, text string) {
		w.WriteString(r.wrapDetail("  "+label+" ", text))
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
	if ev.Sig == listen.SigBad && !repeat {
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
	if repeat {
		return
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

// wrapDetail is a detail line: prefix, then text wrapped at word
// boundaries to the width with its continuation lines indented under it.
func (r *listenRenderer) wrapDetail(prefix, text string) string {
	pw := ansi.StringWidth(prefix)
	if r.width <= 0 || pw+ansi.StringWidth(text) <= r.width {
		return prefix + text + "\n"
	}
	wrapped := ansi.Wrap(text, max(r.width-pw, 20), "")
	return prefix + strings.ReplaceAll(wrapped, "\n", "\n"+strings.Repeat(" ", pw)) + "\n"
}

func (r *listenRenderer) forwardLine(w *bufio.Writer, fa *listen.ForwardAttempt) {
	w.WriteString(r.forwardLineText(fa) + "\n")
}

func (r *listenRenderer) forwardLineText(fa *listen.ForwardAttempt) string {
	s := r.s
	a := fa.Attempt
	parts := []string{
		r.paint(s.Faint, a.Start.Format(clockLayout(r.width))),
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
	return fitLine(text, r.width)
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
		r.paint(s.Faint, rj.at.Format(clockLayout(r.width))),
		r.paint(s.Faint, "rejected"),
		ui.SafeText(clip(rj.method, 16, markCut) + " " + clip(rj.path, 200, markCut)), // from the network
		"→ " + r.paint(s.Fail, strconv.Itoa(rj.status)) + " (" + why + ")",
	}
	if r.width > 0 { // the path gives way
		over := ansi.StringWidth(strings.Join(parts, "  ")) - r.width
		if p := parts[2]; over > 0 && len(p) > 12 {
			parts[2] = ansi.Truncate(p, max(ansi.StringWidth(p)-over, 12), markCut)
		}
	}
	return fitLine(strings.Join(parts, "  "), r.width)
}

// bodyMemoMax bounds bodyMemo: it keeps two generations of this many
// callbacks (ZEGO's retries of one callback span a minute).
const bodyMemoMax = 4096

// bodyMemo remembers, per callback (Event.Key), the delivery whose body was
// last printed (or the first, when none was) and a digest of that body, so
// that a re-delivery can say "body identical to #N" instead of printing
// the body again. It is used by the printer goroutine alone.
type bodyMemo struct {
	seed      maphash.Seed
	cur, prev map[string]bodySeen
}

type bodySeen struct {
	seq int
	sum uint64
}

// compare digests ev's body and, for a re-delivery of a callback seen
// before, returns the delivery it is compared with and whether it differs.
func (m *bodyMemo) compare(ev *listen.Event) (sum uint64, same int, differ bool) {
	if m.cur == nil {
		m.seed = maphash.MakeSeed()
		m.cur, m.prev = map[string]bodySeen{}, map[string]bodySeen{}
	}
	sum = maphash.Bytes(m.seed, ev.Body)
	if ev.Delivery <= 1 {
		return sum, 0, false
	}
	seen, ok := m.cur[ev.Key]
	if !ok {
		seen, ok = m.prev[ev.Key]
	}
	if !ok {
		return sum, 0, false
	}
	return sum, seen.seq, seen.sum != sum
}

// note remembers ev's body (digest sum) as the one to compare its
// re-deliveries with. Callbacks without a nonce and signature are never
// re-deliveries, so they are not kept.
func (m *bodyMemo) note(ev *listen.Event, sum uint64) {
	if m.cur == nil || strings.HasPrefix(ev.Key, "sha256:") || ev.Key == "" {
		return
	}
	if len(m.cur) >= bodyMemoMax {
		m.prev, m.cur = m.cur, make(map[string]bodySeen, bodyMemoMax)
	}
	m.cur[ev.Key] = bodySeen{seq: ev.Seq, sum: sum}
}
