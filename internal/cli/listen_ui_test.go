package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/zegocb/zegocb/internal/callback"
)

// uiRequest is one request of the --ui comparison.
type uiRequest struct {
	method, path, ctype string
	body                []byte
}

// uiTraffic is a mix of what listen answers differently: good JSON and form
// callbacks, a re-delivery, a bad signature, a body that does not parse, a
// wrong method, and a synchronous callback with a documented JSON answer.
func uiTraffic(t *testing.T) []uiRequest {
	t.Helper()
	first := lsSigned(t, "stream_create", lsSecret)
	p, err := callback.ParseJSON(lsSigned(t, "record", lsSecret))
	if err != nil {
		t.Fatal(err)
	}
	return []uiRequest{
		{"POST", "/zego", "application/json", first},
		{"POST", "/zego?x=1", "application/json", lsSigned(t, "stream_close", lsSecret)},
		{"POST", "/zego", "application/x-www-form-urlencoded", p.Form()},
		{"POST", "/zego", "application/json", first}, // a re-delivery
		{"POST", "/zego", "application/json", lsSigned(t, "room_logout", "wrong-secret")},
		{"POST", "/zego", "application/json", []byte(`{"event":`)},
		{"GET", "/zego", "", nil},
		{"POST", "/zego", "application/json", lsSigned(t, "before_send_msg", lsSecret)},
	}
}

