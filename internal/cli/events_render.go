// events_render.go prints the catalog: the event list (wrapped to the
// terminal), one event's fields and sample for a terminal or a pipe, and the
// -o json schema.

package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

// writeSampleJSON prints raw JSON: indented (and coloured when colour is on)
// on a terminal, one compact line when piped.
func writeSampleJSON(s *ui.IOStreams, raw []byte) error {
	var out []byte
	if s.IsStdoutTTY() {
		out = ui.PrettyJSON(raw, s.ColorEnabled())
	} else {
		out = append(append([]byte(nil), raw...), '\n')
	}
	_, err := s.Out.Write(out)
	return err
}

// The -o json catalog: one object per event, every key always present.
// name is the event's name within its family, ref the shortest name every
// command resolves to it, qualified FAMILY/EVENT; family is the product
// family (rtc, zim), group the section within it (room, stream, call).
type catalogEventJSON struct {
	Name      string              `json:"name"`
	Ref       string              `json:"ref"`
	Qualified string              `json:"qualified"`
	Route     string              `json:"route"`
	Title     string              `json:"title"`
	Summary   string              `json:"summary"`
	Family    string              `json:"family"`
	Group     string              `json:"group"`
	Doc       string              `json:"doc"`
	Response  catalogResponseJSON `json:"response"`
	RetryS    []float64           `json:"retry_s"`
	Required  []string            `json:"required"`
	Notes     []string            `json:"notes"`
	Fields    []catalogFieldJSON  `json:"fields"`
}

// catalogResponseJSON is what a receiver answers: a 2xx status, with body
// for the legacy record convention, or with a synchronous JSON answer
// (answer: the default, such as {"result":0}) within deadline_ms (0: none).
type catalogResponseJSON struct {
	Status     string  `json:"status"`
	Body       string  `json:"body"`
	BodyRule   string  `json:"body_rule"`
	Answer     string  `json:"answer"`
	DeadlineMS float64 `json:"deadline_ms"`
}

type catalogFieldJSON struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Wire        string          `json:"wire"`
	Role        string          `json:"role"`
	Required    bool            `json:"required"`
	Unit        string          `json:"unit"`
	MaxBytes    int             `json:"max_bytes"`
	Enum        []callback.Enum `json:"enum"`
	Description string          `json:"description"`
}

func catalogEventToJSON(e *callback.Event) catalogEventJSON {
	r := e.Answer()
	out := catalogEventJSON{
		Name: e.Name, Ref: e.Ref, Qualified: e.Qualified, Route: e.Route, Title: e.Title, Summary: e.Summary,
		Family: familyName(e), Group: e.Group, Doc: e.Doc,
		Response: catalogResponseJSON{Status: "2xx", Body: r.Body, BodyRule: r.BodyRule},
		RetryS:   []float64{},
		Required: append([]string{}, e.Required()...),
		Notes:    append([]string{}, e.Notes...),
		Fields:   make([]catalogFieldJSON, 0, len(e.Fields)),
	}
	if r.Sync != nil {
		out.Response.Answer, out.Response.DeadlineMS = r.Sync.Default, millis(time.Duration(r.Sync.Deadline))
	}
	for _, d := range e.RetryProfile().Durations() {
		out.RetryS = append(out.RetryS, d.Seconds())
	}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, catalogFieldJSON{
			Name: f.Name, Type: string(f.Type), Wire: f.WireName(), Role: string(f.Role),
			Required: f.Required, Unit: f.Unit, MaxBytes: f.MaxBytes,
			Enum: append([]callback.Enum{}, f.Enum...), Description: f.Description,
		})
	}
	return out
}

func familyName(e *callback.Event) string {
	if e.Product == nil {
		return ""
	}
	return e.Product.Name
}

// listed is the catalog's events, or one family's.
func listed(c *callback.Catalog, fam *callback.Family) []*callback.Event {
	if fam == nil {
		return c.Events()
	}
	return c.FamilyEvents(fam)
}

func writeCatalogJSON(opts *eventsOptions, fam *callback.Family) error {
	for _, e := range listed(opts.F.Catalog, fam) {
		if err := ui.WriteJSONLine(opts.IO.Out, catalogEventToJSON(e)); err != nil {
			return err
		}
	}
	return nil
}

// listName is an event's name in the list: the name every command resolves
// to it (FAMILY/EVENT when its bare name means another family's event),
// with the number of a numeric event type beside it.
func listName(e *callback.Event) string {
	if e.Route != "" {
		return e.Ref + " (" + e.Route + ")"
	}
	return e.Ref
}

// commonRoles are the fields every event carries, whatever their casing.
var commonRoles = []callback.Role{callback.RoleEvent, callback.RoleAppID, callback.RoleTimestamp, callback.RoleNonce, callback.RoleSignature}

