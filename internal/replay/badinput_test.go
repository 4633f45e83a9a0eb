package replay

import (
	"errors"
	"strings"
	"testing"
)

// Unusable input: one error line naming file and line, and nothing sent,
// even when the problem comes after callbacks that are fine.
func TestBadInputSendsNothing(t *testing.T) {
	good := record(t, signedJSON(t, "stream_create", "room-a", testSecret, 1), "application/json", t0, 200)
	body := string(signedJSON(t, "stream_close", "room-a", testSecret, 2))
	unknown := strings.Replace(good, `\"event\":\"stream_create\"`, `\"event\":\"stream_creat\"`, 1)
	if unknown == good {
		t.Fatal("fixture: event not replaced")
	}
	noEvent := record(t, []byte(`{"foo":"bar"}`), "application/json", t0, 200)
	cases := []struct {
		name    string
		content string
		opts    Options
		line    int
		want    string
	}{
		{"torn last line", good + good + good[:len(good)/2], Options{}, 3,
			"torn last line: byte "},
		{"torn last line mid-character", good + `{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"caf` + "\xc3", Options{}, 2,
			"torn last line: byte 55"},
		{"unknown version", good + strings.Replace(good, `{"v":1,`, `{"v":2,`, 1), Options{}, 2,
			"unknown capture-record version 2: this zegocb reads version 1"},
		{"version not a number", strings.Replace(good, `{"v":1,`, `{"v":"1",`, 1) + good, Options{}, 1,
			`capture record: v is "1", want a version number`},
		{"unknown event", good + unknown, Options{}, 2,
			`unknown event "stream_creat" (did you mean stream_create?); --allow-unknown replays it byte-exact`},
		{"not a callback", noEvent + good, Options{}, 1,
			"no event field: not a ZEGO callback"},
		{"captured body not a callback", record(t, []byte("hello"), "text/plain", t0, 400), Options{}, 1,
			"the captured body is not a callback: "},
		{"invalid JSON in the middle", good + "{\"v\":1,,}\n" + good, Options{}, 2,
			"invalid JSON"},
		{"bad received_at", strings.Replace(good, `"received_at":"2026-03-01T12:00:00Z"`, `"received_at":"yesterday"`, 1), Options{}, 1,
			`capture record: received_at "yesterday" is not an RFC 3339 time`},
		{"bad base64", good + `{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"","body_base64":"!!!"}` + "\n", Options{}, 2,
			"capture record: body_base64: invalid standard base64 at byte 0"},
		{"timing needs records", good + body + "\n", Options{PreserveTiming: true}, 2,
			"a callback body has no received time: --preserve-timing replays capture records (listen --save) only"},
		{"line over the limit", good + good, Options{MaxSize: 200}, 1,
			"over the 200 bytes payload limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ep := newEndpoint(t)
			path := writeFile(t, "cap.jsonl", c.content)
			c.opts.URL, c.opts.Secret = ep.srv.URL, testSecret
			_, _, err := replay(t, c.opts, files(path)...)
			t.Log(err)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *InputError", err, err)
			}
			if ie.File != path || ie.Line != c.line || !strings.Contains(ie.Msg, c.want) {
				t.Fatalf("error %q at %s:%d, want %q at line %d", ie.Msg, ie.File, ie.Line, c.want, c.line)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n") || !strings.HasPrefix(msg, path+":") {
				t.Fatalf("not one line naming the file: %q", msg)
			}
			if n := len(ep.got()); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
}

func TestBadFiles(t *testing.T) {
	ep := newEndpoint(t)
	empty := t.TempDir()
	for _, c := range []struct {
		in   Input
		want string
	}{
		{Input{Path: "/nonexistent/cap.jsonl"}, "/nonexistent/cap.jsonl: no such file or directory"},
		{Input{Path: empty}, empty + ": directory holds no .json, .jsonl"},
		{Input{Path: writeFile(t, "blank.jsonl", "\n\n")}, "holds no callbacks"},
	} {
		_, _, err := replay(t, Options{URL: ep.srv.URL}, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.in, err, c.want)
		}
	}
	if len(ep.got()) != 0 {
		t.Fatal("requests sent")
	}
}

