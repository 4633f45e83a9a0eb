package listen

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

// FuzzHandler: any body with any content type gets an answer in
// {200, 400, 401, 413}, never a panic; a judged request is reported exactly
// once, a refused one (413) never; the capture record holds the body
// byte-exact; and the answer is one line.
// Seeds: testdata/fuzz/FuzzHandler plus the cases below.
func FuzzHandler(f *testing.F) {
	const secret = "fuzz-secret"
	e, _ := callback.Default().Lookup("stream_create")
	good := e.Sample(callback.SampleOptions{Now: time.Unix(1687981272, 0)})
	e.Stamp(good, secret, "1687981272", "7254119327986670314")
	f.Add(good.JSON(), "application/json")
	f.Add(good.Form(), "application/x-www-form-urlencoded")
	f.Add(good.Encode(callback.FormatURLEncodedJSON), "")
	f.Add([]byte(`{"event":"room_login","timestamp":"1","nonce":"2","signature":"ABC"}`), "application/json; charset=utf-8")
	f.Add([]byte("event=stream_close&stream_alias=%zz"), "application/x-www-form-urlencoded")
	f.Add([]byte("\xef\xbb\xbf{}"), "text/plain")
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[["), "application/json")
	f.Add(bytes.Repeat([]byte("a"), 5000), "application/octet-stream")
	f.Add([]byte{0xff, 0x00, 0xfe}, "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		var (
			events []Event
			saved  [][]byte
		)
		h := NewHandler(Config{
			Secret:  secret,
			MaxBody: 4096,
			Now:     func() time.Time { return time.Unix(1687981272, 0) },
			Save: func(line []byte) error {
				saved = append(saved, append([]byte(nil), line...))
				return nil
			},
		}, func(ev Event) { events = append(events, ev) })
		req := httptest.NewRequest(http.MethodPost, "/zego", bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)

		switch w.Code {
		case 200, 400, 401, 413:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
		if a := strings.TrimSuffix(w.Body.String(), "\n"); strings.ContainsAny(a, "\r\n") {
			t.Fatalf("answer spans lines: %q", a)
		}
		if w.Code == 413 {
			if len(events) != 0 || len(saved) != 0 || len(body) <= 4096 {
				t.Fatalf("413 for %d bytes, %d events, %d saved", len(body), len(events), len(saved))
			}
			return
		}
		if len(events) != 1 || len(saved) != 1 {
			t.Fatalf("%d events, %d records for one request", len(events), len(saved))
		}
		ev := events[0]
		if ev.Status != w.Code || !bytes.Equal(ev.Body, body) {
			t.Fatalf("event says %d and %d bytes; the wire %d and %d bytes", ev.Status, len(ev.Body), w.Code, len(body))
		}
		if (ev.ParseErr != nil) != (w.Code == 400) || (ev.Payload == nil) != (ev.ParseErr != nil) {
			t.Fatalf("status %d with parse error %v", w.Code, ev.ParseErr)
		}
		if w.Code == 401 && ev.SigResult.Detail == "" {
			t.Fatal("401 without a reason")
		}
		rec, err := capture.Parse(bytes.TrimSuffix(saved[0], []byte("\n")))
		if err != nil {
			t.Fatalf("capture line does not parse: %v\n%s", err, saved[0])
		}
		if got, _ := rec.RawBody(); !bytes.Equal(got, body) {
			t.Fatalf("capture body %q, want %q", got, body)
		}
		if bytes.Count(saved[0], []byte("\n")) != 1 {
			t.Fatalf("capture record is not one line: %q", saved[0])
		}
	})
}