func writeEventList(opts *eventsOptions, fam *callback.Family) error {
	s := opts.IO
	c := opts.F.Catalog
	events := listed(c, fam)
	if !s.IsStdoutTTY() {
		st := s.Styles() // colourless unless colour is forced
		t := s.NewTable("NAME", "GROUP", "MEANING", "REQUIRED", "FAMILY")
		for _, e := range events {
			t.AddRow(st.Event.Render(e.Ref), e.Group, e.Title, strings.Join(e.Required(), ","), familyName(e))
		}
		return t.Render()
	}
	st := s.Styles()
	width := s.Width()
	nameW, groupW, titleW := len("NAME"), len("GROUP"), 0
	for _, e := range events {
		nameW = max(nameW, ansi.StringWidth(listName(e)))
		groupW = max(groupW, len(e.Group))
		titleW = max(titleW, ansi.StringWidth(e.Title))
	}
	// Narrow terminals: drop the group column, then shorten the meaning,
	// so the required fields keep room to wrap into. Every family's table
	// pads its columns to the same widths, so the families line up.
	const requiredMin = 24
	showGroup := width == 0 || width >= 100
	if width > 0 {
		used := nameW + 2 + requiredMin + 2
		if showGroup {
			used += groupW + 2
		}
		titleW = min(titleW, max(width-used, 16))
	}
	headers := []string{"NAME", "GROUP", "MEANING", "REQUIRED FIELDS"}
	if !showGroup {
		headers = []string{"NAME", "MEANING", "REQUIRED FIELDS"}
	}
	pad := func(text string, w int) string {
		return text + strings.Repeat(" ", max(w-ansi.StringWidth(text), 0))
	}
	first := true
	for _, f := range c.Families() {
		if fam != nil && f != fam {
			continue
		}
		evs := c.FamilyEvents(f)
		if len(evs) == 0 {
			continue
		}
		if !first {
			fmt.Fprintln(s.Out)
		}
		first = false
		head := st.Bold.Render(f.Name) + "  " + f.Title + st.Faint.Render(" · "+plural(len(evs), "event", "events"))
		if width > 0 {
			head = ansi.Truncate(head, width, "…")
		}
		fmt.Fprintln(s.Out, head)
		hs := append([]string{}, headers...)
		hs[0] = pad(hs[0], nameW)
		if showGroup {
			hs[1] = pad(hs[1], groupW)
		}
		hs[len(hs)-2] = pad(hs[len(hs)-2], titleW)
		t := s.NewTable(hs...)
		for _, e := range evs {
			row := []string{st.Event.Render(pad(listName(e), nameW))}
			if showGroup {
				row = append(row, pad(e.Group, groupW))
			}
			row = append(row, pad(ansi.Truncate(e.Title, titleW, "…"), titleW), strings.Join(e.OwnRequired(), ", "))
			t.AddRow(row...)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	footer := "Every event also requires the common fields, spelt as its family spells them: " + spellingsText(events) + "."
	if hasCollision(events) {
		footer += " A bare name that two families share means the RTC event (else the first family's listed); FAMILY/EVENT names the other."
	}
	if err := writeWrapped(s.Out, st.Faint, "\n"+footer, width); err != nil {
		return err
	}
	if s.IsStderrTTY() {
		opts.F.Hintf("Run 'zegocb events EVENT' for its fields and a sample.")
	}
	return nil
}

// spellingsText names each spelling of the common fields and who uses it,
// in the families' order: "event, appid, timestamp, nonce, signature (rtc,
// zim); Event, AppId, Timestamp, Nonce, Signature (rtc moderation)". A
// family's first spelling names the family; its others, the groups using it.
func spellingsText(events []*callback.Event) string {
	var order []string
	who := map[string][]string{}
	seenFam := map[*callback.Family]bool{}
	for _, e := range events {
		f := e.Product
		if f == nil || seenFam[f] {
			continue
		}
		seenFam[f] = true
		first := true
		for _, sp := range f.Spellings {
			var groups []string
			for _, o := range events {
				if o.Product == f && o.RoleField(callback.RoleAppID).Name == sp.AppID && o.RoleField(callback.RoleEvent).Name == sp.Event &&
					o.RoleField(callback.RoleNonce).Name == sp.Nonce && !slices.Contains(groups, o.Group) {
					groups = append(groups, o.Group)
				}
			}
			if len(groups) == 0 {
				continue
			}
			key := strings.Join([]string{sp.Event, sp.AppID, sp.Timestamp, sp.Nonce, sp.Signature}, ", ")
			if _, ok := who[key]; !ok {
				order = append(order, key)
			}
			name := f.Name
			if !first {
				name += " " + strings.Join(groups, "/")
			}
			first = false
			who[key] = append(who[key], name)
		}
	}
	parts := make([]string, 0, len(order))
	for _, key := range order {
		parts = append(parts, key+" ("+strings.Join(who[key], ", ")+")")
	}
	return strings.Join(parts, "; ")
}

// hasCollision reports whether a listed event is named FAMILY/EVENT because
// its bare name means another family's event.
func hasCollision(events []*callback.Event) bool {
	for _, e := range events {
		if e.Ref != e.Name {
			return true
		}
	}
	return false
}

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
