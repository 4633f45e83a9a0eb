package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
	"github.com/zegocb/zegocb/internal/ui"
)

const lsSecret = "listen-golden-secret"

func lsPost(t *testing.T, url, ctype string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func lsFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "listen", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// lsSigned returns a freshly signed sample of event.
func lsSigned(t *testing.T, event, secret string) []byte {
	t.Helper()
	e, ok := callback.Default().Lookup(event)
	if !ok {
		t.Fatalf("no event %s", event)
	}
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, secret, "1741944413", callback.NewNonce())
	return p.JSON()
}

func lsJSONLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("-o json line does not parse: %v\n%s", err, line)
		}
		rows = append(rows, m)
	}
	return rows
}

var lsEnv = map[string]string{EnvSecret: lsSecret}

func TestListenSignedJSONAndForm(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json")
	body := lsFixture(t, "stream_close")
	if status, answer := lsPost(t, l.url("/zego"), "application/json", body); status != 200 || answer != "1" {
		t.Fatalf("JSON: %d %q", status, answer)
	}
	p, err := callback.ParseJSON(lsFixture(t, "room_login"))
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := lsPost(t, l.url("/zego"), "application/x-www-form-urlencoded", p.Form()); status != 200 {
		t.Fatalf("form: %d", status)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	rows := lsJSONLines(t, l.out.String())
	if len(rows) != 2 {
		t.Fatalf("want 2 events, got %d:\n%s", len(rows), l.out.String())
	}
	for i, want := range []struct{ event, format string }{{"stream_close", "json"}, {"room_login", "form"}} {
		r := rows[i]
		if r["kind"] != "callback" || r["event"] != want.event || r["format"] != want.format || r["signature"] != "ok" || r["signature_reason"] != "ok" ||
			r["answer"].(map[string]any)["status"] != 200.0 || r["delivery"] != 1.0 || r["seq"] != float64(i+1) || r["path"] != "/zego" || r["known"] != true {
			t.Errorf("event %d: %v", i, r)
		}
		for _, k := range []string{"received_at", "latency_ms", "remote_addr", "problems", "payload"} {
			if _, ok := r[k]; !ok {
				t.Errorf("event %d: no %q", i, k)
			}
		}
	}
	// The payload keeps the body's exact numbers (no float64 round trip).
	if !strings.Contains(l.out.String(), `"room_session_id":6486028222912013408`) {
		t.Errorf("payload lost the exact room_session_id:\n%s", l.out.String())
	}
	if !strings.Contains(l.errOut.String(), "stopped: 2 events, 0 bad signatures, 0 failure answers, 0 redeliveries") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

func TestListenBadSignature(t *testing.T) {
	// A secret file that ends in a blank line is the classic mistake.
	l := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: lsSecret + "\n"}, wall: true}).listen()
	status, answer := lsPost(t, l.url("/"), "application/json", lsFixture(t, "record"))
	if status != http.StatusUnauthorized || answer != "invalid signature" {
		t.Fatalf("answer %d %q", status, answer)
	}
	l.stop()
	out := l.out.String()
	for _, want := range []string{"sig bad (secret_whitespace)", "→ 401", "signature: matches once trailing whitespace is removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(l.errOut.String(), "1 bad signature") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

func TestListenAcceptInvalid(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: "another-secret"}, wall: true}).listen("--accept-invalid", "-q")
	if status, _ := lsPost(t, l.url("/"), "application/json", lsFixture(t, "record")); status != 200 {
		t.Fatalf("status %d", status)
	}
	l.stop()
	if out := l.out.String(); !strings.Contains(out, "sig bad (mismatch)") || !strings.Contains(out, "→ 200") {
		t.Errorf("output: %s", out)
	}
}