// A last line with no newline that is whole is fine; unknown events and
// lines an event selection skips are fine too.
func TestNotErrors(t *testing.T) {
	good := record(t, signedJSON(t, "stream_create", "room-a", testSecret, 1), "application/json", t0, 200)
	unknown := strings.Replace(good, `\"event\":\"stream_create\"`, `\"event\":\"custom_thing\"`, 1)
	garbage := record(t, []byte("hello"), "text/plain", t0, 400)

	ep := newEndpoint(t)
	path := writeFile(t, "cap.jsonl", good+strings.TrimSuffix(good, "\n"))
	if _, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret}, files(path)...); err != nil || sum.Delivered != 2 {
		t.Fatalf("no final newline: %v, %+v", err, sum)
	}

	path = writeFile(t, "cap.jsonl", good+unknown+garbage)
	res, _, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Select: Selection{Events: []string{"stream_create"}}}, files(path)...)
	if err != nil || len(res) != 1 || res[0].Line != 1 {
		t.Fatalf("event selection over unknown lines: %v, %+v", err, res)
	}

	path = writeFile(t, "cap.jsonl", good+unknown)
	res, _, err = replay(t, Options{URL: ep.srv.URL, Secret: otherSecret, AllowUnknown: true}, files(path)...)
	if err != nil || len(res) != 2 || res[1].Event != "custom_thing" || res[1].Mode != ModeExact || res[1].ModeReason != ReasonUnknownEvent {
		t.Fatalf("--allow-unknown: %v, %+v", err, res)
	}
	if res[0].Mode != ModeRestamp {
		t.Fatalf("the known event with a foreign signature: %+v", res[0])
	}
	_, _, err = replay(t, Options{URL: ep.srv.URL, Secret: testSecret, AllowUnknown: true, Mode: ModeRestamp}, files(path)...)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 2 || !strings.Contains(ie.Msg, `cannot re-stamp event "custom_thing"`) {
		t.Fatalf("re-stamping an unknown event: %v", err)
	}
}

// Validation runs in parallel batches; the error reported is still the
// first in the input, and the lines before it are counted.
func TestFirstErrorWins(t *testing.T) {
	good := record(t, signedJSON(t, "stream_create", "room-a", testSecret, 1), "application/json", t0, 200)
	bad := strings.Replace(good, `{"v":1,`, `{"v":7,`, 1)
	var b strings.Builder
	for i := 1; i <= 3000; i++ {
		switch i {
		case 1700:
			b.WriteString(bad)
		case 2900:
			b.WriteString("{broken\n")
		default:
			b.WriteString(good)
		}
	}
	path := writeFile(t, "cap.jsonl", b.String())
	ep := newEndpoint(t)
	for try := 0; try < 5; try++ {
		_, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret}, files(path)...)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Line != 1700 || sum.Plan.Payloads < 1700 {
			t.Fatalf("error %v, %d payloads read", err, sum.Plan.Payloads)
		}
	}
	if len(ep.got()) != 0 {
		t.Fatal("requests sent")
	}
}

func TestOptionErrors(t *testing.T) {
	path := writeFile(t, "cap.jsonl", record(t, signedJSON(t, "stream_create", "", testSecret, 1), "application/json", t0, 200))
	for _, c := range []struct {
		opts   Options
		inputs []Input
		want   string
	}{
		{Options{}, files(path), "no URL to replay to"},
		{Options{URL: "localhost:8080/zego"}, files(path), `URL "localhost:8080/zego": want an http:// or https:// URL with a host`},
		{Options{URL: "ftp://example.test/"}, files(path), "want an http:// or https:// URL"},
		{Options{URL: "http://127.0.0.1:1", Speed: -1}, files(path), "speed must be positive"},
		{Options{URL: "http://127.0.0.1:1", Rate: -2}, files(path), "rate must be positive"},
		{Options{URL: "http://127.0.0.1:1", Mode: ModeRestamp}, files(path), "re-stamping signs with the callback secret"},
		{Options{URL: "http://127.0.0.1:1"}, nil, "nothing to replay"},
	} {
		_, _, err := replay(t, c.opts, c.inputs...)
		if !isOptionError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.want)
		}
	}
}
