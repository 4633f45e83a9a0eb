package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/zegocb/zegocb/internal/verify"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	withSecret  = map[string]string{EnvSecret: fixtureSecret, EnvServerSecret: fixtureServerSecret}
	noSecretEnv = map[string]string{}
)

func TestVerifyGolden(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	const v = "testdata/verify/"
	tests := []struct {
		name string
		run  cmdOpts // the fixtures' clock is set below
		args []string
		exit int
		// modes to render: pipe, tty, tty-color, json
		modes  []string
		stderr string // a substring stderr must hold ("" : must be empty)
	}{
		{name: "good", run: cmdOpts{env: withSecret}, args: []string{v + "good.jsonl"}, exit: 0, modes: []string{"pipe", "tty", "tty-color", "json"}},
		{name: "good-nosecret", run: cmdOpts{env: noSecretEnv}, args: []string{v + "good.jsonl"}, exit: 0, modes: []string{"pipe", "json"},
			stderr: "hint: no callback secret configured, so signatures are unchecked"},
		{name: "good-require-signature", run: cmdOpts{env: noSecretEnv}, args: []string{"--require-signature", v + "good.jsonl"}, exit: 1, modes: []string{"pipe"},
			stderr: "--require-signature fails every payload"},
		{name: "bad-signature", run: cmdOpts{env: withSecret}, args: []string{v + "bad_signature.jsonl"}, exit: 1, modes: []string{"pipe", "tty", "json"}},
		{name: "quiet", run: cmdOpts{env: withSecret}, args: []string{"-q", v + "good.jsonl", v + "wrong_types.jsonl"}, exit: 1, modes: []string{"pipe", "tty", "json"}},
		{name: "wrong-types", run: cmdOpts{env: withSecret}, args: []string{v + "wrong_types.jsonl"}, exit: 1, modes: []string{"pipe"}},
		// The reason column wraps inside itself to the terminal's width.
		{name: "wrong-types-80", run: cmdOpts{env: withSecret, width: 80}, args: []string{v + "wrong_types.jsonl"}, exit: 1, modes: []string{"tty"}},
		{name: "wrong-types-100", run: cmdOpts{env: withSecret, width: 100}, args: []string{v + "wrong_types.jsonl"}, exit: 1, modes: []string{"tty"}},
		{name: "bad-signature-80", run: cmdOpts{env: withSecret, width: 80}, args: []string{"-v", v + "bad_signature.jsonl"}, exit: 1, modes: []string{"tty"}},
		{name: "strict", run: cmdOpts{env: withSecret}, args: []string{"--strict", v + "wrong_types.jsonl"}, exit: 1, modes: []string{"pipe"}},
		{name: "missing-fields", run: cmdOpts{env: withSecret}, args: []string{v + "missing_fields.jsonl"}, exit: 1, modes: []string{"pipe"}},
		{name: "unknown-event", run: cmdOpts{env: withSecret}, args: []string{v + "unknown_event.jsonl"}, exit: 1, modes: []string{"pipe"}},
		{name: "allow-unknown", run: cmdOpts{env: withSecret}, args: []string{"--allow-unknown", v + "unknown_event.jsonl"}, exit: 1, modes: []string{"pipe"}},
		{name: "captures", run: cmdOpts{env: withSecret}, args: []string{v + "captures.jsonl"}, exit: 0, modes: []string{"pipe", "tty", "json"}},
		// listen -o json lines: the callbacks' payloads are checked, rejected and forward_attempt lines skipped and counted.
		{name: "listen-json", run: cmdOpts{env: withSecret}, args: []string{v + "listen.jsonl"}, exit: 0, modes: []string{"pipe", "tty", "json"}},
		{name: "max-age", run: cmdOpts{env: withSecret}, args: []string{"--max-age", "5m", v + "captures.jsonl", v + "good.jsonl"}, exit: 1, modes: []string{"pipe"}},
		{name: "form", run: cmdOpts{env: withSecret}, args: []string{v + "body.form"}, exit: 0, modes: []string{"pipe"}},
		{name: "pretty-json-file", run: cmdOpts{env: withSecret}, args: []string{v + "pretty.json"}, exit: 0, modes: []string{"pipe"}},
		{name: "directory", run: cmdOpts{env: withSecret}, args: []string{v + "dir"}, exit: 0, modes: []string{"pipe", "tty"}},
		{name: "broken", run: cmdOpts{env: withSecret}, args: []string{"--max-size", "2KiB", v + "broken.jsonl"}, exit: 2, modes: []string{"pipe", "tty", "json"},
			stderr: "error: 6 rows unreadable (marked so above)"},
		{name: "missing-file", run: cmdOpts{env: withSecret}, args: []string{v + "good.jsonl", v + "no-such-file.jsonl"}, exit: 2, modes: []string{"pipe", "json"},
			stderr: "error: 1 row unreadable"},
		{name: "stdin", run: cmdOpts{env: withSecret, stdin: mustRead(t, v+"captures.jsonl")}, args: []string{"-"}, exit: 0, modes: []string{"pipe"}},
		{name: "stdin-pretty", run: cmdOpts{env: withSecret, stdin: mustRead(t, v+"pretty.json")}, args: nil, exit: 0, modes: []string{"pipe"}},
		{name: "secret-whitespace", run: cmdOpts{env: map[string]string{}, files: map[string]string{"secret.txt": fixtureSecret + " \n"}},
			args: []string{"--secret-file", "secret.txt", v + "good.jsonl"}, exit: 1, modes: []string{"pipe"}, stderr: "leading or trailing whitespace"},
	}
	for _, tt := range tests {
		for _, mode := range tt.modes {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				vr := tt.run
				vr.now = fixtureNow
				args := append([]string{"verify"}, tt.args...)
				switch mode {
				case "tty":
					vr.tty = true
					args = append(args, "--color", "never")
				case "tty-color":
					vr.tty, vr.color = true, true
				case "json":
					args = append(args, "-o", "json")
				}
				code, out, errOut := newCmdtest(t, vr).call(args...)
				if code != tt.exit {
					t.Errorf("exit %d, want %d\nstderr: %s", code, tt.exit, errOut)
				}
				if tt.stderr == "" && errOut != "" {
					t.Errorf("unexpected stderr: %q", errOut)
				}
				if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
					t.Errorf("stderr %q does not hold %q", errOut, tt.stderr)
				}
				if mode != "tty-color" && strings.Contains(out, "\x1b[") {
					t.Errorf("%s output has escape codes", mode)
				}
				if mode == "tty-color" && !strings.Contains(out, "\x1b[") {
					t.Errorf("forced colour has no escape codes")
				}
				if mode == "pipe" || mode == "json" {
					checkVerifyStreamShape(t, mode, out)
				}
				assertGolden(t, "verify", tt.name+"."+mode, []byte(out))
			})
		}
	}
}

