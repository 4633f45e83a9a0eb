package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStateJSONRoundTrip(t *testing.T) {
	for _, info := range List() {
		run := expandBuiltin(t, info.Name, Options{Seed: 9})
		s := TrueState(run)
		got, err := ParseState(s.JSON())
		if err != nil {
			t.Fatalf("%s: %v\n%s", info.Name, err, s.JSON())
		}
		if !got.Equal(s) {
			t.Errorf("%s: %s after a round trip, want %s", info.Name, got, s)
		}
	}
	// The documented shape, empty lists as [] (not null), sorted.
	s := State{Rooms: []RoomState{{RoomID: "r2", Users: []string{"b", "a"}}, {RoomID: "r1", RoomSessionID: "9"}}}
	if got, want := string(s.JSON()), `{"rooms":[{"room_id":"r1","room_session_id":"9","users":[],"streams":[]},{"room_id":"r2","users":["a","b"],"streams":[]}]}`+"\n"; got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
	if got := string(State{}.JSON()); got != `{"rooms":[]}`+"\n" {
		t.Errorf("empty state: %s", got)
	}
}

func TestParseStateAccepts(t *testing.T) {
	got, err := ParseState([]byte(` {"rooms":[{"streams":["s1"],"users":["u2","u1"],"room_id":"r1"},
		{"room_id":"r2","room_session_id":"0008580129252044104001","users":[],"streams":[]}]}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := State{Rooms: []RoomState{{RoomID: "r1", Users: []string{"u1", "u2"}, Streams: []string{"s1"}},
		{RoomID: "r2", RoomSessionID: "8580129252044104001", Users: []string{}, Streams: []string{}}}}
	if !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestParseStateRejects(t *testing.T) {
	cases := []struct{ doc, want string }{
		{``, `state document: empty (want a JSON object with "rooms")`},
		{`[]`, `state document: want a JSON object with "rooms", got a list`},
		{`{"rooms":[]`, `state document: not valid JSON (byte 11: unexpected end of JSON input)`},
		{`{"rooms":[]} x`, `state document: not valid JSON (byte 14: invalid character 'x' after top-level value)`},
		{`{}`, `state document: missing key "rooms"`},
		{`{"rooms":null}`, `state document: rooms: want a list of rooms, got null`},
		{`{"rooms":[],"ok":true}`, `state document: ok: unknown key (the document has only "rooms")`},
		{`{"rooms":[],"rooms":[]}`, `state document: rooms: key given twice`},
		{`{"rooms":["r1"]}`, `state document: rooms[0]: want a room object, got a string`},
		{`{"rooms":[{"room_id":"r1","users":[]}]}`, `state document: rooms[0]: missing key "streams"`},
		{`{"rooms":[{"room_id":"","users":[],"streams":[]}]}`, `state document: rooms[0].room_id: want a non-empty string, got an empty string`},
		{`{"rooms":[{"room_id":7,"users":[],"streams":[]}]}`, `state document: rooms[0].room_id: want a non-empty string, got a number`},
		{`{"rooms":[{"room_id":"r1","room_session_id":8580129252044104001,"users":[],"streams":[]}]}`,
			`state document: rooms[0].room_session_id: want a string of digits (it exceeds 2^53, so not a JSON number), got a number`},
		{`{"rooms":[{"room_id":"r1","room_session_id":"85x","users":[],"streams":[]}]}`,
			`state document: rooms[0].room_session_id: want a string of digits (it exceeds 2^53, so not a JSON number), got a string`},
		{`{"rooms":[{"room_id":"r1","users":{},"streams":[]}]}`, `state document: rooms[0].users: want a list of strings, got an object`},
		{`{"rooms":[{"room_id":"r1","users":["u1",2],"streams":[]}]}`, `state document: rooms[0].users[1]: want a non-empty string, got a number`},
		{`{"rooms":[{"room_id":"r1","users":[],"streams":["s1","s1"]}]}`, `state document: rooms[0].streams[1]: "s1" is also rooms[0].streams[0]`},
		{`{"rooms":[{"room_id":"r1","users":[],"streams":[],"live":true}]}`,
			`state document: rooms[0].live: unknown key (a room has room_id, room_session_id, users, streams)`},
		{`{"rooms":[{"room_id":"r1","users":[],"streams":[]},{"room_id":"r1","users":[],"streams":[]}]}`,
			`state document: rooms[1].room_id: "r1" is also rooms[0]`},
		{`{"rooms":[{"room_id":"r1","room_id":"r2","users":[],"streams":[]}]}`, `state document: rooms[0].room_id: key given twice`},
	}
	for _, tc := range cases {
		_, err := ParseState([]byte(tc.doc))
		var se *StateError
		if err == nil || !errors.As(err, &se) {
			t.Errorf("%s: accepted or wrong type: %v", tc.doc, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.doc, err, tc.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("not one line: %q", err)
		}
	}
	if _, err := ParseState(make([]byte, MaxStateBytes+1)); err == nil {
		t.Error("accepted a document over the size limit")
	}
}

func diffLines(d DiffResult) string {
	var out []string
	for _, e := range d.Entries {
		out = append(out, fmt.Sprintf("%s %s %s/%s want=%s got=%s", e.Verdict, e.Kind, e.Room, e.ID, e.Want, e.Got))
	}
	return strings.Join(out, "\n")
}

func TestDiffBothWays(t *testing.T) {
	want := State{Rooms: []RoomState{
		{RoomID: "r1", RoomSessionID: "11", Users: []string{"u1", "u2"}, Streams: []string{"s1"}},
		{RoomID: "r2", Users: []string{"u3"}, Streams: []string{}},
	}}
	got := State{Rooms: []RoomState{
		{RoomID: "r1", RoomSessionID: "12", Users: []string{"u1", "u9"}, Streams: []string{}},
		{RoomID: "r3", Users: []string{}, Streams: []string{"s7"}},
	}}
	d := Diff(want, got)
	wantLines := strings.Join([]string{
		"PASS room r1/ want=present got=present",
		"FAIL room_session r1/ want=11 got=12",
		"PASS user r1/u1 want=present got=present",
		"FAIL user r1/u2 want=present got=absent", // missing from the receiver
		"FAIL user r1/u9 want=absent got=present", // the receiver has an extra
		"FAIL stream r1/s1 want=present got=absent",
		"FAIL room r2/ want=present got=absent",
		"FAIL user r2/u3 want=present got=absent",
		"FAIL room r3/ want=absent got=present",
		"FAIL stream r3/s7 want=absent got=present",
	}, "\n")
	if diffLines(d) != wantLines {
		t.Errorf("Diff(want, got)\n%s\nwant\n%s", diffLines(d), wantLines)
	}
	if d.OK() || d.Passed != 2 || d.Failed != 8 {
		t.Errorf("OK %v, passed %d, failed %d", d.OK(), d.Passed, d.Failed)
	}

	// The other way round, every present/absent swaps and the verdicts stay.
	r := Diff(got, want)
	if len(r.Entries) != len(d.Entries) || r.Failed != d.Failed {
		t.Fatalf("Diff(got, want): %d entries, %d failed", len(r.Entries), r.Failed)
	}
	for i := range d.Entries {
		a, b := d.Entries[i], r.Entries[i]
		if a.Kind != b.Kind || a.Room != b.Room || a.ID != b.ID || a.Want != b.Got || a.Got != b.Want || a.Verdict != b.Verdict {
			t.Errorf("entry %d: %+v against %+v", i, a, b)
		}
	}

	// Equal states pass everywhere; a receiver without sessions is not
	// checked on them.
	same := Diff(want, want)
	if !same.OK() || same.Passed != len(same.Entries) || same.Passed != 7 {
		t.Errorf("Diff(want, want):\n%s", diffLines(same))
	}
	noSess := want.normal()
	noSess.Rooms[0].RoomSessionID = ""
	if d := Diff(want, noSess); !d.OK() || len(d.Entries) != 6 {
		t.Errorf("Diff with no session:\n%s", diffLines(d))
	}
	if d := Diff(State{}, State{}); !d.OK() || len(d.Entries) != 0 {
		t.Errorf("empty Diff: %+v", d)
	}
}

// TestDocsNaiveLosesStream is the worked example in docs/scenarios.md:
// reconnect, --order adversarial --seed 25. A receiver that trusts arrival
// order loses the live stream to a late retry of its old stream_close;
// ZEGO's rules keep it and end with the true state.
func TestDocsNaiveLosesStream(t *testing.T) {
	run := expandBuiltin(t, "reconnect", Options{Seed: 25})
	plan, err := Arrange(run, Adversarial, 25)
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, d := range plan.Deliveries {
		c := run.Callbacks[d.Callback]
		seq = append(seq, fmt.Sprintf("#%d%s", c.Index+1, map[Hazard]string{"": "", CloseBeforeCreate: "!", LogoutBeforeLogin: "!", Duplicate: "*", LateRetry: "*"}[d.Hazard]))
	}
	if got := strings.Join(seq, " "); got != "#1 #1* #2 #8! #3 #6! #4 #5 #7 #6*" {
		t.Errorf("delivered %s; docs/scenarios.md shows #1 #1* #2 #8! #3 #6! #4 #5 #7 #6*", got)
	}
	truth := TrueState(run)
	room := run.Callbacks[0].Room
	tr, _ := truth.Room(room)
	if fmt.Sprint(tr.Users, tr.Streams) != fmt.Sprintf("[u1-%[1]s] [s1-%[1]s]", run.Tag) {
		t.Errorf("truth %s", truth)
	}
	naive, _ := Replay(NewNaive(), run, plan)
	nr, _ := naive.Room(room)
	if len(nr.Streams) != 0 || len(nr.Users) != 2 {
		t.Errorf("naive ends with %s; the docs say it loses s1 and keeps a ghost u2", naive)
	}
	zego, _ := Replay(NewZegoRules(), run, plan)
	if !zego.Equal(truth) {
		t.Errorf("ZEGO's rules end with %s, want %s", zego, truth)
	}
	d := Diff(truth, naive)
	if d.OK() || d.Failed != 2 {
		t.Errorf("Diff(truth, naive):\n%s", diffLines(d))
	}
}

func TestEvaluate(t *testing.T) {
	run := expandBuiltin(t, "reconnect", Options{Seed: 25})
	plan, _ := Arrange(run, Adversarial, 25)
	out, err := Evaluate(run, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !out.ZegoRulesRight || !out.True.Equal(TrueState(run)) || !out.Robust.Equal(out.True) || !out.ZegoRules.Equal(out.True) {
		t.Errorf("reconnect adversarial 25: %+v", out)
	}
	// Some shuffled churn run where ZEGO's rules end wrong, and say so.
	found := false
	for seed := uint64(0); seed < 20 && !found; seed++ {
		run := expandBuiltin(t, "churn", Options{Seed: seed})
		plan, _ := Arrange(run, Shuffled, seed)
		out, err := Evaluate(run, plan)
		if err != nil {
			t.Fatal(err)
		}
		if !out.ZegoRulesRight {
			found = true
			if out.ZegoRules.Equal(out.True) || !out.Robust.Equal(out.True) || Diff(out.True, out.ZegoRules).OK() {
				t.Errorf("seed %d: %+v", seed, out)
			}
		}
	}
	if !found {
		t.Error("ZEGO's rules were right for 20 shuffled churn runs")
	}
}

func TestLabel(t *testing.T) {
	run := expandBuiltin(t, "churn", Options{Seed: 1})
	tag := run.Tag
	want := map[int]string{
		0:  "room_create r1-" + tag,
		16: "stream_create s3-" + tag + " seq=6 recreate=1",
		17: "room_login u3-" + tag + " relogin=1",
		18: "stream_close s3-" + tag + " seq=7 (relogin)",
		19: "room_logout u3-" + tag + " (relogin)",
	}
	for i, w := range want {
		if got := run.Callbacks[i].Label(); got != w {
			t.Errorf("callback %d: %q, want %q", i, got, w)
		}
	}
}

// TestDocsStateErrors: the state-document errors docs/scenarios.md shows
// are the ones ParseState gives.
func TestDocsStateErrors(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	produced := map[string]bool{}
	for _, src := range []string{
		`{"rooms":[{"room_id":"r1","users":["u1",2],"streams":[]}]}`,
		`{"rooms":[{"room_id":"r1","room_session_id":8580129252044104001,"users":[],"streams":[]}]}`,
		`{"rooms":[{"room_id":"r1","users":[],"streams":[],"live":true}]}`,
	} {
		_, err := ParseState([]byte(src))
		produced[err.Error()] = true
	}
	n := 0
	for _, line := range strings.Split(string(doc), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "state document: ") {
			n++
			if !produced[line] {
				t.Errorf("docs/scenarios.md shows %q, which ParseState does not give", line)
			}
		}
	}
	if n != len(produced) {
		t.Errorf("the docs show %d state-document errors, the test knows %d", n, len(produced))
	}
}
