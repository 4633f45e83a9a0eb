package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
)

const sendTestSecret = "send-test-secret-0a1b"

// sendOpts set up a send or probe test: the secret in the environment, and
// a clock that moves 1.5ms each time it is read (every latency is 1.5ms).
func sendOpts() cmdOpts {
	return cmdOpts{
		env:   map[string]string{EnvSecret: sendTestSecret},
		clock: &testClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), step: 1500 * time.Microsecond},
	}
}

// endpoint is a test receiver that re-verifies every signature independently.
type endpoint struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	bodies []string
	ctypes []string
	sigOK  []bool
	// behaviour
	failFirst int    // answer 500 to the first failFirst requests
	status    int    // answer this status (0: 200)
	body      string // answer body (default "1")
	hang      chan struct{}
	hijack    bool
}

func (ep *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	p, err := callback.Parse(b, r.Header.Get("Content-Type"))
	ok := false
	var spec *callback.Event
	if err == nil {
		// The family's field names and scheme, from the body alone.
		d := callback.Default().Detect(p)
		spec = d.Event
		in := d.SignatureInput(p, ep.secret)
		ok = signature.VerifyWith(in.Scheme, ep.secret, in.AppID, in.Timestamp, in.Nonce, in.Signature)
	}
	ep.mu.Lock()
	ep.bodies = append(ep.bodies, string(b))
	ep.ctypes = append(ep.ctypes, r.Header.Get("Content-Type"))
	ep.sigOK = append(ep.sigOK, ok)
	n := len(ep.bodies)
	ep.mu.Unlock()
	switch {
	case ep.hang != nil:
		select {
		case <-ep.hang:
		case <-r.Context().Done():
		}
		return
	case ep.hijack:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case n <= ep.failFirst:
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case ep.status != 0:
		w.WriteHeader(ep.status)
	}
	body := ep.body
	if body == "" && spec != nil && spec.Answer().Sync != nil {
		body = spec.Answer().Sync.Default // the documented JSON answer
	}
	if body == "" {
		body = "1"
	}
	io.WriteString(w, body)
}

func (ep *endpoint) count() int {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return len(ep.bodies)
}

func serveEndpoint(t *testing.T, ep *endpoint) string {
	t.Helper()
	if ep.secret == "" {
		ep.secret = sendTestSecret
	}
	srv := httptest.NewServer(ep)
	t.Cleanup(func() {
		if ep.hang != nil {
			close(ep.hang)
		}
		srv.Close()
	})
	return srv.URL + "/zego/callback"
}

func TestSendCmdParsesFlags(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	got, err := parseOpts(e, newSendCmd, "record", "--to", "https://x.example/cb", "--set", "a=1", "--set", "b=", "--unset", "c",
		"--form", "--timeout", "2s", "-H", "X-A: 1", "--insecure", "--strict", "--retry-scale", "0.01", "-n", "10", "-c", "3", "--rate", "5", "--duration", "1m")
	if err != nil {
		t.Fatal(err)
	}
	if got.Event != "record" || got.To != "https://x.example/cb" || len(got.Sets) != 2 || got.Sets[1] != "b=" || got.Unsets[0] != "c" ||
		!got.Form || got.Timeout != 2*time.Second || got.Headers[0] != "X-A: 1" || !got.Insecure || !got.Strict ||
		got.RetryScale != 0.01 || got.Requests != 10 || got.Concurrency != 3 || got.Rate != 5 || got.Duration != time.Minute {
		t.Fatalf("parsed %+v", got)
	}
}

func TestSendUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"send"}, "send needs an EVENT"},
		{[]string{"send", "nope"}, `unknown event "nope"`},
		{[]string{"send", "stream_creat"}, "did you mean stream_create or stream_close?"},
		{[]string{"send", "record", "--set", "novalue"}, "want field=value"},
		{[]string{"send", "record", "-c", "4"}, "-c and --rate need -n"},
		{[]string{"send", "record", "--dry-run", "--curl"}, "cannot be used together"},
		{[]string{"send", "record", "--to", "ftp://x"}, "want an http:// or https:// URL"},
		{[]string{"send", "record", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"send", "record", "--retry-scale", "0"}, "--retry-scale must be positive"},
		{[]string{"send", "record", "-H", "NoColon"}, "want 'Key: Value'"},
		{[]string{"send", "record", "--keep-timestamp"}, "--keep-timestamp keeps the timestamp of --data"},
		{[]string{"send", "stream_create", "nosuch"}, `unknown event "nosuch"`},
	} {
		e := newCmdtest(t, sendOpts())
		if code := e.run(tc.args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tc.args, code, e.errOut.String())
		}
		if !strings.Contains(e.errOut.String(), tc.want) {
			t.Errorf("%v: stderr %q, want %q", tc.args, e.errOut.String(), tc.want)
		}
	}
}