// repoRoot is the repository root, whatever the current directory.
var repoRoot = func() string {
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return abs
}()

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkVerifyStreamShape asserts the machine-facing contracts: piped rows
// have four tab-separated cells and the summary starts "N passed, M failed";
// -o json lines unmarshal into the documented schema.
func checkVerifyStreamShape(t *testing.T, mode, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	last := lines[len(lines)-1]
	if mode == "pipe" {
		for _, l := range lines[:len(lines)-1] {
			if n := strings.Count(l, "\t"); n != 3 {
				t.Errorf("row %q has %d tabs, want 3", l, n)
			}
		}
		var p, f int
		if _, err := fmt.Sscanf(last, "%d passed, %d failed", &p, &f); err != nil {
			t.Errorf("closing line %q does not start with \"N passed, M failed\"", last)
		}
		return
	}
	for _, l := range lines[:len(lines)-1] {
		var row map[string]any
		if err := json.Unmarshal([]byte(l), &row); err != nil {
			t.Fatalf("row is not JSON: %v: %s", err, l)
		}
		for _, k := range []string{"file", "line", "event", "verdict", "signature", "reasons", "unreadable", "redelivery_of"} {
			if _, ok := row[k]; !ok {
				t.Errorf("row lacks %q: %s", k, l)
			}
		}
		switch row["verdict"] {
		case "PASS", "WARN", "FAIL":
		default:
			t.Errorf("verdict %v", row["verdict"])
		}
	}
	var sum struct {
		Summary *verifyCountsJSON
	}
	if err := json.Unmarshal([]byte(last), &sum); err != nil || sum.Summary == nil {
		t.Errorf("last line is not the summary: %s", last)
	}
}

func TestVerifyNoInputOnTTYIsUsageError(t *testing.T) {
	code, out, errOut := newCmdtest(t, cmdOpts{tty: true, now: fixtureNow}).call("verify")
	if code != ExitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "no input") || !strings.Contains(errOut, "--help") {
		t.Fatalf("stderr %q", errOut)
	}
}

