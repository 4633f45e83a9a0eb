package replay

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// selectionFixture is a capture of 8 records (lines 1-9, with a blank line
// 5 that is not a payload) plus one callback body on line 10. mix_start and
// record have no room.
func selectionFixture(t *testing.T) string {
	t.Helper()
	recs := []struct {
		event, room string
		at          time.Duration
		status      int
	}{
		{"room_create", "room-a", 0, 200},
		{"stream_create", "room-a", 1 * time.Minute, 200},
		{"stream_create", "room-b", 2 * time.Minute, 500},
		{"room_login", "room-b", 3 * time.Minute, 200},
		// line 5 is blank
		{"stream_close", "room-a", 4 * time.Minute, 401},
		{"mix_start", "room-b", 5 * time.Minute, 0}, // no answer recorded
		{"record", "room-a", 6 * time.Minute, 204},
		{"room_close", "room-b", 7 * time.Minute, 200},
	}
	var b strings.Builder
	for i, r := range recs {
		if i == 4 {
			b.WriteString("\n")
		}
		b.WriteString(record(t, signedJSON(t, r.event, r.room, testSecret, uint64(i)), "application/json", t0.Add(r.at), r.status))
	}
	b.Write(signedJSON(t, "stream_create", "room-a", testSecret, 99)) // line 10, a body
	b.WriteString("\n")
	return writeFile(t, "sel.jsonl", b.String())
}

func TestSelection(t *testing.T) {
	path := selectionFixture(t)
	ep := newEndpoint(t)
	cases := []struct {
		name  string
		sel   Selection
		lines []int
	}{
		{"everything", Selection{}, []int{1, 2, 3, 4, 6, 7, 8, 9, 10}},
		{"line", Selection{Lines: []LineRange{{3, 3}}}, []int{3}},
		{"lines", Selection{Lines: []LineRange{{2, 4}, {8, math.MaxInt}}}, []int{2, 3, 4, 8, 9, 10}},
		{"blank line selects nothing on it", Selection{Lines: []LineRange{{5, 6}}}, []int{6}},
		{"event", Selection{Events: []string{"stream_create"}}, []int{2, 3, 10}},
		{"event any case", Selection{Events: []string{"STREAM_CLOSE"}}, []int{6}},
		{"events", Selection{Events: []string{"room_create", "room_close"}}, []int{1, 9}},
		{"family", Selection{Events: []string{"room"}}, []int{1, 4, 9}},
		{"qualified", Selection{Events: []string{"rtc/stream_close"}}, []int{6}},
		{"room", Selection{Rooms: []string{"room-b"}}, []int{3, 4, 9}},
		{"rooms", Selection{Rooms: []string{"room-b", "room-a"}}, []int{1, 2, 3, 4, 6, 9, 10}},
		{"since", Selection{Since: t0.Add(5 * time.Minute)}, []int{7, 8, 9}},
		{"until", Selection{Until: t0.Add(2 * time.Minute)}, []int{1, 2}},
		{"since until", Selection{Since: t0.Add(time.Minute), Until: t0.Add(3*time.Minute + time.Nanosecond)}, []int{2, 3, 4}},
		{"failed", Selection{Failed: true}, []int{3, 6}},
		{"combined", Selection{Events: []string{"stream"}, Rooms: []string{"room-a"}, Lines: []LineRange{{1, 9}}}, []int{2, 6}},
		{"failed in room", Selection{Failed: true, Rooms: []string{"room-b"}}, []int{3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Select: c.sel}, files(path)...)
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, r := range res {
				lines = append(lines, r.Line)
			}
			if !reflect.DeepEqual(lines, c.lines) {
				t.Fatalf("lines %v, want %v", lines, c.lines)
			}
			if sum.Plan.Selected != len(c.lines) || sum.Plan.Payloads != 9 {
				t.Fatalf("plan %+v", sum.Plan)
			}
		})
	}
}

func TestEmptySelection(t *testing.T) {
	path := selectionFixture(t)
	ep := newEndpoint(t)
	cases := []struct {
		sel  Selection
		want string
	}{
		{Selection{Lines: []LineRange{{11, 20}}}, "--lines 11-20 matches none of the 9 callbacks in " + path},
		{Selection{Events: []string{"mix_stop"}, Rooms: []string{"room-a"}}, "--event mix_stop --room room-a matches none"},
		{Selection{Since: t0.Add(time.Hour)}, "--since 2026-03-01T13:00:00Z matches none of the 9 callbacks in " + path + " (--since, --until and --failed look at capture records (listen --save) only)"},
	}
	for _, c := range cases {
		_, _, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Select: c.sel}, files(path)...)
		var ee *EmptySelectionError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.sel, err, c.want)
		}
	}
	if n := len(ep.got()); n != 0 {
		t.Fatalf("%d requests sent for empty selections", n)
	}
}

