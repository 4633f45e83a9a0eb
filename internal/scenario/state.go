// state.go holds the state document: State and RoomState, ParseState (a
// receiver's own document, read strictly) and Diff, which compares two
// states entry by entry.

package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// State is the room, user and stream lists a receiver keeps. Its JSON form
// is the documented state document (docs/scenarios.md), which is also what
// a receiver's --expect-url endpoint must return:
//
//	{"rooms": [
//	  {"room_id": "r1-3fa2", "room_session_id": "8580129252044104123",
//	   "users": ["u1-3fa2", "u2-3fa2"], "streams": ["s1-3fa2"]}
//	]}
//
// rooms lists the rooms that exist (created and not closed); users, the
// user_accounts logged in to each; streams, the stream_ids live in each.
// room_session_id is optional in a receiver's document (a string of
// digits: it exceeds 2^53) and checked only when given. Order does not
// matter; a room_id, user or stream listed twice is an error.
type State struct {
	Rooms []RoomState `json:"rooms"`
}

// RoomState is one room of a State.
type RoomState struct {
	RoomID        string   `json:"room_id"`
	RoomSessionID string   `json:"room_session_id,omitempty"`
	Users         []string `json:"users"`
	Streams       []string `json:"streams"`
}

// normal sorts everything and turns nil lists into empty ones.
func (s State) normal() State {
	out := State{Rooms: make([]RoomState, len(s.Rooms))}
	for i, r := range s.Rooms {
		r.Users = append([]string{}, r.Users...)
		r.Streams = append([]string{}, r.Streams...)
		sort.Strings(r.Users)
		sort.Strings(r.Streams)
		out.Rooms[i] = r
	}
	sort.Slice(out.Rooms, func(i, j int) bool { return out.Rooms[i].RoomID < out.Rooms[j].RoomID })
	return out
}

// Room returns the room with id, if the state has it.
func (s State) Room(id string) (RoomState, bool) {
	for _, r := range s.Rooms {
		if r.RoomID == id {
			return r, true
		}
	}
	return RoomState{}, false
}

// Equal reports whether two states list the same rooms, sessions, users
// and streams (order aside).
func (s State) Equal(o State) bool {
	a, b := s.normal(), o.normal()
	if len(a.Rooms) != len(b.Rooms) {
		return false
	}
	for i := range a.Rooms {
		x, y := a.Rooms[i], b.Rooms[i]
		if x.RoomID != y.RoomID || x.RoomSessionID != y.RoomSessionID || !slices.Equal(x.Users, y.Users) || !slices.Equal(x.Streams, y.Streams) {
			return false
		}
	}
	return true
}

// JSON returns the state document, sorted, compact, with a final newline.
func (s State) JSON() []byte {
	b, _ := json.Marshal(s.normal()) // cannot fail: strings and lists only
	return append(b, '\n')
}

// String is the state on one line, for test failures and logs.
func (s State) String() string {
	var parts []string
	for _, r := range s.normal().Rooms {
		parts = append(parts, fmt.Sprintf("%s@%s users=%v streams=%v", r.RoomID, r.RoomSessionID, r.Users, r.Streams))
	}
	if len(parts) == 0 {
		return "(no rooms)"
	}
	return strings.Join(parts, "; ")
}

// StateError says why a state document is not in the documented shape. Its
// message is one line naming the place ("rooms[1].users[0]") and the fault.
type StateError struct {
	Path string
	Msg  string
}

func (e *StateError) Error() string {
	if e.Path == "" {
		return "state document: " + e.Msg
	}
	return "state document: " + e.Path + ": " + e.Msg
}

// MaxStateBytes bounds the state document ParseState accepts.
const MaxStateBytes = 8 << 20

