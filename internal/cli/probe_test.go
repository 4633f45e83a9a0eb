package cli

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/probe"
)

func TestProbeCmdParsesFlags(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	got, err := parseOpts(e, newProbeCmd, "--to", "https://x.example/cb", "--events", "record,room_login", "--timeout", "3s", "-H", "A: b", "--cacert", "ca.pem", "--junit", "out.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got.To != "https://x.example/cb" || len(got.Events) != 2 || got.Events[1] != "room_login" || got.Timeout != 3*time.Second ||
		got.Headers[0] != "A: b" || got.CACert != "ca.pem" || got.JUnit != "out.xml" {
		t.Fatalf("%+v", got)
	}
}

func TestProbeBuiltinReceiverPassesEverything(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	e.env = map[string]string{}
	if code := e.run("probe", "-o", "json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	var res probeJSON
	if err := json.Unmarshal(e.out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	reps, _ := probe.Events(callback.Default(), nil)
	n := 3*len(reps) + 10
	if !res.BuiltinReceiver || len(res.Rows) != n || res.Summary["fail"] != 0 || res.Summary["warn"] != 0 || res.Summary["pass"]+res.Summary["info"] != n {
		t.Fatalf("%+v", res.Summary)
	}
}

// probeEndpoint is a correct receiver (listen's handler) with a twist.
func probeEndpoint(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/zego/callback"
}

func TestProbeTableGolden(t *testing.T) {
	u := probeEndpoint(t, listen.NewHandler(listen.Config{Secret: sendTestSecret}, nil))
	for _, mode := range []struct{ name, color, file string }{
		{"pipe", "", "correct.pipe.golden"}, {"tty", "never", "correct.tty.golden"}, {"color", "always", "correct-color.tty.golden"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := newCmdtest(t, sendOpts())
			args := []string{"probe", "--to", u, "--events", "stream_create,record"}
			if mode.name != "pipe" {
				e.f.IO.SetStdoutTTY(true)
				args = append(args, "--color", mode.color)
			}
			if code := e.run(args...); code != ExitOK {
				t.Fatalf("exit %d: %s", code, e.errOut.String())
			}
			assertGolden(t, "probe", mode.file, []byte(strings.ReplaceAll(e.out.String(), u, "URL")))
		})
	}
}

func TestProbeAcceptEverythingFails(t *testing.T) {
	u := probeEndpoint(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "1")
	}))
	e := newCmdtest(t, sendOpts())
	e.f.IO.SetStdoutTTY(true)
	code := e.run("probe", "--to", u, "--events", "room_login", "--color", "never")
	if code != ExitCheckFailed {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	assertGolden(t, "probe", "accept-all.tty", []byte(strings.ReplaceAll(e.out.String(), u, "URL")))
	if !strings.Contains(e.out.String(), "FAIL     security/forged-signature    200     accepted a forged signature (200): anyone who knows the URL can fake callbacks") {
		t.Fatalf("table:\n%s", e.out.String())
	}
}

