package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestListBuiltins(t *testing.T) {
	got := List()
	var names []string
	for _, in := range got {
		names = append(names, in.Name)
		if in.Summary == "" || in.Steps == 0 {
			t.Errorf("%s: summary %q, %d steps", in.Name, in.Summary, in.Steps)
		}
	}
	if fmt.Sprint(names) != "[churn live reconnect]" {
		t.Errorf("List() = %v, want churn, live, reconnect", names)
	}
	if _, err := Builtin("nope"); !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), "churn, live, reconnect") {
		t.Errorf("Builtin(nope) = %v", err)
	}
	if _, err := Builtin("../defs/live"); !errors.Is(err, ErrUnknownScenario) {
		t.Errorf("Builtin(../defs/live) = %v", err)
	}
}

// events returns the run's events in happening order, runs of one event
// collapsed to "event×n".
func events(run *Run) string {
	var out []string
	for i := 0; i < len(run.Callbacks); {
		j := i
		for j < len(run.Callbacks) && run.Callbacks[j].Event == run.Callbacks[i].Event {
			j++
		}
		if j-i > 1 {
			out = append(out, fmt.Sprintf("%s×%d", run.Callbacks[i].Event, j-i))
		} else {
			out = append(out, run.Callbacks[i].Event)
		}
		i = j
	}
	return strings.Join(out, " ")
}