func TestListenRejectsAndLimits(t *testing.T) {
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--max-body", "100", "--path", "/cb", "--save", capPath)
	if status, _ := lsPost(t, l.url("/cb"), "application/json", bytes.Repeat([]byte("x"), 101)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize: %d", status)
	}
	if status, _ := lsPost(t, l.url("/other"), "application/json", []byte("{}")); status != http.StatusNotFound {
		t.Errorf("wrong path: %d", status)
	}
	resp, err := http.Get(l.url("/cb"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	// A body that does not parse is answered 400 and, unlike the above, captured.
	if status, answer := lsPost(t, l.url("/cb"), "application/json", []byte(`{"event":`)); status != 400 || !strings.Contains(answer, "bad request") {
		t.Errorf("garbage: %d %q", status, answer)
	}
	l.stop()
	lines := lsReadCapture(t, capPath)
	if len(lines) != 1 || lines[0].Answer.Status != 400 {
		t.Fatalf("capture holds %d lines, want only the 400 one: %+v", len(lines), lines)
	}
	out := l.out.String()
	for _, want := range []string{"POST /cb  → 413", "POST /other  → 404", "GET /cb  → 405", "(unparseable body)", "parse error:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestListenSlowClientCutOff(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--read-header-timeout", "50ms")
	conn, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Half a request, then silence: the server must hang up.
	if _, err := conn.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a safety net, not an assertion
	b, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a slow client's connection open")
	}
	if strings.HasPrefix(string(b), "HTTP/1.1 2") {
		t.Fatalf("a half-sent request was answered: %q", b)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestListenRedeliveryLabelled(t *testing.T) {
	clock := &testClock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
	l := newCmdtest(t, cmdOpts{env: lsEnv, clock: clock}).listen("-o", "json")
	body := lsFixture(t, "room_login")
	gaps := []time.Duration{2100 * time.Millisecond, 3900 * time.Millisecond}
	lsPost(t, l.url("/"), "application/json", body)
	for _, g := range gaps {
		clock.Add(g)
		lsPost(t, l.url("/"), "application/json", body)
	}
	l.stop()
	rows := lsJSONLines(t, l.out.String())
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, want := range []struct{ delivery, since, drift float64 }{{2, 2100, 100}, {3, 3900, -100}} {
		r := rows[i+1]
		if r["delivery"] != want.delivery || r["since_prev_ms"] != want.since || r["drift_ms"] != want.drift {
			t.Errorf("row %d: delivery %v since %v drift %v, want %+v", i+1, r["delivery"], r["since_prev_ms"], r["drift_ms"], want)
		}
	}
	if _, ok := rows[0]["since_prev_ms"]; ok {
		t.Error("a first delivery has since_prev_ms")
	}
	if !strings.Contains(l.errOut.String(), "2 redeliveries") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

func TestListenFailFirstWithDeliver(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--fail-first", "2", "-q")
	res, err := deliver.Deliver(context.Background(), deliver.Request{
		URL:    l.url("/"),
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   lsSigned(t, "mix_start", lsSecret),
	}, deliver.Options{Schedule: deliver.ZEGOSchedule, Scale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Delivered || len(res.Attempts) != 3 {
		t.Fatalf("delivered %v after %d attempts, want attempt 3", res.Delivered, len(res.Attempts))
	}
	for i, want := range []int{500, 500, 200} {
		if res.Attempts[i].Status != want {
			t.Errorf("attempt %d: %d, want %d", i+1, res.Attempts[i].Status, want)
		}
	}
	// A different callback gets its own two failures.
	if status, answer := lsPost(t, l.url("/"), "application/json", lsSigned(t, "mix_start", lsSecret)); status != 500 || answer != "simulated failure 1 of 2" {
		t.Errorf("new callback: %d %q", status, answer)
	}
	l.stop()
	out := l.out.String()
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("-q printed %d lines, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, "retry 2 of 5") || !strings.Contains(l.errOut.String(), "3 failure answers") {
		t.Errorf("output:\n%s\n%s", out, l.errOut.String())
	}
}

func TestListenStatusAndReply(t *testing.T) {
	l := newCmdtest(t, cmdOpts{wall: true}).listen("--status", "503")
	if status, answer := lsPost(t, l.url("/"), "application/json", lsSigned(t, "record", "x")); status != 503 || !strings.Contains(answer, "simulated failure") {
		t.Errorf("--status 503: %d %q", status, answer)
	}
	l.stop()
	if !strings.Contains(l.errOut.String(), "signature: NOT checked: no secret configured") {
		t.Errorf("readiness: %s", l.errOut.String())
	}

	l = newCmdtest(t, cmdOpts{wall: true}).listen("--status", "202", "--reply", "ok")
	if status, answer := lsPost(t, l.url("/"), "application/json", lsSigned(t, "record", "x")); status != 202 || answer != "ok" {
		t.Errorf("--status 202 --reply ok: %d %q", status, answer)
	}
}

type lsCaptured struct {
	*capture.Record
	raw []byte
}

func lsReadCapture(t *testing.T, path string) []lsCaptured {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []lsCaptured
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 4<<20)
	for n := 1; sc.Scan(); n++ {
		rec, err := capture.Parse(sc.Bytes())
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		raw, err := rec.RawBody()
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, lsCaptured{rec, raw})
	}
	return out
}

func TestListenCaptureReadBack(t *testing.T) {
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--save", capPath, "-q")
	var sent [][]byte
	for _, ev := range []string{"stream_create", "stream_close", "mix_start", "room_logout", "snapshot"} {
		b := lsSigned(t, ev, lsSecret)
		sent = append(sent, b)
		if status, _ := lsPost(t, l.url("/zego?x=1"), "application/json", b); status != 200 {
			t.Fatalf("%s: %d", ev, status)
		}
	}
	p, _ := callback.ParseJSON(lsSigned(t, "record", lsSecret))
	sent = append(sent, p.Form())
	lsPost(t, l.url("/zego"), "application/x-www-form-urlencoded", p.Form())
	bad := lsSigned(t, "record", "wrong-secret")
	sent = append(sent, bad)
	if status, _ := lsPost(t, l.url("/zego"), "application/json", bad); status != 401 {
		t.Fatalf("bad signature: %d", status)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	info, err := os.Stat(capPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("capture file mode %v, want 0600", info.Mode().Perm())
	}
	recs := lsReadCapture(t, capPath)
	if len(recs) != len(sent) {
		t.Fatalf("%d capture lines, want %d", len(recs), len(sent))
	}
	for i, rec := range recs {
		if !bytes.Equal(rec.raw, sent[i]) {
			t.Errorf("line %d: body not byte-exact", i+1)
		}
		if rec.Method != "POST" || !strings.HasPrefix(rec.Path, "/zego") || rec.Answer == nil || rec.RemoteAddr == "" {
			t.Errorf("line %d: %+v", i+1, rec.Record)
		}
		p, err := callback.Parse(rec.raw, rec.ContentType())
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		in := callback.SignatureInput(nil, p, lsSecret)
		ok := signature.Verify(lsSecret, in.Timestamp, in.Nonce, in.Signature)
		last := i == len(recs)-1
		if ok == last || (rec.Answer.Status == 200) == last {
			t.Errorf("line %d: verifies %v, answer %d", i+1, ok, rec.Answer.Status)
		}
	}
	if !strings.Contains(l.errOut.String(), "7 lines saved to "+capPath) {
		t.Errorf("summary: %s", l.errOut.String())
	}
	// The capture is what verify reads: six good callbacks and one
	// signed with another secret, reported on line 7.
	code, stdout, stderr := newCmdtest(t, cmdOpts{env: lsEnv}).call("verify", capPath)
	if code != 1 || !strings.Contains(stdout, "6 passed, 1 failed") || !strings.Contains(stdout, "cap.jsonl:7") {
		t.Errorf("verify the capture: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, rec := range recs {
		for k, vs := range rec.Headers {
			for _, v := range vs {
				if strings.Contains(v, lsSecret) {
					t.Errorf("header %s leaks the secret", k)
				}
			}
		}
	}
}

func TestListenCaptureFailureIs500(t *testing.T) {
	dir := t.TempDir()
	// A directory cannot be opened for writing: --save fails up front.
	if code := newCmdtest(t, cmdOpts{}).run("listen", "--addr", "127.0.0.1:0", "--save", dir); code != ExitUsage {
		t.Fatalf("--save DIR: exit %d", code)
	}
	// A file that stops accepting writes (here: /dev/full) turns the answer into 500.
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--save", "/dev/full")
	if status, answer := lsPost(t, l.url("/"), "application/json", lsFixture(t, "record")); status != 500 || !strings.Contains(answer, "capture failed") {
		t.Fatalf("answer %d %q", status, answer)
	}
	l.stop()
	if !strings.Contains(l.out.String(), "capture: write failed") || !strings.Contains(l.errOut.String(), "1 write failed") {
		t.Errorf("output:\n%s\n%s", l.out.String(), l.errOut.String())
	}
}

func TestListenPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	code, _, msg := newCmdtest(t, cmdOpts{}).call("listen", "--addr", addr)
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d", code, ExitUsage)
	}
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, addr) || !strings.Contains(msg, "--addr 127.0.0.1:0") {
		t.Fatalf("error: %q", msg)
	}
}

func TestListenForward(t *testing.T) {
	var calls atomic.Int32
	seen := make(chan http.Header, 16)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		if !bytes.Contains(b, []byte(`"event":"stream_create"`)) {
			t.Errorf("forwarded body: %s", b)
		}
		seen <- r.Header.Clone()
		if n == 1 {
			http.Error(w, "db down", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "1")
	}))
	defer app.Close()

	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--forward-to", app.URL+"/hook", "--retry-scale", "0.001", "-o", "json")
	body := lsSigned(t, "stream_create", lsSecret)
	// The first attempt is synchronous: the sender sees the app's answer.
	if status, answer := lsPost(t, l.url("/"), "application/json", body); status != 500 || !strings.Contains(answer, "db down") {
		t.Fatalf("first answer %d %q", status, answer)
	}
	// The background retry delivers it.
	for _, want := range []string{"1", "2"} {
		h := <-seen
		if h.Get(listen.DeliveryHeader) != want || h.Get("Content-Type") != "application/json" {
			t.Errorf("forward %s: headers %v", want, h)
		}
	}
	lsWaitFor(t, l.out, `"kind":"forward_attempt"`)
	// The sender's own retry is answered from the chain, not forwarded again.
	if status, answer := lsPost(t, l.url("/"), "application/json", body); status != 200 || answer != "1" {
		t.Fatalf("redelivery answer %d %q", status, answer)
	}
	// A bad signature is not forwarded at all.
	if status, _ := lsPost(t, l.url("/"), "application/json", lsSigned(t, "stream_create", "forged")); status != 401 {
		t.Fatalf("forged: %d", status)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the app got %d requests, want 2", n)
	}
	rows := lsJSONLines(t, l.out.String())
	var kinds []string
	for _, r := range rows {
		kinds = append(kinds, r["kind"].(string))
	}
	if strings.Join(kinds, ",") != "callback,forward_attempt,callback,callback" {
		t.Fatalf("kinds %v", kinds)
	}
	first := rows[0]["forward"].(map[string]any)
	if first["redelivery"] != false || first["retrying"] != true || first["attempt"].(map[string]any)["status"] != 500.0 {
		t.Errorf("first forward: %v", first)
	}
	retry := rows[1]
	if retry["final"] != true || retry["attempt"].(map[string]any)["attempt"] != 2.0 || retry["attempt"].(map[string]any)["status"] != 200.0 {
		t.Errorf("background attempt: %v", retry)
	}
	again := rows[2]["forward"].(map[string]any)
	if again["redelivery"] != true || again["delivered"] != true {
		t.Errorf("redelivery: %v", again)
	}
	if _, ok := rows[3]["forward"]; ok {
		t.Error("a forged callback was forwarded")
	}
	if !strings.Contains(l.errOut.String(), "forwarded 1: 1 delivered, 0 gave up, 0 abandoned") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

func TestListenForwardUnreachable(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	// Retries are abandoned at shutdown (the schedule at full scale is a minute long).
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--forward-to", deadURL)
	status, answer := lsPost(t, l.url("/"), "application/json", lsSigned(t, "room_create", lsSecret))
	if status != http.StatusBadGateway || !strings.Contains(answer, "forward failed") {
		t.Fatalf("answer %d %q", status, answer)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if out := l.out.String(); !strings.Contains(out, "unreachable") || !strings.Contains(out, "retrying in the background in 2.00s") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(l.errOut.String(), "forwarded 1: 0 delivered, 0 gave up, 1 abandoned") {
		t.Errorf("summary: %s", l.errOut.String())
	}
}

// lsWaitFor polls the output until it holds s (the printer is asynchronous).
func lsWaitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("output never showed %q:\n%s", s, b.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestListenFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // "" = ok
	}{
		{"defaults", nil, ""},
		{"bad addr", []string{"--addr", "8080"}, "invalid --addr"},
		{"bad path", []string{"--path", "zego"}, "must start with /"},
		{"max body units", []string{"--max-body", "512KiB"}, ""},
		{"bad max body", []string{"--max-body", "lots"}, "invalid --max-body"},
		{"bad status", []string{"--status", "99"}, "invalid --status"},
		{"forward with status", []string{"--forward-to", "http://127.0.0.1:1/x", "--status", "500"}, "cannot be used together"},
		{"forward with fail-first", []string{"--forward-to", "http://127.0.0.1:1/x", "--fail-first", "1"}, "cannot be used together"},
		{"forward not http", []string{"--forward-to", "ftp://x"}, "invalid --forward-to"},
		{"retry scale alone", []string{"--retry-scale", "0.1"}, "only applies with --forward-to"},
		{"negative fail-first", []string{"--fail-first", "-1"}, "invalid --fail-first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOpts(newCmdtest(t, cmdOpts{}), newListenCmd, tt.args...)
			if tt.want == "" {
				if err != nil || got == nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			var fe *FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want a FlagError with %q", err, tt.want)
			}
		})
	}
	got, err := parseOpts(newCmdtest(t, cmdOpts{}), newListenCmd, "--max-body", "512KiB")
	if err != nil || got.maxBody != 512<<10 || got.Addr != "127.0.0.1:8080" || got.Reply != "1" {
		t.Fatalf("parsed %+v, %v", got, err)
	}
}

// Binding a non-loopback address warns. Tested without binding one: tests
// only ever open loopback ports.
func TestListenNonLoopbackWarns(t *testing.T) {
	for _, tt := range []struct {
		addr string
		warn bool
	}{{"0.0.0.0:8080", true}, {"[::]:8080", true}, {"192.168.1.5:8080", true}, {"127.0.0.1:8080", false}, {"[::1]:8080", false}, {"localhost:8080", false}} {
		ios, _, _, errOut := ui.Test()
		f := New(ios)
		f.Getenv = func(string) string { return "" }
		(&listenOptions{cmdEnv: cmdEnv{IO: f.IO, F: f}}).printReady(tt.addr, SecretNone, false)
		if got := strings.Contains(errOut.String(), "which other machines can reach"); got != tt.warn {
			t.Errorf("%s: warning %v, want %v:\n%s", tt.addr, got, tt.warn, errOut.String())
		}
		if !strings.Contains(errOut.String(), "listening on http://"+tt.addr+"/ (signature: NOT checked: no secret configured)") {
			t.Errorf("%s: readiness line:\n%s", tt.addr, errOut.String())
		}
	}
}

// The try line is a command that works as printed: send refuses a --to
// without a secret, so with none configured (listen checks nothing) it
// carries one.
func TestListenTryLineWorksAsPrinted(t *testing.T) {
	for _, checking := range []bool{false, true} {
		ios, _, _, errOut := ui.Test()
		f := New(ios)
		f.Getenv = func(string) string { return "" }
		(&listenOptions{cmdEnv: cmdEnv{IO: f.IO, F: f}}).printReady("127.0.0.1:8080", SecretNone, checking)
		want := "try: zegocb send stream_create --to http://127.0.0.1:8080/"
		if !checking {
			want = "try: ZEGO_CALLBACK_SECRET=test zegocb send stream_create --to http://127.0.0.1:8080/"
		}
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("checking=%v: want %q in:\n%s", checking, want, errOut.String())
		}
	}
}

