// replay_render.go renders a replay: the plan (stderr), one line per
// delivery (stdout: styled on a terminal, tab-separated piped, one JSON
// object with -o json) and the summary.

package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/replay"
	"github.com/zegocb/zegocb/internal/ui"
)

type replayRenderer struct {
	o      *replayOptions
	src    SecretSource
	mu     sync.Mutex // OnAttempt runs on the workers
	out    []byte     // reused line buffer
	target string
}

func newReplayRenderer(o *replayOptions, src SecretSource) *replayRenderer {
	t := o.To
	if o.DryRun && t == "" {
		t = "(dry run)"
	}
	return &replayRenderer{o: o, src: src, target: t}
}

// plan says on stderr what will be sent, and why a mode was chosen.
func (r *replayRenderer) plan(p replay.Plan) error {
	f := r.o.F
	es := f.IO.ErrStyles()
	verb := "replaying"
	if r.o.DryRun {
		verb = "dry run:"
	}
	what := plural(p.Selected, "callback", "callbacks")
	if p.Selected != p.Payloads {
		what = fmt.Sprintf("%d of %d callbacks", p.Selected, p.Payloads)
	}
	from := joinWords(p.Files, "and")
	if len(p.Files) > 3 {
		from = plural(len(p.Files), "file", "files")
	}
	to := ""
	if r.o.To != "" {
		to = " to " + r.o.To
	}
	f.Progressf("%s %s from %s%s: %d byte-exact, %d re-stamped", es.Bold.Render(verb), what, from, to, p.ByteExact, p.Restamped)
	reasons := make([]string, 0, len(p.Reasons))
	for k := range p.Reasons {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		if k == replay.ReasonAsked || k == replay.ReasonVerifies {
			continue
		}
		why := k
		if strings.HasPrefix(k, "the captured signature does not verify") && r.src != SecretNone {
			why += " with the secret from " + string(r.src)
		}
		f.Hintf("  %s: %s", plural(p.Reasons[k], "callback", "callbacks"), why)
	}
	if r.o.PreserveTiming && p.Span > 0 {
		f.Hintf("  keeping the captured gaps: about %s", durText(time.Duration(float64(p.Span)/r.o.Speed)))
	}
	return nil
}

// attempt prints every attempt with -v (stderr).
func (r *replayRenderer) attempt(d *replay.Delivery, a deliver.Attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.o.F
	// attemptLine numbers attempts "#n/total"; a replay's total depends on
	// each event's retry profile, so only the number is shown.
	line := strings.Replace(attemptLine(f.IO.ErrStyles(), a, 0), fmt.Sprintf("#%d/0", a.N), fmt.Sprintf("#%d", a.N), 1)
	f.Progressf("  %s:%d %s  %s", d.File, d.Line, d.Event, line)
}

// replayOutcome names a replay's outcome in send's vocabulary.
func replayOutcome(o replay.Outcome) string {
	switch o {
	case replay.Delivered:
		return outcomeDelivered
	case replay.Warned:
		return outcomeWarning
	case replay.Rejected:
		return outcomeGaveUp
	case replay.DryRun:
		return outcomeDryRun
	}
	return outcomeUnreachable
}

// replayJSON is one delivery in -o json (documented in docs/replay.md).
type replayJSON struct {
	V           int     `json:"v"`
	Kind        string  `json:"kind"` // "delivery"
	Seq         int     `json:"seq"`
	File        string  `json:"file"`
	Line        int     `json:"line"`
	Event       string  `json:"event"`
	Room        string  `json:"room,omitempty"`
	ReceivedAt  string  `json:"received_at,omitempty"`
	Mode        string  `json:"mode"`
	ModeReason  string  `json:"mode_reason"`
	Timestamp   string  `json:"timestamp,omitempty"`
	Nonce       string  `json:"nonce,omitempty"`
	Signature   string  `json:"signature_hex,omitempty"`
	Outcome     string  `json:"outcome"`
	Attempts    int     `json:"attempts"`
	Status      int     `json:"status"`
	LatencyMS   float64 `json:"latency_ms"`
	ScheduledMS float64 `json:"scheduled_ms"`
	StartedMS   float64 `json:"started_ms"`
	Body        string  `json:"body"`
	BodyBytes   int     `json:"body_bytes"`
	Error       string  `json:"error,omitempty"`
}

