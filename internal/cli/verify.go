package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/ui"
	"github.com/zegocb/zegocb/internal/verify"
)

type verifyOptions struct {
	f      *Factory
	IO     *ui.IOStreams
	Inputs []string

	RequireSignature bool
	AllowUnknown     bool
	Strict           bool
	MaxAge           time.Duration
	MaxSize          string
	Workers          int
}

func newVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{f: f, IO: f.IO}
	cmd := &cobra.Command{
		Use:   "verify [FILE|DIR ...|-]",
		Short: "Check captured callbacks: signature, schema, age, re-deliveries",
		Long: `Verify reads captured callbacks and checks every payload: its signature (with
the configured callback secret), its fields against the event catalog (required
fields, types, documented values), optionally its timestamp's age, and whether it
repeats an earlier payload's nonce and signature (a re-delivery: noted, not a failure).

Inputs, any number and mixed:
  FILE   a raw JSON body, a pretty-printed JSON object, a form body, or a JSON-lines
         file of bodies or of capture records (what 'zegocb listen --save' writes)
  DIR    every *.json, *.jsonl, *.ndjson, *.txt, *.form, *.log file under it, sorted
  -      standard input (also the default when stdin is not a terminal)

Each payload gets a row: file:line, event, verdict (PASS, WARN or FAIL) and the
reasons. Piped, rows are tab-separated with no header; a closing line
"N passed, M failed, K warned" follows. -q prints only the rows that did not pass.
-o json prints one JSON object per payload and a final {"summary":...} line
(schema in docs/verify.md).

Without a secret, signatures are reported as "unchecked" (a hint says so on
stderr); --require-signature makes that a failure. ZEGO_SERVER_SECRET, when set,
is used only to explain a signature made with the other console secret.

--max-age measures a timestamp's age from the capture's received_at when the
payload is a capture record, else from now. A timestamp more than a minute in the
future is a warning. Re-deliveries are recognised among the last 100,000 distinct
payloads (up to 200,000).

Exit status: 0 every payload passed (warnings allowed), 1 a payload failed,
2 an input was unreadable (missing file, not JSON or form, line over --max-size,
invalid UTF-8, torn last line) or held no payload at all; unreadable inputs
still get a row.`,
		Example: `  # verify what listen captured, in CI
  ZEGO_CALLBACK_SECRET=... zegocb verify captures.jsonl

  # a directory of bodies, refusing anything older than 5 minutes
  zegocb verify --max-age 5m --require-signature testdata/callbacks/

  # only the problems, as JSON, for jq
  zegocb verify -q -o json captures.jsonl | jq -r 'select(.verdict=="FAIL") | .reasons[]'

  # one body from the clipboard
  pbpaste | zegocb verify -`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if len(args) == 0 && opts.IO.IsStdinTTY() {
				return flagErrorf("no input: give FILE, DIR or - to read standard input")
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.RequireSignature, "require-signature", false, "fail payloads whose signature cannot be checked (no secret configured)")
	fl.BoolVar(&opts.AllowUnknown, "allow-unknown", false, "accept events the catalog does not know (their schema is not checked)")
	fl.BoolVar(&opts.Strict, "strict", false, "treat warnings as failures")
	fl.DurationVar(&opts.MaxAge, "max-age", 0, "fail payloads whose timestamp is older than `D` (e.g. 5m, 24h)")
	fl.StringVar(&opts.MaxSize, "max-size", "1MiB", "payload limit: longer lines are reported unreadable (`SIZE`: bytes, KiB, MiB)")
	fl.IntVar(&opts.Workers, "workers", 0, "checking goroutines (default: one per core)")
	_ = fl.MarkHidden("workers")
	return cmd
}

