package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

func TestSendDataCaptureRecord(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	line := captureLine(t, "stream_close", "old-secret", "room-9", at, 500, true)
	one := writeCapture(t, line)
	srv := newRecordingServer(t, 200)
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, _, errOut := c.call("send", "--data", one, "--to", srv.URL, "--no-retry")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "is a capture record (listen --save): sending the body it holds") || !strings.Contains(errOut, "zegocb replay "+one) {
		t.Errorf("stderr does not say it unwrapped the record:\n%s", errOut)
	}
	got := srv.got()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	p, err := callback.Parse(got[0].Body, got[0].ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Get("received_at"); ok {
		t.Errorf("the capture envelope was sent: %s", got[0].Body)
	}
	if room, _ := p.Get("room_id"); room.Text != "room-9" || p.EventName() != "stream_close" || p.Format != callback.FormatForm {
		t.Errorf("sent %s (%s), want the record's form body", got[0].Body, p.Format)
	}

	// A whole capture file is replay's job: one line, exit 2, nothing sent.
	two := writeCapture(t, line, captureLine(t, "stream_create", "old-secret", "room-9", at, 200, false))
	c = newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	c.runFails(2, []string{"--data " + two + " holds 2 capture records", "use zegocb replay " + two}, "send", "--data", two, "--to", srv.URL)
	if len(srv.got()) != 1 {
		t.Error("a capture file was sent")
	}
	if n := strings.Count(c.errOut.String(), "\n"); n != 1 {
		t.Errorf("want one line on stderr, got %d:\n%s", n, c.errOut)
	}
}

func TestSendSeveralEventsShareIDs(t *testing.T) {
	srv := newRecordingServer(t, 200)
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, out, errOut := c.call("send", "stream_create", "stream_close", "--to", srv.URL, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := srv.got()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	var ps [2]*callback.Payload
	for i, r := range got {
		p, err := callback.Parse(r.Body, r.ContentType)
		if err != nil {
			t.Fatal(err)
		}
		ps[i] = p
	}
	if ps[0].EventName() != "stream_create" || ps[1].EventName() != "stream_close" {
		t.Fatalf("sent %s then %s", ps[0].EventName(), ps[1].EventName())
	}
	for _, k := range []string{"appid", "room_id", "stream_alias", "stream_id", "user_id"} {
		a, okA := ps[0].Get(k)
		b, okB := ps[1].Get(k)
		if okA && okB && a.Text != b.Text {
			t.Errorf("%s differs: %q then %q", k, a.Text, b.Text)
		}
		if k == "room_id" && (!okA || !okB || a.Text == "") {
			t.Errorf("room_id missing: %v %v", okA, okB)
		}
	}
	// One JSON result per event.
	var n int
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r sendJSON
		if err := json.Unmarshal([]byte(l), &r); err != nil || !r.Delivered {
			t.Errorf("result %q: %v", l, err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d results, want 2", n)
	}

	c = newCmdtest(t, cmdOpts{})
	c.runFails(2, []string{"drop --data"}, "send", "stream_create", "stream_close", "--data", "x.json", "--to", srv.URL)
}
