package cli

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/signature"
)

// hygieneSecret is distinctive so any leak, whole or in part, is found.
const hygieneSecret = "zcb-HYGIENE-7f3a91c4e2-SECRET"

// hygieneServerSecret is $ZEGO_SERVER_SECRET, used only to explain mismatches.
const hygieneServerSecret = "zcb-SERVERSIDE-0b9d27e5aa"

// secretFragments are the pieces whose appearance anywhere counts as a leak.
var secretFragments = []string{hygieneSecret, "HYGIENE-7f3a91c4e2", "7f3a91c4e2-SECRET", hygieneServerSecret, "SERVERSIDE-0b9d27e5aa"}

// secretSource is one way of supplying the secret.
type secretSource struct {
	name string
	// setup returns the extra global args and stdin for a run.
	setup func(t *testing.T, e *cmdtest) []string
	// warns is the warning the source must print ("" for none).
	warns string
}

func secretSources(content string) []secretSource {
	return []secretSource{
		{name: "env", setup: func(t *testing.T, e *cmdtest) []string {
			e.env = map[string]string{EnvSecret: strings.TrimRight(content, "\n")}
			return nil
		}},
		{name: "secret-file", setup: func(t *testing.T, e *cmdtest) []string {
			e.env = map[string]string{}
			p := filepath.Join(t.TempDir(), "secret")
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"--secret-file", p}
		}},
		{name: "secret-file-stdin", setup: func(t *testing.T, e *cmdtest) []string {
			e.env = map[string]string{}
			e.in.Reset()
			e.in.WriteString(content)
			return []string{"--secret-file", "-"}
		}},
		{name: "secret-flag", warns: "warning: --secret leaks into shell history and `ps`", setup: func(t *testing.T, e *cmdtest) []string {
			e.env = map[string]string{}
			return []string{"--secret", strings.TrimRight(content, "\n")}
		}},
	}
}

// secretEndpoint verifies every request with hygieneSecret and records
// whether it verified; its answers are what a correct receiver sends.
type secretEndpoint struct {
	mu       sync.Mutex
	verified int
	rejected int
	h        *listen.Handler
}

func newSecretEndpoint(t *testing.T) (*secretEndpoint, string) {
	ep := &secretEndpoint{}
	ep.h = listen.NewHandler(listen.Config{Secret: hygieneSecret}, func(ev listen.Event) {
		ep.mu.Lock()
		defer ep.mu.Unlock()
		if ev.Sig == listen.SigOK {
			ep.verified++
		} else {
			ep.rejected++
		}
	})
	srv := httptest.NewServer(ep.h)
	t.Cleanup(srv.Close)
	return ep, srv.URL + "/zego/callback"
}

func assertNoSecret(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, frag := range secretFragments {
		if bytes.Contains(b, []byte(frag)) {
			i := bytes.Index(b, []byte(frag))
			lo, hi := max(0, i-80), min(len(b), i+80)
			t.Errorf("the secret leaked into %s: …%s…", what, b[lo:hi])
			return
		}
	}
}

