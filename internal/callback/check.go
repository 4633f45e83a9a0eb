// check.go holds the schema check of a payload against its catalog event:
// required fields, types, documented values.

package callback

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Severity ranks a schema problem.
type Severity uint8

const (
	// Warning: suspicious but a receiver should cope (undocumented enum value,
	// over a documented length, number where the page says string).
	Warning Severity = iota + 1
	// Error: a receiver cannot rely on the payload (missing or mistyped field).
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one finding of the schema check.
type Problem struct {
	Field    string
	Severity Severity
	Msg      string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Msg
	}
	return p.Field + ": " + p.Msg
}

// printableKey quotes a field name that would break a one-line report
// (control characters, invalid UTF-8); catalog names pass unchanged.
func printableKey(k string) string {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c == 0x7f {
			return strconv.Quote(k)
		} else if c >= utf8.RuneSelf {
			for _, r := range k[i:] {
				if r == utf8.RuneError || !strconv.IsPrint(r) {
					return strconv.Quote(k)
				}
			}
			break
		}
	}
	return k
}

// Check compares p with e's schema. It returns nil for a clean payload.
// Unknown fields are allowed: ZEGO adds fields over time.
func (e *Event) Check(p *Payload) []Problem { return e.CheckRoles(p, nil) }

// RoleEntries locates the common fields in a payload: for each role (in
// the order event, appid, timestamp, nonce, signature), 1 + the index in
// p.Entries of the first entry named as e names that role, or 0 when there
// is none.
type RoleEntries [5]int

// CheckRoles is Check that also fills at, when not nil, with where p's
// common fields are (for SignatureInputAt), found in the same pass.
func (e *Event) CheckRoles(p *Payload, at *RoleEntries) []Problem {
	if at != nil {
		*at = RoleEntries{}
	}
	var probs []Problem
	add := func(field string, sev Severity, format string, args ...any) {
		probs = append(probs, Problem{Field: printableKey(field), Severity: sev, Msg: fmt.Sprintf(format, args...)})
	}
	// Which catalog fields are present: a bitset on the stack for the usual
	// sizes, so a clean payload is checked without allocating.
	var small [4]uint64
	present := small[:]
	if n := len(e.Fields)/64 + 1; n > len(small) {
		present = make([]uint64, n)
	}
	next := 0 // payloads mostly follow catalog order: try the next field before the map
	for i := range p.Entries {
		f := &p.Entries[i]
		var spec *Field
		for k := next; k < next+4 && k < len(e.Fields); k++ { // optional fields may be skipped
			if e.Fields[k].Name == f.Key {
				spec = &e.Fields[k]
				break
			}
		}
		if spec == nil {
			spec = e.byName[f.Key]
		}
		if spec != nil {
			next = spec.idx + 1
		}
		dup := false
		if spec != nil {
			idx := uint(spec.idx)
			bit := uint64(1) << (idx % 64)
			w := &present[idx/64]
			dup = *w&bit != 0
			*w |= bit
		} else {
			for j := 0; j < i; j++ {
				if p.Entries[j].Key == f.Key {
					dup = true
					break
				}
			}
		}
		if dup {
			add(f.Key, Error, "duplicate key (byte %d): receivers disagree on which value wins", f.Offset)
			continue
		}
		if spec != nil && spec.role != 0 && at != nil {
			at[spec.role-1] = i + 1 // the first: a repeat is a dup
		}
		if spec != nil {
			checkValue(spec, f.Value, p.Format, add)
		}
	}
	explained := false // the common fields' spelling, said once
	missing := false
	for i, req := range e.required {
		missing = missing || present[i]&req != req
	}
	if missing { // else every required field is present
		for i := range e.Fields {
			spec := &e.Fields[i]
			if !spec.Required {
				continue
			}
			if present[i/64]&(1<<(i%64)) == 0 {
				if k, _, found := p.GetFold(spec.Name); found {
					if spec.Role != "" && !explained {
						explained = true
						add(spec.Name, Error, "missing required field (found %q: %s spells its common fields %s; field names are case-sensitive)", k, e.Ref, e.commonNames())
					} else {
						add(spec.Name, Error, "missing required field (found %q: field names are case-sensitive)", k)
					}
				} else {
					add(spec.Name, Error, "missing required field")
				}
			}
		}
	}
	if ev := e.RoleField(RoleEvent); ev != nil {
		var v Value
		var ok bool
		if at != nil {
			if k := at[0]; k > 0 {
				v, ok = p.Entries[k-1].Value, true
			}
		} else {
			v, ok = p.Get(ev.Name)
		}
		if ok && v.Kind == KindString && v.Text != e.RouteValue() &&
			(e.Route == "" || IsInteger(v.Text)) { // a non-number was reported above
			add(ev.Name, Error, "is %q, want %q", v.Text, e.RouteValue())
		}
	}
	return probs
}

