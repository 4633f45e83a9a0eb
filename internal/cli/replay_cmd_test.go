package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/replay"
	"github.com/zegocb/zegocb/internal/signature"
)

const replaySecret = "replay-test-secret"

// captureLine is one capture record of event, signed with secret, as
// listen --save writes it.
func captureLine(t *testing.T, event, secret, room string, at time.Time, status int, form bool) string {
	t.Helper()
	spec, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := spec.Sample(callback.SampleOptions{Now: at})
	if room != "" {
		p.Set("room_id", callback.String(room))
	}
	spec.Stamp(p, secret, spec.Timestamp(at), "1234567890123456789")
	ct, body := "application/json", p.JSON()
	if form {
		ct, body = "application/x-www-form-urlencoded", p.Encode(callback.FormatForm)
	}
	rec := &capture.Record{V: 1, ReceivedAt: at.UTC(), Method: "POST", Path: "/zego",
		Headers: map[string][]string{"Content-Type": {ct}}, Answer: &capture.Answer{Status: status}}
	rec.SetBody(body)
	line, err := rec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(string(line), "\n") + "\n"
}

// writeCapture writes lines to a file in a temporary directory.
func writeCapture(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "captures.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// gotRequest is what a test endpoint received.
type gotRequest struct {
	Body        []byte
	ContentType string
}

// recordingServer answers status (and "1") and keeps every request.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []gotRequest
}

func newRecordingServer(t *testing.T, status int) *recordingServer {
	t.Helper()
	s := &recordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, gotRequest{b, r.Header.Get("Content-Type")})
		s.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, "1")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingServer) got() []gotRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]gotRequest(nil), s.reqs...)
}

