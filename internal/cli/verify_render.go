// verify_render.go renders verify's results as they stream: tab-separated
// rows for pipes, an aligned table on a terminal, JSON lines for -o json,
// and the summary line.

package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/zegocb/zegocb/internal/signature"
	"github.com/zegocb/zegocb/internal/ui"
	"github.com/zegocb/zegocb/internal/verify"
)

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
	if s.Replays > 0 {
		line += ", " + plural(s.Replays, "possible replay", "possible replays")
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d skipped (listen -o json lines with no callback)", s.Skipped)
	}
	if s.Unchecked > 0 && s.Passed+s.Warned > 0 {
		// "5 passed" must not read as five good signatures. Last, so that
		// the line still starts "N passed, M failed, K warned" for scripts.
		line += " (" + uncheckedText(s) + ")"
	}
	return line
}

// uncheckedText says how many signatures went unchecked: all of them, or
// how many.
func uncheckedText(s verify.Summary) string {
	if s.Unchecked == s.Total()-s.Unreadable {
		return "signatures not checked: no secret"
	}
	return plural(s.Unchecked, "signature", "signatures") + " not checked: no secret"
}

// eventCell is the event name as sent (unknown ones come from the file):
// escaped, so it cannot steer a terminal or break a row, and cut short.
func eventCell(r *verify.Result) string {
	if r.Event == "" {
		return "-"
	}
	return ui.SafeText(clip(r.Event, 60, markCut))
}

// verifyPipeRenderer: headerless tab-separated rows, stable for scripts.
// tsvCell keeps a cell on its row.
var tsvCell = strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")

type verifyPipeRenderer struct {
	w     *bufio.Writer
	quiet bool
	// styles colour the verdict when colour is forced (--color always,
	// CLICOLOR_FORCE); nil or colourless: plain bytes.
	styles *ui.Styles
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
	if p.styles != nil {
		w.WriteString(p.styles.Verdict(r.Verdict.String()))
	} else {
		w.WriteString(r.Verdict.String())
	}
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
	_, err := p.w.WriteString(summaryLine(s, p.styles) + "\n")
	return err
}

// verifyTTYRenderer: an aligned, styled table. Rows stream; column widths
// come from the first rows and grow if a later row is wider.
type verifyTTYRenderer struct {
	w       *bufio.Writer
	s       *ui.Styles
	quiet   bool
	width   int // the terminal's width; 0: unknown, nothing wraps
	pending [][4]string
	widths  [3]int
	started bool
}

const ttyLookahead = 200

// reasonMinWidth is the narrowest the reason column wraps to, however wide
// the other columns are.
const reasonMinWidth = 24

func newVerifyTTYRenderer(w *bufio.Writer, s *ui.Styles, quiet bool, width int) *verifyTTYRenderer {
	return &verifyTTYRenderer{w: w, s: s, quiet: quiet, width: width, widths: [3]int{len("LOCATION"), len("EVENT"), len("VERDICT")}}
}

func (t *verifyTTYRenderer) row(r *verify.Result) error {
	if t.quiet && r.Verdict == verify.Pass {
		return nil
	}
	// The reasons are kept one a line until written (see reason).
	cells := [4]string{r.Location(), eventCell(r), r.Verdict.String(), tsvCell.Replace(strings.Join(r.Reasons, "\x00"))}
	cells[3] = strings.ReplaceAll(cells[3], "\x00", "\n")
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
		case i == 3:
			t.reason(cell)
		default:
			t.w.WriteString(cell)
		}
		if i < last {
			t.w.WriteString(strings.Repeat(" ", t.widths[i]-lipgloss.Width(cell)))
		}
	}
	t.w.WriteByte('\n')
}

// reason writes the reason cell (its reasons one a line): on one line,
// separated by "; ", when it fits the terminal or its width is unknown;
// else each reason from a new line, wrapped inside the column, every
// continuation line starting under the column.
func (t *verifyTTYRenderer) reason(cell string) {
	indent := t.widths[0] + t.widths[1] + t.widths[2] + 3*2
	text := strings.ReplaceAll(cell, "\n", "; ")
	if t.width <= 0 || indent+ansi.StringWidth(text) <= t.width {
		t.w.WriteString(text)
		return
	}
	wrapped := ansi.Wrap(cell, max(t.width-indent, reasonMinWidth), "")
	for i, l := range strings.Split(wrapped, "\n") {
		if i > 0 {
			t.w.WriteByte('\n')
			t.w.WriteString(strings.Repeat(" ", indent))
		}
		t.w.WriteString(strings.TrimRight(l, " "))
	}
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

// verifyJSON is the -o json row schema, documented in docs/json.md.
type verifyJSON struct {
	V               int      `json:"v"` // jsonVersion
	File            string   `json:"file"`
	Line            int      `json:"line"`
	Event           string   `json:"event"`
	Verdict         string   `json:"verdict"`
	Signature       string   `json:"signature"`
	SignatureReason string   `json:"signature_reason"`
	Reasons         []string `json:"reasons"`
	Unreadable      bool     `json:"unreadable"`
	RedeliveryOf    *string  `json:"redelivery_of"`
	Replay          bool     `json:"replay"`
}

// verifySummaryJSON is verify's last -o json line.
type verifySummaryJSON struct {
	V       int              `json:"v"` // jsonVersion
	Summary verifyCountsJSON `json:"summary"`
}

// verifyCountsJSON counts verify's rows by verdict (the names probe's
// summary uses too) and the rest.
type verifyCountsJSON struct {
	Pass         int `json:"pass"`
	Warn         int `json:"warn"`
	Fail         int `json:"fail"`
	Unreadable   int `json:"unreadable"`
	Unchecked    int `json:"unchecked"` // readable rows whose signature was not checked (no secret)
	Redeliveries int `json:"redeliveries"`
	Replays      int `json:"replays"`
	Skipped      int `json:"skipped"` // listen -o json lines with no callback (rejected, forward_attempt)
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
		V: jsonVersion, Replay: r.Replay,
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
	v := verifySummaryJSON{V: jsonVersion, Summary: verifyCountsJSON{
		Pass: s.Passed, Warn: s.Warned, Fail: s.Failed, Unreadable: s.Unreadable, Unchecked: s.Unchecked,
		Redeliveries: s.Redeliveries, Replays: s.Replays, Skipped: s.Skipped,
	}}
	if j.enc == nil {
		j.enc = json.NewEncoder(j.w)
	}
	return j.enc.Encode(&v)
}

// explainMismatch is what -v adds to a signature mismatch (listen): the
// signature expected with the configured secret, the one received, and the
// sorted string hashed with the secret masked. in carries the secret; it
// is never shown.
func explainMismatch(in signature.Input) []string {
	if !in.HasTimestamp || !in.HasNonce || in.Secret == "" {
		return nil
	}
	want, sorted := signature.Explain(in)
	return []string{
		"expected signature " + want + " with the configured secret, got " + strconv.Quote(ui.SafeText(clip(in.Signature, 64, markCut))),
		"hashed: sha1 of " + ui.SafeText(sorted) + " (sorted; the secret masked)",
	}
}
