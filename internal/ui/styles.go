// styles.go holds Styles, every lipgloss style zegocb uses, bound to one
// writer's colour decision (verdict and HTTP status colours).

package ui

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every lipgloss style zegocb uses, bound to one writer's colour
// decision. With colour off every style renders plain text.
type Styles struct {
	Pass, Warn, Fail, Info lipgloss.Style
	Bold, Faint            lipgloss.Style
	Event, Key, Accent     lipgloss.Style
}

func newStyles(w io.Writer, color bool) *Styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return &Styles{
		Pass:   r.NewStyle().Foreground(lipgloss.Color("2")).Bold(true),
		Warn:   r.NewStyle().Foreground(lipgloss.Color("3")).Bold(true),
		Fail:   r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		Info:   r.NewStyle().Foreground(lipgloss.Color("4")),
		Bold:   r.NewStyle().Bold(true),
		Faint:  r.NewStyle().Faint(true),
		Event:  r.NewStyle().Foreground(lipgloss.Color("5")).Bold(true),
		Key:    r.NewStyle().Foreground(lipgloss.Color("6")),
		Accent: r.NewStyle().Foreground(lipgloss.Color("12")),
	}
}

// Verdict styles a PASS/WARN/FAIL/INFO word.
func (s *Styles) Verdict(v string) string {
	switch v {
	case "PASS", "pass", "ok":
		return s.Pass.Render(v)
	case "WARN", "warn":
		return s.Warn.Render(v)
	case "FAIL", "fail", "bad", "error":
		return s.Fail.Render(v)
	case "INFO", "info":
		return s.Info.Render(v)
	case "SKIP", "skip":
		return s.Faint.Render(v)
	}
	return v
}

// Status is the style of an HTTP status code: green for 2xx, red for 5xx
// and for no answer (0), yellow for anything else.
func (s *Styles) Status(code int) lipgloss.Style {
	switch {
	case code >= 200 && code < 300:
		return s.Pass
	case code >= 500 || code == 0:
		return s.Fail
	}
	return s.Warn
}
