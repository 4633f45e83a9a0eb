package ui

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Table prints rows. On a terminal: a styled header and aligned columns.
// Piped: headerless tab-separated rows with no styling, stable for scripts.
type Table struct {
	w       io.Writer
	tty     bool
	styles  *Styles
	headers []string
	rows    [][]string
	// MaxWidth caps the last column on a terminal (0: no cap).
	MaxWidth int
}

// NewTable returns a table for s.Out.
func (s *IOStreams) NewTable(headers ...string) *Table {
	return &Table{w: s.Out, tty: s.stdoutTTY, styles: s.Styles(), headers: headers, MaxWidth: s.width}
}

// AddRow adds a row. Cells may carry styling; widths ignore it.
func (t *Table) AddRow(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table.
func (t *Table) Render() error {
	var b strings.Builder
	if !t.tty {
		for _, r := range t.rows {
			for i, c := range r {
				if i > 0 {
					b.WriteByte('\t')
				}
				b.WriteString(strings.ReplaceAll(stripANSI(c), "\t", " "))
			}
			b.WriteByte('\n')
		}
		_, err := io.WriteString(t.w, b.String())
		return err
	}
	widths := make([]int, len(t.headers))
	for i, h := range t.headers {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i < len(widths) && lipgloss.Width(c) > widths[i] {
				widths[i] = lipgloss.Width(c)
			}
		}
	}
	line := func(cells []string, header bool) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			if header {
				c = t.styles.Bold.Render(c)
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)))
			}
		}
		b.WriteByte('\n')
	}
	line(t.headers, true)
	for _, r := range t.rows {
		line(r, false)
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// stripANSI removes escape sequences so piped output is plain whatever the cells hold.
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// StripANSI is exported for golden tests.
func StripANSI(s string) string { return stripANSI(s) }
