package verify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/input"
)

// FuzzVerifyLine: checking any line never panics, always yields a verdict
// with a reason unless it passed, and the engine reports exactly one row
// for a non-blank single line. Seeds: testdata/fuzz/FuzzVerifyLine.
func FuzzVerifyLine(f *testing.F) {
	f.Add([]byte(`{"event":"room_login","appid":"1","timestamp":"1772366400","nonce":"1","signature":"x"}`), false)
	f.Add([]byte(`{"v":1,"received_at":"2026-03-01T12:00:00Z","method":"POST","path":"/","body":"event=record"}`), false)
	f.Add([]byte(`{"v":1,"received_at":"2026-03-01T12:00:00Z","body_base64":"/w=="}`), true)
	f.Add([]byte(`{"Event":"censor_audio_v2_status","Timestamp":1.7e9,"Nonce":1,"Signature":null}`), false)
	f.Add([]byte("event=stream_create&timestamp=1&nonce=2&signature=3&rtmp_url[]=a"), false)
	f.Add([]byte(`{"event":"room_login","timestamp":"99999999999999999999"}`), true)
	f.Add([]byte(`{"event":"room_lo`), true)
	f.Add([]byte("\xff\xfe"), false)
	opts := Options{Secret: "s", Now: func() time.Time { return time.Unix(1772366400, 0) }, MaxAge: time.Minute, AllowUnknown: true}
	f.Fuzz(func(t *testing.T, line []byte, last bool) {
		r := CheckPayload(opts, line, last)
		if r.Verdict != Pass && len(r.Reasons) == 0 {
			t.Fatalf("%s without a reason for %q", r.Verdict, line)
		}
		if r.Unreadable && r.Verdict != Fail {
			t.Fatalf("unreadable but %s", r.Verdict)
		}
		if _, err := json.Marshal(r.Reasons); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(string(line), "\r\n") {
			return
		}
		n := 0
		_, err := Run(context.Background(), opts, []Input{{Reader: strings.NewReader(string(line) + "\n")}}, func(*Result) error { n++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		blank := input.IsBlank(line) // JSON whitespace only: a form feed is not blank
		if (blank && n != 0) || (!blank && n != 1) {
			t.Fatalf("%d rows for %q", n, line)
		}
	})
}