// uiExchange sends reqs in order and returns each answer as "STATUS BODY".
func uiExchange(t *testing.T, base string, reqs []uiRequest) []string {
	t.Helper()
	var answers []string
	for _, r := range reqs {
		req, err := http.NewRequest(r.method, base+r.path, bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if r.ctype != "" {
			req.Header.Set("Content-Type", r.ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answers = append(answers, resp.Status+" "+string(b))
	}
	return answers
}

var remoteAddrRE = regexp.MustCompile(`"remote_addr":"127\.0\.0\.1:\d+"`)

// readCaptureNormalized reads a capture file with the client's port, the
// one thing that differs between two runs, replaced.
func readCaptureNormalized(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return remoteAddrRE.ReplaceAll(b, []byte(`"remote_addr":"127.0.0.1:PORT"`))
}

// uiListen starts listen --ui on a terminal whose keyboard is the returned
// writer.
func uiListen(t *testing.T, args ...string) (*bgRun, *io.PipeWriter) {
	t.Helper()
	c := newCmdtest(t, cmdOpts{env: lsEnv, tty: true, width: 100})
	keys, kw := io.Pipe()
	t.Cleanup(func() { kw.Close() })
	c.input = keys
	return c.listen(append([]string{"--ui"}, args...)...), kw
}

// waitOut waits until the inspector's screen (stdout, colour stripped)
// shows all of want.
func waitOut(t *testing.T, l *bgRun, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := ansi.Strip(l.out.String())
		missing := ""
		for _, w := range want {
			if !strings.Contains(screen, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the inspector never showed %q; stdout:\n%s", missing, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The capture file and every answer are the same with and without --ui
// (the same clock, the same requests, the real server on 127.0.0.1); the
// inspector shows the callbacks; stderr says nothing while it runs; q ends
// listen with exit 0 and the summary after the inspector has closed.
func TestListenUISameCaptureAndAnswers(t *testing.T) {
	reqs := uiTraffic(t)
	dir := t.TempDir()

	plainCap := filepath.Join(dir, "plain.jsonl")
	plain := newCmdtest(t, cmdOpts{env: lsEnv, tty: true, width: 100}).listen("--save", plainCap)
	plainAnswers := uiExchange(t, plain.url(""), reqs)
	if code := plain.stop(); code != 0 {
		t.Fatalf("listen: exit %d: %s", code, plain.errOut)
	}

	uiCap := filepath.Join(dir, "ui.jsonl")
	l, keys := uiListen(t, "--save", uiCap)
	waitOut(t, l, "zegocb inspect", "listening on http://127.0.0", "keeps last 10,000", "waiting for callbacks")
	banner := l.errOut.String()
	uiAnswers := uiExchange(t, l.url(""), reqs)
	waitOut(t, l, "8 events", "3 failures", "before_send_msg", "(rejected GET)", "BAD 401")
	if got := l.errOut.String(); got != banner {
		t.Errorf("stderr was written while the inspector ran:\n%s", strings.TrimPrefix(got, banner))
	}
	io.WriteString(keys, "q")
	select {
	case code := <-l.code:
		l.stopped = true
		if code != 0 {
			t.Fatalf("q: exit %d: %s", code, l.errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end listen")
	}

	if strings.Join(uiAnswers, "\n") != strings.Join(plainAnswers, "\n") {
		t.Errorf("answers differ\n--ui:\n%s\nwithout:\n%s", strings.Join(uiAnswers, "\n"), strings.Join(plainAnswers, "\n"))
	}
	if !strings.HasPrefix(plainAnswers[0], "200 ") || !strings.HasPrefix(plainAnswers[4], "401 ") || !strings.HasPrefix(plainAnswers[6], "405 ") {
		t.Errorf("unexpected answers: %q", plainAnswers)
	}
	want, got := readCaptureNormalized(t, plainCap), readCaptureNormalized(t, uiCap)
	if n := bytes.Count(want, []byte("\n")); n != 7 {
		t.Fatalf("%d capture lines without --ui, want 7 (the GET is not captured)", n)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("capture differs with --ui\n--ui:\n%s\nwithout:\n%s", got, want)
	}

	stderr := ansi.Strip(l.errOut.String())
	for _, w := range []string{"opening the inspector (keeps the last 10,000 events; q or Ctrl-C stops listen)",
		"stopped: 7 events, 1 bad signature", "1 redelivery", "1 rejected request", "7 lines saved to " + uiCap} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if i, j := strings.Index(stderr, "listening on"), strings.Index(stderr, "stopped:"); i < 0 || j < i {
		t.Errorf("banner then summary expected:\n%s", stderr)
	}
	if strings.Contains(l.out.String(), lsSecret) || strings.Contains(l.errOut.String(), lsSecret) {
		t.Error("the secret was shown")
	}
}

// Ctrl-C as a key (the terminal in raw mode sends it, not a signal) and as
// a signal both end listen gracefully: exit 0, the summary printed.
func TestListenUICtrlC(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(l *bgRun, keys io.Writer) int
	}{
		{"key", func(l *bgRun, keys io.Writer) int {
			io.WriteString(keys, "\x03")
			select {
			case code := <-l.code:
				l.stopped = true
				return code
			case <-time.After(10 * time.Second):
				l.t.Fatal("Ctrl-C did not end listen")
				return -1
			}
		}},
		{"signal", func(l *bgRun, _ io.Writer) int { return l.stop() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			capPath := filepath.Join(t.TempDir(), "cap.jsonl")
			l, keys := uiListen(t, "--save", capPath, "--max-events", "2")
			for _, ev := range []string{"stream_create", "stream_close", "room_login"} {
				if status, _ := lsPost(t, l.url("/"), "application/json", lsSigned(t, ev, lsSecret)); status != 200 {
					t.Fatalf("%s: %d", ev, status)
				}
			}
			// Only the last 2 are kept, and the title says so.
			waitOut(t, l, "2 events (keeps last 2, 1 older left)", "room_login")
			if code := tc.stop(l, keys); code != 0 {
				t.Fatalf("exit %d: %s", code, l.errOut)
			}
			if s := ansi.Strip(l.errOut.String()); !strings.Contains(s, "stopped: 3 events") || !strings.Contains(s, "3 lines saved") {
				t.Errorf("summary: %s", s)
			}
		})
	}
}

// r replays the selected callback to --forward-to and shows the app's
// answer in place; the forward itself is unchanged.
func TestListenUIReplay(t *testing.T) {
	var got [][]byte
	bodies := make(chan []byte, 4)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- b
		io.WriteString(w, "app-ok")
	}))
	defer app.Close()
	l, keys := uiListen(t, "--forward-to", app.URL+"/hook")
	body := lsSigned(t, "stream_create", lsSecret)
	if status, answer := lsPost(t, l.url("/"), "application/json", body); status != 200 || answer != "app-ok" {
		t.Fatalf("forwarded: %d %q", status, answer)
	}
	waitOut(t, l, "1 event", "stream_create")
	io.WriteString(keys, "r")
	waitOut(t, l, "app-ok")
	for len(got) < 2 {
		select {
		case b := <-bodies:
			got = append(got, b)
		case <-time.After(5 * time.Second):
			t.Fatalf("the app received %d requests, want 2 (the forward and the replay)", len(got))
		}
	}
	for i, b := range got {
		if !bytes.Equal(b, body) {
			t.Errorf("request %d to the app is not the callback byte for byte", i+1)
		}
	}
	io.WriteString(keys, "q")
	select {
	case code := <-l.code:
		l.stopped = true
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end listen")
	}
}

// --ui needs a terminal and the inspector's own flags.
func TestListenUIUsage(t *testing.T) {
	newCmdtest(t, cmdOpts{env: lsEnv}).runFails(ExitUsage,
		[]string{"error: --ui needs a terminal, and stdout is not one; run it in a terminal, or drop --ui (-q and -o json suit a pipe)\n"},
		"listen", "--ui", "--addr", "127.0.0.1:0")
	c := newCmdtest(t, cmdOpts{env: lsEnv})
	if c.run("listen", "--ui", "--addr", "127.0.0.1:0"); strings.Count(c.errOut.String(), "\n") != 1 {
		t.Errorf("not one line: %q", c.errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--ui", "-q"}, "--ui cannot be used with -q or -o json"},
		{[]string{"--ui", "-o", "json"}, "--ui cannot be used with -q or -o json"},
		{[]string{"--ui", "--body", "full"}, "--body only applies to the pretty view, not with -q, -o json or --ui"},
		{[]string{"--ui", "--max-events", "0"}, "invalid --max-events 0: want 1 or more"},
		{[]string{"--max-events", "5"}, "--max-events only applies with --ui"},
	} {
		c := newCmdtest(t, cmdOpts{env: lsEnv, tty: true})
		c.runFails(ExitUsage, []string{tc.want}, append([]string{"listen", "--addr", "127.0.0.1:0"}, tc.args...)...)
	}
}