func checkValue(spec *Field, v Value, format Format, add func(string, Severity, string, ...any)) {
	name := spec.Name
	switch spec.typ {
	case codeString, codeJSONString:
		switch v.Kind {
		case KindString:
		case KindNumber, KindBool:
			add(name, Warning, "is a JSON %s (%s); ZEGO documents a string", v.Kind, clip(v.Raw))
			return
		default:
			add(name, Error, "is a JSON %s, want a string", v.Kind)
			return
		}
		if spec.Required && v.Text == "" && spec.role != roleSignature {
			add(name, Error, "is empty")
		}
		if spec.typ == codeJSONString && v.Text != "" && !validJSONFast(v.Text) && !ValidJSON(v.Text) {
			add(name, Warning, "should hold JSON text, got %s", clip(strconv.Quote(v.Text)))
		}
	case codeInt, codeFloat:
		if v.Kind != KindString && v.Kind != KindNumber {
			add(name, Error, "is a JSON %s, want a number (as string or number)", v.Kind)
			return
		}
		if v.Text == "" {
			if spec.Required {
				add(name, Error, "is empty, want a number")
			}
			return
		}
		if spec.typ == codeInt && !IsInteger(v.Text) {
			add(name, Error, "is %s, want an integer", clip(v.Raw))
			return
		}
		if spec.typ == codeFloat && !IsDecimal(v.Text) {
			add(name, Error, "is %s, want a number", clip(v.Raw))
			return
		}
		if spec.role == roleTimestamp && spec.Unit != "" && v.Text[0] != '-' {
			switch n := len(v.Text); {
			case spec.Unit == "s" && n == 13:
				add(name, Error, "is %s, %d digits: milliseconds, but this timestamp is in seconds", clip(v.Text), n)
			case spec.Unit == "ms" && n == 10:
				add(name, Error, "is %s, %d digits: seconds, but this timestamp is in milliseconds", clip(v.Text), n)
			}
		}
	case codeStringArray:
		switch v.Kind {
		case KindArray:
			bad, long, ok := scanStringArray(v.Raw, spec.MaxBytes)
			if !ok {
				bad, long = gjsonStringArray(v.Raw, spec.MaxBytes)
			}
			if bad {
				add(name, Error, "must be an array of strings")
			}
			if long > 0 {
				add(name, Warning, "has an item of %d bytes, documented limit %d", long, spec.MaxBytes)
			}
			return
		case KindString:
			if format != FormatForm {
				add(name, Warning, "is a single string; ZEGO documents an array of strings")
			}
			return
		default:
			add(name, Error, "is a JSON %s, want an array of strings", v.Kind)
			return
		}
	case codeObject:
		if v.Kind != KindObject {
			if v.Kind == KindString && ValidJSON(v.Text) && gjson.Parse(v.Text).IsObject() {
				return // sent as a JSON-in-string; accept it
			}
			add(name, Error, "is a JSON %s, want an object", v.Kind)
		}
		return
	case codeArray:
		if v.Kind != KindArray {
			if v.Kind == KindString && ValidJSON(v.Text) && gjson.Parse(v.Text).IsArray() {
				return
			}
			add(name, Error, "is a JSON %s, want an array", v.Kind)
		}
		return
	}
	if spec.MaxBytes > 0 && len(v.Text) > spec.MaxBytes {
		add(name, Warning, "is %d bytes, documented limit %d", len(v.Text), spec.MaxBytes)
	}
	if len(spec.Enum) > 0 && v.Text != "" && spec.role != roleEvent && !spec.hasEnum(v.Text) {
		add(name, Warning, "%s is not a documented value (%s)", strconv.Quote(v.Text), spec.enumList())
	}
}

