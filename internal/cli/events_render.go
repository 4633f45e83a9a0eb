// events_render.go prints one event of the catalog: its fields and sample
// for a terminal (wrapped, with hanging indents) or a pipe. The event list
// is in events_list.go, the -o json schema in events_json.go.

package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// writeWrapped prints text wrapped to width (unwrapped when width is 0), styled line by line.
func writeWrapped(w io.Writer, style interface{ Render(...string) string }, text string, width int) error {
	if width > 0 {
		text = ansi.Wrap(text, width, "")
	}
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			l = style.Render(strings.TrimRight(l, " "))
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type plainStyle struct{}

func (plainStyle) Render(s ...string) string { return strings.Join(s, " ") }

// writeHanging prints prefix and text, wrapping text to width with its
// continuation lines indented under the text's start.
func writeHanging(w io.Writer, prefix, text string, width int) error {
	indent := ansi.StringWidth(prefix)
	if width > 0 {
		text = ansi.Wrap(text, max(width-indent, minTextWidth), "")
	}
	var b strings.Builder
	for i, l := range strings.Split(text, "\n") {
		if i == 0 {
			b.WriteString(prefix)
		} else {
			b.WriteString(strings.Repeat(" ", indent))
		}
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// minTextWidth keeps wrapped prose readable on very narrow terminals.
const minTextWidth = 30

// ttyType is a field's type as a terminal shows it, with its wire form
// when that differs from the type's natural JSON form.
func ttyType(f *callback.Field) string {
	switch f.Type {
	case callback.TypeStringArray:
		return "string[]"
	case callback.TypeJSONString:
		return "json (str)"
	case callback.TypeInt, callback.TypeFloat:
		if f.Wire == callback.WireNumber {
			return string(f.Type) + " (num)"
		}
		return string(f.Type) + " (str)"
	}
	return string(f.Type)
}

func enumText(f *callback.Field, sep string) string {
	parts := make([]string, 0, len(f.Enum))
	for _, v := range f.Enum {
		parts = append(parts, v.Value+" = "+v.Meaning)
	}
	return strings.Join(parts, sep)
}

func writeEventTTY(opts *eventsOptions, e *callback.Event, p *callback.Payload) error {
	s := opts.IO
	st := s.Styles()
	width := s.Width()
	out := s.Out
	fmt.Fprintf(out, "%s  %s\n", st.Event.Render(e.Ref), st.Bold.Render(e.Title))
	if err := writeWrapped(out, plainStyle{}, e.Summary, width); err != nil {
		return err
	}
	fmt.Fprintln(out)
	kv := []struct{ k, v string }{
		{"Name", nameText(opts.F.Catalog, e)},
		{"Family", familyText(e)},
		{"Group", e.Group},
		{"Docs", e.Doc},
		{"Response", e.Answer().Describe(answerQuote)},
		{"Retries", e.RetryProfile().Describe()},
	}
	for _, r := range kv {
		if err := writeHanging(out, fmt.Sprintf("%-9s ", r.k), r.v, width); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)

	t := s.NewTable("FIELD", "TYPE", "REQ", "UNIT", "LIMIT", "DESCRIPTION")
	for i := range e.Fields {
		f := &e.Fields[i]
		req, limit := "", ""
		if f.Required {
			req = "yes"
		}
		if f.MaxBytes > 0 {
			limit = strconv.Itoa(f.MaxBytes) + " B"
		}
		desc := f.Description
		if len(f.Enum) > 0 && f.Role != callback.RoleEvent {
			desc += " Values: " + enumText(f, "; ") + "."
		}
		t.AddRow(st.Key.Render(f.Name), ttyType(f), req, f.Unit, limit, desc)
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(e.Notes) > 0 {
		fmt.Fprintln(out)
		fmt.Fprintln(out, st.Bold.Render("Notes"))
		for _, n := range e.Notes {
			if err := writeHanging(out, "  - ", n, width); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(out)
	label := "Sample (unsigned: add --signed to sign it with your secret)"
	if opts.Signed {
		label = "Sample (signed with the configured secret)"
	}
	fmt.Fprintln(out, st.Bold.Render(label))
	_, err := out.Write(ui.PrettyJSON(p.JSON(), s.ColorEnabled()))
	return err
}

// nameText is the names an event answers to: "zim/user_action or
// user_action"; "zim/room_create (room_create alone means rtc/room_create)";
// a numeric event type's field and number.
func nameText(c *callback.Catalog, e *callback.Event) string {
	s := e.Qualified
	if e.Ref != e.Qualified {
		s += " or " + e.Ref
	}
	if e.Route != "" {
		s += " (" + e.RoleField(callback.RoleEvent).Name + " " + e.Route + ")"
	}
	d, alts := c.Resolve(e.Name)
	switch {
	case d != nil && d != e:
		s += " (" + e.Name + " alone means " + d.Qualified + ")"
	case len(alts) > 0:
		others := make([]string, len(alts))
		for i, a := range alts {
			others[i] = a.Qualified
		}
		s += " (also the name of " + joinWords(others, "and") + ")"
	}
	return s
}

// answerQuote shows an answer body: a JSON answer as it is, a text quoted.
func answerQuote(s string) string {
	if strings.HasPrefix(s, "{") {
		return s
	}
	return strconv.Quote(s)
}

// familyText is the event's product family in words: "zim: In-app Chat (ZIM)".
func familyText(e *callback.Event) string {
	if e.Product == nil {
		return ""
	}
	return e.Product.Name + ": " + e.Product.Title
}

// writeEventPipe prints one tab-separated row per field (name, type, wire,
// required, unit, max bytes, values, description), a blank line and the
// sample on one line.
func writeEventPipe(opts *eventsOptions, e *callback.Event, p *callback.Payload) error {
	s := opts.IO
	st := s.Styles() // colourless unless colour is forced
	t := s.NewTable("FIELD", "TYPE", "WIRE", "REQUIRED", "UNIT", "MAX_BYTES", "VALUES", "DESCRIPTION")
	for i := range e.Fields {
		f := &e.Fields[i]
		req, limit := "no", ""
		if f.Required {
			req = "yes"
		}
		if f.MaxBytes > 0 {
			limit = strconv.Itoa(f.MaxBytes)
		}
		t.AddRow(st.Key.Render(f.Name), string(f.Type), f.WireName(), req, f.Unit, limit, enumText(f, "; "), f.Description)
	}
	if err := t.Render(); err != nil {
		return err
	}
	sample := p.JSON()
	if s.ColorEnabled() {
		sample = pretty.Color(sample, nil) // still one line
	}
	_, err := fmt.Fprintf(s.Out, "\n%s\n", sample)
	return err
}
