package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

func payloadPath(rel string) string {
	return filepath.Join("..", "..", "testdata", "payloads", filepath.FromSlash(rel))
}

func TestNewSignCmd(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdinTTY  bool
		want      signOptions
		wantErr   string
		secretArg bool
	}{
		{name: "signature only", args: []string{"--timestamp", "1470820198", "--nonce", "123412"}, stdinTTY: true,
			want: signOptions{Timestamp: "1470820198", Nonce: "123412"}},
		{name: "file", args: []string{"p.json"}, stdinTTY: true, want: signOptions{File: "p.json"}},
		{name: "dash", args: []string{"-", "--keep"}, stdinTTY: true, want: signOptions{File: "-", Keep: true}},
		{name: "piped stdin", args: nil, want: signOptions{File: "-"}},
		{name: "payload with explicit stamps", args: []string{"p.json", "--timestamp", "1", "--nonce", "2"}, stdinTTY: true,
			want: signOptions{File: "p.json", Timestamp: "1", Nonce: "2"}},
		{name: "event", args: []string{"p.form", "--event", "room_login"}, stdinTTY: true, want: signOptions{File: "p.form", Event: "room_login"}},
		{name: "nothing on a terminal", args: nil, stdinTTY: true, wantErr: "give a payload FILE (- for stdin), or --timestamp and --nonce"},
		{name: "timestamp alone", args: []string{"--timestamp", "1"}, stdinTTY: true, wantErr: "--timestamp and --nonce go together"},
		{name: "nonce alone, stdin piped", args: []string{"--nonce", "1"}, wantErr: "--timestamp and --nonce go together"},
		{name: "empty nonce", args: []string{"--timestamp", "1", "--nonce", ""}, wantErr: "cannot be empty"},
		{name: "keep with stamps", args: []string{"p.json", "--keep", "--timestamp", "1"}, wantErr: "--keep-timestamp keeps the payload's own timestamp and nonce"},
		{name: "event without payload", args: []string{"--timestamp", "1", "--nonce", "2", "--event", "mix_start"}, wantErr: "--event applies to a payload: give FILE or -"},
		{name: "keep without payload", args: []string{"--timestamp", "1", "--nonce", "2", "--keep-timestamp"}, wantErr: "--keep-timestamp applies to a payload"},
		{name: "both without payload", args: []string{"--timestamp", "1", "--nonce", "2", "--keep-timestamp", "--event", "x"}, wantErr: "--keep-timestamp and --event apply to a payload"},
		{name: "two files", args: []string{"a", "b"}, wantErr: "at most 1 argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := newCmdtest(t, cmdOpts{width: 100})
			ct.f.IO.SetStdinTTY(tt.stdinTTY)
			got, err := parseOpts(ct, newSignCmd, tt.args...)
			if tt.wantErr != "" {
				var fe *FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a FlagError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.File != tt.want.File || got.Timestamp != tt.want.Timestamp || got.Nonce != tt.want.Nonce ||
				got.Keep != tt.want.Keep || got.Event != tt.want.Event {
				t.Errorf("opts = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// The published vectors, through the command.
func TestSignVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "signature_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct{ Name, Secret, Timestamp, Nonce, Signature string }
	if err := json.Unmarshal(b, &vectors); err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		for _, tty := range []bool{false, true} {
			ct := newCmdtest(t, cmdOpts{tty: tty, width: 100})
			ct.env[EnvSecret] = v.Secret
			if code := ct.run("sign", "--timestamp", v.Timestamp, "--nonce", v.Nonce); code != 0 {
				t.Fatalf("%s: exit %d: %s", v.Name, code, ct.errOut)
			}
			if got := ct.out.String(); got != v.Signature+"\n" {
				t.Errorf("%s (tty %v): got %q, want %s", v.Name, tty, got, v.Signature)
			}
			if ct.errOut.Len() != 0 {
				t.Errorf("%s: stderr %q", v.Name, ct.errOut)
			}
		}
	}
	ct := newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = "secret"
	ct.run("sign", "--timestamp", "1470820198", "--nonce", "123412", "-o", "json")
	if got, want := ct.out.String(), `{"v":2,"timestamp":"1470820198","nonce":"123412","signature_hex":"5bd59fd62953a8059fb7eaba95720f66d19e4517"}`+"\n"; got != want {
		t.Errorf("-o json: got %s want %s", got, want)
	}
}

// signedFields parses a signed body and re-verifies it independently.
func verifySigned(t *testing.T, body []byte, secret, tsKey, nonceKey, sigKey string) (ts, nonce callback.Value, p *callback.Payload) {
	t.Helper()
	p, err := callback.Parse(body, "")
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, body)
	}
	ts, okT := p.Get(tsKey)
	nonce, okN := p.Get(nonceKey)
	sig, okS := p.Get(sigKey)
	if !okT || !okN || !okS {
		t.Fatalf("output lacks %s/%s/%s: %s", tsKey, nonceKey, sigKey, body)
	}
	if !signature.Verify(secret, ts.Text, nonce.Text, sig.Text) {
		t.Fatalf("signature %s does not verify for %s/%s", sig.Text, ts.Text, nonce.Text)
	}
	return ts, nonce, p
}

func TestSignPayloads(t *testing.T) {
	const secret = "4f9a1c2e7b3d5a6f8e0c1b2a3d4e5f60"
	now := strconv.FormatInt(testNow.Unix(), 10)
	tests := []struct {
		name      string
		file      string // under testdata/payloads, or "" for stdin
		stdin     string
		args      []string
		keys      [3]string
		format    callback.Format
		wantTS    string
		wantNonce string
		tsKind    callback.Kind
	}{
		{name: "json-fresh", file: "stream/stream_create.json", keys: [3]string{"timestamp", "nonce", "signature"},
			format: callback.FormatJSON, wantTS: now, wantNonce: testNonce, tsKind: callback.KindString},
		{name: "json-number-timestamp-stays-number", file: "room/room_create.json", keys: [3]string{"timestamp", "nonce", "signature"},
			format: callback.FormatJSON, wantTS: now, wantNonce: testNonce, tsKind: callback.KindNumber},
		{name: "json-keep", file: "stream/stream_create.json", args: []string{"--keep-timestamp"}, keys: [3]string{"timestamp", "nonce", "signature"},
			format: callback.FormatJSON, wantTS: "1687981272", wantNonce: testNonce, tsKind: callback.KindString},
		{name: "json-explicit", file: "mix/mix_start.json", args: []string{"--timestamp", "1470820198", "--nonce", "123412"},
			keys: [3]string{"timestamp", "nonce", "signature"}, format: callback.FormatJSON, wantTS: "1470820198", wantNonce: "123412"},
		{name: "pascal-case", file: "moderation/censor_audio_v2_status.json", keys: [3]string{"Timestamp", "Nonce", "Signature"},
			format: callback.FormatJSON, wantTS: now, wantNonce: testNonce, tsKind: callback.KindNumber},
		{name: "form", stdin: "event=room_login&appid=1&timestamp=1499676978&nonce=350176&signature=x&room_id=r%201&user_account=u",
			keys: [3]string{"timestamp", "nonce", "signature"}, format: callback.FormatForm, wantTS: now, wantNonce: testNonce},
		{name: "form-event-flag", stdin: "appid=1&room_id=r1",
			args: []string{"--event", "transcode_start"}, keys: [3]string{"Timestamp", "Nonce", "Signature"},
			format: callback.FormatForm, wantTS: now, wantNonce: testNonce},
		{name: "urlencoded-json", stdin: "%7B%22event%22%3A%22mix_stop%22%2C%22timestamp%22%3A%221%22%2C%22nonce%22%3A%222%22%7D",
			keys: [3]string{"timestamp", "nonce", "signature"}, format: callback.FormatURLEncodedJSON, wantTS: now, wantNonce: testNonce},
		{name: "no-event", stdin: `{"x":"1"}`, keys: [3]string{"timestamp", "nonce", "signature"},
			format: callback.FormatJSON, wantTS: now, wantNonce: testNonce},
	}
	for _, tt := range tests {
		for _, tty := range []bool{false, true} {
			mode := map[bool]string{false: "pipe", true: "tty"}[tty]
			t.Run(tt.name+"."+mode, func(t *testing.T) {
				ct := newCmdtest(t, cmdOpts{tty: tty, width: 100})
				ct.env[EnvSecret] = secret
				args := append([]string{"sign", "--color", "never"}, tt.args...)
				if tt.file != "" {
					args = append(args, payloadPath(tt.file))
				} else {
					args = append(args, "-")
					ct.in.WriteString(tt.stdin)
				}
				if code := ct.run(args...); code != 0 {
					t.Fatalf("exit %d: %s", code, ct.errOut)
				}
				out := ct.out.Bytes()
				if tty != strings.HasSuffix(string(out), "\n") {
					t.Errorf("trailing newline = %v on tty = %v", !tty, tty)
				}
				ts, nonce, p := verifySigned(t, out, secret, tt.keys[0], tt.keys[1], tt.keys[2])
				if p.Format != tt.format {
					t.Errorf("format %s, want %s (the input's)", p.Format, tt.format)
				}
				if ts.Text != tt.wantTS || nonce.Text != tt.wantNonce {
					t.Errorf("stamped %s/%s, want %s/%s", ts.Text, nonce.Text, tt.wantTS, tt.wantNonce)
				}
				if tt.tsKind != 0 && ts.Kind != tt.tsKind {
					t.Errorf("timestamp is a %s, want a %s as in the input", ts.Kind, tt.tsKind)
				}
				if nonce.Kind != callback.KindString {
					t.Errorf("nonce is a %s, want a string", nonce.Kind)
				}
				if !tty {
					assertGolden(t, "sign", tt.name+".pipe", out)
				} else if !strings.Contains(ct.errOut.String(), "signed ") {
					t.Errorf("no summary on a terminal's stderr: %q", ct.errOut)
				}
			})
		}
	}
}

func TestSignPayloadJSON(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = "secret"
	ct.in.WriteString(`{"event":"stream_close","timestamp":"1","nonce":"2","signature":""}`)
	if code := ct.run("sign", "-o", "json"); code != 0 {
		t.Fatalf("exit %d: %s", code, ct.errOut)
	}
	var got signResult
	if err := json.Unmarshal(ct.out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Event != "stream_close" || got.Format != "json" || got.Nonce != testNonce ||
		!signature.Verify("secret", got.Timestamp, got.Nonce, got.SignatureHex) {
		t.Errorf("result %+v", got)
	}
	verifySigned(t, []byte(got.Body), "secret", "timestamp", "nonce", "signature")
}

func TestSignErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"event":"mix_start",,}`), 0o644)
	badForm := filepath.Join(dir, "bad.form")
	os.WriteFile(badForm, []byte("event=mix_start&nonce=%zz"), 0o644)
	noTS := filepath.Join(dir, "nots.json")
	os.WriteFile(noTS, []byte(`{"event":"mix_start","nonce":"1"}`), 0o644)
	tests := []struct {
		name   string
		args   []string
		secret bool
		code   int
		stderr []string
	}{
		{"bad json names file and offset", []string{"sign", bad}, true, ExitUsage, []string{bad + ": byte 21: invalid JSON"}},
		{"bad escape names file, offset and field", []string{"sign", badForm}, true, ExitUsage, []string{badForm + `: byte 22: field "nonce": invalid escape "%zz"`}},
		{"missing file", []string{"sign", filepath.Join(dir, "nope.json")}, true, ExitUsage, []string{"nope.json: no such file"}},
		{"keep without timestamp", []string{"sign", "--keep-timestamp", noTS}, true, ExitUsage, []string{noTS + ": no timestamp to keep"}},
		{"unknown --event", []string{"sign", "--event", "room_logn", noTS}, true, ExitUsage, []string{`did you mean room_login`}},
		{"no secret", []string{"sign", "--timestamp", "1", "--nonce", "2"}, false, ExitUsage, []string{"no callback secret: set $ZEGO_CALLBACK_SECRET"}},
		{"no secret with payload", []string{"sign", noTS}, false, ExitUsage, []string{"no callback secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := newCmdtest(t, cmdOpts{width: 100})
			if tt.secret {
				ct.env[EnvSecret] = "secret"
			}
			ct.runFails(tt.code, tt.stderr, tt.args...)
		})
	}
}

func TestSignWarnings(t *testing.T) {
	ct := newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = "secret"
	ct.in.WriteString(`{"event":"stream_close","timestamp":"1","nonce":` + testNonce + `}`)
	if code := ct.run("sign", "--event", "room_login"); code != 0 {
		t.Fatalf("exit %d: %s", code, ct.errOut)
	}
	for _, want := range []string{`the payload says event "stream_close"; using room_login's field names`, "the nonce was a JSON number"} {
		if !strings.Contains(ct.errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", ct.errOut, want)
		}
	}
	ct = newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = "secret"
	ct.run("sign", "-q", "--timestamp", "1.5e9", "--nonce", "1")
	if ct.errOut.Len() != 0 {
		t.Errorf("-q printed %q", ct.errOut)
	}
	ct = newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = "secret"
	ct.run("sign", "--timestamp", "1.5e9", "--nonce", "1")
	if !strings.Contains(ct.errOut.String(), "not a whole number of seconds") {
		t.Errorf("no warning for a float timestamp: %q", ct.errOut)
	}
}