// replaySummaryJSON is the last -o json object.
type replaySummaryJSON struct {
	V              int            `json:"v"`
	Kind           string         `json:"kind"` // "summary"
	URL            string         `json:"url"`
	Files          []string       `json:"files"`
	Payloads       int            `json:"payloads"`
	Selected       int            `json:"selected"`
	ByteExact      int            `json:"byte_exact"`
	Restamped      int            `json:"restamped"`
	Reasons        map[string]int `json:"reasons"`
	Done           int            `json:"done"`
	Delivered      int            `json:"delivered"`
	Warning        int            `json:"delivered_with_warning"`
	GaveUp         int            `json:"gave_up"`
	Unreachable    int            `json:"unreachable"`
	Attempts       int            `json:"attempts"`
	ElapsedMS      float64        `json:"elapsed_ms"`
	ValidationMS   float64        `json:"validation_ms"`
	ThroughputRPS  float64        `json:"throughput_rps"`
	LatencyMS      latencyJSON    `json:"latency_ms"`
	FirstFailure   string         `json:"first_failure,omitempty"`
	DryRun         bool           `json:"dry_run"`
	PreserveTiming bool           `json:"preserve_timing"`
}

type latencyJSON struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// result prints one delivery (emit: one goroutine at a time).
func (r *replayRenderer) result(res *replay.Result) error {
	f := r.o.F
	io := f.IO
	if f.JSON() {
		j := replayJSON{
			V: jsonVersion, Kind: "delivery", Seq: res.Seq, File: res.File, Line: res.Line, Event: res.Event, Room: res.Room,
			Mode: res.Mode.String(), ModeReason: res.ModeReason,
			Timestamp: res.Stamp.Timestamp, Nonce: res.Stamp.Nonce, Signature: res.Stamp.Signature,
			Outcome: replayOutcome(res.Outcome), Attempts: res.Attempts, Status: res.Status,
			LatencyMS: millis(res.Latency), ScheduledMS: millis(res.Scheduled), StartedMS: millis(res.Started),
			Body: res.Answer, BodyBytes: res.AnswerBytes, Error: res.Error,
		}
		if !res.Received.IsZero() {
			j.ReceivedAt = res.Received.UTC().Format(time.RFC3339Nano)
		}
		return ui.WriteJSONLine(io.Out, j)
	}
	if f.Global.Quiet && (res.Outcome == replay.Delivered || res.Outcome == replay.DryRun) {
		return nil
	}
	if !io.IsStdoutTTY() {
		b := r.out[:0]
		b = strconv.AppendInt(b, int64(res.Seq), 10)
		b = append(b, '\t')
		b = append(b, res.File...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(res.Line), 10)
		b = append(b, '\t')
		b = append(b, res.Event...)
		b = append(b, '\t')
		b = append(b, res.Mode.String()...)
		b = append(b, '\t')
		b = append(b, replayOutcome(res.Outcome)...)
		b = append(b, '\t')
		b = strconv.AppendInt(b, int64(res.Status), 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, int64(res.Attempts), 10)
		b = append(b, '\t')
		b = strconv.AppendFloat(b, millis(res.Latency), 'f', 2, 64)
		b = append(b, '\t')
		if res.Error != "" {
			b = append(b, oneLine(res.Error)...)
		} else {
			b = append(b, oneLine(res.Answer)...)
		}
		b = append(b, '\n')
		r.out = b
		_, err := io.Out.Write(b)
		return err
	}
	s := io.Styles()
	where := fmt.Sprintf("%s:%d", res.File, res.Line)
	mode := res.Mode.String()
	var verdict string
	switch res.Outcome {
	case replay.Delivered:
		verdict = s.Pass.Render("✓") + " " + s.Status(res.Status).Render(strconv.Itoa(res.Status))
	case replay.Warned:
		verdict = s.Warn.Render("!") + " " + s.Status(res.Status).Render(strconv.Itoa(res.Status))
	case replay.Rejected:
		verdict = s.Fail.Render("✗") + " " + s.Status(res.Status).Render(strconv.Itoa(res.Status))
	case replay.Unreachable:
		verdict = s.Fail.Render("✗ no answer") + "  " + res.Error
	case replay.DryRun:
		verdict = s.Faint.Render("not sent")
	}
	line := fmt.Sprintf("%4d  %s  %s  %s  %s", res.Seq, s.Faint.Render(where), s.Event.Render(fmt.Sprintf("%-14s", res.Event)),
		s.Faint.Render(fmt.Sprintf("%-10s", mode)), verdict)
	if res.Status != 0 {
		// Answered: the latency and the answer; the reason when a 2xx was
		// not enough (a body other than the documented one).
		answer := "(empty)"
		if res.AnswerBytes > 0 {
			answer = strconv.Quote(clip(oneLine(res.Answer), 24+len(markCut), markCut)) + " (" + sizeText(res.AnswerBytes) + ")"
		}
		line += "  " + latencyText(res.Latency) + "  " + answer
		if res.Outcome != replay.Delivered && res.Status/100 == 2 && res.Error != "" {
			line += "  " + s.Warn.Render(res.Error)
		}
	}
	if res.Attempts > 1 {
		line += "  " + s.Faint.Render(fmt.Sprintf("(%d attempts)", res.Attempts))
	}
	_, err := fmt.Fprintln(io.Out, line)
	return err
}

