package listen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

const testSecret = "listen-test-secret-7c1"

func signed(t *testing.T, event string) []byte {
	t.Helper()
	e, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, testSecret, "1700000000", "7254119327986670314")
	return p.JSON()
}

func serve(t *testing.T, cfg Config) (*httptest.Server, chan Event) {
	t.Helper()
	events := make(chan Event, 16)
	srv := httptest.NewServer(NewHandler(cfg, func(e Event) { events <- e }))
	t.Cleanup(srv.Close)
	return srv, events
}

func post(t *testing.T, url, ctype string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = io.Copy(b, resp.Body)
	return resp.StatusCode, b.String()
}

func TestSignedJSONAccepted(t *testing.T) {
	srv, events := serve(t, Config{Secret: testSecret})
	status, body := post(t, srv.URL+"/zego", "application/json", signed(t, "stream_create"))
	if status != 200 || body != "1" {
		t.Fatalf("answer %d %q", status, body)
	}
	ev := <-events
	if ev.Sig != SigOK || ev.Name != "stream_create" || ev.Spec == nil || ev.Delivery != 1 {
		t.Fatalf("event %+v", ev)
	}
}

func TestFormAccepted(t *testing.T) {
	srv, events := serve(t, Config{Secret: testSecret})
	p, _ := callback.ParseJSON(signed(t, "record"))
	status, _ := post(t, srv.URL, "application/x-www-form-urlencoded", p.Form())
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	if ev := <-events; ev.Sig != SigOK || ev.Payload.Format != callback.FormatForm {
		t.Fatalf("event %+v", ev)
	}
}

func TestBadSignatureRejectedWithReason(t *testing.T) {
	srv, events := serve(t, Config{Secret: testSecret + "\n"})
	status, _ := post(t, srv.URL, "application/json", signed(t, "mix_start"))
	if status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", status)
	}
	ev := <-events
	if ev.Sig != SigBad || ev.SigResult.Reason != signature.SecretWhitespace {
		t.Fatalf("sig %s %+v", ev.Sig, ev.SigResult)
	}
}

func TestAcceptInvalid(t *testing.T) {
	srv, _ := serve(t, Config{Secret: "other", AcceptInvalid: true})
	if status, _ := post(t, srv.URL, "application/json", signed(t, "mix_stop")); status != 200 {
		t.Fatalf("status %d", status)
	}
}

func TestRedeliveryLabelled(t *testing.T) {
	now := time.Unix(1700000000, 0)
	clock := func() time.Time { return now }
	srv, events := serve(t, Config{Secret: testSecret, Now: clock})
	body := signed(t, "room_login")
	post(t, srv.URL, "application/json", body)
	<-events
	now = now.Add(2100 * time.Millisecond)
	post(t, srv.URL, "application/json", body)
	ev := <-events
	if ev.Delivery != 2 || ev.SincePrev != 2100*time.Millisecond || ev.Drift != 100*time.Millisecond {
		t.Fatalf("delivery %d since %v drift %v", ev.Delivery, ev.SincePrev, ev.Drift)
	}
}

func TestLimitsAndMethods(t *testing.T) {
	srv, _ := serve(t, Config{MaxBody: 100, Path: "/cb"})
	if status, _ := post(t, srv.URL+"/cb", "application/json", []byte(strings.Repeat("x", 101))); status != 413 {
		t.Fatalf("oversize: %d", status)
	}
	if status, _ := post(t, srv.URL+"/other", "application/json", []byte("{}")); status != 404 {
		t.Fatalf("wrong path: %d", status)
	}
	resp, err := http.Get(srv.URL + "/cb")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}

func TestGarbageIs400(t *testing.T) {
	srv, events := serve(t, Config{})
	if status, body := post(t, srv.URL, "application/json", []byte(`{"event":`)); status != 400 || !strings.Contains(body, "truncated") {
		t.Fatalf("%d %q", status, body)
	}
	if ev := <-events; ev.ParseErr == nil {
		t.Fatal("parse error not reported")
	}
}

