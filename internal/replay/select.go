// select.go holds which lines of a capture replay delivers: --line, --lines,
// --since, --until, --event and --room.

package replay

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// LineRange is an inclusive range of 1-based line numbers. Lines count in
// each input file separately (line 3 of every FILE given).
type LineRange struct{ From, To int }

// Contains reports whether line n is in the range.
func (r LineRange) Contains(n int) bool { return n >= r.From && n <= r.To }

// ParseLine parses `--line N`.
func ParseLine(s string) (LineRange, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return LineRange{}, fmt.Errorf("line %q: want a line number from 1", s)
	}
	return LineRange{n, n}, nil
}

// ParseLines parses `--lines A-B`: "10-20", "10-" (to the end), "-20"
// (from the start) or "7" (one line).
func ParseLines(s string) (LineRange, error) {
	s = strings.TrimSpace(s)
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return ParseLine(s)
	}
	r := LineRange{From: 1, To: math.MaxInt}
	bad := func() (LineRange, error) {
		return LineRange{}, fmt.Errorf("lines %q: want a range like 10-20, 10- or -20", s)
	}
	if a = strings.TrimSpace(a); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			return bad()
		}
		r.From = n
	}
	if b = strings.TrimSpace(b); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 1 {
			return bad()
		}
		r.To = n
	}
	if a == "" && b == "" {
		return bad()
	}
	if r.From > r.To {
		return LineRange{}, fmt.Errorf("lines %q: the range ends before it starts", s)
	}
	return r, nil
}

// ParseTime parses a `--since`/`--until` value: an RFC 3339 time
// (2026-03-01T12:00:00Z, fractions allowed), or a duration before now
// (90m: ninety minutes ago).
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("time %q: want an RFC 3339 time like 2026-03-01T12:00:00Z, or a duration before now like 90m", s)
}

// Selection chooses which callbacks of the input are replayed. Different
// criteria must all match; values of one criterion are alternatives (any
// of Events, any of Rooms, any of Lines). The zero Selection takes everything.
type Selection struct {
	// Lines selects by line number in each file (the line a payload starts on).
	Lines []LineRange
	// Events selects by event: a name (stream_create), a qualified name
	// (zim/room_create), a product family (zim), or a group: bare for RTC's
	// (stream), FAMILY/GROUP for another family's (zim/room). See
	// callback.MatchEvent.
	Events []string
	// Rooms selects by room id (the body's room_id or RoomId field).
	Rooms []string
	// Since and Until select on a capture record's received time:
	// Since <= received_at < Until. Zero means unbounded. Callback bodies
	// have no received time and never match a time selection.
	Since, Until time.Time
	// Failed selects capture records whose recorded answer was not 2xx.
	// Records without an answer, and bodies, never match.
	Failed bool
}

// needsPayload reports whether matching needs the parsed callback body.
func (s *Selection) needsPayload() bool { return len(s.Events) > 0 || len(s.Rooms) > 0 }

// matchFrame applies the criteria that need no body: lines, time, failed.
func (s *Selection) matchFrame(e *entry) bool {
	if len(s.Lines) > 0 {
		ok := false
		for _, r := range s.Lines {
			if r.Contains(e.line) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if !s.Since.IsZero() || !s.Until.IsZero() {
		if !e.record {
			return false
		}
		if !s.Since.IsZero() && e.received.Before(s.Since) {
			return false
		}
		if !s.Until.IsZero() && !e.received.Before(s.Until) {
			return false
		}
	}
	if s.Failed && (!e.answered || e.answerStatus >= 200 && e.answerStatus < 300) {
		return false
	}
	return true
}

// matchPayload applies the criteria that need the body: events, rooms.
// spec is nil for an event the catalog does not know.
func (s *Selection) matchPayload(spec *callback.Event, name, room string) bool {
	if len(s.Events) > 0 {
		ok := false
		for _, want := range s.Events {
			if MatchEvent(spec, name, want) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(s.Rooms) > 0 {
		ok := false
		for _, want := range s.Rooms {
			if room == want {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// describe says, for an error, what the selection asked for.
func (s *Selection) describe() string {
	var parts []string
	for _, r := range s.Lines {
		switch {
		case r.From == r.To:
			parts = append(parts, "--line "+strconv.Itoa(r.From))
		case r.To == math.MaxInt:
			parts = append(parts, fmt.Sprintf("--lines %d-", r.From))
		default:
			parts = append(parts, fmt.Sprintf("--lines %d-%d", r.From, r.To))
		}
	}
	for _, e := range s.Events {
		parts = append(parts, "--event "+e)
	}
	for _, r := range s.Rooms {
		parts = append(parts, "--room "+r)
	}
	if !s.Since.IsZero() {
		parts = append(parts, "--since "+s.Since.UTC().Format(time.RFC3339Nano))
	}
	if !s.Until.IsZero() {
		parts = append(parts, "--until "+s.Until.UTC().Format(time.RFC3339Nano))
	}
	if s.Failed {
		parts = append(parts, "--failed")
	}
	return strings.Join(parts, " ")
}

// MatchEvent reports whether a callback matches one --event value: see
// callback.MatchEvent, which decides it for every command.
func MatchEvent(spec *callback.Event, name, want string) bool {
	return callback.MatchEvent(spec, name, want)
}

// CheckEvents validates --event values against the catalog before anything
// is read: each must name an event, a family, a group (bare: RTC's;
// FAMILY/GROUP: another family's) or FAMILY/EVENT. It returns an
// *OptionError naming the first unknown value (with a suggestion when one
// is close), or nil.
func CheckEvents(cat *callback.Catalog, wants []string) error {
	if cat == nil {
		cat = callback.Default()
	}
	for _, want := range wants {
		if !cat.Matches(want) {
			msg := fmt.Sprintf("--event %q is not an event, group or family zegocb knows", want)
			if g := cat.GroupsNamed(want); len(g) > 0 {
				msg += fmt.Sprintf(" (a bare group is RTC's: did you mean %s?)", orList(g))
			} else if s := cat.Suggest(want, 1); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", s[0])
			}
			return &OptionError{Msg: msg}
		}
	}
	return nil
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
