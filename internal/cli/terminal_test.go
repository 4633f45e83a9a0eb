package cli

import (
	"strings"
	"testing"
)

// evilBodies carry escape sequences and line breaks in every place a
// header line or a problem shows: the event name, the ids, a field name,
// and a body that does not parse.
var evilBodies = []string{
	`{"event":"evil\u001b[2J\u001b]0;pwned\u0007name\nFAKE\tPASS","room_id":"r\u001b[31m","user_id":"u\u009b1m","a\nb":1,"a\nb":2}`,
	`{"event":"stream_close","stream_id":"s\u202egnp.exe","a\u001b[Hb":1,"a\u001b[Hb":2}`,
	"{\"event\":\"x\",\x1b[2J",
	"event=x%1b%5b2J&user_id=%0aFAKE&room_id=%c2%9b31m",
}

// assertInert fails when out holds a control character other than the
// newlines that end lines, or more lines than want.
func assertInert(t *testing.T, what, out string, maxLines int) {
	t.Helper()
	for _, r := range out {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e' {
			i := strings.IndexRune(out, r)
			t.Errorf("%s holds %U: …%q…", what, r, out[max(0, i-40):min(len(out), i+40)])
			return
		}
	}
	if n := strings.Count(out, "\n"); maxLines > 0 && n > maxLines {
		t.Errorf("%s has %d lines, want at most %d:\n%s", what, n, maxLines, out)
	}
}

// Text that came over the network cannot move the cursor, retitle the
// terminal or fake output lines: listen escapes it in header lines and
// problems, on a terminal and piped (-q: one line per callback).
func TestListenUntrustedTextIsInert(t *testing.T) {
	for _, mode := range []struct {
		name string
		tty  bool
		args []string
	}{
		{"quiet", false, []string{"-q"}},
		{"terminal", true, []string{"--no-color"}},
		{"terminal-verbose", true, []string{"--no-color", "-v"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			l := newCmdtest(t, cmdOpts{env: map[string]string{}, ttyOut: mode.tty, wall: true}).listen(mode.args...)
			for _, b := range evilBodies {
				ctype := "application/json"
				if strings.HasPrefix(b, "event=") {
					ctype = "application/x-www-form-urlencoded"
				}
				lsPost(t, l.url("/zego"), ctype, []byte(b))
			}
			if code := l.stop(); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			max := 0
			if mode.name == "quiet" {
				max = len(evilBodies)
			}
			assertInert(t, "stdout", l.out.String(), max)
		})
	}
}
