package callback

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// FuzzCheck: the schema check never panics on any payload, checked against
// every event, and each problem says where (a field) or what (a message),
// with a known severity. Two ways in: an arbitrary body, and each event's
// own sample with one field replaced by arbitrary JSON text (which reaches
// the type, enum and JSON-in-string checks a random body rarely does).
// Seeds: testdata/fuzz/FuzzCheck plus the cases below.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"event":"stream_create","stream_seq":"01","rtmp_url":["a"],"stream_attr":"{\"cid\":0}"}`), "", uint8(0), `"x"`)
	f.Add([]byte("event=room_login&user_account=u&room_id=r&login_time=1"), "application/x-www-form-urlencoded", uint8(5), `123456789012345678901234567890`)
	f.Add([]byte(`{"Event":"censor_audio_v2_status","AppId":"1","AuxInfo":"{\"RoomId\":\"r\"}"}`), "application/json", uint8(3), `{"a":[1,{"b":null}]}`)
	f.Add([]byte(`{"event":"mix_start","event":"mix_stop","seq":1e400}`), "", uint8(7), `1e400`)
	f.Add([]byte(`{"event":"record","timestamp":-0,"nonce":true,"signature":null}`), "", uint8(2), `"NaN"`)
	f.Add([]byte(`%7B%22event%22%3A%22snapshot%22%7D`), "", uint8(9), `"[[[[["`)
	f.Add([]byte(`{"event":"transcode_start","extra_params":"not json"}`), "", uint8(11), `["a",1,null]`)
	f.Add([]byte(`{"event":"stream_close","a\nb":1,"a\nb":2}`), "", uint8(1), `"\r\n"`)
	events := Default().Events()
	now := time.Unix(1687981272, 0)
	f.Fuzz(func(t *testing.T, body []byte, contentType string, field uint8, raw string) {
		check := func(e *Event, p *Payload) {
			for _, pr := range e.Check(p) {
				if pr.Field == "" && pr.Msg == "" {
					t.Fatalf("%s: a problem with neither field nor message: %+v", e.Name, pr)
				}
				if pr.Severity != Warning && pr.Severity != Error {
					t.Fatalf("%s: problem %q has severity %d", e.Name, pr, pr.Severity)
				}
				if strings.ContainsAny(pr.Field+pr.Msg, "\n\r") {
					t.Fatalf("%s: problem message spans lines: %q", e.Name, pr.Msg)
				}
			}
		}
		if p, err := Parse(body, contentType); err == nil {
			for _, e := range events {
				check(e, p)
			}
		}
		v, err := RawValue(raw)
		if err != nil {
			return
		}
		for _, e := range events {
			p := e.Sample(SampleOptions{Now: now, Rand: rand.New(rand.NewPCG(1, 2))})
			if len(e.Fields) == 0 {
				continue
			}
			p.Set(e.Fields[int(field)%len(e.Fields)].Name, v)
			check(e, p)
			// The same payload as a form body, the way ZEGO's POST/FORM sends it.
			if q, err := ParseForm(p.Form()); err == nil {
				check(e, q)
			}
		}
	})
}
