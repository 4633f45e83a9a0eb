package replay

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// listenJSONLine is a `zegocb listen -o json` callback line as docs/json.md
// shows it: the parsed body under "payload", the wrapper's own "event" and
// "signature" verdict beside it.
func listenJSONLine(t *testing.T, event string, body []byte, received time.Time) string {
	t.Helper()
	return `{"v":2,"kind":"callback","seq":1,"received_at":"` + received.Format(time.RFC3339Nano) + `","event":"` + event +
		`","known":true,"signature":"ok","signature_reason":"ok","delivery":1,"replay":false,"answer":{"status":500,"body":"x"},` +
		`"latency_ms":0.2,"remote_addr":"127.0.0.1:5","method":"POST","path":"/zego","content_type":"application/json","format":"json",` +
		`"problems":[],"saved":false,"payload":` + string(body) + "}\n"
}

const (
	rejectedLine = `{"v":2,"kind":"rejected","received_at":"2026-03-01T12:00:01Z","method":"GET","path":"/favicon.ico","remote_addr":"127.0.0.1:6","status":405}` + "\n"
	attemptLine  = `{"v":2,"kind":"forward_attempt","seq":1,"event":"stream_create","url":"http://127.0.0.1:1/zego","at":"2026-03-01T12:00:02Z","attempt":{"attempt":2,"offset_ms":2000,"status":200,"latency_ms":0.4,"body":"1","body_bytes":1,"verdict":"ok","reason":""},"max":6,"final":true}` + "\n"
)

// A listen -o json line is replayed as the callback it holds, not as the
// wrapper: the endpoint gets the payload, re-stamped (the line has the
// parsed body, not its bytes) and signed afresh; a ZIM line is recognised
// as its ZIM event; --failed reads the line's answer.
func TestReplayListenJSONLineSendsThePayload(t *testing.T) {
	rtc := signedJSON(t, "stream_create", "room-l", testSecret, 1)
	zim := signedJSON(t, "zim/room_create", "", testSecret, 2)
	path := writeFile(t, "l.jsonl", listenJSONLine(t, "stream_create", rtc, t0)+listenJSONLine(t, "zim/room_create", zim, t0.Add(time.Second)))
	ep := newEndpoint(t)
	res, sum, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret, Select: Selection{Failed: true}}, files(path)...)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Delivered != 2 || len(res) != 2 {
		t.Fatalf("delivered %d of %d results, want 2", sum.Delivered, len(res))
	}
	for i, want := range []string{"stream_create", "zim/room_create"} {
		r := res[i]
		if r.Event != want || r.Mode != ModeRestamp || r.ModeReason != ReasonReencoded {
			t.Errorf("line %d: event %q mode %v (%s), want %s re-stamped (%s)", r.Line, r.Event, r.Mode, r.ModeReason, want, ReasonReencoded)
		}
		if !r.Received.Equal(t0.Add(time.Duration(i) * time.Second)) {
			t.Errorf("line %d: received %v, want the line's received_at", r.Line, r.Received)
		}
	}
	hits := ep.got()
	if len(hits) != 2 {
		t.Fatalf("%d requests, want 2", len(hits))
	}
	for i, h := range hits {
		var m map[string]any
		if err := json.Unmarshal(h.body, &m); err != nil {
			t.Fatalf("request %d: %v: %s", i, err, h.body)
		}
		if _, wrapped := m["kind"]; wrapped || m["payload"] != nil {
			t.Errorf("request %d sent the listen line, not the callback: %s", i, h.body)
		}
		if h.ctype != "application/json" {
			t.Errorf("request %d: content type %q", i, h.ctype)
		}
	}
	var mm map[string]any
	if err := json.Unmarshal(hits[0].body, &mm); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, k := range []string{"event", "room_id", "timestamp", "nonce", "signature"} {
		m[k], _ = mm[k].(string)
	}
	if m["event"] != "stream_create" || m["room_id"] != "room-l" || m["timestamp"] == "1772366400" {
		t.Errorf("RTC body %s: want stream_create in room-l, re-stamped", hits[0].body)
	}
	if m["signature"] != zegoSign(testSecret, m["timestamp"], m["nonce"]) {
		t.Errorf("RTC body %s: signature does not verify", hits[0].body)
	}
}