// summary prints the run's summary: a JSON object, a block on a terminal,
// or a line on stderr when stdout is piped.
func (r *replayRenderer) summary(sum *replay.Summary) error {
	f := r.o.F
	io := f.IO
	if f.JSON() {
		reasons := sum.Reasons
		if reasons == nil {
			reasons = map[string]int{}
		}
		return ui.WriteJSONLine(io.Out, replaySummaryJSON{
			V: jsonVersion, Kind: "summary", URL: r.o.To, Files: orEmpty(sum.Files), Payloads: sum.Payloads, Selected: sum.Selected,
			ByteExact: sum.ByteExact, Restamped: sum.Restamped, Reasons: reasons,
			Done: sum.Done, Delivered: sum.Delivered, Warning: sum.Warned, GaveUp: sum.Rejected, Unreachable: sum.Unreachable,
			Attempts: sum.Attempts, ElapsedMS: millis(sum.Elapsed), ValidationMS: millis(sum.Validation),
			ThroughputRPS: round1(sum.Throughput()),
			LatencyMS: latencyJSON{Min: millis(sum.Latency.Min), Mean: millis(sum.Latency.Mean), P50: millis(sum.Latency.P50),
				P90: millis(sum.Latency.P90), P99: millis(sum.Latency.P99), Max: millis(sum.Latency.Max)},
			FirstFailure: sum.FirstFailure, DryRun: r.o.DryRun, PreserveTiming: r.o.PreserveTiming,
		})
	}
	line := r.summaryLine(sum)
	if io.IsStdoutTTY() {
		_, err := fmt.Fprintln(io.Out, line)
		return err
	}
	f.Progressf("%s", line)
	return nil
}

func (r *replayRenderer) summaryLine(sum *replay.Summary) string {
	f := r.o.F
	s := f.IO.Styles()
	if !f.IO.IsStdoutTTY() {
		s = f.IO.ErrStyles()
	}
	if r.o.DryRun {
		return fmt.Sprintf("%s %s built (%d byte-exact, %d re-stamped), nothing sent", s.Bold.Render("dry run:"),
			plural(sum.Done, "request", "requests"), sum.SentByteExact, sum.SentRestamped)
	}
	parts := []string{s.Pass.Render(fmt.Sprintf("%d delivered", sum.Delivered))}
	if sum.Warned > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("%d with a warning", sum.Warned)))
	}
	if sum.Rejected > 0 {
		parts = append(parts, s.Fail.Render(fmt.Sprintf("%d rejected", sum.Rejected)))
	}
	if sum.Unreachable > 0 {
		parts = append(parts, s.Fail.Render(fmt.Sprintf("%d unreachable", sum.Unreachable)))
	}
	line := fmt.Sprintf("%s %s of %d: %s", s.Bold.Render("replayed"), plural(sum.Done, "callback", "callbacks"), sum.Selected, strings.Join(parts, ", "))
	line += s.Faint.Render(fmt.Sprintf("  (%s, %s in %s", plural(sum.Attempts, "attempt", "attempts"), rateText(sum.Throughput()), durText(sum.Elapsed)))
	if sum.Latency.Count > 0 {
		line += s.Faint.Render(fmt.Sprintf(", p50 %s, p99 %s", latencyText(sum.Latency.P50), latencyText(sum.Latency.P99)))
	}
	line += s.Faint.Render(")")
	if sum.FirstFailure != "" {
		line += "\n  first failure: " + sum.FirstFailure
	}
	return line
}

func rateText(rps float64) string {
	if rps >= 100 {
		return strconv.FormatFloat(rps, 'f', 0, 64) + "/s"
	}
	return strconv.FormatFloat(rps, 'f', 1, 64) + "/s"
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
