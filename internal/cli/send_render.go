// send_render.go renders a delivery's result: progress lines per attempt,
// the receiver's view, the timeline table, the result line and -o json.

package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

func attemptsSpan(res *deliver.Result) string {
	n := len(res.Attempts)
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts over %s", n, offsetText(res.Last().Offset)[1:])
}

// attemptLine is one progress line: #1  200  0.9ms  "1" (1 B)  ok
func attemptLine(s *ui.Styles, a deliver.Attempt, total int) string {
	n := fmt.Sprintf("#%d/%d", a.N, total)
	if a.Status == 0 {
		return fmt.Sprintf("%s  %s  %s  %s", n, s.Fail.Render("no answer"), latencyText(a.Latency), a.Reason)
	}
	line := fmt.Sprintf("%s  %s  %s  %s", n, s.Status(a.Status).Render(strconv.Itoa(a.Status)), latencyText(a.Latency), answerExcerpt(a.Body, 40))
	switch a.Verdict {
	case deliver.Accepted:
		if a.Reason != "" { // a synchronous answer's decision
			line += "  " + a.Reason
		}
	case deliver.AcceptedWithWarning:
		line += "  " + s.Warn.Render("warn") + " " + a.Reason
	case deliver.Rejected:
		line += "  " + s.Fail.Render("fail") + " " + a.Reason
	}
	return line
}

// sendJSON is the -o json result of a single delivery.
type sendJSON struct {
	V               int               `json:"v"` // jsonVersion
	Event           string            `json:"event"`
	Family          string            `json:"family"`
	URL             string            `json:"url"`
	BuiltinReceiver bool              `json:"builtin_receiver"`
	Format          string            `json:"format"`
	ContentType     string            `json:"content_type"`
	RequestBytes    int               `json:"request_bytes"`
	Timestamp       string            `json:"timestamp"`
	Nonce           string            `json:"nonce"`
	SignatureHex    string            `json:"signature_hex"` // the signature field's value
	Outcome         string            `json:"outcome"`
	Delivered       bool              `json:"delivered"`
	Attempts        []attemptJSON     `json:"attempts"`
	Receiver        []receiverJSONRow `json:"receiver,omitempty"`
}

