package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Cut text never ends inside a UTF-8 character (it would show as \xe4),
// is never longer than asked, and ends in the mark it was given.
func TestClipKeepsCharactersWhole(t *testing.T) {
	for _, mark := range []string{markCut, "..."} {
		for _, s := range []string{"房间房间房间房间", "a房间房间房间房间", "ab房间房间房间房间"} {
			got := clip(s, 10, mark)
			if !utf8.ValidString(got) || len(got) > 10 || !strings.HasSuffix(got, mark) {
				t.Errorf("clip(%q, 10, %q) = %q", s, mark, got)
			}
		}
	}
	if got := clip("short", 10, markCut); got != "short" {
		t.Errorf("a text that fits was cut: %q", got)
	}
}

func TestTextFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{durText(310 * time.Microsecond), "0.31ms"},
		{durText(1500 * time.Microsecond), "1.50ms"},
		{durText(12300 * time.Microsecond), "12.3ms"},
		{durText(2100 * time.Millisecond), "2.10s"},
		{durText(62 * time.Second), "62.0s"},
		{durText(-300 * time.Millisecond), "-300.0ms"},
		{latencyText(1500 * time.Microsecond), "1.5ms"},
		{latencyText(62 * time.Second), "62.00s"},
		{latencyText(-1), "-"},
		{offsetText(0), "+0.00s"},
		{offsetText(62 * time.Second), "+62.0s"},
		{sizeText(312), "312 B"},
		{sizeText(4 << 10), "4 KiB"},
		{sizeText(12800), "12.5 KiB"},
		{sizeText(64 << 20), "64 MiB"},
		{plural(1, "event", "events"), "1 event"},
		{plural(2, "event", "events"), "2 events"},
		{answerExcerpt([]byte("a\n b"), 40), `"a b" (4 B)`},
		{answerExcerpt(nil, 40), "(empty)"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("#%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestJoinWords(t *testing.T) {
	for _, tt := range []struct {
		items []string
		want  string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"}, {[]string{"a", "b", "c"}, "a, b or c"}} {
		if got := joinWords(tt.items, "or"); got != tt.want {
			t.Errorf("joinWords(%q) = %q, want %q", tt.items, got, tt.want)
		}
	}
}

// One truncation mark everywhere: verify's rows and the schema problems
// listen and verify show end a cut text in "…", never "...".
func TestOneTruncationMark(t *testing.T) {
	long := strings.Repeat("x", 80)
	file := filepath.Join(t.TempDir(), "long.json")
	os.WriteFile(file, []byte(`{"event":"`+long+`","timestamp":"1","nonce":"2","signature":"3"}`), 0o644)
	e := newCmdtest(t, cmdOpts{})
	_, out, errOut := e.call("verify", file)
	if !strings.Contains(out, strings.Repeat("x", 57)+"…") || strings.Contains(out+errOut, "...") {
		t.Errorf("verify:\n%s%s", out, errOut)
	}
	l := newCmdtest(t, cmdOpts{wall: true, env: map[string]string{EnvSecret: "s"}}).listen()
	resp, err := http.Post(l.url("/"), "application/json", strings.NewReader(`{"event":"stream_create","room_id":"`+long+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A long body is cut too (listen prints the first 4 KiB).
	if resp, err = http.Post(l.url("/"), "application/json", strings.NewReader(`{"event":"stream_create","pad":"`+strings.Repeat("y", 5000)+`"}`)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i := 0; i < 500 && !strings.Contains(l.out.String()+l.errOut.String(), "more bytes"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	all := l.out.String() + l.errOut.String()
	if !strings.Contains(all, "x…") || !strings.Contains(all, "y… (") || strings.Contains(all, "...") {
		t.Errorf("listen:\n%s", all)
	}
}

// --color always colours piped output of every command, verify and events
// included (their rows keep the tab-separated shape); without it, a pipe
// gets plain bytes.
func TestColorAlwaysColoursPipes(t *testing.T) {
	file := filepath.Join("..", "..", "testdata", "payloads", "stream", "stream_create.json")
	for _, args := range [][]string{{"verify", file}, {"events"}, {"events", "stream_create"}} {
		e := newCmdtest(t, cmdOpts{})
		if code := e.run(append(args, "--color", "always")...); code != ExitOK {
			t.Fatalf("%v: exit %d %s", args, code, e.errOut)
		}
		out := e.out.String()
		if !strings.Contains(out, "\x1b[") || !strings.Contains(out, "\t") {
			t.Errorf("%v --color always | cat:\n%q", args, clipOut(out))
		}
		e = newCmdtest(t, cmdOpts{})
		e.run(args...)
		if strings.Contains(e.out.String(), "\x1b[") {
			t.Errorf("%v | cat is coloured", args)
		}
	}
}
