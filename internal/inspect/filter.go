// filter.go holds the `/` filter: parsing its words and matching them
// against an entry, ignoring case.

package inspect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// filter is what `/` typed: words that must all match. A word is
// event:NAME, family:NAME, room:ID, stream:ID, user:ID (or task:, call:,
// group:, agent:, player:), status:CODE, sig:VERDICT, or
// free text searched in the event name, the ids, the path, our answer and
// the body. Matching ignores case; field words match a part of the value.
type filter struct {
	text  string
	terms []term
}

type term struct {
	field string // "" for free text
	value string // lower case
}

func parseFilter(text string) filter {
	f := filter{text: strings.TrimSpace(text)}
	for _, w := range strings.Fields(f.text) {
		t := term{value: strings.ToLower(w)}
		if k, v, ok := strings.Cut(w, ":"); ok && v != "" {
			switch k = strings.ToLower(k); k {
			case "event", "family", "room", "stream", "user", "task", "call", "group", "agent", "player", "status", "sig":
				t = term{field: k, value: strings.ToLower(v)}
			}
		}
		f.terms = append(f.terms, t)
	}
	return f
}

func (f filter) match(e *Entry) bool {
	for _, t := range f.terms {
		if !t.match(e) {
			return false
		}
	}
	return true
}

func (t term) match(e *Entry) bool {
	switch t.field {
	case "event":
		return containsFold(e.Event, t.value)
	case "family":
		return e.Family != nil && containsFold(e.Family.Name, t.value)
	case "room", "stream", "user", "task", "call", "group", "agent", "player":
		v := e.keyID(t.field)
		return v != "" && containsFold(v, t.value)
	case "status":
		return e.Status != 0 && strings.HasPrefix(strconv.Itoa(e.Status), t.value)
	case "sig":
		return strings.HasPrefix(string(e.Sig), t.value)
	}
	for _, k := range e.IDs {
		if containsFold(k.Value, t.value) {
			return true
		}
	}
	return containsFold(e.Event, t.value) || containsFold(e.Path, t.value) || containsFold(e.Answer, t.value) ||
		containsFold(string(e.Body), t.value)
}

// containsFold reports whether s contains sub (already lower case),
// ignoring case, without allocating.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	if len(sub) > len(s) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(sub)
	for i := 0; i+len(sub) <= len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && first < utf8.RuneSelf && lower(c) != byte(first) {
			continue
		}
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