// ParseState reads a state document strictly: exactly the documented keys,
// the documented types, no key twice, no room, user or stream listed twice,
// nothing after the object.
func ParseState(b []byte) (State, error) {
	bad := func(path, format string, args ...any) (State, error) {
		return State{}, &StateError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	if len(b) > MaxStateBytes {
		return bad("", "larger than %d bytes", MaxStateBytes)
	}
	trim := bytes.TrimSpace(b)
	if len(trim) == 0 {
		return bad("", "empty (want a JSON object with \"rooms\")")
	}
	if !gjson.ValidBytes(trim) {
		return bad("", "not valid JSON%s", syntaxAt(trim))
	}
	top := gjson.ParseBytes(trim)
	if !top.IsObject() {
		return bad("", "want a JSON object with \"rooms\", got %s", kindOf(top))
	}
	var (
		s     State
		err   error
		seen  = map[string]bool{}
		rooms = map[string]int{}
	)
	top.ForEach(func(k, v gjson.Result) bool {
		key := k.String()
		if seen[key] {
			err = &StateError{Path: key, Msg: "key given twice"}
			return false
		}
		seen[key] = true
		if key != "rooms" {
			err = &StateError{Path: key, Msg: "unknown key (the document has only \"rooms\")"}
			return false
		}
		if !v.IsArray() {
			err = &StateError{Path: "rooms", Msg: "want a list of rooms, got " + kindOf(v)}
			return false
		}
		s.Rooms = []RoomState{}
		i := 0
		v.ForEach(func(_, rv gjson.Result) bool {
			p := fmt.Sprintf("rooms[%d]", i)
			var r RoomState
			r, err = parseRoom(p, rv)
			if err != nil {
				return false
			}
			if j, dup := rooms[r.RoomID]; dup {
				err = &StateError{Path: p + ".room_id", Msg: fmt.Sprintf("%q is also rooms[%d]", r.RoomID, j)}
				return false
			}
			rooms[r.RoomID] = i
			s.Rooms = append(s.Rooms, r)
			i++
			return true
		})
		return err == nil
	})
	if err != nil {
		return State{}, err
	}
	if !seen["rooms"] {
		return bad("", "missing key \"rooms\"")
	}
	return s.normal(), nil
}

func parseRoom(p string, v gjson.Result) (RoomState, error) {
	bad := func(path, format string, args ...any) (RoomState, error) {
		return RoomState{}, &StateError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	if !v.IsObject() {
		return bad(p, "want a room object, got %s", kindOf(v))
	}
	var (
		r    RoomState
		err  error
		seen = map[string]bool{}
	)
	v.ForEach(func(k, fv gjson.Result) bool {
		key := k.String()
		fp := p + "." + key
		if seen[key] {
			err = &StateError{Path: fp, Msg: "key given twice"}
			return false
		}
		seen[key] = true
		switch key {
		case "room_id":
			if fv.Type != gjson.String || fv.Str == "" {
				err = &StateError{Path: fp, Msg: "want a non-empty string, got " + kindOf(fv)}
			}
			r.RoomID = fv.Str
		case "room_session_id":
			if fv.Type != gjson.String || !isDigits(fv.Str) {
				err = &StateError{Path: fp, Msg: "want a string of digits (it exceeds 2^53, so not a JSON number), got " + kindOf(fv)}
			}
			r.RoomSessionID = normDigits(fv.Str)
		case "users", "streams":
			var list []string
			list, err = parseIDs(fp, fv)
			if key == "users" {
				r.Users = list
			} else {
				r.Streams = list
			}
		default:
			err = &StateError{Path: fp, Msg: "unknown key (a room has room_id, room_session_id, users, streams)"}
		}
		return err == nil
	})
	if err != nil {
		return RoomState{}, err
	}
	for _, k := range []string{"room_id", "users", "streams"} {
		if !seen[k] {
			return bad(p, "missing key %q", k)
		}
	}
	return r, nil
}

func parseIDs(p string, v gjson.Result) ([]string, error) {
	if !v.IsArray() {
		return nil, &StateError{Path: p, Msg: "want a list of strings, got " + kindOf(v)}
	}
	out := []string{}
	at := map[string]int{}
	var err error
	i := 0
	v.ForEach(func(_, it gjson.Result) bool {
		ip := fmt.Sprintf("%s[%d]", p, i)
		switch {
		case it.Type != gjson.String || it.Str == "":
			err = &StateError{Path: ip, Msg: "want a non-empty string, got " + kindOf(it)}
		default:
			if j, dup := at[it.Str]; dup {
				err = &StateError{Path: ip, Msg: fmt.Sprintf("%q is also %s[%d]", it.Str, p, j)}
			}
		}
		if err != nil {
			return false
		}
		at[it.Str] = i
		out = append(out, it.Str)
		i++
		return true
	})
	return out, err
}

func kindOf(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		if v.Str == "" {
			return "an empty string"
		}
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	case gjson.Null:
		return "null"
	}
	if v.IsArray() {
		return "a list"
	}
	return "an object"
}

func syntaxAt(b []byte) string {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			return fmt.Sprintf(" (byte %d: %s)", se.Offset, se.Error())
		}
	}
	return ""
}