func TestBuiltinShapes(t *testing.T) {
	expand := func(name string) *Run {
		d, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		run, err := Expand(d, Options{Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	// live: the sequence, N = 3.
	if got, want := events(expand("live")), "room_create room_login×3 stream_create×3 mix_start mix_stop stream_close×3 record room_logout×3 room_close"; got != want {
		t.Errorf("live: %s\nwant  %s", got, want)
	}
	// reconnect: stream_create, stream_create with recreate=1, stream_close
	// of the same stream, in that order.
	run := expand("reconnect")
	var seen []string
	for _, c := range run.Callbacks {
		if c.Stream != "" && len(seen) < 3 {
			v, _ := c.Payload.Get("recreate")
			seen = append(seen, c.Event+"/"+v.Text)
		}
	}
	if fmt.Sprint(seen) != "[stream_create/0 stream_create/1 stream_close/]" {
		t.Errorf("reconnect starts its stream with %v", seen)
	}
	// churn: many users and streams, coming and going, some still live.
	run = expand("churn")
	users, streams, logouts, closes := map[string]bool{}, map[string]bool{}, 0, 0
	for _, c := range run.Callbacks {
		switch c.Event {
		case "room_login":
			users[c.User] = true
		case "stream_create":
			streams[c.Stream] = true
		case "room_logout":
			logouts++
		case "stream_close":
			closes++
		}
	}
	truth := TrueState(run)
	live := 0
	for _, r := range truth.Rooms {
		live += len(r.Streams)
	}
	if len(users) < 6 || len(streams) < 4 || logouts < 4 || closes < 4 || len(truth.Rooms) < 2 || live < 2 {
		t.Errorf("churn: %d users, %d streams, %d logouts, %d closes; ends with %s", len(users), len(streams), logouts, closes, truth)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name, file, want string
	}{
		{"unknown event", `{"steps":[{"event":"room_create","room":"r1"},{"event":"stream_crate","room":"r1"}]}`,
			`my.json: step 2 (stream_crate): event: unknown event "stream_crate" (did you mean stream_create?)`},
		{"cycle", `{"steps":[{"id":"a","event":"room_create","room":"r1","after":["c"]},{"id":"b","event":"room_login","room":"r1","user":"u1"},{"id":"c","event":"room_logout","room":"r1","user":"u1"}]}`,
			`my.json: step 1 "a" (room_create): after: a cycle: a after c after b after a (a step cannot happen after itself)`},
		{"self cycle", `{"steps":[{"id":"a","event":"room_create","room":"r1","after":["a"]}]}`,
			`my.json: step 1 "a" (room_create): after: a cycle: a after a (a step cannot happen after itself)`},
		{"room before create", `{"steps":[{"event":"room_login","room":"r1","user":"u1"}]}`,
			`my.json: step 1 (room_login): room: "r1" is used before it exists (no room_create of it happens before this step, or it has closed)`},
		{"user before login", `{"steps":[{"event":"room_create","room":"r1"},{"event":"room_logout","room":"r1","user":"u9"}]}`,
			`my.json: step 2 (room_logout): user: "u9" is used before it exists (it is not logged in to room "r1" at this step)`},
		{"stream before create", `{"steps":[{"event":"room_create","room":"r1"},{"event":"stream_close","stream":"s1"}]}`,
			`my.json: step 2 (stream_close): stream: "s1" is used before it exists (no stream_create of it happens before this step, or it has closed)`},
		{"used after it closed", `{"steps":[{"id":"open","event":"room_create","room":"r1"},{"id":"join","event":"room_login","room":"r1","user":"u1","after":["open"],"gap_ms":500},{"event":"room_close","room":"r1","after":["open"],"gap_ms":100}]}`,
			`my.json: step 2 "join" (room_login): room: "r1" is used before it exists (no room_create of it happens before this step, or it has closed)`},
		{"task before start", `{"steps":[{"event":"mix_stop","task":"m1"}]}`,
			`my.json: step 1 (mix_stop): task: "m1" is used before it exists (no mix_start of it is running at this step)`},
		{"recreate of nothing", `{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"},{"event":"stream_create","room":"r1","user":"u1","stream":"s1","recreate":1}]}`,
			`my.json: step 3 (stream_create): stream: "s1" is used before it exists (recreate 1 continues a live stream, and this one is not live)`},
		{"unknown after", `{"steps":[{"event":"room_create","room":"r1","after":["x"]}]}`,
			`my.json: step 1 (room_create): after: no step has the id "x"`},
		{"unknown key", `{"steps":[{"event":"room_create","rom":"r1"}]}`,
			`my.json: step 1: unknown key "rom"`},
		{"unknown top key", `{"stepz":[]}`, `my.json: unknown key "stepz"`},
		{"no steps", `{"name":"x"}`, `my.json: steps: missing (a list of steps)`},
		{"empty steps", `{"steps":[]}`, `my.json: steps: empty`},
		{"bad json", `{"steps":[`, `my.json: invalid JSON: unexpected end`},
		{"syntax", `{"steps" 1}`, `my.json: invalid JSON at byte 10: invalid character '1' after object key`},
		{"wrong type", `{"steps":[{"event":"room_create","room":7}]}`, `my.json: step 1: room: want a string, got JSON number`},
		{"trailing", `{"steps":[{"event":"room_create","room":"r1"}]} {}`, `my.json: extra data after the JSON value`},
		{"missing field", `{"steps":[{"event":"room_create"}]}`, `my.json: step 1 (room_create): room: missing (the room's name)`},
		{"bad enum", `{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"},{"event":"room_logout","room":"r1","user":"u1","reason":9}]}`,
			`my.json: step 3 (room_logout): reason: 9 is not one of ZEGO's values (0, 1, 2, 3, 4)`},
		{"param on wrong event", `{"steps":[{"event":"room_create","room":"r1","recreate":1}]}`,
			`my.json: step 1 (room_create): recreate: only stream_create takes recreate`},
		{"duplicate id", `{"steps":[{"id":"a","event":"room_create","room":"r1"},{"id":"a","event":"room_close","room":"r1"}]}`,
			`my.json: step 2 "a" (room_close): id: "a" is already the id of step 1`},
		{"room closes with users", `{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"},{"event":"room_close","room":"r1"}]}`,
			`my.json: step 3 (room_close): room: "r1" closes while user "u1" is still in it (add its room_logout first)`},
		{"already live", `{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"},{"event":"stream_create","room":"r1","user":"u1","stream":"s1"},{"event":"stream_create","room":"r1","user":"u1","stream":"s1"}]}`,
			`my.json: step 4 (stream_create): stream: "s1" is already live (use recreate 1 for a republish, or close it first)`},
		{"bad name", `{"steps":[{"event":"room_create","room":"r 1"}]}`,
			`my.json: step 1 (room_create): room: "r 1" is not a usable name (letters, digits, _ . -; at most 40)`},
		{"negative gap", `{"steps":[{"event":"room_create","room":"r1","gap_ms":-1}]}`,
			`my.json: step 1 (room_create): gap_ms: -1 is outside 0..86400000`},
		{"empty", ``, `my.json: empty`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("my.json", []byte(tc.file))
			if err == nil {
				t.Fatalf("accepted %s", tc.file)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
			var de *DefError
			if !errors.As(err, &de) {
				t.Errorf("%T is not a *DefError", err)
			}
		})
	}
}

func TestLoadUserFile(t *testing.T) {
	// A user's file: name from the file name, parallel steps by "after",
	// and the happening order follows the times, not the file order.
	file := filepath.Join(t.TempDir(), "two-joins.json")
	data := `{"summary":"two users join at once","steps":[
		{"id":"open","event":"room_create","room":"lobby"},
		{"id":"late","event":"room_login","room":"lobby","user":"bob","after":["open"],"gap_ms":900},
		{"id":"early","event":"room_login","room":"lobby","user":"ann","after":["open"],"gap_ms":100},
		{"event":"room_logout","room":"lobby","user":"ann","after":["late","early"]}
	]}`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	d, err := Load(file, b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "two-joins" {
		t.Errorf("name %q, want two-joins", d.Name)
	}
	run, err := Expand(d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range run.Callbacks {
		got = append(got, fmt.Sprintf("%s %s +%dms", c.Event, c.User, c.At.Sub(run.Start).Milliseconds()))
	}
	want := fmt.Sprintf("[room_create  +0ms room_login ann-%[1]s +100ms room_login bob-%[1]s +900ms room_logout ann-%[1]s +1900ms]", run.Tag)
	if fmt.Sprint(got) != want {
		t.Errorf("happening order\n got %v\nwant %s", got, want)
	}
}

// TestDocsDefinitionExample: the definition shown in docs/scenarios.md
// loads, and the errors it shows are the ones Load gives.
func TestDocsDefinitionExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/scenarios.md has no json block")
	}
	d, err := Load("two-joins.json", []byte(block))
	if err != nil {
		t.Fatalf("the docs' definition: %v", err)
	}
	if d.Name != "two-joins" || len(d.Steps) != 4 {
		t.Errorf("loaded %s with %d steps", d.Name, len(d.Steps))
	}
	var shown []string
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "my.json: ") {
			shown = append(shown, line)
		}
	}
	if len(shown) < 4 {
		t.Fatalf("found %d error lines in the docs", len(shown))
	}
	produced := map[string]bool{}
	for _, src := range []string{
		`{"steps":[{"event":"room_create","room":"r1"},{"event":"stream_crate","room":"r1"}]}`,
		`{"steps":[{"id":"a","event":"room_create","room":"r1","after":["c"]},{"id":"b","event":"room_login","room":"r1","user":"u1"},{"id":"c","event":"room_logout","room":"r1","user":"u1"}]}`,
		`{"steps":[{"event":"room_create","room":"r1"},{"event":"room_logout","room":"r1","user":"u9"}]}`,
		`{"steps":[{"event":"room_create","room":"r1"},{"event":"room_login","room":"r1","user":"u1"},{"event":"room_close","room":"r1"}]}`,
		`{"steps":[{"event":"room_create","rom":"r1"}]}`,
	} {
		_, err := Load("my.json", []byte(src))
		produced[err.Error()] = true
	}
	for _, line := range shown {
		if !produced[line] {
			t.Errorf("docs/scenarios.md shows %q, which Load does not give", line)
		}
	}
}
