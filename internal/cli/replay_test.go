package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// The reproduction: listen --save, probe --to that listener, then
// verify the capture. probe's replay/changed-body… checks reuse a nonce and
// signature with another body: listen must call that a possible replay,
// not a retry, and count it; verify must WARN (FAIL with --strict).
func TestReplayAcrossListenProbeVerify(t *testing.T) {
	capPath := filepath.Join(t.TempDir(), "c.jsonl")
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--save", capPath, "-q")
	p := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
	p.f.Nonce = callback.NewNonce // as in production: a fixed nonce would make every request a replay
	if code, _, errOut := p.call("probe", "--to", l.url("/"), "--events", "stream_create"); code != 0 {
		t.Fatalf("probe exit %d: %s", code, errOut)
	}
	if code := l.stop(); code != 0 {
		t.Fatalf("listen exit %d", code)
	}
	out := l.out.String()
	if !strings.Contains(out, "same nonce, different body: possible replay") {
		t.Errorf("listen shows no possible replay:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "room=replayed-") && strings.Contains(line, "retry") {
			t.Errorf("a replay labelled as a retry: %s", line)
		}
	}
	if errOut := l.errOut.String(); !strings.Contains(errOut, "1 redelivery, 1 possible replay (same nonce, different body)") {
		t.Errorf("listen's summary lacks the replay count: %s", errOut)
	}

	v := newCmdtest(t, cmdOpts{env: lsEnv})
	code, vout, _ := v.call("verify", capPath)
	if code != 1 { // probe's forged signatures fail
		t.Fatalf("verify exit %d:\n%s", code, vout)
	}
	var replays int
	for _, line := range strings.Split(vout, "\n") {
		if strings.Contains(line, "possible replay or tampering") {
			replays++
			if !strings.Contains(line, "\tWARN\t") {
				t.Errorf("a replay is not WARN: %s", line)
			}
		}
		if strings.Contains(line, "re-delivery of") && strings.Contains(line, "possible replay") {
			t.Errorf("both a re-delivery and a replay: %s", line)
		}
	}
	if replays != 1 || !strings.Contains(vout, "1 warned, 1 re-delivery, 1 possible replay") {
		t.Errorf("verify: %d replay rows:\n%s", replays, vout)
	}
	v = newCmdtest(t, cmdOpts{env: lsEnv})
	_, vout, _ = v.call("verify", "--strict", capPath)
	if !strings.Contains(vout, "\tFAIL\tsame nonce and signature as ") {
		t.Errorf("--strict: a replay does not FAIL:\n%s", vout)
	}
}

// verify reads `listen -o json` lines: it checks the payload each holds,
// with the age measured from received_at, and re-deliveries among them.
func TestVerifyReadsListenJSONLines(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-o", "json")
	good := lsSigned(t, "stream_create", lsSecret)
	bad := lsSigned(t, "room_login", "wrong-secret")
	p, _ := callback.ParseJSON(lsSigned(t, "record", lsSecret))
	lsPost(t, l.url("/"), "application/json", good)
	lsPost(t, l.url("/"), "application/json", bad)
	lsPost(t, l.url("/"), "application/x-www-form-urlencoded", p.Form())
	lsPost(t, l.url("/"), "application/json", good) // a retry
	lsPost(t, l.url("/"), "application/json", []byte("not a callback"))
	l.stop()
	lines := l.out.String()
	if n := strings.Count(lines, "\n"); n != 5 {
		t.Fatalf("%d listen lines:\n%s", n, lines)
	}
	v := newCmdtest(t, cmdOpts{env: lsEnv, stdin: lines})
	code, out, errOut := v.call("verify", "-")
	if code != ExitUsage { // the last line's body is unreadable
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, want := range []string{
		"stdin:1\tstream_create\tPASS\t",
		"stdin:2\troom_login\tFAIL\tsignature: signature does not match",
		"stdin:3\trecord\tPASS\t",
		"stdin:4\tstream_create\tPASS\tnote: re-delivery of stdin:1",
		"stdin:5\t-\tFAIL\tunreadable: captured body: neither JSON nor a form body",
		"3 passed, 2 failed, 0 warned, 1 unreadable, 1 re-delivery",
	} {
		if i >= len(rows) || !strings.HasPrefix(rows[i], want) {
			t.Errorf("row %d: want %q:\n%s", i+1, want, out)
		}
	}
	// --max-age measures from received_at: these were received just now,
	// though their timestamps are old.
	v = newCmdtest(t, cmdOpts{env: lsEnv, stdin: lines, wall: true})
	_, out, _ = v.call("verify", "--max-age", "1h", "-")
	if !strings.Contains(out, "(relative to received_at)") {
		t.Errorf("--max-age does not use received_at:\n%s", out)
	}
}