// A listen line whose body did not parse holds it raw ("body"): that is
// the bytes received, sent byte-exact with the line's content type.
func TestReplayListenJSONLineRawBodyByteExact(t *testing.T) {
	form := sample(t, "room_login", "room-f", testSecret, 3).Form()
	q, _ := json.Marshal(string(form))
	line := `{"v":2,"kind":"callback","seq":1,"received_at":"2026-03-01T12:00:00Z","event":"room_login","known":true,"signature":"ok","signature_reason":"ok",` +
		`"delivery":1,"replay":false,"answer":{"status":200,"body":"1"},"latency_ms":0.2,"remote_addr":"127.0.0.1:5","method":"POST","path":"/zego",` +
		`"content_type":"application/x-www-form-urlencoded","problems":[],"saved":false,"parse_error":"x","payload":null,"body":` + string(q) + "}\n"
	ep := newEndpoint(t)
	res, _, err := replay(t, Options{URL: ep.srv.URL, Secret: testSecret}, files(writeFile(t, "l.jsonl", line))...)
	if err != nil {
		t.Fatal(err)
	}
	hits := ep.got()
	if len(res) != 1 || res[0].Mode != ModeExact || len(hits) != 1 || string(hits[0].body) != string(form) || hits[0].ctype != "application/x-www-form-urlencoded" {
		t.Fatalf("results %+v, %d hits (first %q): want the raw body byte-exact", res, len(hits), firstBody(hits))
	}
}

// What cannot be replayed from a listen -o json file stops the run before
// anything is sent, with one line that says why.
func TestReplayListenJSONLineRefused(t *testing.T) {
	cb := listenJSONLine(t, "stream_create", signedJSON(t, "stream_create", "room-l", testSecret, 1), t0)
	tests := []struct {
		name, input string
		opts        Options
		want        string
	}{
		{"rejected", cb + rejectedLine, Options{Secret: testSecret}, `:2: a listen -o json "rejected" line (a request listen refused): it holds no callback`},
		{"forward_attempt", attemptLine + cb, Options{Secret: testSecret}, `:1: a listen -o json "forward_attempt" line`},
		{"exact", cb, Options{Secret: testSecret, Mode: ModeExact}, ":1: cannot replay byte-exact (--exact): a listen -o json line holds the parsed payload, not the bytes received"},
		{"no secret", cb, Options{}, ":1: cannot replay without a secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep := newEndpoint(t)
			tt.opts.URL = ep.srv.URL
			_, _, err := replay(t, tt.opts, files(writeFile(t, "l.jsonl", tt.input))...)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line holding %q", err, tt.want)
			}
			if n := len(ep.got()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func firstBody(h []hit) string {
	if len(h) == 0 {
		return ""
	}
	return string(h[0].body)
}

// A body whose event field holds zegocb's qualified name (what a listen
// line's wrapper says) is explained, not answered with a suggestion that
// repeats it ("did you mean zim/room_create?").
func TestReplayQualifiedNameAsEventField(t *testing.T) {
	path := writeFile(t, "b.json", `{"event":"zim/room_create","appid":"1","timestamp":"1","nonce":"2","signature":"x"}`+"\n")
	_, _, err := replay(t, Options{URL: "http://127.0.0.1:1/", DryRun: true, Secret: testSecret}, files(path)...)
	want := `:1: unknown event "zim/room_create" (zim/room_create is zegocb's name for an event whose event field is "room_create"); --allow-unknown replays it byte-exact`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("err = %v, want …%s", err, want)
	}
}