// The pretty view, byte for byte, with a frozen clock: piped, on a
// terminal without colour, and on a terminal with colour forced.
func TestListenGolden(t *testing.T) {
	cases := []struct {
		name string
		tty  bool
		args []string
	}{
		{"pretty.pipe", false, nil},
		{"pretty.tty", true, []string{"--color", "never"}},
		{"pretty-color.tty", true, []string{"--color", "always"}},
		{"quiet.pipe", false, []string{"-q"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &testClock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
			l := newCmdtest(t, cmdOpts{env: lsEnv, ttyOut: tc.tty, clock: clock}).listen(tc.args...)
			lsPost(t, l.url("/zego"), "application/json", lsFixture(t, "stream_close"))
			clock.Add(1500 * time.Millisecond)
			lsPost(t, l.url("/zego"), "application/json", lsFixture(t, "record"))
			login := lsFixture(t, "room_login")
			lsPost(t, l.url("/zego"), "application/json", login)
			clock.Add(2300 * time.Millisecond)
			lsPost(t, l.url("/zego"), "application/json", login)
			forged := bytes.Replace(lsFixture(t, "record"), []byte(`"signature":"ee`), []byte(`"signature":"EE`), 1)
			lsPost(t, l.url("/zego"), "application/json", forged)
			lsPost(t, l.url("/zego"), "application/json", []byte(`{"event":"stream_create",`))
			if code := l.stop(); code != 0 {
				t.Fatalf("exit %d", code)
			}
			assertGolden(t, "listen", tc.name, []byte(l.out.String()))
		})
	}
}