func runVerify(cmd *cobra.Command, opts *verifyOptions) error {
	f := opts.f
	maxSize, err := parseSize(opts.MaxSize)
	if err != nil {
		return flagErrorf("invalid --max-size %q: %v", opts.MaxSize, err)
	}
	if opts.MaxAge < 0 {
		return flagErrorf("invalid --max-age %s: must be positive", opts.MaxAge)
	}
	secret, _, err := f.Secret()
	if err != nil {
		return err
	}
	if secret == "" && !f.Global.Quiet {
		es := opts.IO.ErrStyles()
		tail := "; --require-signature makes that a failure"
		if opts.RequireSignature {
			tail = "; --require-signature fails every payload"
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s no callback secret configured, so signatures are unchecked: set $%s or --secret-file%s\n",
			es.Faint.Render("hint:"), EnvSecret, tail)
	}

	var inputs []verify.Input
	args := opts.Inputs
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, a := range args {
		if a != "-" {
			inputs = append(inputs, verify.Input{Path: a})
			continue
		}
		if err := f.claimStdin("the callbacks"); err != nil {
			return err
		}
		inputs = append(inputs, verify.Input{Reader: opts.IO.In, Name: "stdin"})
	}

	vo := verify.Options{
		Catalog:          f.Catalog,
		Secret:           secret,
		OtherSecrets:     f.OtherSecrets(),
		RequireSignature: opts.RequireSignature,
		AllowUnknown:     opts.AllowUnknown,
		Strict:           opts.Strict,
		MaxAge:           opts.MaxAge,
		Now:              f.Now,
		MaxSize:          int(maxSize),
		Workers:          opts.Workers,
	}

	w := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	var rr rowRenderer
	switch {
	case f.JSON():
		rr = &verifyJSONRenderer{w: w, quiet: f.Global.Quiet}
	case opts.IO.IsStdoutTTY():
		rr = newVerifyTTYRenderer(w, opts.IO.Styles(), f.Global.Quiet)
	default:
		rr = &verifyPipeRenderer{w: w, quiet: f.Global.Quiet}
	}
	sum, runErr := verify.Run(cmd.Context(), vo, inputs, rr.row)
	if runErr == nil {
		runErr = rr.summary(sum)
	}
	if err := w.Flush(); runErr == nil {
		runErr = err
	}
	switch {
	case runErr != nil:
		return runErr
	case sum.Total() == 0:
		return inputErrorf("no callback payloads in %s (empty, or only blank lines)", inputsText(opts.Inputs))
	case sum.Unreadable > 0:
		return &InputError{Err: fmt.Errorf("%s unreadable (marked so above)", plural(sum.Unreadable, "row", "rows"))}
	case sum.Failed > 0:
		return ErrCheckFailed
	}
	return nil
}

// inputsText names verify's inputs for a one-line error: up to three, or
// the first two and how many more.
func inputsText(inputs []string) string {
	if len(inputs) == 0 {
		return "stdin"
	}
	names := make([]string, 0, 3)
	for _, a := range inputs {
		if a == "-" {
			a = "stdin"
		}
		names = append(names, a)
		if len(names) == 2 && len(inputs) > 3 {
			return strings.Join(names, ", ") + fmt.Sprintf(" and %d more inputs", len(inputs)-2)
		}
	}
	return strings.Join(names, ", ")
}

type rowRenderer interface {
	row(*verify.Result) error
	summary(verify.Summary) error
}

// summaryLine is verify's last line. With st (a terminal) the pass, fail
// and warn counts that are not zero are coloured.
func summaryLine(s verify.Summary, st *ui.Styles) string {
	counts := []string{fmt.Sprintf("%d passed", s.Passed), fmt.Sprintf("%d failed", s.Failed), fmt.Sprintf("%d warned", s.Warned)}
	if st != nil {
		for i, c := range []struct {
			n     int
			style lipgloss.Style
		}{{s.Passed, st.Pass}, {s.Failed, st.Fail}, {s.Warned, st.Warn}} {
			if c.n > 0 {
				counts[i] = c.style.Render(counts[i])
			}
		}
	}
	line := strings.Join(counts, ", ")
	if s.Unreadable > 0 {
		line += fmt.Sprintf(", %d unreadable", s.Unreadable)
	}
	if s.Redeliveries > 0 {
		line += ", " + plural(s.Redeliveries, "re-delivery", "re-deliveries")
	}
	return line
}

// eventCell is the event name as sent (unknown ones come from the file):
// escaped, so it cannot steer a terminal or break a row, and cut short.
func eventCell(r *verify.Result) string {
	if r.Event == "" {
		return "-"
	}
	return ui.SafeText(clip(r.Event, 60, markCutASCII))
}

// verifyPipeRenderer: headerless tab-separated rows, stable for scripts.
// tsvCell keeps a cell on its row.
var tsvCell = strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")

type verifyPipeRenderer struct {
	w     *bufio.Writer
	quiet bool
}

func (p *verifyPipeRenderer) row(r *verify.Result) error {
	if p.quiet && r.Verdict == verify.Pass {
		return nil
	}
	w := p.w
	writeCell(w, r.File)
	if r.Line > 0 {
		w.WriteByte(':')
		w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(r.Line), 10)) // no allocation
	}
	w.WriteByte('\t')
	w.WriteString(eventCell(r))
	w.WriteByte('\t')
	w.WriteString(r.Verdict.String())
	w.WriteByte('\t')
	for i, s := range r.Reasons {
		if i > 0 {
			w.WriteString("; ")
		}
		writeCell(w, s)
	}
	return w.WriteByte('\n')
}

// writeCell keeps a cell on one line and free of tabs.
func writeCell(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "\t\r\n") {
		w.WriteString(s)
		return
	}
	w.WriteString(tsvCell.Replace(s))
}

func (p *verifyPipeRenderer) summary(s verify.Summary) error {
	_, err := p.w.WriteString(summaryLine(s, nil) + "\n")
	return err
}