// TestSecretNeverPrinted runs every command with the secret supplied every
// way and looks for it in stdout, stderr, error messages and written files.
func TestSecretNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	payload := filepath.Join(dir, "payload.json")
	if err := os.WriteFile(payload, mustEvent(t, "stream_create").Sample(callback.SampleOptions{}).JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, url := newSecretEndpoint(t)
	// An endpoint that echoes what it was sent, headers included.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("X-Token"))
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "you sent X-Token %s", r.Header.Get("X-Token"))
	}))
	defer echo.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	cmds := []secretCmdCase{
		{"events-signed", []string{"events", "stream_create", "--signed"}, ExitOK},
		{"events-signed-json", []string{"events", "room_login", "--signed", "-o", "json"}, ExitOK},
		{"sign-inputs", []string{"sign", "--timestamp", "1470820198", "--nonce", "123412"}, ExitOK},
		{"sign-inputs-json", []string{"sign", "--timestamp", "1470820198", "--nonce", "123412", "-o", "json"}, ExitOK},
		{"sign-payload", []string{"sign", payload}, ExitOK},
		{"sign-missing-file", []string{"sign", filepath.Join(dir, "nope.json")}, ExitUsage},
		{"send-verbose", []string{"send", "stream_create", "--to", url, "-v"}, ExitOK},
		{"send-json", []string{"send", "mix_start", "--to", url, "-o", "json"}, ExitOK},
		{"send-secret-in-header", []string{"send", "record", "--to", url, "-v", "-H", "X-Token: " + hygieneSecret}, ExitOK},
		{"send-form-verbose", []string{"send", "room_login", "--form", "--to", url, "-v", "-o", "json"}, ExitOK},
		{"send-dry-run", []string{"send", "stream_close", "--dry-run"}, ExitOK},
		{"send-curl", []string{"send", "stream_close", "--curl"}, ExitOK},
		{"send-builtin", []string{"send", "mix_stop", "-v"}, ExitOK},
		{"send-unreachable", []string{"send", "stream_create", "--to", deadURL, "--no-retry", "-v"}, ExitTransport},
		{"send-echo-verbose", []string{"send", "stream_create", "--to", echo.URL, "-H", "X-Token: " + hygieneSecret, "--no-retry", "-v"}, ExitCheckFailed},
		{"send-echo-json", []string{"send", "stream_create", "--to", echo.URL, "-H", "X-Token: " + hygieneSecret, "--no-retry", "-o", "json"}, ExitCheckFailed},
		{"probe-echo", []string{"probe", "--to", echo.URL, "-H", "X-Token: " + hygieneSecret, "--events", "record"}, ExitCheckFailed},
		{"send-load", []string{"send", "stream_create", "--to", url, "-n", "20", "-c", "4", "-o", "json"}, ExitOK},
		{"probe", []string{"probe", "--to", url, "--events", "stream_create,record", "-v"}, ExitOK},
		{"probe-json", []string{"probe", "--to", url, "--events", "room_login", "-o", "json", "--junit", filepath.Join(dir, "junit.xml")}, ExitOK},
	}
	cmds = append(cmds, offlineSecretCases(t, dir)...)

	for _, src := range secretSources(hygieneSecret + "\n") {
		for _, c := range cmds {
			t.Run(src.name+"/"+c.name, func(t *testing.T) {
				e := newCmdtest(t, sendOpts())
				global := src.setup(t, e)
				e.env[EnvServerSecret] = hygieneServerSecret
				args := append(append([]string{}, c.args...), global...)
				code := e.run(args...)
				if code != c.exit {
					t.Errorf("exit %d, want %d\nstderr: %s", code, c.exit, clipOut(e.errOut.String()))
				}
				assertNoSecret(t, "stdout", e.out.Bytes())
				assertNoSecret(t, "stderr", e.errOut.Bytes())
				// The secret is resolved when it is needed: a run that fails
				// before that has nothing to warn about.
				if src.warns != "" && code == ExitOK && !strings.Contains(e.errOut.String(), src.warns) {
					t.Errorf("no %q on stderr:\n%s", src.warns, clipOut(e.errOut.String()))
				}
				if src.warns == "" && strings.Contains(e.errOut.String(), "warning: --secret") {
					t.Errorf("a --secret warning without --secret:\n%s", e.errOut.String())
				}
			})
		}
	}
	// Files the commands wrote (JUnit reports, captures) hold no secret either.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range entries {
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err == nil {
			assertNoSecret(t, de.Name(), b)
		}
	}
}

type secretCmdCase struct {
	name string
	args []string
	exit int
}

// offlineSecretCases are verify's cases (decode never resolves a secret).
// The payload is signed
// with the server secret, so verify fails it and explains the mismatch (the
// path most likely to quote a secret).
func offlineSecretCases(t *testing.T, dir string) []secretCmdCase {
	e := mustEvent(t, "stream_create")
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, hygieneServerSecret, "1700000000", testNonce)
	lines := filepath.Join(dir, "captures.jsonl")
	if err := os.WriteFile(lines, append(p.JSON(), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	return []secretCmdCase{
		{"verify-mismatch", []string{"verify", lines, "-v"}, ExitCheckFailed},
		{"verify-mismatch-json", []string{"verify", lines, "-o", "json"}, ExitCheckFailed},
	}
}

// A secret file ending in a newline signs exactly like the bare secret; one
// ending in spaces is used as is, and warned about.
func TestSecretFileWhitespace(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		verifies      bool
		warn          string
	}{
		{"trailing newline", hygieneSecret + "\n", true, ""},
		{"trailing CRLF", hygieneSecret + "\r\n", true, ""},
		{"trailing spaces", hygieneSecret + "  \n", false, "has leading or trailing whitespace"},
		{"leading tab", "\t" + hygieneSecret, false, "has leading or trailing whitespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, src := range secretSources(tc.content)[1:3] { // the two --secret-file ways
				ep, url := newSecretEndpoint(t)
				e := newCmdtest(t, sendOpts())
				args := append([]string{"send", "stream_create", "--to", url, "--no-retry"}, src.setup(t, e)...)
				code := e.run(args...)
				stderr := e.errOut.String()
				assertNoSecret(t, "stderr", e.errOut.Bytes())
				assertNoSecret(t, "stdout", e.out.Bytes())
				ep.mu.Lock()
				verified, rejected := ep.verified, ep.rejected
				ep.mu.Unlock()
				if tc.verifies {
					if code != ExitOK || verified != 1 || rejected != 0 {
						t.Errorf("%s: exit %d, %d verified, %d rejected; want the signature to verify\n%s", src.name, code, verified, rejected, stderr)
					}
				} else if verified != 0 || rejected != 1 {
					t.Errorf("%s: %d verified, %d rejected; the whitespace is part of the secret, so it must not verify", src.name, verified, rejected)
				}
				if tc.warn == "" && strings.Contains(stderr, "warning:") {
					t.Errorf("%s: unexpected warning:\n%s", src.name, stderr)
				}
				if tc.warn != "" && !strings.Contains(stderr, tc.warn) {
					t.Errorf("%s: no %q warning:\n%s", src.name, tc.warn, stderr)
				}
			}
		})
	}
}