func TestParseSelectionValues(t *testing.T) {
	for _, c := range []struct {
		in   string
		want LineRange
		err  string
	}{
		{"10-20", LineRange{10, 20}, ""},
		{"7", LineRange{7, 7}, ""},
		{"10-", LineRange{10, math.MaxInt}, ""},
		{"-20", LineRange{1, 20}, ""},
		{" 3 - 4 ", LineRange{3, 4}, ""},
		{"20-10", LineRange{}, "ends before it starts"},
		{"-", LineRange{}, "want a range"},
		{"0-3", LineRange{}, "want a range"},
		{"a-b", LineRange{}, "want a range"},
		{"x", LineRange{}, "want a line number"},
	} {
		got, err := ParseLines(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseLines(%q) error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseLines(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := ParseLine("0"); err == nil {
		t.Error("line 0 accepted")
	}
	now := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-03-01T12:00:00Z":        t0,
		"2026-03-01T13:00:00.5+01:00": t0.Add(500 * time.Millisecond),
		"90m":                         now.Add(-90 * time.Minute),
	} {
		if got, err := ParseTime(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday", now); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("ParseTime(yesterday): %v", err)
	}
}

func TestMatchEventAndCheckEvents(t *testing.T) {
	cat := callback.Default()
	sc, _ := cat.Lookup("stream_create")
	for _, c := range []struct {
		want string
		ok   bool
	}{
		{"stream_create", true}, {"Stream_Create", true}, {"stream", true}, {"rtc/stream_create", true}, {"rtc", true},
		{"room/stream_create", false}, {"stream/stream_create", false}, {"stream_close", false}, {"room", false}, {"zim", false},
		{"rtc/stream", true}, {"RTC/Stream", true}, {"zim/stream", false},
	} {
		if got := MatchEvent(sc, sc.Name, c.want); got != c.ok {
			t.Errorf("MatchEvent(stream_create, %q) = %v", c.want, got)
		}
	}
	// Groups: bare names RTC's, FAMILY/GROUP anyone's.
	zr, _ := cat.Lookup("zim/room_create")
	for _, c := range []struct {
		spec *callback.Event
		want string
		ok   bool
	}{
		{zr, "room", false}, {zr, "zim/room", true}, {zr, "ZIM/Room", true}, {zr, "rtc/room", false}, {zr, "zim", true},
	} {
		if got := MatchEvent(c.spec, c.spec.Name, c.want); got != c.ok {
			t.Errorf("MatchEvent(%s, %q) = %v, want %v", c.spec.Qualified, c.want, got, c.ok)
		}
	}
	for _, e := range cat.Events() {
		if e.Group == "task" && MatchEvent(e, e.Name, "task") {
			t.Errorf("--event task takes %s: a bare group is RTC's", e.Qualified)
		}
	}
	if !MatchEvent(nil, "custom_event", "custom_event") || MatchEvent(nil, "", "") {
		t.Error("unknown events match by their name only")
	}
	if err := CheckEvents(cat, []string{"stream", "room_login", "rtc/record", "zim", "zim/room_create"}); err != nil {
		t.Fatal(err)
	}
	if err := CheckEvents(cat, []string{"zim/room", "asr/task", "rtc/stream"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"stream_creat", `--event "stream_creat" is not an event, group or family zegocb knows (did you mean stream_create?)`},
		// A bare group is RTC's: another family's is named FAMILY/GROUP.
		{"task", `--event "task" is not an event, group or family zegocb knows (a bare group is RTC's: did you mean asr/task, cloudrecording/task or digitalhuman/task?)`},
		{"message", `(a bare group is RTC's: did you mean zim/message?)`},
	} {
		err := CheckEvents(cat, []string{c.in})
		if !isOptionError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckEvents(%s): error %v, want %q", c.in, err, c.want)
		}
	}
	if _, _, err := replay(t, Options{URL: "http://127.0.0.1:1", Select: Selection{Events: []string{"nope"}}}, files("/nonexistent")...); !isOptionError(err) {
		t.Fatalf("an unknown --event must fail before reading: %v", err)
	}
}

// Events are identified by the catalog's detection, so an event another
// product family shares a name with (zim/room_create) is told apart, shown
// by its qualified name, and selected by its product family or its
// qualified name.
func TestDetectionAndProductFamilies(t *testing.T) {
	dir := t.TempDir()
	zim := signedJSON(t, "zim/room_create", "", "s", 1)
	rtc := signedJSON(t, "room_create", "", "s", 2)
	path := filepath.Join(dir, "bodies.jsonl")
	if err := os.WriteFile(path, append(append(append(zim, '\n'), rtc...), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		events []string
		want   string
	}{
		{nil, "zim/room_create room_create"},
		{[]string{"zim"}, "zim/room_create"},
		{[]string{"rtc"}, "room_create"},
		{[]string{"zim/room_create"}, "zim/room_create"},
		{[]string{"room_create"}, "room_create"}, // a shared bare name means the RTC event
		{[]string{"room"}, "room_create"},        // a bare group means RTC's, as a bare name does
		{[]string{"zim/room"}, "zim/room_create"},
		{[]string{"zim/room", "room"}, "zim/room_create room_create"},
	} {
		var got []string
		_, err := Run(context.Background(), Options{DryRun: true, Secret: "s", Select: Selection{Events: tc.events}},
			[]Input{{Path: path}}, func(r *Result) error { got = append(got, r.Event); return nil })
		if err != nil {
			t.Fatalf("%v: %v", tc.events, err)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("--event %v: got %v, want %s", tc.events, got, tc.want)
		}
	}
}