// verifyTTYRenderer: an aligned, styled table. Rows stream; column widths
// come from the first rows and grow if a later row is wider.
type verifyTTYRenderer struct {
	w       *bufio.Writer
	s       *ui.Styles
	quiet   bool
	pending [][4]string
	widths  [3]int
	started bool
}

const ttyLookahead = 200

func newVerifyTTYRenderer(w *bufio.Writer, s *ui.Styles, quiet bool) *verifyTTYRenderer {
	return &verifyTTYRenderer{w: w, s: s, quiet: quiet, widths: [3]int{len("LOCATION"), len("EVENT"), len("VERDICT")}}
}

func (t *verifyTTYRenderer) row(r *verify.Result) error {
	if t.quiet && r.Verdict == verify.Pass {
		return nil
	}
	cells := [4]string{r.Location(), eventCell(r), r.Verdict.String(), strings.Join(r.Reasons, "; ")}
	cells[3] = tsvCell.Replace(cells[3])
	if !t.started {
		t.pending = append(t.pending, cells)
		for i := 0; i < 3; i++ {
			t.widths[i] = max(t.widths[i], lipgloss.Width(cells[i]))
		}
		if len(t.pending) < ttyLookahead {
			return nil
		}
		return t.start()
	}
	t.line(cells, false)
	return t.w.Flush()
}

func (t *verifyTTYRenderer) start() error {
	t.started = true
	t.line([4]string{"LOCATION", "EVENT", "VERDICT", "REASON"}, true)
	for _, c := range t.pending {
		t.line(c, false)
	}
	t.pending = nil
	return t.w.Flush()
}

func (t *verifyTTYRenderer) line(c [4]string, header bool) {
	for i := 0; i < 3; i++ {
		t.widths[i] = max(t.widths[i], lipgloss.Width(c[i]))
	}
	last := 3
	if c[3] == "" {
		last = 2
	}
	for i := 0; i <= last; i++ {
		if i > 0 {
			t.w.WriteString("  ")
		}
		cell := c[i]
		switch {
		case header:
			t.w.WriteString(t.s.Bold.Render(cell))
		case i == 1 && cell != "-":
			t.w.WriteString(t.s.Event.Render(cell))
		case i == 2:
			t.w.WriteString(t.s.Verdict(cell))
		default:
			t.w.WriteString(cell)
		}
		if i < last {
			t.w.WriteString(strings.Repeat(" ", t.widths[i]-lipgloss.Width(cell)))
		}
	}
	t.w.WriteByte('\n')
}

func (t *verifyTTYRenderer) summary(s verify.Summary) error {
	if !t.started && len(t.pending) > 0 {
		if err := t.start(); err != nil {
			return err
		}
	}
	if t.started {
		t.w.WriteByte('\n')
	}
	_, err := t.w.WriteString(summaryLine(s, t.s) + "\n")
	return err
}

// verifyJSON is the -o json row schema, documented in docs/verify.md.
type verifyJSON struct {
	File            string   `json:"file"`
	Line            int      `json:"line"`
	Event           string   `json:"event"`
	Verdict         string   `json:"verdict"`
	Signature       string   `json:"signature"`
	SignatureReason string   `json:"signature_reason,omitempty"`
	Reasons         []string `json:"reasons"`
	Unreadable      bool     `json:"unreadable"`
	RedeliveryOf    *string  `json:"redelivery_of"`
}

type verifySummaryJSON struct {
	Summary struct {
		Passed       int `json:"passed"`
		Failed       int `json:"failed"`
		Warned       int `json:"warned"`
		Unreadable   int `json:"unreadable"`
		Redeliveries int `json:"redeliveries"`
	} `json:"summary"`
}

type verifyJSONRenderer struct {
	w     *bufio.Writer
	quiet bool
	enc   *json.Encoder
}

func (j *verifyJSONRenderer) row(r *verify.Result) error {
	if j.quiet && r.Verdict == verify.Pass {
		return nil
	}
	if j.enc == nil {
		j.enc = json.NewEncoder(j.w)
		j.enc.SetEscapeHTML(false)
	}
	v := verifyJSON{
		File: r.File, Line: r.Line, Event: r.Event, Verdict: r.Verdict.String(),
		Signature: string(r.Signature), SignatureReason: string(r.SignatureReason),
		Reasons: r.Reasons, Unreadable: r.Unreadable,
	}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	if r.RedeliveryOf != "" {
		s := r.RedeliveryOf
		v.RedeliveryOf = &s
	}
	return j.enc.Encode(&v)
}

func (j *verifyJSONRenderer) summary(s verify.Summary) error {
	var v verifySummaryJSON
	v.Summary.Passed, v.Summary.Failed, v.Summary.Warned = s.Passed, s.Failed, s.Warned
	v.Summary.Unreadable, v.Summary.Redeliveries = s.Unreadable, s.Redeliveries
	if j.enc == nil {
		j.enc = json.NewEncoder(j.w)
	}
	return j.enc.Encode(&v)
}