func rawBody(t *testing.T, line string) ([]byte, string) {
	t.Helper()
	rec, err := capture.Parse([]byte(strings.TrimSpace(line)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rec.RawBody()
	if err != nil {
		t.Fatal(err)
	}
	return b, rec.ContentType()
}

func TestReplayByteExact(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l1 := captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false)
	l2 := captureLine(t, "room_login", replaySecret, "room-1", at.Add(time.Second), 500, true)
	path := writeCapture(t, l1, l2)
	srv := newRecordingServer(t, 200)
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, out, errOut := c.call("replay", path, "--to", srv.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := srv.got()
	if len(got) != 2 {
		t.Fatalf("endpoint got %d requests, want 2", len(got))
	}
	for i, l := range []string{l1, l2} {
		body, ct := rawBody(t, l)
		if string(got[i].Body) != string(body) || got[i].ContentType != ct {
			t.Errorf("request %d: got %q (%s), want byte-exact %q (%s)", i+1, got[i].Body, got[i].ContentType, body, ct)
		}
	}
	// Piped: tab-separated rows, summary on stderr.
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "1\t"+path+":1\tstream_create\tbyte-exact\tdelivered\t200\t1\t") {
		t.Errorf("rows:\n%s", out)
	}
	for _, want := range []string{"2 byte-exact, 0 re-stamped", "replayed 2 callbacks of 2: 2 delivered"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestReplayRestampsWhenSignatureDoesNotVerify(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	path := writeCapture(t, captureLine(t, "stream_close", "another-secret", "", at, 200, false))
	srv := newRecordingServer(t, 200)
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
	code, out, errOut := c.call("replay", path, "--to", srv.URL, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "the captured signature does not verify") || !strings.Contains(errOut, "with the secret from $"+EnvSecret) {
		t.Errorf("stderr does not say why it re-stamps:\n%s", errOut)
	}
	got := srv.got()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	p, err := callback.Parse(got[0].Body, got[0].ContentType)
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := p.Get("timestamp")
	nonce, _ := p.Get("nonce")
	sig, _ := p.Get("signature")
	if want := signature.Sign(replaySecret, ts.Text, nonce.Text); sig.Text != want || nonce.Text != testNonce {
		t.Errorf("re-stamped signature %s nonce %s; want %s nonce %s", sig.Text, nonce.Text, want, testNonce)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a delivery and a summary object:\n%s", out)
	}
	var d replayJSON
	var s replaySummaryJSON
	if err := json.Unmarshal([]byte(lines[0]), &d); err != nil || d.Kind != "delivery" || d.V != 2 || d.Mode != "re-stamped" || d.Nonce != testNonce || d.Status != 200 {
		t.Errorf("delivery object %+v (%v)", d, err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &s); err != nil || s.Kind != "summary" || s.V != 2 || s.Delivered != 1 || s.Restamped != 1 || s.GaveUp != 0 || s.Unreachable != 0 {
		t.Errorf("summary object %+v (%v)", s, err)
	}
}

func TestReplayExitCodes(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	capt := writeCapture(t,
		captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false),
		captureLine(t, "stream_close", replaySecret, "room-2", at.Add(time.Minute), 502, false))
	env := map[string]string{EnvSecret: replaySecret}
	t.Run("rejected exits 1", func(t *testing.T) {
		srv := newRecordingServer(t, 500)
		c := newCmdtest(t, cmdOpts{env: env})
		code, _, errOut := c.call("replay", capt, "--to", srv.URL, "--retry-scale", "0.001", "--event", "stream_close")
		if code != 1 || len(srv.got()) != 6 || !strings.Contains(errOut, "1 rejected") {
			t.Errorf("exit %d after %d requests (want 1 after 6: ZEGO's schedule):\n%s", code, len(srv.got()), errOut)
		}
	})
	t.Run("unreachable exits 3", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c := newCmdtest(t, cmdOpts{env: env})
		code, out, errOut := c.call("replay", capt, "--to", url, "--no-retry", "-q")
		if code != 3 || !strings.Contains(errOut, "2 callbacks could not be delivered to "+url) || strings.Count(out, "\tunreachable\t") != 2 {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})
	t.Run("selection matching nothing exits 2, sends nothing", func(t *testing.T) {
		srv := newRecordingServer(t, 200)
		c := newCmdtest(t, cmdOpts{env: env})
		c.runFails(2, []string{"error:"}, "replay", capt, "--to", srv.URL, "--room", "no-such-room")
		if len(srv.got()) != 0 {
			t.Error("something was sent")
		}
	})
	t.Run("bad flags exit 2", func(t *testing.T) {
		c := newCmdtest(t, cmdOpts{env: env})
		c.runFails(2, []string{"--exact and --restamp", "--help"}, "replay", capt, "--to", "http://127.0.0.1:1/", "--exact", "--restamp")
		c = newCmdtest(t, cmdOpts{env: env})
		c.runFails(2, []string{"needs --to"}, "replay", capt)
		c = newCmdtest(t, cmdOpts{env: env})
		c.runFails(2, []string{"--event", "nosuchevent"}, "replay", capt, "--to", "http://127.0.0.1:1/", "--event", "nosuchevent")
	})
	t.Run("interrupted exits 130", func(t *testing.T) {
		arrived := make(chan struct{}, 8)
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		c := newCmdtest(t, cmdOpts{env: env})
		if code := c.runCtx(ctx, "replay", capt, "--to", srv.URL); code != 130 {
			t.Errorf("exit %d, want 130: %s", code, c.errOut)
		}
	})
}

func TestReplaySelectionAndDryRun(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	capt := writeCapture(t,
		captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false),
		captureLine(t, "room_login", replaySecret, "room-2", at.Add(time.Minute), 200, false),
		captureLine(t, "stream_close", replaySecret, "room-1", at.Add(2*time.Minute), 500, false))
	for _, tc := range []struct {
		args []string
		want []string // events replayed, in order
	}{
		{[]string{"--line", "2"}, []string{"room_login"}},
		{[]string{"--lines", "2-3"}, []string{"room_login", "stream_close"}},
		{[]string{"--event", "stream"}, []string{"stream_create", "stream_close"}},
		{[]string{"--event", "room_login,stream_close"}, []string{"room_login", "stream_close"}},
		{[]string{"--room", "room-1"}, []string{"stream_create", "stream_close"}},
		{[]string{"--since", "2026-03-01T12:01:00Z"}, []string{"room_login", "stream_close"}},
		{[]string{"--until", "2026-03-01T12:01:00Z"}, []string{"stream_create"}},
		{[]string{"--failed"}, []string{"stream_close"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret}})
			code, out, errOut := c.call(append([]string{"replay", capt, "--dry-run"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			for _, row := range strings.Split(strings.TrimSpace(out), "\n") {
				cols := strings.Split(row, "\t")
				if len(cols) < 5 || cols[4] != "dry_run" {
					t.Fatalf("row %q", row)
				}
				got = append(got, cols[2])
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("replayed %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReplayStdinTTY(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := newRecordingServer(t, 200)
	c := newCmdtest(t, cmdOpts{tty: true, env: map[string]string{EnvSecret: replaySecret},
		stdin: captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false)})
	code, out, errOut := c.call("replay", "-", "--to", srv.URL)
	out = ansi.Strip(out)
	if code != 0 || len(srv.got()) != 1 {
		t.Fatalf("exit %d, %d requests: %s", code, len(srv.got()), errOut)
	}
	for _, want := range []string{"stdin:1", "stream_create", "byte-exact", "✓ 200", "replayed 1 callback of 1: 1 delivered"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

// timingRE and timingJSONRE find the figures that depend on the real clock
// (replay schedules and times on the wall clock).
var (
	timingRE     = regexp.MustCompile(`\d+(\.\d+)?(µs|ms|s)\b|\d+(\.\d+)?/s`)
	timingJSONRE = regexp.MustCompile(`"(latency_ms|scheduled_ms|started_ms|elapsed_ms|validation_ms|throughput_rps|min|mean|p50|p90|p99|max)":[0-9.e+-]+`)
	timingTabRE  = regexp.MustCompile(`(?m)^((?:[^\t\n]*\t){7})[0-9.]+\t`)
)

func normalizeTiming(s string) string {
	s = timingJSONRE.ReplaceAllString(s, `"$1":0`)
	s = timingTabRE.ReplaceAllString(s, "${1}T\t")
	return timingRE.ReplaceAllString(s, "T")
}

// The output in each mode: three records from stdin, one of them signed
// with another secret (re-stamped), against an endpoint that refuses
// stream_close. Goldens under testdata/golden/replay, timings masked.
func TestReplayGoldens(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	input := captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false) +
		captureLine(t, "room_login", "another-secret", "room-1", at.Add(time.Second), 200, true) +
		captureLine(t, "stream_close", replaySecret, "room-1", at.Add(2*time.Second), 500, false)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "stream_close") {
			w.WriteHeader(500)
			io.WriteString(w, "no such stream")
			return
		}
		io.WriteString(w, "1")
	}))
	defer srv.Close()
	for _, mode := range []struct {
		file string
		o    cmdOpts
		args []string
	}{
		{"mixed.tty", cmdOpts{tty: true, width: 100}, []string{"--color", "never"}},
		{"mixed.pipe", cmdOpts{}, nil},
		{"mixed.json", cmdOpts{}, []string{"-o", "json"}},
		{"mixed-color.tty", cmdOpts{tty: true, width: 100, color: true}, nil},
	} {
		t.Run(mode.file, func(t *testing.T) {
			mode.o.stdin = input
			mode.o.env = map[string]string{EnvSecret: replaySecret}
			c := newCmdtest(t, mode.o)
			args := append([]string{"replay", "-", "--to", srv.URL, "--no-retry"}, mode.args...)
			if code := c.run(args...); code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, c.errOut)
			}
			out := strings.ReplaceAll(c.out.String(), srv.URL, "http://ENDPOINT")
			assertGolden(t, "replay", mode.file, []byte(normalizeTiming(out)))
		})
	}
}

// A capture made by the real listen, replayed into a second real listen:
// the second capture holds the same bodies and content types, byte for
// byte, and every signature still verifies there.
func TestReplayListenIntoListen(t *testing.T) {
	env := map[string]string{EnvSecret: replaySecret}
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.jsonl"), filepath.Join(dir, "second.jsonl")
	l1 := newCmdtest(t, cmdOpts{env: env, wall: true}).listen("--save", first, "-q")
	sender := newCmdtest(t, cmdOpts{env: env, wall: true})
	if code := sender.run("send", "stream_create", "stream_close", "room_login", "--to", l1.url("/zego"), "--no-retry"); code != 0 {
		t.Fatalf("send: exit %d: %s", code, sender.errOut)
	}
	if code := sender.run("send", "mix_start", "--form", "--to", l1.url("/zego"), "--no-retry"); code != 0 {
		t.Fatalf("send --form: exit %d: %s", code, sender.errOut)
	}
	l1.stop()
	l2 := newCmdtest(t, cmdOpts{env: env, wall: true}).listen("--save", second, "-q")
	r := newCmdtest(t, cmdOpts{env: env, wall: true})
	code, out, errOut := r.call("replay", first, "--to", l2.url("/zego"))
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, errOut)
	}
	l2.stop()
	if n := strings.Count(out, "\tbyte-exact\tdelivered\t200\t"); n != 4 {
		t.Errorf("want 4 byte-exact deliveries:\n%s", out)
	}
	read := func(path string) []string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			body, ct := rawBody(t, l)
			got = append(got, ct+"\n"+string(body))
		}
		return got
	}
	a, b := read(first), read(second)
	if len(a) != 4 || len(a) != len(b) {
		t.Fatalf("%d records captured, %d replayed", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("record %d differs:\n%s\n---\n%s", i+1, a[i], b[i])
		}
	}
	if v := newCmdtest(t, cmdOpts{env: env, wall: true}); v.run("verify", second) != 0 {
		t.Errorf("verify of the second capture: %s%s", v.out, v.errOut)
	}
}