// attemptJSON is one delivery attempt in -o json output (send's attempts,
// listen's forward attempts). Documented in docs/send.md and docs/listen.md.
type attemptJSON struct {
	Attempt   int     `json:"attempt"`
	OffsetMS  float64 `json:"offset_ms"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Body      string  `json:"body"`
	BodyBytes int     `json:"body_bytes"`
	Verdict   string  `json:"verdict"`
	Reason    string  `json:"reason"`
	Error     string  `json:"error,omitempty"`
}

func newAttemptJSON(a deliver.Attempt) attemptJSON {
	j := attemptJSON{Attempt: a.N, OffsetMS: millis(a.Offset), Status: a.Status, LatencyMS: millis(a.Latency),
		Body: string(a.Body), BodyBytes: len(a.Body), Verdict: a.Verdict.String(), Reason: a.Reason}
	if a.Err != nil {
		j.Error = a.Reason
	}
	return j
}

// receiverJSONRow is what the built-in receiver made of one request: the
// same names as listen's callback lines.
type receiverJSONRow struct {
	Seq             int           `json:"seq"`
	Event           string        `json:"event"`
	Signature       string        `json:"signature"`
	SignatureReason string        `json:"signature_reason"`
	Delivery        int           `json:"delivery"`
	Replay          bool          `json:"replay"`
	Answer          answerJSON    `json:"answer"`
	Problems        []problemJSON `json:"problems"`
}

// The outcomes of a delivery, one vocabulary for send, replay and scenario
// (docs/json.md).
const (
	outcomeDelivered   = "delivered"
	outcomeWarning     = "delivered_with_warning"
	outcomeGaveUp      = "gave_up"
	outcomeUnreachable = "unreachable"
	outcomeInterrupted = "interrupted"
	outcomeDryRun      = "dry_run"
)

// verdictOutcome is the outcome of a delivery whose last attempt ended
// with v.
func verdictOutcome(v deliver.Verdict) string {
	switch v {
	case deliver.Accepted:
		return outcomeDelivered
	case deliver.AcceptedWithWarning:
		return outcomeWarning
	case deliver.Rejected:
		return outcomeGaveUp
	}
	return outcomeUnreachable
}

func sendOutcome(res *deliver.Result, interrupted bool) string {
	switch {
	case interrupted && !res.Delivered:
		return outcomeInterrupted
	case res.Delivered && res.Last().Verdict == deliver.AcceptedWithWarning:
		return outcomeWarning
	case res.Delivered:
		return outcomeDelivered
	case res.Answered():
		return outcomeGaveUp
	}
	return outcomeUnreachable
}

// renderResult renders res; interrupted: Ctrl-C ended the delivery (the
// caller says so, with the number of attempts).
func (o *sendOptions) renderResult(target string, b *built, res *deliver.Result, seen []listen.Event, builtin, interrupted bool) error {
	f := o.F
	if f.JSON() {
		out := sendJSON{
			V: jsonVersion, Event: b.Spec.Ref, Family: familyName(b.Spec), URL: target, BuiltinReceiver: builtin, Format: string(b.Format),
			ContentType: b.Header.Get("Content-Type"), RequestBytes: len(b.Body),
			Timestamp: b.Timestamp, Nonce: b.Nonce, SignatureHex: b.Signature,
			Outcome: sendOutcome(res, interrupted), Delivered: res.Delivered, Attempts: []attemptJSON{},
		}
		for _, a := range res.Attempts {
			out.Attempts = append(out.Attempts, newAttemptJSON(a))
		}
		for _, ev := range seen {
			r := receiverJSONRow{Seq: ev.Seq, Event: ev.Name, Signature: string(ev.Sig), Delivery: ev.Delivery, Replay: ev.Replay,
				Answer: answerJSON{Status: ev.Status, Body: ev.Answer}, Problems: problemsJSON(ev.Problems)}
			r.SignatureReason = signatureReason(&ev)
			out.Receiver = append(out.Receiver, r)
		}
		return ui.WriteJSONLine(f.IO.Out, out)
	}
	tty := f.IO.IsStdoutTTY()
	s := f.IO.Styles()
	// What the built-in receiver saw: stdout on a terminal, stderr when piped
	// (piped stdout carries only the timeline rows).
	if builtin {
		w, ws := f.IO.Out, s
		if !tty {
			w, ws = f.IO.ErrOut, f.IO.ErrStyles()
		}
		for _, ev := range seen {
			fmt.Fprintln(w, receiverLine(ws, ev))
		}
		if len(seen) == 0 && res.Answered() {
			fmt.Fprintln(w, ws.Faint.Render("receiver  saw nothing"))
		}
	}
	if !tty || len(res.Attempts) > 1 || !res.Delivered {
		if err := renderTimeline(f.IO, res); err != nil {
			return err
		}
	}
	w, ws := f.IO.Out, s
	if !tty {
		w, ws = f.IO.ErrOut, f.IO.ErrStyles()
	}
	total := len(o.schedule(b.Spec)) + 1
	if interrupted && !res.Delivered {
		return nil // the error line says "interrupted after N attempts"
	}
	once := "--no-retry: sent once"
	if !o.NoRetry {
		once = "ZEGO documents no retries of " + b.Spec.Ref + ": sent once"
	}
	if line := resultLine(ws, b.Spec.Ref, res, o.Strict || b.Spec.Answer().Sync != nil, total, once); line != "" && !(f.Global.Quiet && !tty) {
		fmt.Fprintln(w, line)
	}
	return nil
}

func receiverLine(s *ui.Styles, ev listen.Event) string {
	var sig string
	switch ev.Sig {
	case listen.SigOK:
		sig = s.Pass.Render("signature ok")
	case listen.SigBad:
		sig = s.Fail.Render("signature bad") + " (" + ev.SigResult.Detail + ")"
	default:
		sig = s.Faint.Render("signature unchecked")
	}
	name := ev.Name
	if name == "" {
		name = "(no event)"
	}
	parts := []string{s.Faint.Render("receiver"), s.Event.Render(name), sig}
	if ids := strings.TrimSpace(string(appendKeyIDs(nil, ev.Payload, plainLabel))); ids != "" {
		parts = append(parts, ids)
	}
	if ev.Delivery > 1 {
		parts = append(parts, fmt.Sprintf("delivery %d", ev.Delivery))
	}
	if n := len(ev.Problems); n > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("%d schema problem(s): %s", n, ev.Problems[0])))
	}
	parts = append(parts, "→ answered "+strconv.Itoa(ev.Status)+" "+strconv.Quote(ev.Answer))
	return strings.Join(parts, "  ")
}

// renderTimeline prints one row per attempt.
func renderTimeline(io *ui.IOStreams, res *deliver.Result) error {
	s := io.Styles()
	t := io.NewTable("ATTEMPT", "AT", "STATUS", "LATENCY", "BODY", "VERDICT", "NOTE")
	for _, a := range res.Attempts {
		status, body := "-", "-"
		if a.Status != 0 {
			status = s.Status(a.Status).Render(strconv.Itoa(a.Status))
			body = answerExcerpt(a.Body, 32)
		}
		note := a.Reason // an accepted synchronous answer's decision, or why not accepted
		t.AddRow(strconv.Itoa(a.N), offsetText(a.Offset), status, latencyText(a.Latency), body, s.Verdict(a.Verdict.String()), note)
	}
	return t.Render()
}

// resultLine is the verdict line; once says why a single attempt was all
// (total 1).
func resultLine(s *ui.Styles, event string, res *deliver.Result, strict bool, total int, once string) string {
	last := res.Last()
	n := len(res.Attempts)
	switch {
	case res.Delivered && last.Verdict == deliver.AcceptedWithWarning:
		return fmt.Sprintf("%s delivered %s with a warning: %s; --strict makes this a failure", s.Warn.Render("!"), s.Event.Render(event), last.Reason)
	case res.Delivered && n == 1 && last.Reason != "":
		return fmt.Sprintf("%s delivered %s: %d in %s, answer %s", s.Pass.Render("✓"), s.Event.Render(event), last.Status, latencyText(last.Latency), last.Reason)
	case res.Delivered && n == 1:
		return fmt.Sprintf("%s delivered %s: %d in %s, body %s", s.Pass.Render("✓"), s.Event.Render(event), last.Status, latencyText(last.Latency), answerExcerpt(last.Body, 40))
	case res.Delivered:
		return fmt.Sprintf("%s delivered %s on attempt %d/%d, %s after the first", s.Pass.Render("✓"), s.Event.Render(event), n, total, offsetText(last.Offset)[1:])
	case res.Answered() && total == 1:
		why := "did not answer 2xx"
		if strict {
			why = "did not answer as the catalog asks"
		}
		return fmt.Sprintf("%s %s not delivered: the endpoint %s (%s; %s)", s.Fail.Render("✗"), s.Event.Render(event), why, lastAnswer(res), once)
	case res.Answered():
		why := "never answered 2xx"
		if strict {
			why = "never answered as the catalog asks"
		}
		return fmt.Sprintf("%s gave up on %s after %s: the endpoint %s (last: %s)", s.Fail.Render("✗"), s.Event.Render(event), attemptsSpan(res), why, lastAnswer(res))
	}
	return ""
}

func lastAnswer(res *deliver.Result) string {
	for i := len(res.Attempts) - 1; i >= 0; i-- {
		if a := res.Attempts[i]; a.Status != 0 {
			return strconv.Itoa(a.Status) + " " + answerExcerpt(a.Body, 32)
		}
	}
	return "no answer"
}