// Verify compares exactly: the right digest in another case or length is
// refused. (That the comparison takes constant time is a code-review fact:
// signature.Verify hands both 40-byte strings to subtle.ConstantTimeCompare.)
func TestVerifyRejectsNearMisses(t *testing.T) {
	const ts, nonce = "1470820198", "123412"
	good := signature.Sign(hygieneSecret, ts, nonce)
	if !signature.Verify(hygieneSecret, ts, nonce, good) {
		t.Fatal("the right signature does not verify")
	}
	for name, sig := range map[string]string{
		"uppercase":       strings.ToUpper(good),
		"one upper":       strings.ToUpper(good[:1]) + good[1:],
		"short":           good[:39],
		"long":            good + "0",
		"empty":           "",
		"trailing space":  good + " ",
		"trailing NUL":    good + "\x00",
		"last digit":      good[:39] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[39])+1)%16]),
		"raw digest":      good[:20],
		"double":          good + good,
		"secret as input": hygieneSecret,
	} {
		if signature.Verify(hygieneSecret, ts, nonce, sig) {
			t.Errorf("%s: Verify accepted %q", name, sig)
		}
	}
	if strings.ToUpper(good) == good {
		t.Fatal("the test needs a signature with letters")
	}
}

func mustEvent(t *testing.T, name string) *callback.Event {
	t.Helper()
	e, ok := callback.Default().Lookup(name)
	if !ok {
		t.Fatalf("no event %s", name)
	}
	return e
}

// listen --save with the secret supplied every way, and a send to it that
// carries the secret in a header: neither side prints it, the capture file
// does not hold it, and the file is private (0600).
func TestSecretNeverPrintedListen(t *testing.T) {
	for _, src := range secretSources(hygieneSecret + "\n") {
		for _, mode := range [][]string{{"-v"}, {"-o", "json"}, {"-q"}} {
			t.Run(src.name+"/"+strings.Join(mode, ""), func(t *testing.T) {
				e := newCmdtest(t, sendOpts())
				global := src.setup(t, e)
				e.env[EnvServerSecret] = hygieneServerSecret
				capPath := filepath.Join(t.TempDir(), "cap.jsonl")
				l := e.listen(append(append([]string{"--save", capPath}, mode...), global...)...)
				url := l.url("/zego")

				s := newCmdtest(t, sendOpts())
				sargs := append([]string{"send", "stream_create", "--to", url, "-v",
					"-H", "X-Token: " + hygieneSecret, "-H", "Authorization: Bearer " + hygieneSecret, "-H", "X-Trace: t1"}, src.setup(t, s)...)
				if c := s.run(sargs...); c != ExitOK {
					t.Errorf("send exit %d: %s", c, s.errOut.String())
				}
				// A bad signature too: the explanation must not quote the secret.
				bad := mustEvent(t, "room_login").Sample(callback.SampleOptions{})
				mustEvent(t, "room_login").Stamp(bad, hygieneSecret+" ", "1687981272", "42")
				// And one signed with the other console secret: explained by name only.
				other := mustEvent(t, "stream_close").Sample(callback.SampleOptions{})
				mustEvent(t, "stream_close").Stamp(other, hygieneServerSecret, "1687981272", "43")
				for _, b := range [][]byte{bad.JSON(), other.JSON()} {
					resp, err := http.Post(url, "application/json", bytes.NewReader(b))
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
				}
				if c := l.stop(); c != ExitOK {
					t.Errorf("listen exit %d: %s", c, e.errOut.String())
				}
				out, errOut := e.out, e.errOut
				assertNoSecret(t, "listen stdout", []byte(out.String()))
				assertNoSecret(t, "listen stderr", []byte(errOut.String()))
				assertNoSecret(t, "send stdout", s.out.Bytes())
				assertNoSecret(t, "send stderr", s.errOut.Bytes())
				if src.warns != "" && mode[0] != "-q" && !strings.Contains(errOut.String(), src.warns) { // -q silences warnings
					t.Errorf("listen printed no %q:\n%s", src.warns, errOut.String())
				}
				data, err := os.ReadFile(capPath)
				if err != nil {
					t.Fatal(err)
				}
				assertNoSecret(t, "the capture file", data)
				if n := bytes.Count(data, []byte("\n")); n != 3 {
					t.Errorf("%d capture lines, want 3", n)
				}
				if mode[0] != "-q" && !strings.Contains(out.String(), "other_secret") && !strings.Contains(out.String(), "ServerSecret") {
					t.Errorf("the ServerSecret signature was not explained:\n%s", out.String())
				}
				for _, h := range []string{"X-Token", "Authorization"} {
					if bytes.Contains(data, []byte(`"`+h+`"`)) {
						t.Errorf("the capture kept the %s header", h)
					}
				}
				if !bytes.Contains(data, []byte(`"X-Trace":["t1"]`)) {
					t.Errorf("the capture lost an innocent header:\n%s", data)
				}
				if fi, err := os.Stat(capPath); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("capture file mode %v (%v), want 0600", fi.Mode().Perm(), err)
				}
			})
		}
	}
}