// Flags become the engine's options.
func TestReplayFlagsToOptions(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	o, err := parseOpts(c, newReplayCmd, "a.jsonl", "b/", "--to", "http://127.0.0.1:9/x", "--line", "3", "--lines", "10-20",
		"--event", "stream,zim/room_create", "--room", "r1", "--room", "r2", "--since", "90m", "--until", "2026-11-23T09:59:00Z",
		"--failed", "--restamp", "--allow-unknown", "--preserve-timing", "--speed", "4", "-c", "8", "--rate", "100",
		"--no-retry", "--retry-scale", "0.5", "--timeout", "2s", "--strict", "-H", "X-Env: test")
	if err != nil {
		t.Fatal(err)
	}
	ro, err := o.engineOptions()
	if err != nil {
		t.Fatal(err)
	}
	sel := ro.Select
	switch {
	case fmt.Sprint(o.Files) != "[a.jsonl b/]",
		fmt.Sprint(sel.Lines) != "[{3 3} {10 20}]",
		fmt.Sprint(sel.Events) != "[stream zim/room_create]",
		fmt.Sprint(sel.Rooms) != "[r1 r2]",
		!sel.Since.Equal(testNow.Add(-90 * time.Minute)),
		!sel.Until.Equal(time.Date(2026, 11, 23, 9, 59, 0, 0, time.UTC)),
		!sel.Failed, ro.Mode != replay.ModeRestamp, !ro.AllowUnknown, !ro.PreserveTiming, ro.Speed != 4,
		ro.Concurrency != 8, ro.Rate != 100, ro.Retry, ro.RetryScale != 0.5, ro.Timeout != 2*time.Second, !ro.Strict,
		ro.Header.Get("X-Env") != "test", ro.URL != "http://127.0.0.1:9/x":
		t.Errorf("options %+v\nselection %+v", ro, sel)
	}
	o, _ = parseOpts(c, newReplayCmd, "a.jsonl", "--dry-run")
	if ro, err := o.engineOptions(); err != nil || !ro.DryRun || !ro.Retry || ro.Mode != replay.ModeAuto || ro.Concurrency != 1 {
		t.Errorf("defaults: %+v %v", ro, err)
	}
}

// -v shows every attempt on stderr.
func TestReplayVerboseAttempts(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := newRecordingServer(t, 503)
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: replaySecret},
		stdin: captureLine(t, "stream_create", replaySecret, "room-1", at, 200, false)})
	code, _, errOut := c.call("replay", "-", "--to", srv.URL, "-v", "--retry-scale", "0.0001")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"stdin:1 stream_create  #1  503", "stdin:1 stream_create  #6  503"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