// The secret never reaches stdout or stderr, whatever path the command takes.
func TestSignAndEventsNeverPrintTheSecret(t *testing.T) {
	const secret = "Zs3cr3t-never-print-me-0042"
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte(secret+"  \n"), 0o600) // trailing spaces: warned about
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"timestamp":`), 0o644)
	runs := [][]string{
		{"sign", "--timestamp", "1470820198", "--nonce", "123412"},
		{"sign", "--timestamp", "1470820198", "--nonce", "123412", "-o", "json", "-v"},
		{"sign", "--secret", secret, "--timestamp", "1", "--nonce", "2"},
		{"sign", "--secret-file", secretFile, "--timestamp", "1", "--nonce", "2"},
		{"sign", payloadPath("mix/mix_start.json"), "-v"},
		{"sign", payloadPath("mix/mix_start.json"), "-o", "json"},
		{"sign", bad},
		{"sign", "--keep", bad},
		{"sign", "--event", "nope", payloadPath("mix/mix_start.json")},
		{"events", "mix_start", "--signed"},
		{"events", "mix_start", "--signed", "-o", "json"},
		{"events", "--secret-file", secretFile, "room_login", "--signed"},
	}
	for _, args := range runs {
		for _, tty := range []bool{false, true} {
			ct := newCmdtest(t, cmdOpts{tty: tty, width: 100})
			ct.env[EnvSecret] = secret
			ct.run(args...)
			all := ct.out.String() + ct.errOut.String()
			if strings.Contains(all, secret) || strings.Contains(all, "s3cr3t") {
				t.Errorf("%v (tty %v) printed the secret:\n%s", args, tty, all)
			}
		}
	}
}

// sign, decode and send --data read a body the same way: more than
// maxBodyInput on stdin is refused by name, not cut off and parsed.
func TestBodyOverLimitIsRefused(t *testing.T) {
	defer func(n int) { maxBodyInput = n }(maxBodyInput)
	maxBodyInput = 4 << 10
	big := strings.Repeat(" ", maxBodyInput+1)
	env := map[string]string{EnvSecret: "s"}
	for _, args := range [][]string{{"sign", "-"}, {"decode"}, {"send", "stream_create", "--data", "-", "--dry-run"}} {
		code, _, stderr := newCmdtest(t, cmdOpts{env: env, stdin: big}).call(args...)
		if code != ExitUsage || !strings.Contains(stderr, "stdin: over 4 KiB") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// The production factory reads files only up to one byte past the limit,
// so a huge file or /dev/zero is refused without being read whole.
func TestReadFileCappedStopsPastTheLimit(t *testing.T) {
	defer func(n int) { maxBodyInput = n }(maxBodyInput)
	maxBodyInput = 4 << 10
	b, err := New(nil).ReadFile("/dev/zero")
	if err != nil || len(b) != maxBodyInput+1 {
		t.Fatalf("read %d bytes, %v; want %d", len(b), err, maxBodyInput+1)
	}
	if _, err := readFileCapped(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// sign and send share one name, --keep-timestamp; --keep stays a hidden
// alias in both.
func TestKeepTimestampIsOneName(t *testing.T) {
	for _, cmd := range []string{"sign", "send"} {
		e := newCmdtest(t, cmdOpts{})
		code, out, _ := e.call(cmd, "--help")
		if code != ExitOK || !strings.Contains(out, "--keep-timestamp") || strings.Contains(strings.ReplaceAll(out, "--keep-timestamp", ""), "--keep") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, out)
		}
	}
	e := newCmdtest(t, cmdOpts{})
	got, err := parseOpts(e, newSendCmd, "--data", "x.json", "--keep")
	if err != nil || !got.KeepTimestamp {
		t.Fatalf("send --keep: %v %+v", err, got)
	}
	g, err := parseOpts(e, newSignCmd, "x.json", "--keep-timestamp")
	if err != nil || !g.Keep {
		t.Fatalf("sign --keep-timestamp: %v %+v", err, g)
	}
}
