package cli

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Cut text never ends inside a UTF-8 character (it would show as \xe4),
// is never longer than asked, and ends in the mark it was given.
func TestClipKeepsCharactersWhole(t *testing.T) {
	for _, mark := range []string{markCut, markCutASCII} {
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