func TestListenVerboseShowsScrubbedHeaders(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-v")
	req, _ := http.NewRequest("POST", l.url("/v"), bytes.NewReader(lsFixture(t, "record")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer hunter2")
	req.Header.Set("X-Leak", "prefix-"+lsSecret)
	req.Header.Set("X-Evil", "a\u009b2J\u202eb") // a C1 control and a bidi override
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	l.stop()
	out := l.out.String()
	if !strings.Contains(out, "> Content-Type: application/json") || !strings.Contains(out, "> POST /v from 127.0.0.1:") {
		t.Errorf("-v output lacks the request:\n%s", out)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, lsSecret) {
		t.Errorf("-v output leaks a credential or the secret:\n%s", out)
	}
	if strings.Contains(out, "\u009b") || strings.Contains(out, "\u202e") || !strings.Contains(out, `X-Evil: a\u009b2J\u202eb`) {
		t.Errorf("-v output shows a header's terminal controls raw, or not at all:\n%q", out)
	}
}

// Ctrl-C while a request is in flight (here: waiting for the app it is
// forwarded to): listen stops accepting, lets the request finish, saves and
// answers it, then exits 0 with the summary.
func TestListenShutdownFinishesInFlight(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		io.WriteString(w, "1")
	}))
	defer app.Close()
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--save", capPath, "-q", "--forward-to", app.URL)
	body := lsFixture(t, "stream_close")
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Post(l.url("/"), "application/json", bytes.NewReader(body))
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	<-arrived  // the request is being handled
	l.cancel() // Ctrl-C
	close(release)
	r := <-done
	if r.err != nil || r.status != 200 {
		t.Fatalf("in-flight request: %d %v", r.status, r.err)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if recs := lsReadCapture(t, capPath); len(recs) != 1 || !bytes.Equal(recs[0].raw, body) || recs[0].Answer.Status != 200 {
		t.Fatalf("capture: %+v", recs)
	}
	if !strings.Contains(l.errOut.String(), "stopped: 1 event,") {
		t.Errorf("summary: %s", l.errOut.String())
	}
	if _, err := http.Post(l.url("/"), "application/json", bytes.NewReader(body)); err == nil {
		t.Error("still accepting after shutdown")
	}
}
