// events_list.go holds the events command's list of the catalog: which
// events are listed, their names and families, the common fields and the
// field spellings, wrapped to the terminal.

package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/zegocb/zegocb/internal/callback"
)

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
