package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
)

// badSecret signs the fixtures under testdata/bad that carry a signature.
const badSecret = "bad-input-secret"

// badCase is one entry of testdata/bad/cases.json.
type badCase struct {
	Name string `json:"name"`
	Why  string `json:"why"`
	// File is the input under testdata/bad; Gen instead names an input the
	// test generates (too big to commit): see genBadInput.
	File string `json:"file"`
	Gen  string `json:"gen"`
	// Args run in-process; "$FILE" is replaced by the input's path. With
	// Stdin the input is also standard input.
	Args  []string          `json:"args"`
	Stdin bool              `json:"stdin"`
	Env   map[string]string `json:"env"`
	// Exit is the wanted exit code (1 or 2). Want are substrings the
	// diagnostic must hold: the place (file:line, byte offset) and field;
	// "$FILE" is the input's path and "$BASE" its base name.
	// The diagnostic is stderr's one "error:" line, or for In "stdout" the
	// output (verify's rows name the place; stderr then says how many).
	Exit int      `json:"exit"`
	Want []string `json:"want"`
	In   string   `json:"in"`

	// Listen posts the input to listen's handler instead of running Args;
	// Status is the wanted answer and Want applies to the answer's body.
	// Reason applies to what the handler reports (the signature verdict's
	// detail, or the parse error): the terminal and -o json show it.
	Reason []string `json:"reason"`
	Listen *struct {
		ContentType string `json:"content_type"`
		MaxBody     int64  `json:"max_body"`
		NoSecret    bool   `json:"no_secret"`
	} `json:"listen"`
	Status int `json:"status"`
}

// genBadInput makes the inputs too large to commit.
func genBadInput(t *testing.T, name string) string {
	t.Helper()
	var b []byte
	switch name {
	case "deep-array-100k.json": // 100k nested arrays
		b = bytes.Repeat([]byte{'['}, 100_000)
	case "deep-object-100k.json": // {"a":{"a":... 100k deep
		b = bytes.Repeat([]byte(`{"a":`), 100_000)
	case "deep-array-1mib.json": // exactly listen's default body limit of '['
		b = bytes.Repeat([]byte{'['}, 1<<20)
	case "deep-array-10mb.json": // 10 MB of '[' on one line: deep enough to overflow a recursive parser
		b = bytes.Repeat([]byte{'['}, 10<<20)
	case "pretty-deep-10mb.json": // a pretty-printed object whose first line nests 10M arrays
		b = append([]byte(`{"a":`), bytes.Repeat([]byte{'['}, 10<<20)...)
		b = append(b, "\n}\n"...)
	case "line-10mb.json": // one valid 10 MB object
		b = append([]byte(`{"event":"stream_create","pad":"`), bytes.Repeat([]byte{'a'}, 10<<20)...)
		b = append(b, `"}`...)
	case "line-10mb-torn.json": // a 10 MB object cut off mid-string
		b = append([]byte(`{"event":"stream_create","pad":"`), bytes.Repeat([]byte{'a'}, 10<<20)...)
	case "line-10mb.form": // a 10 MB form body whose last escape is cut
		b = append([]byte("event=stream_create&pad="), bytes.Repeat([]byte{'b'}, 10<<20)...)
		b = append(b, "%4"...)
	default:
		t.Fatalf("unknown gen %q", name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadBadCases(t *testing.T) []badCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bad", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("testdata/bad/cases.json: %v", err)
	}
	return cases
}

// TestBadInput runs every case of testdata/bad/cases.json in-process and
// checks the promise: the documented exit code, one error line naming the
// place, and never a panic.
func TestBadInput(t *testing.T) {
	cases := loadBadCases(t)
	if len(cases) < 30 {
		t.Errorf("testdata/bad/cases.json has %d cases, want at least 30", len(cases))
	}
	// The corpus spans every command that reads callback input; a name
	// starts with its command ("verify/torn-last-line").
	perCmd := map[string]int{}
	for _, tc := range cases {
		cmd, _, _ := strings.Cut(tc.Name, "/")
		perCmd[cmd]++
	}
	for _, cmd := range []string{"verify", "decode", "sign", "send", "listen"} {
		if perCmd[cmd] < 10 {
			t.Errorf("%d %s cases, want at least 10", perCmd[cmd], cmd)
		}
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.Name] {
			t.Errorf("duplicate case name %q", tc.Name)
		}
		seen[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			if (tc.Gen != "") == (tc.File != "") {
				t.Fatal("a case needs exactly one of file and gen")
			}
			if tc.Gen != "" && testing.Short() && strings.Contains(tc.Gen, "10mb") {
				t.Skip("10 MB input skipped in -short")
			}
			path := filepath.Join("..", "..", "testdata", "bad", tc.File)
			if tc.Gen != "" {
				path = genBadInput(t, tc.Gen)
			}
			input, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.Listen != nil {
				runBadListenCase(t, tc, input)
				return
			}
			runBadCommandCase(t, tc, path, input)
		})
	}
}