func isDigits(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normDigits drops leading zeros ("007" and "7" are one id).
func normDigits(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// Verdict is one entry's outcome in a Diff.
type Verdict string

const (
	Pass Verdict = "PASS"
	Fail Verdict = "FAIL"
)

// DiffEntry is one compared entry: a room, a room's session, a user in a
// room or a stream in a room.
type DiffEntry struct {
	Kind    string  `json:"kind"`         // "room", "room_session", "user", "stream"
	Room    string  `json:"room_id"`      // the room
	ID      string  `json:"id,omitempty"` // the user_account or stream_id
	Want    string  `json:"want"`         // "present", "absent", or a room_session_id
	Got     string  `json:"got"`
	Verdict Verdict `json:"verdict"`
}

// DiffResult is the comparison of a receiver's state with the expected one.
type DiffResult struct {
	Entries []DiffEntry `json:"entries"`
	Passed  int         `json:"passed"`
	Failed  int         `json:"failed"`
}

// OK reports whether every entry passed.
func (d DiffResult) OK() bool { return d.Failed == 0 }

// Diff compares got against want, entry by entry: every room, user and
// stream either side lists, present or absent on each, and the room's
// session when both sides give one. Entries are in room, kind, id order.
func Diff(want, got State) DiffResult {
	want, got = want.normal(), got.normal()
	var d DiffResult
	add := func(e DiffEntry) {
		if e.Want == e.Got {
			e.Verdict = Pass
			d.Passed++
		} else {
			e.Verdict = Fail
			d.Failed++
		}
		d.Entries = append(d.Entries, e)
	}
	presence := func(ok bool) string {
		if ok {
			return "present"
		}
		return "absent"
	}
	ids := map[string]bool{}
	for _, r := range want.Rooms {
		ids[r.RoomID] = true
	}
	for _, r := range got.Rooms {
		ids[r.RoomID] = true
	}
	for _, id := range sortedKeys(ids) {
		w, wok := want.Room(id)
		g, gok := got.Room(id)
		add(DiffEntry{Kind: "room", Room: id, Want: presence(wok), Got: presence(gok)})
		if wok && gok && w.RoomSessionID != "" && g.RoomSessionID != "" {
			add(DiffEntry{Kind: "room_session", Room: id, Want: w.RoomSessionID, Got: g.RoomSessionID})
		}
		for _, kind := range []string{"user", "stream"} {
			wl, gl := w.Users, g.Users
			if kind == "stream" {
				wl, gl = w.Streams, g.Streams
			}
			union := map[string]bool{}
			for _, x := range wl {
				union[x] = true
			}
			for _, x := range gl {
				union[x] = true
			}
			for _, x := range sortedKeys(union) {
				add(DiffEntry{Kind: kind, Room: id, ID: x, Want: presence(slices.Contains(wl, x)), Got: presence(slices.Contains(gl, x))})
			}
		}
	}
	return d
}
