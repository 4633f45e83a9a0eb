package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/ui"
)

func TestExitCodeMapping(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{ErrCheckFailed, 1},
		{&CheckError{Err: errors.New("x")}, 1},
		{fmt.Errorf("wrapped: %w", &TransportError{Err: errors.New("refused")}), 3},
		{&FlagError{Err: errors.New("bad flag")}, 2},
		{&InputError{Err: errors.New("no secret")}, 2},
		{&callback.ParseError{Offset: 3, Msg: "bad"}, 2},
		{&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, 2},
		{context.Canceled, 130},
		{ErrInterrupted, 130},
		{errors.New("anything else"), 1},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	code, out, errOut := newCmdtest(t, cmdOpts{}).call("version", "--bogus")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if out != "" {
		t.Fatalf("stdout must stay clean, got %q", out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "unknown flag: --bogus") || !strings.Contains(lines[1], "zegocb version --help") {
		t.Fatalf("stderr %q", errOut)
	}
}

func TestBadGlobalFlagValues(t *testing.T) {
	for _, args := range [][]string{
		{"version", "-o", "yaml"},
		{"version", "--color", "sometimes"},
		{"version", "-q", "-v"},
	} {
		code, _, errOut := newCmdtest(t, cmdOpts{}).call(args...)
		if code != 2 || !strings.HasPrefix(errOut, "error: ") || !strings.Contains(errOut, "Run 'zegocb version --help' for usage.") {
			t.Errorf("%v: exit %d stderr %q", args, code, errOut)
		}
	}
}

func TestHelpDocumentsExitCodesAndEnv(t *testing.T) {
	code, out, _ := newCmdtest(t, cmdOpts{}).call("--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Exit codes:", "130", "ZEGO_CALLBACK_SECRET", "NO_COLOR"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := newCmdtest(t, cmdOpts{}).call("version")
	if code != 0 || !strings.HasPrefix(out, "zegocb ") {
		t.Fatalf("exit %d out %q", code, out)
	}
	code, out, _ = newCmdtest(t, cmdOpts{}).call("version", "-o", "json")
	if code != 0 || !strings.Contains(out, `"version":`) {
		t.Fatalf("json: %q", out)
	}
}

func TestSecretResolution(t *testing.T) {
	ios, in, _, errOut := ui.Test()
	f := New(ios)
	f.Getenv = func(k string) string { return map[string]string{EnvSecret: "from-env"}[k] }
	files := map[string]string{"nl": "from-file\n", "crlf": "from-file\r\n", "padded": "from-file  \n", "empty": "\n"}
	f.ReadFile = func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	check := func(name, want string, src SecretSource, wantWarn bool) {
		t.Helper()
		errOut.Reset()
		got, gotSrc, err := f.Secret()
		if err != nil || got != want || gotSrc != src {
			t.Fatalf("%s: got %q %q %v", name, got, gotSrc, err)
		}
		if warned := strings.Contains(errOut.String(), "warning:"); warned != wantWarn {
			t.Fatalf("%s: warning=%v, stderr %q", name, warned, errOut)
		}
		if strings.Contains(errOut.String(), want) {
			t.Fatalf("%s: the secret was printed", name)
		}
	}
	check("env", "from-env", SecretEnv, false)
	f.Global.SecretFile = "nl"
	check("file trims one newline", "from-file", SecretFile, false)
	f.Global.SecretFile = "crlf"
	check("file trims CRLF", "from-file", SecretFile, false)
	f.Global.SecretFile = "padded"
	check("file keeps and warns about spaces", "from-file  ", SecretFile, true)
	f.Global.SecretFile = "-"
	in.WriteString("from-stdin\n")
	check("stdin", "from-stdin", SecretFile, false)
	f.Global.SecretFile = "empty"
	if _, _, err := f.Secret(); ExitCode(err) != 2 || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty file: %v", err)
	}
	f.Global.SecretFile = "missing"
	if _, _, err := f.Secret(); ExitCode(err) != 2 || !strings.Contains(err.Error(), "--secret-file") {
		t.Fatalf("missing file: %v", err)
	}
	f.Global.SecretFile = ""
	f.Global.SecretFlag = "from-flag"
	check("flag warns", "from-flag", SecretFlag, true)
	f.Global.SecretFlag = ""
	f.Getenv = func(string) string { return "" }
	if _, err := f.RequireSecret(); ExitCode(err) != 2 || !strings.Contains(err.Error(), EnvSecret) {
		t.Fatalf("no secret: %v", err)
	}
}
