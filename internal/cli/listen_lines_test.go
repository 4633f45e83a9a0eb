package cli

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// What a real `zegocb listen -o json` prints is input that verify, replay
// and send --data read as the callbacks it holds: never the wrapper line.
func TestListenJSONLinesAsInput(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json")
	if status, _ := lsPost(t, l.url("/zego"), "application/json", lsFixture(t, "stream_close")); status != 200 {
		t.Fatalf("RTC: %d", status)
	}
	spec, _ := callback.Default().Lookup("zim/room_create")
	zim := spec.Sample(callback.SampleOptions{Now: time.Now(), Rand: rand.New(rand.NewPCG(1, 2))})
	spec.Stamp(zim, lsSecret, strconv.FormatInt(time.Now().Unix(), 10), "8844")
	if status, _ := lsPost(t, l.url("/zego"), "application/json", zim.JSON()); status != 200 {
		t.Fatalf("ZIM: %d", status)
	}
	resp, err := http.Get(l.url("/zego")) // a GET: listen rejects it
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := l.stop(); code != 0 {
		t.Fatalf("listen exit %d", code)
	}
	lines := strings.SplitAfter(strings.TrimSpace(l.out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"event":"zim/room_create"`) || !strings.Contains(lines[2], `"kind":"rejected"`) {
		t.Fatalf("listen -o json printed:\n%s", l.out.String())
	}
	all := writeCapture(t, l.out.String())
	callbacks := writeCapture(t, lines[0], lines[1])
	env := map[string]string{EnvSecret: lsSecret}

	// verify: both callbacks pass, the rejected line is skipped and counted.
	code, out, errOut := newCmdtest(t, cmdOpts{env: env, wall: true}).call("verify", all)
	if code != 0 || !strings.Contains(out, "2 passed, 0 failed, 0 warned, 1 skipped (listen -o json lines with no callback)") || !strings.Contains(out, "zim/room_create") {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}

	// A file of such lines only holds no payload: exit 2, saying why.
	rejected := writeCapture(t, lines[2])
	code, out, errOut = newCmdtest(t, cmdOpts{env: env, wall: true}).call("verify", rejected)
	if code != 2 || !strings.Contains(errOut, "no callback payloads in "+rejected+": 1 listen -o json line skipped (rejected requests and forward attempts hold no callback)") {
		t.Errorf("verify of a rejected line only: exit %d\n%s%s", code, out, errOut)
	}

	// replay: the callbacks, unwrapped and re-stamped, reach the endpoint.
	srv := newRecordingServer(t, 200)
	code, out, errOut = newCmdtest(t, cmdOpts{env: env, wall: true}).call("replay", callbacks, "--to", srv.URL, "--no-retry")
	if code != 0 || !strings.Contains(errOut, "2 re-stamped") || !strings.Contains(errOut, "holds the parsed payload, not the bytes received") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errOut)
	}
	got := srv.got()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	for i, want := range []string{"stream_close", "room_create"} {
		p, err := callback.Parse(got[i].Body, got[i].ContentType)
		if err != nil {
			t.Fatal(err)
		}
		if _, wrapped := p.Get("kind"); wrapped || p.EventName() != want {
			t.Errorf("request %d sent %s, want the %s callback", i, got[i].Body, want)
		}
	}
	// replay refuses the rejected line, sending nothing.
	c := newCmdtest(t, cmdOpts{env: env, wall: true})
	c.runFails(2, []string{all + `:3: a listen -o json "rejected" line (a request listen refused): it holds no callback`}, "replay", all, "--to", srv.URL)
	if len(srv.got()) != 2 {
		t.Error("replay sent something from a file with a rejected line")
	}

	// send --data one line: the callback it holds, re-signed, and it says so.
	one := writeCapture(t, lines[1])
	code, out, errOut = newCmdtest(t, cmdOpts{env: env, wall: true}).call("send", "--data", one, "--to", srv.URL, "--no-retry")
	if code != 0 || !strings.Contains(errOut, one+" is a listen -o json line: sending the callback it holds") {
		t.Fatalf("send --data: exit %d\n%s%s", code, out, errOut)
	}
	got = srv.got()
	p, err := callback.Parse(got[2].Body, got[2].ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if _, wrapped := p.Get("kind"); wrapped || p.EventName() != "room_create" {
		t.Errorf("send --data sent %s, want the ZIM callback", got[2].Body)
	}
}

// --event: a bare group is RTC's; another family's is FAMILY/GROUP, and a
// bare name that is only another family's group says so (exit 2).
func TestReplayEventGroups(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	file := writeCapture(t, captureLine(t, "room_create", replaySecret, "room-1", at, 200, false), captureLine(t, "zim/room_create", replaySecret, "room-1", at, 200, false))
	env := map[string]string{EnvSecret: replaySecret}
	for _, tt := range []struct {
		event string
		want  []string
	}{
		{"room", []string{"room_create"}},
		{"zim/room", []string{"zim/room_create"}},
	} {
		code, out, errOut := newCmdtest(t, cmdOpts{env: env}).call("replay", file, "--event", tt.event, "--dry-run", "-o", "json")
		var events []string
		for _, row := range lsJSONLines(t, out) {
			if row["kind"] == "delivery" {
				events = append(events, row["event"].(string))
			}
		}
		if code != 0 || strings.Join(events, " ") != strings.Join(tt.want, " ") {
			t.Errorf("--event %s: exit %d, events %v, want %v\n%s", tt.event, code, events, tt.want, errOut)
		}
	}
	c := newCmdtest(t, cmdOpts{env: env})
	c.runFails(2, []string{`--event "task" is not an event, group or family zegocb knows (a bare group is RTC's: did you mean asr/task, cloudrecording/task or digitalhuman/task?)`},
		"replay", file, "--event", "task", "--dry-run")
}