func TestDeliveriesBounded(t *testing.T) {
	d := newDeliveries(10)
	for i := 0; i < 1000; i++ {
		d.record(string(rune('a'+i%26))+time.Duration(i).String(), time.Now(), 0)
	}
	if len(d.cur)+len(d.prev) > 20 {
		t.Fatalf("memory not bounded: %d", len(d.cur)+len(d.prev))
	}
}

// Every answer is text/plain, whether net/http infers it (the default
// reply) or the handler sets it (errors, replies that would sniff as HTML).
func TestAnswersArePlainText(t *testing.T) {
	for _, c := range []struct {
		reply string
		body  []byte
	}{
		{"", signed(t, "stream_create")},
		{"<html>ok</html>", signed(t, "stream_create")},
		{"", []byte(`{"event":"stream_create","signature":"00"}`)},
		{"", []byte(`{"event":`)},
	} {
		srv, _ := serve(t, Config{Secret: testSecret, ReplyBody: c.reply})
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(string(c.body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("reply %q, body %q: %d with Content-Type %q", c.reply, c.body, resp.StatusCode, ct)
		}
	}
}

// --delay answers late, and a client that gives up ends the wait: the
// handler does not sit out the whole delay for nobody.
func TestDelayAnswersLateAndStopsForAGoneClient(t *testing.T) {
	srv, _ := serve(t, Config{Secret: testSecret, Delay: 150 * time.Millisecond})
	start := time.Now()
	if status, _ := post(t, srv.URL, "application/json", signed(t, "stream_create")); status != 200 {
		t.Fatalf("status %d", status)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, before the 150ms delay", d)
	}

	h := NewHandler(Config{Secret: testSecret, Delay: time.Hour}, func(Event) {})
	req := httptest.NewRequest("POST", "/", strings.NewReader(string(signed(t, "stream_create"))))
	ctx, cancel := context.WithCancel(req.Context())
	req = req.WithContext(ctx)
	done := make(chan struct{})
	go func() { h.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	time.Sleep(20 * time.Millisecond)
	cancel() // the client hangs up
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ServeHTTP still waiting an hour after the client left")
	}
}

// A retry repeats the body byte for byte: the same nonce and signature with
// a different body is a possible replay, not a retry, and stays one however
// often it comes; the original's retries are still retries.
func TestReplayWithDifferentBodyIsNotARetry(t *testing.T) {
	srv, events := serve(t, Config{Secret: testSecret})
	body := signed(t, "room_login")
	tampered := bytes.Replace(body, []byte(`"room_id":"`), []byte(`"room_id":"evil-`), 1)
	if bytes.Equal(body, tampered) {
		t.Fatal("the sample has no room_id to change")
	}
	for i, tc := range []struct {
		body     []byte
		delivery int
		replay   bool
	}{{body, 1, false}, {tampered, 2, true}, {body, 3, false}, {tampered, 4, true}} {
		if status, _ := post(t, srv.URL, "application/json", tc.body); status != 200 {
			t.Fatalf("%d: status %d", i, status)
		}
		ev := <-events
		if ev.Delivery != tc.delivery || ev.Replay != tc.replay {
			t.Fatalf("%d: delivery %d replay %v, want %d %v", i, ev.Delivery, ev.Replay, tc.delivery, tc.replay)
		}
		if tc.replay && ev.Drift != 0 {
			t.Fatalf("%d: a replay has no retry drift: %v", i, ev.Drift)
		}
	}
}

// A retry is recognised in the previous generation of the bounded map too.
func TestDeliveriesFoundInPreviousGeneration(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	d := newDeliveries(2)
	d.record("a", t0, 7)
	d.record("b", t0, 7)
	d.record("c", t0, 7) // cur was full: {a, b} is now prev
	if n, gap, same := d.record("a", t0.Add(time.Second), 7); n != 2 || gap != time.Second || !same {
		t.Fatalf("a from the previous generation: delivery %d gap %v same %v, want 2 1s true", n, gap, same)
	}
	if n, _, same := d.record("b", t0.Add(time.Second), 8); n != 2 || same {
		t.Fatalf("b with another body: delivery %d same %v, want 2 false", n, same)
	}
}