func TestSendNeedsSecretForRealEndpoint(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	e.env = map[string]string{}
	if code := e.run("send", "record", "--to", "http://127.0.0.1:9/"); code != ExitUsage || !strings.Contains(e.errOut.String(), "no callback secret") {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
}

// A mistyped event is the first thing to fix: it is reported before a
// missing secret, for one EVENT and for a sequence.
func TestSendUnknownEventBeforeMissingSecret(t *testing.T) {
	for _, args := range [][]string{
		{"send", "mix_strat", "--to", "http://127.0.0.1:9/"},
		{"send", "mix_start", "mix_stpo", "--to", "http://127.0.0.1:9/"},
	} {
		e := newCmdtest(t, sendOpts())
		e.env = map[string]string{}
		code := e.run(args...)
		if code != ExitUsage || !strings.Contains(e.errOut.String(), "unknown event") || strings.Contains(e.errOut.String(), "no callback secret") {
			t.Errorf("%v: exit %d: %s", args, code, e.errOut.String())
		}
	}
}

func TestSendBuiltinRoundTripWithoutSetup(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	e.env = map[string]string{} // no secret: an ephemeral one
	if code := e.run("send", "mix_start"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	stderr := e.errOut.String()
	for _, want := range []string{"built-in receiver on http://127.0.0.1:", "ephemeral secret", "→ POST mix_start", "#1/6  200", "receiver  mix_start  signature ok", `answered 200 "1"`, "✓ delivered mix_start"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.HasPrefix(e.out.String(), "1\t+0.00s\t200\t") {
		t.Errorf("stdout %q", e.out.String())
	}
}

func TestSendBuiltinOnTerminalShowsBothSides(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	e.f.IO.SetStdoutTTY(true)
	if code := e.run("send", "stream_create", "--color", "never"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	out := e.out.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "receiver  stream_create  signature ok  room=room-") || !strings.HasPrefix(lines[1], "✓ delivered stream_create: 200 in 1.5") {
		t.Fatalf("stdout:\n%s", out)
	}
}

func TestSendSignsEveryEventVerifiably(t *testing.T) {
	ep := &endpoint{}
	u := serveEndpoint(t, ep)
	for _, name := range callback.Default().Names() {
		for _, form := range []bool{false, true} {
			e := newCmdtest(t, sendOpts())
			args := []string{"send", name, "--to", u, "--no-retry"}
			if form {
				args = append(args, "--form")
			}
			if code := e.run(args...); code != ExitOK {
				t.Fatalf("%s form=%v: exit %d: %s", name, form, code, e.errOut.String())
			}
		}
	}
	for i, ok := range ep.sigOK {
		if !ok {
			t.Errorf("request %d did not verify: %s", i, ep.bodies[i])
		}
	}
	if len(ep.bodies) != 2*len(callback.Default().Names()) {
		t.Fatalf("%d requests", len(ep.bodies))
	}
}

func TestSendTypesValuesAsTheCatalogSays(t *testing.T) {
	ep := &endpoint{}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	code := e.run("send", "room_create", "--to", u, "--set", "room_id=abc", "--set", "room_session_id=858012925204410400",
		"--set", "custom=42", "--set", "room_create_time=", "--unset", "appid")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	p, err := callback.ParseJSON([]byte(ep.bodies[0]))
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) callback.Value { v, _ := p.Get(k); return v }
	if v := get("room_id"); v.Raw != `"abc"` {
		t.Errorf("room_id %s", v.Raw)
	}
	if v := get("room_session_id"); v.Raw != `858012925204410400` {
		t.Errorf("room_session_id must be a JSON number with every digit: %s", v.Raw)
	}
	if v := get("custom"); v.Raw != `"42"` {
		t.Errorf("unknown fields are strings: %s", v.Raw)
	}
	if v, ok := p.Get("room_create_time"); !ok || v.Text != "" {
		t.Errorf("field= must set an empty value: %+v", v)
	}
	if _, ok := p.Get("appid"); ok {
		t.Error("--unset appid left it in")
	}
	if v := get("timestamp"); v.Kind != callback.KindNumber || v.Raw != "1740830400" {
		t.Errorf("timestamp %s (room_create sends a number, stamped with Now)", v.Raw)
	}
	if v := get("nonce"); v.Raw != strconv.Quote(testNonce) {
		t.Errorf("nonce must be a string: %s", v.Raw)
	}
	if !ep.sigOK[0] {
		t.Error("signature did not verify")
	}
}

func TestSendDataInfersEventAndKeepsTimestamp(t *testing.T) {
	ep := &endpoint{}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	e.in.WriteString(`{"event":"stream_close","appid":"1","timestamp":"1666786067","nonce":"1","signature":"x","room_id":"room1","type":"0"}`)
	if code := e.run("send", "--data", "-", "--to", u, "--keep-timestamp", "--set", "type=3"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	body := ep.bodies[0]
	for _, want := range []string{`"timestamp":"1666786067"`, `"nonce":"` + testNonce + `"`, `"type":"3"`, `"room_id":"room1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s: %s", want, body)
		}
	}
	if !ep.sigOK[0] {
		t.Error("re-signed body did not verify")
	}

	// A form capture is re-sent as form.
	dir := t.TempDir()
	file := filepath.Join(dir, "capture.txt")
	os.WriteFile(file, []byte("event=record&appid=1&timestamp=1&nonce=2&signature=x&stream_alias=a"), 0o644)
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "--data", file, "--to", u); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	if ep.ctypes[1] != "application/x-www-form-urlencoded" || !strings.Contains(ep.bodies[1], "stream_alias=a") || !ep.sigOK[1] {
		t.Errorf("form resend: %s %s", ep.ctypes[1], ep.bodies[1])
	}

	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "mix_start", "--data", file, "--to", u); code != ExitUsage || !strings.Contains(e.errOut.String(), `holds event record but EVENT is mix_start`) {
		t.Errorf("exit %d: %s", code, e.errOut.String())
	}
	e = newCmdtest(t, sendOpts())
	missing := filepath.Join(dir, "missing.json")
	if code := e.run("send", "--data", missing); code != ExitUsage || !strings.Contains(e.errOut.String(), "--data "+missing+": no such file or directory") {
		t.Errorf("exit %d: %s", code, e.errOut.String())
	}
}

func TestSendRetriesOnZEGOScheduleThenDelivers(t *testing.T) {
	for _, mode := range []struct{ name, file string }{{"pipe", "retry.pipe.golden"}, {"tty", "retry.tty.golden"}, {"color", "retry-color.tty.golden"}} {
		t.Run(mode.name, func(t *testing.T) {
			ep := &endpoint{failFirst: 2}
			u := serveEndpoint(t, ep)
			e := newCmdtest(t, sendOpts())
			args := []string{"send", "stream_create", "--to", u}
			if mode.name != "pipe" {
				e.f.IO.SetStdoutTTY(true)
				args = append(args, "--color", map[string]string{"tty": "never", "color": "always"}[mode.name])
			}
			if code := e.run(args...); code != ExitOK {
				t.Fatalf("exit %d: %s", code, e.errOut.String())
			}
			if ep.count() != 3 || ep.bodies[0] != ep.bodies[1] || ep.bodies[1] != ep.bodies[2] {
				t.Fatalf("%d requests; retries must resend the same body", ep.count())
			}
			assertGolden(t, "send", mode.file, e.out.Bytes())
		})
	}
}

func TestSendGivesUpAfterSixAttempts(t *testing.T) {
	for _, mode := range []string{"pipe", "tty"} {
		ep := &endpoint{failFirst: 100}
		u := serveEndpoint(t, ep)
		e := newCmdtest(t, sendOpts())
		if mode == "tty" {
			e.f.IO.SetStdoutTTY(true)
		}
		if code := e.run("send", "stream_close", "--to", u, "--color", "never"); code != ExitCheckFailed {
			t.Fatalf("exit %d: %s", code, e.errOut.String())
		}
		if ep.count() != 6 {
			t.Fatalf("%d attempts, want 6", ep.count())
		}
		assertGolden(t, "send", "give-up."+mode, e.out.Bytes())
		if !strings.Contains(e.out.String()+e.errOut.String(), `gave up on stream_close after 6 attempts over 62.0s: the endpoint never answered 2xx (last: 500 "boom" (5 B))`) {
			t.Errorf("no give-up line:\n%s%s", e.out.String(), e.errOut.String())
		}
	}
}

func TestSendUnreachableIsExit3(t *testing.T) {
	cases := map[string]*endpoint{
		"hang":   {hang: make(chan struct{})},
		"hijack": {hijack: true},
	}
	for name, ep := range cases {
		t.Run(name, func(t *testing.T) {
			u := serveEndpoint(t, ep)
			e := newCmdtest(t, sendOpts())
			code := e.run("send", "record", "--to", u, "--timeout", "50ms", "--retry-scale", "0.001")
			if code != ExitTransport {
				t.Fatalf("exit %d: %s", code, e.errOut.String())
			}
			if ep.count() != 6 || !strings.Contains(e.errOut.String(), "error: could not reach "+u) {
				t.Fatalf("%d attempts; stderr:\n%s", ep.count(), e.errOut.String())
			}
			if name == "hang" && !strings.Contains(e.errOut.String(), "no answer within 50ms (timeout)") {
				t.Errorf("stderr:\n%s", e.errOut.String())
			}
		})
	}
	// Nothing listening at all, once.
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--to", dead, "--no-retry"); code != ExitTransport || !strings.Contains(e.errOut.String(), "connection refused (1 attempt)") {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
}

func TestSendRecordBodyRule(t *testing.T) {
	ep := &endpoint{body: "ok"}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--to", u); code != ExitOK || ep.count() != 1 {
		t.Fatalf("exit %d after %d attempts: %s", code, ep.count(), e.errOut.String())
	}
	if !strings.Contains(e.errOut.String(), `delivered record with a warning: body is "ok", legacy record docs ask for "1"`) {
		t.Errorf("stderr:\n%s", e.errOut.String())
	}
	// Other events have no body rule.
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_create", "--to", u); code != ExitOK || strings.Contains(e.errOut.String(), "warning") {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--to", u, "--strict", "-o", "json"); code != ExitCheckFailed {
		t.Fatalf("--strict: exit %d: %s", code, e.errOut.String())
	}
	var res sendJSON
	if err := json.Unmarshal(e.out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "gave_up" || len(res.Attempts) != 6 || res.Attempts[5].Verdict != "fail" || !strings.Contains(res.Attempts[0].Reason, "(--strict)") {
		t.Fatalf("%+v", res)
	}
}

func TestSendJSONOutput(t *testing.T) {
	ep := &endpoint{failFirst: 1}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "mix_stop", "--to", u, "-o", "json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	var res sendJSON
	if err := json.Unmarshal(e.out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, e.out.String())
	}
	if res.Event != "mix_stop" || res.Outcome != "delivered" || !res.Delivered || len(res.Attempts) != 2 ||
		res.Attempts[0].Status != 500 || res.Attempts[0].Body != "boom\n" || res.Attempts[1].OffsetMS != 2003 ||
		res.Nonce != testNonce || res.SignatureHex != signature.Sign(sendTestSecret, res.Timestamp, res.Nonce) {
		t.Fatalf("%+v", res)
	}
}

func TestSendDryRunAndCurl(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_create", "--to", "https://example.test/zego", "--dry-run", "--set", "title=it's live", "-H", "X-Trace: 1"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	out := e.out.String()
	sig := signature.Sign(sendTestSecret, "1740830400", testNonce)
	for _, want := range []string{"POST https://example.test/zego\n", "Host: example.test\n", "Content-Type: application/json\n", "X-Trace: 1\n", `"signature":"` + sig + `"`, `"title":"it's live"`} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}

	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_create", "--to", "https://example.test/zego", "--curl", "--set", "title=it's live", "--form"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	out = e.out.String()
	if !strings.HasPrefix(out, "curl -sS -X POST https://example.test/zego \\\n  -H 'Content-Type: application/x-www-form-urlencoded'") ||
		!strings.Contains(out, "--data-raw '") || !strings.Contains(out, "title=it%27s+live") {
		t.Fatalf("curl:\n%s", out)
	}
	// The body the curl command carries parses back to a signed payload.
	raw := out[strings.Index(out, "--data-raw '")+len("--data-raw '"):]
	raw = strings.TrimSuffix(strings.TrimSpace(raw), "'")
	q, err := url.ParseQuery(raw)
	if err != nil || q.Get("signature") != sig {
		t.Fatalf("curl body %q: %v", raw, err)
	}

	// Without --to it targets `zegocb listen`, and says so.
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--curl"); code != ExitOK || !strings.Contains(e.out.String(), defaultListenURL) || !strings.Contains(e.errOut.String(), "zegocb listen") {
		t.Fatalf("exit %d: %s %s", code, e.out.String(), e.errOut.String())
	}
}

func TestCurlQuote(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, `{"a":1}`: `'{"a":1}'`} {
		if got := curlQuote(in); got != want {
			t.Errorf("curlQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSendVerboseMasksTheSecret(t *testing.T) {
	ep := &endpoint{}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_create", "--to", u, "-v", "-H", "X-Echo: token-"+sendTestSecret); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	stderr := e.errOut.String()
	if strings.Contains(stderr+e.out.String(), sendTestSecret) {
		t.Fatalf("the secret leaked:\n%s", stderr)
	}
	for _, want := range []string{"> POST /zego/callback HTTP/1.1", "> X-Echo: [masked", "> Content-Type: application/json", `"event": "stream_create"`, "< HTTP/1.1 200 OK", "< Content-Length: 1"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("wire dump lacks %q:\n%s", want, stderr)
		}
	}
}

func TestSendCountdownOnTerminal(t *testing.T) {
	ep := &endpoint{failFirst: 1}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	e.f.IO.SetStderrTTY(true)
	if code := e.run("send", "stream_create", "--to", u, "--retry-scale", "0.1", "--color", "never"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	stderr := e.errOut.String()
	if !strings.Contains(stderr, "\r\x1b[K  … attempt 2/6 in ") || !strings.Contains(stderr, "\r\x1b[K  #2/6  200") {
		t.Fatalf("no live countdown:\n%q", stderr)
	}
}

func TestSendLoadMode(t *testing.T) {
	ep := &endpoint{}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_create", "--to", u, "-n", "60", "-c", "4", "-o", "json"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	var rep loadJSON
	if err := json.Unmarshal(e.out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 60 || rep.OK != 60 || rep.StatusCounts["200"] != 60 || rep.Concurrency != 4 || rep.Throughput <= 0 || len(rep.Histogram) == 0 {
		t.Fatalf("%+v", rep)
	}
	nonces := map[string]bool{}
	for i, b := range ep.bodies {
		if !ep.sigOK[i] {
			t.Fatalf("request %d did not verify", i)
		}
		p, _ := callback.ParseJSON([]byte(b))
		v, _ := p.Get("nonce")
		nonces[v.Text] = true
	}
	if len(nonces) != 60 {
		t.Fatalf("%d distinct nonces in 60 requests", len(nonces))
	}

	// Piped: key<TAB>value lines. A failing endpoint is exit 1.
	bad := &endpoint{status: 503}
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--to", serveEndpoint(t, bad), "-n", "5"); code != ExitCheckFailed || !strings.Contains(e.out.String(), "status_503\t5\n") {
		t.Fatalf("exit %d: %s", code, e.out.String())
	}
	// Nothing listening: exit 3.
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	e = newCmdtest(t, sendOpts())
	if code := e.run("send", "record", "--to", dead, "-n", "3"); code != ExitTransport {
		t.Fatalf("exit %d: %s", code, e.errOut.String())
	}
	// On a terminal: the summary with a histogram.
	e = newCmdtest(t, sendOpts())
	e.f.IO.SetStdoutTTY(true)
	if code := e.run("send", "room_login", "--to", u, "-n", "20", "-c", "2", "--color", "never"); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"throughput ", "status      200 × 20", "latency     p50 ", "▇"} {
		if !strings.Contains(e.out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, e.out.String())
		}
	}
}

func TestSendInterruptedIs130(t *testing.T) {
	ep := &endpoint{failFirst: 100}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	ctx, cancel := context.WithCancel(context.Background())
	e.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	if code := e.runCtx(ctx, "send", "stream_create", "--to", u); code != ExitInterrupted || ep.count() != 1 {
		t.Fatalf("exit %d after %d attempts; stderr: %s", code, ep.count(), e.errOut)
	}
	if !strings.Contains(e.errOut.String(), "interrupted") {
		t.Errorf("stderr does not say interrupted: %s", e.errOut)
	}
}

// Ctrl-C in the countdown before the third attempt: "interrupted after 2
// attempts", exit 130, and no give-up verdict (nothing gave up); -o json
// says outcome interrupted.
func TestSendInterruptedInCountdownSaysSo(t *testing.T) {
	for _, mode := range []string{"pipe", "tty", "json"} {
		t.Run(mode, func(t *testing.T) {
			ep := &endpoint{failFirst: 100}
			u := serveEndpoint(t, ep)
			e := newCmdtest(t, sendOpts())
			args := []string{"send", "stream_create", "--to", u}
			switch mode {
			case "tty":
				e.f.IO.SetStdoutTTY(true)
			case "json":
				args = append(args, "-o", "json")
			}
			ctx, cancel := context.WithCancel(context.Background())
			waits := 0
			e.sleep = func(context.Context, time.Duration) error {
				if waits++; waits == 2 {
					cancel()
					return context.Canceled
				}
				return nil
			}
			if code := e.runCtx(ctx, args...); code != ExitInterrupted || ep.count() != 2 {
				t.Fatalf("exit %d after %d attempts; stderr: %s", code, ep.count(), e.errOut)
			}
			all := e.out.String() + e.errOut.String()
			if !strings.Contains(e.errOut.String(), "interrupted after 2 attempts\n") {
				t.Errorf("stderr does not say how many attempts: %s", e.errOut)
			}
			for _, bad := range []string{"gave up", "never answered 2xx", "✗"} {
				if strings.Contains(all, bad) {
					t.Errorf("output says %q:\n%s", bad, all)
				}
			}
			if mode == "json" {
				var got sendJSON
				if err := json.Unmarshal(e.out.Bytes(), &got); err != nil || got.Outcome != "interrupted" || len(got.Attempts) != 2 {
					t.Errorf("json %+v (%v)", got, err)
				}
			}
		})
	}
}

// --no-retry sends once: the verdict says so, not "gave up after 1 attempt".
func TestSendNoRetryDoesNotGiveUp(t *testing.T) {
	ep := &endpoint{failFirst: 100}
	u := serveEndpoint(t, ep)
	e := newCmdtest(t, sendOpts())
	if code := e.run("send", "stream_close", "--to", u, "--no-retry"); code != ExitCheckFailed || ep.count() != 1 {
		t.Fatalf("exit %d after %d attempts: %s", code, ep.count(), e.errOut)
	}
	all := e.out.String() + e.errOut.String()
	if strings.Contains(all, "gave up") || !strings.Contains(all, `✗ stream_close not delivered: the endpoint did not answer 2xx (500 "boom" (5 B); --no-retry: sent once)`) {
		t.Errorf("output:\n%s", all)
	}
}

// The built-in receiver keeps events only for a single delivery: in load
// mode it must not hold every request it answered.
func TestBuiltinReceiverKeepsEventsOnlyWhenAsked(t *testing.T) {
	e, _ := callback.Default().Lookup("stream_create")
	for _, keep := range []bool{true, false} {
		r, err := startBuiltinReceiver(listen.Config{Secret: sendTestSecret}, keep)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			p := e.Sample(callback.SampleOptions{})
			e.Stamp(p, sendTestSecret, "1700000000", callback.NewNonce())
			resp, err := http.Post(r.URL, "application/json", bytes.NewReader(p.JSON()))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("keep=%v: status %d", keep, resp.StatusCode)
			}
		}
		got, want := len(r.stop()), 0
		if keep {
			want = 3
		}
		if got != want {
			t.Errorf("keep=%v: %d events kept, want %d", keep, got, want)
		}
	}
}

// --set on a field the event does not have: a warning that suggests the
// field meant; --strict makes it a usage error. Fields of the event, and
// of --data, are set silently.
func TestSendSetUnknownField(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	code, out, errOut := e.call("send", "stream_close", "--set", "typ=1", "--dry-run")
	if code != ExitOK || !strings.Contains(errOut, `warning: --set typ=1: stream_close has no field "typ" (did you mean type?)`) || !strings.Contains(out, `"typ":"1"`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	e = newCmdtest(t, sendOpts())
	e.runFails(ExitUsage, []string{`error: --set typ=1: stream_close has no field "typ" (did you mean type?); --strict refuses`}, "send", "stream_close", "--set", "typ=1", "--strict", "--dry-run")
	e = newCmdtest(t, sendOpts())
	if code, _, errOut := e.call("send", "stream_close", "--set", "type=1", "--set", "stream_id=s", "--strict", "--dry-run"); code != ExitOK || strings.Contains(errOut, "warning") {
		t.Fatalf("a known field warned: exit %d %s", code, errOut)
	}
	e = newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: sendTestSecret}, files: map[string]string{"d.json": `{"event":"stream_close","custom_tag":"a"}`}})
	if code, _, errOut := e.call("send", "--data", "d.json", "--set", "custom_tag=b", "--strict", "--dry-run"); code != ExitOK || strings.Contains(errOut, "warning") {
		t.Fatalf("a --data field warned: exit %d %s", code, errOut)
	}
}

// --encoding produces each body listen, verify and decode accept; --form is
// --encoding form; --form-arrays brackets writes key[] (PHP's $_POST).
func TestSendEncodings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		format callback.Format
		ctype  string
		body   string // a substring of the body
	}{
		{"json", []string{"--encoding", "json"}, callback.FormatJSON, "application/json", `"rtmp_urls":["rtmp://`},
		{"form", []string{"--encoding", "form"}, callback.FormatForm, "application/x-www-form-urlencoded", "&rtmp_urls=rtmp%3A%2F%2F"},
		{"form-shorthand", []string{"--form"}, callback.FormatForm, "application/x-www-form-urlencoded", "&rtmp_urls=rtmp%3A%2F%2F"},
		{"form-brackets", []string{"--encoding", "form", "--form-arrays", "brackets"}, callback.FormatForm, "application/x-www-form-urlencoded", "&rtmp_urls%5B%5D=rtmp%3A%2F%2F"},
		{"urlencoded-json", []string{"--encoding", "urlencoded-json"}, callback.FormatURLEncodedJSON, "application/json", "%7B%22"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep := &endpoint{}
			u := serveEndpoint(t, ep)
			e := newCmdtest(t, sendOpts())
			if code := e.run(append([]string{"send", "mix_start", "--to", u}, tc.args...)...); code != ExitOK {
				t.Fatalf("exit %d: %s", code, e.errOut)
			}
			body := ep.bodies[0]
			if !ep.sigOK[0] || ep.ctypes[0] != tc.ctype || callback.Detect([]byte(body), tc.ctype) != tc.format || !strings.Contains(body, tc.body) {
				t.Fatalf("sig %v, content type %s, body %s", ep.sigOK[0], ep.ctypes[0], body)
			}
			if tc.name == "form-brackets" && strings.Contains(body, "&rtmp_urls=") {
				t.Errorf("plain repeated keys with brackets: %s", body)
			}
			file := filepath.Join(t.TempDir(), "body")
			os.WriteFile(file, []byte(body), 0o644)
			v := newCmdtest(t, sendOpts())
			if code, out, errOut := v.call("verify", file); code != ExitOK {
				t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
			}
			d := newCmdtest(t, sendOpts())
			code, out, errOut := d.call("decode", file)
			var got struct {
				RTMPURLs []string `json:"rtmp_urls"`
			}
			if code != ExitOK || json.Unmarshal([]byte(out), &got) != nil || len(got.RTMPURLs) != 2 {
				t.Errorf("decode: exit %d, rtmp_urls %v\n%s%s", code, got.RTMPURLs, out, errOut)
			}
		})
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--encoding", "xml"}, `--encoding "xml": want json, form or urlencoded-json`},
		{[]string{"--form", "--encoding", "json"}, "--form is short for --encoding form; it contradicts --encoding json"},
		{[]string{"--form-arrays", "php"}, `--form-arrays "php": want repeat or brackets`},
		{[]string{"--form-arrays", "brackets"}, "--form-arrays shapes form bodies; add --encoding form"},
		{[]string{"--encoding", "urlencoded-json", "-n", "5"}, "load mode sends JSON or form bodies"},
	} {
		e := newCmdtest(t, sendOpts())
		e.runFails(ExitUsage, []string{"error: " + tc.want}, append([]string{"send", "mix_start", "--dry-run"}[:2], tc.args...)...)
	}
}

// The comments of send's examples start in one column.
func TestSendExampleCommentsAligned(t *testing.T) {
	cmd := newSendCmd(New(nil), nil)
	col := -1
	for _, l := range strings.Split(cmd.Example, "\n") {
		i := strings.Index(l, "# ")
		if i < 0 {
			continue
		}
		if col >= 0 && i != col {
			t.Errorf("comment at column %d, others at %d: %q", i, col, l)
		}
		col = i
	}
	if col < 0 {
		t.Fatal("no commented example")
	}
}

// Counts of one are singular: "1 worker", "1 request", "the first delivery".
func TestOneIsSingular(t *testing.T) {
	u := serveEndpoint(t, &endpoint{})
	e := newCmdtest(t, sendOpts())
	e.f.IO.SetStdoutTTY(true)
	code, out, errOut := e.call("send", "room_login", "--to", u, "-n", "1", "--color", "never")
	if code != ExitOK || !strings.Contains(errOut, ", 1 worker, no retries)") || !strings.Contains(out, "(1 of 1 request delivered (2xx) in ") || !strings.Contains(out, ", 1 worker)") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	l := newCmdtest(t, cmdOpts{wall: true, env: map[string]string{EnvSecret: sendTestSecret}})
	l.listen("--fail-first", "1")
	for i := 0; i < 500 && !strings.Contains(l.errOut.String(), "answering 500"); i++ {
		time.Sleep(10 * time.Millisecond) // the banner's notes follow the ready line
	}
	if s := l.errOut.String(); !strings.Contains(s, "answering 500 to the first delivery of each callback") || strings.Contains(s, "1 deliveries") {
		t.Errorf("listen banner: %s", s)
	}
}

// send --curl honours -o json: one object with the request and the command.
func TestSendCurlJSON(t *testing.T) {
	e := newCmdtest(t, sendOpts())
	code, out, _ := e.call("send", "room_login", "--curl", "-o", "json", "--to", "http://127.0.0.1:9/zego")
	var got struct {
		Curl, URL, Body string
		Signature       string `json:"signature_hex"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &got) != nil || !strings.HasPrefix(got.Curl, "curl -sS -X POST http://127.0.0.1:9/zego") ||
		got.URL != "http://127.0.0.1:9/zego" || !strings.Contains(got.Body, got.Signature) || got.Signature == "" {
		t.Fatalf("exit %d: %s", code, out)
	}
}

// Without --to, --dry-run and --curl target the path listen advertises.
func TestSendDryRunHintMatchesListen(t *testing.T) {
	l := newCmdtest(t, cmdOpts{wall: true, env: map[string]string{EnvSecret: sendTestSecret}}).listen()
	banner := l.errOut.String()
	i := strings.Index(banner, "listening on http://")
	rest := banner[i+len("listening on http://"):]
	path := rest[strings.IndexByte(rest, '/'):strings.IndexByte(rest, ' ')]
	e := newCmdtest(t, sendOpts())
	code, _, errOut := e.call("send", "room_login", "--dry-run")
	if code != ExitOK || path != "/" || !strings.Contains(errOut, "the request targets http://127.0.0.1:8080"+path+", where `zegocb listen` receives") {
		t.Fatalf("listen advertises %q; send says: %s", path, errOut)
	}
}