func TestVerifyEmptyInputIsUnreadable(t *testing.T) {
	code, out, errOut := newCmdtest(t, cmdOpts{env: withSecret, stdin: "\n  \r\n", now: fixtureNow}).call("verify")
	if code != ExitUsage || out != "0 passed, 0 failed, 0 warned\n" || !strings.Contains(errOut, "no callback payloads in stdin") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestVerifyInputsText(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want string
	}{
		{nil, "stdin"},
		{[]string{"-"}, "stdin"},
		{[]string{"a.jsonl", "dir"}, "a.jsonl, dir"},
		{[]string{"a", "b", "c"}, "a, b, c"},
		{[]string{"a", "-", "c", "d", "e"}, "a, stdin and 3 more inputs"},
	} {
		if got := inputsText(tt.in); got != tt.want {
			t.Errorf("inputsText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVerifyFlags(t *testing.T) {
	got, err := parseOpts(newCmdtest(t, cmdOpts{}), newVerifyCmd, "--max-age", "90s", "--max-size", "64KiB", "--strict", "--allow-unknown", "--require-signature", "a.jsonl", "dir")
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxAge != 90*time.Second || got.MaxSize != "64KiB" || !got.Strict || !got.AllowUnknown || !got.RequireSignature ||
		strings.Join(got.Inputs, ",") != "a.jsonl,dir" {
		t.Fatalf("options %+v", got)
	}
	for _, tt := range []struct {
		in   string
		want int64
	}{{"1MiB", 1 << 20}, {"512KiB", 512 << 10}, {"65536", 65536}, {"2m", 2 << 20}, {"64k", 64 << 10}} {
		if n, err := parseSize(tt.in); err != nil || n != tt.want {
			t.Errorf("parseSize(%q) = %d, %v", tt.in, n, err)
		}
	}
	for _, bad := range []string{"", "0", "-1", "lots", "2GiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestVerifyBadFlagValues(t *testing.T) {
	for _, args := range [][]string{
		{"verify", "--max-size", "huge", "x"},
		{"verify", "--max-age", "-5m", "x"},
	} {
		code, _, errOut := newCmdtest(t, cmdOpts{now: fixtureNow}).call(args...)
		if code != ExitUsage || !strings.Contains(errOut, "--help") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestVerifyLargeInputStreams runs the command over many lines and checks
// counts and order (the engine test covers memory).
func TestVerifyLargeInputStreams(t *testing.T) {
	good := strings.Split(strings.TrimSpace(mustRead(t, "testdata/verify/good.jsonl")), "\n")
	var in bytes.Buffer
	const n = 5000
	for i := 0; i < n; i++ {
		in.WriteString(good[i%len(good)] + "\n")
	}
	code, out, _ := newCmdtest(t, cmdOpts{env: withSecret, stdin: in.String(), now: fixtureNow}).call("verify", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	line := 0
	for sc.Scan() {
		var row struct {
			Line         int
			RedeliveryOf *string `json:"redelivery_of"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		if line++; line <= n && row.Line != line {
			t.Fatalf("row %d reports line %d: results out of order", line, row.Line)
		}
		if line > len(good) && line <= n && row.RedeliveryOf == nil {
			t.Fatalf("line %d repeats line %d but is not flagged", line, (line-1)%len(good)+1)
		}
	}
	if line != n+1 {
		t.Fatalf("%d lines, want %d rows and a summary", line, n)
	}
}

// An unknown event's name comes from the file: it must not break a piped
// row or reach a terminal raw.
func TestVerifyEscapesEventNames(t *testing.T) {
	line := `{"event":"a\tb\nc\u001b[31mRED\u009b\u202e","timestamp":"1","nonce":"2","signature":"x"}` + "\n"
	for _, tty := range []bool{false, true} {
		code, out, _ := newCmdtest(t, cmdOpts{stdin: line, tty: tty, now: fixtureNow}).call("verify", "--allow-unknown")
		if code != 0 {
			t.Fatalf("tty=%v: exit %d", tty, code)
		}
		row := strings.SplitN(out, "\n", 3)[0]
		if tty {
			row = strings.SplitN(out, "\n", 3)[1] // below the header
		}
		for _, raw := range []string{"\x1b[31mRED", "\u009b", "\u202e"} { // styles may use ESC; the payload may not
			if strings.Contains(out, raw) {
				t.Errorf("tty=%v: raw %q in output: %q", tty, raw, out)
			}
		}
		if !strings.Contains(row, `a\tb\nc\x1b[31mRED\u009b\u202e`) {
			t.Errorf("tty=%v: row lacks the escaped name: %q", tty, row)
		}
		if !tty && strings.Count(row, "\t") != 3 {
			t.Errorf("piped row has %d tabs, want 3: %q", strings.Count(row, "\t"), row)
		}
	}
}

// Without a secret the summary says the passes did not check signatures.
func TestVerifySummaryCountsUncheckedSignatures(t *testing.T) {
	for _, tc := range []struct {
		sum  verify.Summary
		want string
	}{
		{verify.Summary{Passed: 5, Unchecked: 5}, "5 passed, 0 failed, 0 warned (signatures not checked: no secret)"},
		{verify.Summary{Passed: 4, Failed: 2, Unreadable: 1, Unchecked: 4}, "4 passed, 2 failed, 0 warned, 1 unreadable (4 signatures not checked: no secret)"},
		{verify.Summary{Failed: 5, Unchecked: 5}, "0 passed, 5 failed, 0 warned"}, // --require-signature: the rows say it
		{verify.Summary{Passed: 5}, "5 passed, 0 failed, 0 warned"},
	} {
		if got := summaryLine(tc.sum, nil); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.sum, got, tc.want)
		}
	}
}
