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