func TestProbeMixedEndpointVerdicts(t *testing.T) {
	// Wrong body for record, a 500 for bad signatures, 409 for duplicates.
	h := listen.NewHandler(listen.Config{Secret: sendTestSecret, ReplyBody: "success"}, nil)
	seen := map[string]bool{}
	u := probeEndpoint(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p, err := callback.Parse(b, r.Header.Get("Content-Type"))
		if err == nil {
			in := callback.SignatureInput(nil, p, sendTestSecret)
			if seen[in.Nonce+in.Signature] {
				http.Error(w, "duplicate", http.StatusConflict)
				return
			}
			seen[in.Nonce+in.Signature] = true
		}
		rec := httptest.NewRecorder()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h.ServeHTTP(rec, r)
		if rec.Code == http.StatusUnauthorized {
			http.Error(w, "panic: bad signature", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	e := newCmdtest(t, sendOpts())
	if code := e.run("probe", "--to", u, "--events", "record", "-o", "json"); code != ExitCheckFailed {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	var res probeJSON
	if err := json.Unmarshal(e.out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	verdict := map[string]probeRowJSON{}
	for _, r := range res.Rows {
		verdict[r.ID] = r
	}
	for id, want := range map[string]string{
		"record/json": "WARN", "security/forged-signature": "WARN", "delivery/redelivered": "FAIL", "timestamp/stale": "INFO",
	} {
		if verdict[id].Verdict != want {
			t.Errorf("%s: %s (%s), want %s", id, verdict[id].Verdict, verdict[id].Reason, want)
		}
	}
	if !strings.Contains(verdict["security/forged-signature"].Reason, "rejected but with a server error (500)") {
		t.Errorf("reason %q", verdict["security/forged-signature"].Reason)
	}
}

func TestProbeUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	e := newCmdtest(t, sendOpts())
	junit := filepath.Join(t.TempDir(), "probe.xml")
	if code := e.run("probe", "--to", dead, "--junit", junit); code != ExitTransport {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	if e.out.String() != "" || !strings.Contains(e.errOut.String(), "error: could not reach "+dead+": connection refused; no check could run") || strings.Contains(e.errOut.String(), "connected") {
		t.Fatalf("stdout %q stderr %q", e.out.String(), e.errOut.String())
	}
	b, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(b), `<error message="unreachable: connection refused"`) {
		t.Fatalf("junit %s %v", b, err)
	}
}

func TestProbeJUnitFile(t *testing.T) {
	u := probeEndpoint(t, listen.NewHandler(listen.Config{Secret: sendTestSecret}, nil))
	dir := t.TempDir()
	junit := filepath.Join(dir, "probe.xml")
	e := newCmdtest(t, sendOpts())
	if code := e.run("probe", "--to", u, "--events", "mix_stop", "--junit", junit); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	b, _ := os.ReadFile(junit)
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 13 || len(doc.Suites[0].Cases) != 13 || doc.Suites[0].Cases[0].Name != "mix_stop/json: signed JSON" {
		t.Fatalf("%+v", doc)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestProbeUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"probe", "--events", "nope"}, `--events: unknown event "nope"`},
		{[]string{"probe", "--to", "localhost:8080"}, "want an http:// or https:// URL"},
		{[]string{"probe", "extra"}, "takes no arguments"},
		{[]string{"probe", "--timeout", "-1s"}, "--timeout must be positive"},
	} {
		e := newCmdtest(t, sendOpts())
		if code := e.run(tc.args...); code != ExitUsage || !strings.Contains(e.errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, e.errOut.String())
		}
	}
	e := newCmdtest(t, sendOpts())
	e.env = map[string]string{}
	if code := e.run("probe", "--to", "http://127.0.0.1:9/"); code != ExitUsage || !strings.Contains(e.errOut.String(), "no callback secret") {
		t.Errorf("exit %d: %s", code, e.errOut.String())
	}
}

// Issue 13's repro: listen --status 401 refuses everything, so probe
// judges no protocol check and its summary says why.
func TestProbeRefusingListenerJudgesNothing(t *testing.T) {
	l := newCmdtest(t, cmdOpts{wall: true, env: map[string]string{EnvSecret: sendTestSecret}}).listen("--status", "401")
	e := newCmdtest(t, sendOpts())
	code := e.run("probe", "--to", l.url("/"), "--events", "stream_create")
	if code != ExitCheckFailed {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	out, errOut := e.out.String(), e.errOut.String()
	for _, bad := range []string{"PASS", "a window this short drops it", "must have judged the content"} {
		if strings.Contains(out, bad) {
			t.Errorf("stdout says %q:\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "SKIP\t"); n != 10 {
		t.Errorf("%d rows not judged, want 10:\n%s", n, out)
	}
	for _, want := range []string{
		"0 PASS, 0 WARN, 3 FAIL, 0 INFO, 10 not judged",
		"the endpoint rejected valid callbacks: all 3 correctly signed deliveries were refused",
		"does the endpoint use the same CallbackSecret?",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// --junit is checked before the first request: exit 2, naming the path
// the user gave, and the endpoint sees nothing.
func TestProbeJUnitUnwritableFailsFirst(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "x.xml"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{dir, "is a directory"},
		{filepath.Join(file, "x.xml"), file + " is not a directory"},
	} {
		e := newCmdtest(t, sendOpts())
		e.runFails(ExitUsage, []string{"error: --junit " + tc.path + ": " + tc.want}, "probe", "--to", srv.URL, "--junit", tc.path)
		if strings.Contains(e.errOut.String(), ".tmp") {
			t.Errorf("names a temporary file: %s", e.errOut.String())
		}
	}
	if hits != 0 {
		t.Errorf("the endpoint got %d requests before the --junit error", hits)
	}
}