// gjsonStringArray reports whether the JSON array raw holds anything but
// strings, and the length of the first item over maxBytes (0 if none).
func gjsonStringArray(raw string, maxBytes int) (bad bool, long int) {
	gjson.Parse(raw).ForEach(func(_, item gjson.Result) bool { // one pass for both checks
		if item.Type != gjson.String {
			bad = true
			return false
		}
		if maxBytes > 0 && long == 0 && len(item.Str) > maxBytes {
			long = len(item.Str)
		}
		return true
	})
	return bad, long
}

// scanStringArray is gjsonStringArray without gjson, for the array raw
// as scanned (valid JSON). ok is false when it cannot tell (the caller then
// asks gjson).
func scanStringArray(raw string, maxBytes int) (bad bool, long int, ok bool) {
	if len(raw) < 2 || raw[0] != '[' {
		return false, 0, false
	}
	i := skipWS(raw, 1)
	if i < len(raw) && raw[i] == ']' {
		return false, 0, skipWS(raw, i+1) == len(raw)
	}
	for i < len(raw) {
		if c := raw[i]; c != '"' {
			if strings.IndexByte("-0123456789{[tfn", c) < 0 {
				return false, 0, false
			}
			return true, long, true // another kind of value
		}
		end, esc, ok := scanString(raw, i)
		if !ok {
			return false, 0, false
		}
		if n := end - i - 2; maxBytes > 0 && long == 0 && n > maxBytes {
			if esc { // the decoded text is shorter; measure it as gjson does
				n = len(unescapeJSON(raw[i:end]))
			}
			if n > maxBytes {
				long = n
			}
		}
		i = skipWS(raw, end)
		if i >= len(raw) {
			break
		}
		switch raw[i] {
		case ',':
			i = skipWS(raw, i+1)
		case ']':
			return false, long, skipWS(raw, i+1) == len(raw)
		default:
			return false, 0, false
		}
	}
	return false, 0, false
}

// validJSONFast reports true when s is one valid JSON value (what the
// scanner accepts: strict JSON, valid UTF-8, nesting within maxNesting).
// false means invalid or not known: ask ValidJSON.
func validJSONFast(s string) bool {
	i, ok := scanValue(s, skipWS(s, 0), 0)
	return ok && skipWS(s, i) == len(s)
}

// commonNames lists the event's spelling of the common fields.
func (e *Event) commonNames() string {
	names := make([]string, 0, 5)
	for _, r := range []Role{RoleEvent, RoleAppID, RoleTimestamp, RoleNonce, RoleSignature} {
		names = append(names, e.RoleField(r).Name)
	}
	return strings.Join(names, ", ")
}

func (f *Field) hasEnum(s string) bool {
	for _, e := range f.Enum {
		if e.Value == s {
			return true
		}
	}
	return false
}

func (f *Field) enumList() string {
	vals := make([]string, len(f.Enum))
	for i, e := range f.Enum {
		vals[i] = e.Value
	}
	return strings.Join(vals, ", ")
}

// EnumMeaning returns the documented meaning of value, if any.
func (f *Field) EnumMeaning(value string) (string, bool) {
	for _, e := range f.Enum {
		if e.Value == value {
			return e.Meaning, true
		}
	}
	return "", false
}

// clip cuts a quoted value to 40 bytes, "…" (zegocb's one truncation mark)
// included, never inside a UTF-8 character.
func clip(s string) string {
	const n, mark = 40, "…"
	if len(s) <= n {
		return s
	}
	i := n - len(mark)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}
