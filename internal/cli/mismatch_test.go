package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// Under -v a signature mismatch shows the digest expected with the
// configured secret and the sorted string hashed, the secret masked; the
// secret itself never.
func TestMismatchUnderVerboseShowsExpectedDigest(t *testing.T) {
	const secret, other, ts, nonce = "zz-configured-secret", "senders-secret", "1741944413", "123412"
	e := mustEvent(t, "stream_create")
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, other, ts, nonce)
	body := p.JSON()
	want := signature.Sign(secret, ts, nonce)
	sorted := `"123412" + "1741944413" + <secret>`
	env := map[string]string{EnvSecret: secret}

	path := filepath.Join(t.TempDir(), "c.jsonl")
	if err := os.WriteFile(path, append(body, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCmdtest(t, cmdOpts{env: env})
	code, out, _ := c.call("verify", "-v", path)
	if code != ExitCheckFailed {
		t.Fatalf("verify exit %d: %s", code, out)
	}
	for _, s := range []string{"expected signature " + want + " with the configured secret ($ZEGO_CALLBACK_SECRET), got \"" + signature.Sign(other, ts, nonce) + "\"", "hashed: sha1 of " + sorted} {
		if !strings.Contains(out, s) {
			t.Errorf("verify -v lacks %q:\n%s", s, out)
		}
	}
	// Without -v, none of it.
	c = newCmdtest(t, cmdOpts{env: env})
	if _, out, _ := c.call("verify", path); strings.Contains(out, want) || strings.Contains(out, "hashed:") {
		t.Errorf("verify without -v explains:\n%s", out)
	}

	l := newCmdtest(t, cmdOpts{env: env, wall: true}).listen("-v")
	if status, _ := lsPost(t, l.url("/"), "application/json", body); status != 401 {
		t.Fatalf("listen answered %d", status)
	}
	l.stop()
	lout := l.out.String()
	for _, s := range []string{"expected signature " + want + " with the configured secret", "hashed: sha1 of " + sorted} {
		if !strings.Contains(lout, s) {
			t.Errorf("listen -v lacks %q:\n%s", s, lout)
		}
	}
	for what, b := range map[string]string{"verify": out, "listen": lout, "listen stderr": l.errOut.String()} {
		if strings.Contains(b, secret) {
			t.Errorf("%s shows the secret", what)
		}
	}
}
