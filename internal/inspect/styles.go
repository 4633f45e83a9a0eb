// styles.go holds the inspector's styles (colour on or off) and the text
// helpers its screens share: padding, cutting and clipping to a width,
// durations, indented wrapping.

package inspect

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// styles are the inspector's lipgloss styles, bound to a renderer whose
// profile is plain text when colour is off.
type styles struct {
	plain, title, head, faint, key, accent, pass, warn, fail, sel lipgloss.Style
}

func newStyles(color bool) styles {
	// No writer, an explicit profile and background: the renderer never
	// looks at or queries the terminal (internal/ui decided colour).
	r := lipgloss.NewRenderer(nil)
	r.SetHasDarkBackground(true)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return styles{
		plain:  r.NewStyle(),
		title:  r.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
		head:   r.NewStyle().Bold(true),
		faint:  r.NewStyle().Faint(true),
		key:    r.NewStyle().Foreground(lipgloss.Color("6")),
		accent: r.NewStyle().Foreground(lipgloss.Color("5")),
		pass:   r.NewStyle().Foreground(lipgloss.Color("2")),
		warn:   r.NewStyle().Foreground(lipgloss.Color("3")),
		fail:   r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		sel:    r.NewStyle().Reverse(true),
	}
}

func (s styles) sig(v Sig) lipgloss.Style {
	switch v {
	case SigOK:
		return s.pass
	case SigBad:
		return s.fail
	}
	return s.faint
}

func (s styles) status(code int) lipgloss.Style {
	switch {
	case code == 0:
		return s.faint
	case code >= 200 && code <= 299:
		return s.pass
	}
	return s.fail
}

// pad pads s with spaces to width n (display cells).
func pad(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// cut shortens s to n display cells, ending in "…".
func cut(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// clip cuts s to at most n display cells, ending in "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cut(s, n)
}

// fmtDur formats a duration as listen does: 0.31ms, 12.3ms, 2.10s.
func fmtDur(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// wrapIndented wraps l to w cells at spaces (mid-word only for words
// longer than a line), indenting the continuation lines two cells past
// l's own indentation.
func wrapIndented(l string, w int) []string {
	if ansi.StringWidth(l) <= w {
		return []string{l}
	}
	plain := ansi.Strip(l)
	ind := min(len(plain)-len(strings.TrimLeft(plain, " "))+2, w/2)
	parts := strings.Split(ansi.Wrap(l, w-ind, ""), "\n")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.Repeat(" ", ind) + parts[i]
	}
	return parts
}
