// suggest.go holds "did you mean" suggestions for event and field names.

package callback

import (
	"sort"
	"strconv"
	"strings"
)

// Suggest returns the catalog's event names (each event's Ref) that look
// like name (a typo, a missing prefix or suffix; a qualified name is
// compared with qualified names), closest first, at most n of them (all
// for 0).
func (c *Catalog) Suggest(name string, n int) []string {
	qualified := strings.Contains(name, "/")
	names := make([]string, len(c.events))
	refs := make([]string, len(c.events))
	for i, e := range c.events {
		names[i], refs[i] = e.Name, e.Ref
		if qualified {
			names[i] = e.Qualified
		}
	}
	return suggest(name, names, refs, n)
}

// QualifiedHint explains a routing value that is not one but zegocb's
// qualified name of a known event ("zim/room_create", which a callback
// never carries: its event field says "room_create"), or returns "" for
// any other value. Said instead of a suggestion, which could only repeat
// the value.
func (c *Catalog) QualifiedHint(value string) string {
	if !strings.Contains(value, "/") {
		return ""
	}
	e, ok := c.Lookup(value)
	if !ok {
		return ""
	}
	field := "event"
	if f := e.RoleField(RoleEvent); f != nil {
		field = f.Name
	}
	return e.Qualified + " is zegocb's name for an event whose " + field + " field is " + strconv.Quote(e.RouteValue())
}

// SuggestField returns e's field names that look like name (a typo, a
// missing prefix or suffix), closest first, at most n of them (all for 0).
func (e *Event) SuggestField(name string, n int) []string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Name
	}
	return suggest(name, names, names, n)
}

// suggest returns the entries of show whose counterpart in names looks like
// name, closest first.
//
// A name equal to name itself is never suggested: "unknown event X (did
// you mean X?)" contradicts itself. (It happens when the value is a name
// zegocb gives, like the qualified zim/room_create, but the caller looked
// for what a callback carries.)
func suggest(name string, names, show []string, n int) []string {
	self := strings.TrimSpace(name)
	name = strings.ToLower(self)
	if name == "" {
		return nil
	}
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	limit := max(2, len(name)/3)
	for i, orig := range names {
		en := strings.ToLower(orig)
		d := limit + 1
		if abs(len(name)-len(en)) <= limit { // the distance is at least the length difference
			d = editDistance(name, en)
		}
		switch {
		case d <= limit:
		case len(name) >= 3 && (strings.Contains(en, name) || strings.Contains(name, en)):
			d = limit + 1 // a fragment: after the typos
		default:
			continue
		}
		if show[i] == self {
			continue
		}
		cands = append(cands, cand{show[i], d})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].dist < cands[j].dist })
	out := make([]string, 0, len(cands))
	for _, cd := range cands {
		if n > 0 && len(out) == n {
			break
		}
		out = append(out, cd.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, counting an
// adjacent transposition as one edit (optimal string alignment).
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
