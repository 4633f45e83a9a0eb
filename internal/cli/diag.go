// diag.go holds the one way commands print diagnostics on stderr: Warnf,
// Hintf and Progressf (all silenced by -q) and liveLine, the status line a
// terminal redraws in place (send's countdown, load's progress bar, probe's
// counter).

package cli

import (
	"fmt"
	"io"
)

// Warnf prints a one-line warning on stderr (suppressed by -q).
func (f *Factory) Warnf(format string, args ...any) {
	if f.Global.Quiet {
		return
	}
	s := f.IO.ErrStyles()
	fmt.Fprintf(f.IO.ErrOut, "%s %s\n", s.Warn.Render("warning:"), fmt.Sprintf(format, args...))
}

// Hintf prints a dim one-line hint on stderr (suppressed by -q).
func (f *Factory) Hintf(format string, args ...any) {
	if f.Global.Quiet {
		return
	}
	fmt.Fprintln(f.IO.ErrOut, f.IO.ErrStyles().Faint.Render(fmt.Sprintf(format, args...)))
}

// Progressf prints a progress line on stderr (suppressed by -q); the
// caller styles its parts.
func (f *Factory) Progressf(format string, args ...any) {
	if f.Global.Quiet {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, format+"\n", args...)
}

// liveLine is one status line that stderr redraws in place: "\r\x1b[K"
// returns to the line's start and erases it. It is on only when stderr is
// a terminal and -q was not given; off, Show and Clear do nothing.
type liveLine struct{ w io.Writer }

// liveLine returns the command's live line (off when it must not draw).
func (f *Factory) liveLine() liveLine {
	if f.Global.Quiet || !f.IO.IsStderrTTY() {
		return liveLine{}
	}
	return liveLine{w: f.IO.ErrOut}
}

// On reports whether the line draws.
func (l liveLine) On() bool { return l.w != nil }

// Show replaces the line with text (one write, so it never flickers).
func (l liveLine) Show(text string) {
	if l.w != nil {
		io.WriteString(l.w, "\r\x1b[K"+text)
	}
}

// Clear erases the line, leaving the cursor at its start.
func (l liveLine) Clear() {
	if l.w != nil {
		io.WriteString(l.w, "\r\x1b[K")
	}
}