func runBadCommandCase(t *testing.T, tc badCase, path string, input []byte) {
	if tc.Exit != ExitCheckFailed && tc.Exit != ExitUsage {
		t.Fatalf("exit %d: bad-input cases want 1 or 2", tc.Exit)
	}
	ct := newCmdtest(t, cmdOpts{width: 100})
	ct.env[EnvSecret] = badSecret
	for k, v := range tc.Env {
		ct.env[k] = v
	}
	if tc.Stdin {
		ct.in.Write(input)
	}
	args := make([]string, len(tc.Args))
	for i, a := range tc.Args {
		args[i] = strings.ReplaceAll(a, "$FILE", path)
	}
	code := runNoPanic(t, ct, args)
	stdout, stderr := ct.out.String(), ct.errOut.String()
	assertNoCrashText(t, "stdout", stdout)
	assertNoCrashText(t, "stderr", stderr)
	if code != tc.Exit {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.Exit, clipOut(stdout), clipOut(stderr))
	}
	var errLines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "error:") {
			errLines = append(errLines, l)
		}
	}
	where, diag := "stderr error line", ""
	switch {
	case tc.In == "stdout":
		where, diag = "stdout", stdout
		if len(errLines) > 1 {
			t.Errorf("%d error lines on stderr, want at most one:\n%s", len(errLines), clipOut(stderr))
		}
	case len(errLines) != 1:
		t.Errorf("%d error lines on stderr, want exactly one:\n%s", len(errLines), clipOut(stderr))
	default:
		diag = errLines[0]
		if len(diag) > 400 {
			t.Errorf("error line is %d bytes long; quote less of the input: %s", len(diag), clipOut(diag))
		}
	}
	base := filepath.Base(path)
	for _, w := range tc.Want {
		w = strings.ReplaceAll(strings.ReplaceAll(w, "$BASE", base), "$FILE", path)
		if !strings.Contains(diag, w) {
			t.Errorf("%s does not contain %q:\n%s", where, w, clipOut(diag))
		}
	}
}

// runNoPanic runs args and turns a panic into a test failure with the value.
func runNoPanic(t *testing.T, ct *cmdtest, args []string) (code int) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v", r)
		}
	}()
	return ct.run(args...)
}

func runBadListenCase(t *testing.T, tc badCase, input []byte) {
	cfg := listen.Config{Catalog: callback.Default(), Secret: badSecret, MaxBody: tc.Listen.MaxBody}
	if tc.Listen.NoSecret {
		cfg.Secret = ""
	}
	var (
		mu     sync.Mutex
		events []listen.Event
	)
	h := listen.NewHandler(cfg, func(ev listen.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/callback", bytes.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if tc.Listen.ContentType != "" {
		req.Header.Set("Content-Type", tc.Listen.ContentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("the handler did not answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answer := string(body)
	assertNoCrashText(t, "answer", answer)
	if resp.StatusCode != tc.Status {
		t.Errorf("status %d, want %d (answer %s)", resp.StatusCode, tc.Status, clipOut(answer))
	}
	if a := strings.TrimSuffix(answer, "\n"); strings.Contains(a, "\n") || len(a) > 400 {
		t.Errorf("answer is not one short line: %s", clipOut(answer))
	}
	for _, w := range tc.Want {
		if !strings.Contains(answer, w) {
			t.Errorf("answer does not contain %q: %s", w, clipOut(answer))
		}
	}
	srv.Close() // waits for the handler, so every emit has happened
	mu.Lock()
	defer mu.Unlock()
	want := 1 // a judged request is reported once
	if tc.Status == http.StatusRequestEntityTooLarge {
		want = 0 // not a callback: no event
	}
	if len(events) != want {
		t.Errorf("%d events emitted, want %d", len(events), want)
	}
	for _, ev := range events {
		if ev.Status != tc.Status {
			t.Errorf("event says status %d, the wire said %d", ev.Status, resp.StatusCode)
		}
		reported := ev.SigResult.Detail
		if ev.ParseErr != nil {
			reported = ev.ParseErr.Error()
		}
		if strings.Contains(reported, "\n") {
			t.Errorf("the reported reason spans lines: %q", reported)
		}
		for _, w := range tc.Reason {
			if !strings.Contains(reported, w) {
				t.Errorf("the reported reason does not contain %q: %q", w, reported)
			}
		}
	}
}

func assertNoCrashText(t *testing.T, what, s string) {
	t.Helper()
	for _, bad := range []string{"panic:", "goroutine ", "runtime error", "fatal error"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s contains %q:\n%s", what, bad, clipOut(s))
		}
	}
}

func clipOut(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
