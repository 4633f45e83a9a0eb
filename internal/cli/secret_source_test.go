package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

// A secret with surrounding whitespace is warned about once a run, whatever
// its source, and the warning says only what happened: no "trimmed final
// newline" for a file that had none.
func TestSecretWhitespaceWarnedOnceFromEverySource(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		files   map[string]string
		args    []string
		want    string
		notWant string
	}{
		{name: "environment newline", env: map[string]string{EnvSecret: "abc\n"}, want: "$ZEGO_CALLBACK_SECRET has leading or trailing whitespace"},
		{name: "environment spaces", env: map[string]string{EnvSecret: " abc"}, want: "$ZEGO_CALLBACK_SECRET has leading or trailing whitespace"},
		{name: "file without newline", files: map[string]string{"s.txt": "abc "}, args: []string{"--secret-file", "s.txt"},
			want: "the secret in s.txt has leading or trailing whitespace; ZEGO", notWant: "final newline"},
		{name: "file with newline", files: map[string]string{"s.txt": "abc \n"}, args: []string{"--secret-file", "s.txt"},
			want: "after its final newline was trimmed"},
		{name: "flag", args: []string{"--secret", "abc\t"}, want: "the secret given with --secret has leading or trailing whitespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCmdtest(t, cmdOpts{env: tc.env, files: tc.files})
			// send --dry-run resolves the secret more than once on some paths;
			// sign is the reproduction.
			for _, args := range [][]string{{"sign", "--timestamp", "1", "--nonce", "2"}, {"send", "stream_create", "--dry-run"}} {
				c.out.Reset()
				c.errOut.Reset()
				code, _, errOut := c.call(append(args, tc.args...)...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errOut)
				}
				if n := strings.Count(errOut, tc.want); n != 1 {
					t.Errorf("%v: %q said %d times:\n%s", args, tc.want, n, errOut)
				}
				if tc.notWant != "" && strings.Contains(errOut, tc.notWant) {
					t.Errorf("%v: says %q:\n%s", args, tc.notWant, errOut)
				}
				if strings.Contains(errOut, "abc") {
					t.Errorf("%v: the secret is printed:\n%s", args, errOut)
				}
			}
		})
	}
	// A clean secret gets no warning.
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: "abc"}})
	if _, _, errOut := c.call("sign", "--timestamp", "1", "--nonce", "2"); strings.Contains(errOut, "warning") {
		t.Errorf("clean secret warned: %s", errOut)
	}
}

// verify's diagnosis names the secret's real source: an environment secret
// with a trailing newline is not blamed on "the secret file".
func TestVerifyDiagnosisNamesTheSecretSource(t *testing.T) {
	e := mustEvent(t, "stream_create")
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, "abc", "1700000000", testNonce)
	path := filepath.Join(t.TempDir(), "c.jsonl")
	if err := os.WriteFile(path, append(p.JSON(), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		files map[string]string
		args  []string
		want  string
	}{
		{"environment", map[string]string{EnvSecret: "abc\n"}, nil, nil, "(" + "$ZEGO_CALLBACK_SECRET): it ends in a newline"},
		{"file", nil, map[string]string{"s.txt": "abc\n\n"}, []string{"--secret-file", "s.txt"}, "(--secret-file s.txt): it ends in a newline"},
		{"flag", nil, nil, []string{"--secret", "abc  "}, "(--secret): it ends in spaces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCmdtest(t, cmdOpts{env: tc.env, files: tc.files})
			code, out, _ := c.call(append([]string{"verify", path}, tc.args...)...)
			if code != ExitCheckFailed {
				t.Fatalf("exit %d: %s", code, out)
			}
			if !strings.Contains(out, "matches once trailing whitespace is removed from the configured secret "+tc.want) {
				t.Errorf("reason does not name %s:\n%s", tc.name, out)
			}
			if strings.Contains(out, "secret file") {
				t.Errorf("blames a secret file:\n%s", out)
			}
		})
	}
}
