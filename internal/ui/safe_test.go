package ui

import "testing"

func TestSafeText(t *testing.T) {
	for in, want := range map[string]string{
		"room-1":                  "room-1",
		"房间 1":                    "房间 1",
		"evil\x1b[2J\x1b[31mname": `evil\x1b[2J\x1b[31mname`,
		"a\nFAKE\tPASS":           `a\nFAKE\tPASS`,
		"title\x1b]0;x\x07":       `title\x1b]0;x\a`,
		"c1\u009b31m":             `c1\u009b31m`,
		"bad\xff\xfeutf8":         `bad\xff\xfeutf8`,
		"abc\u202edcba":           `abc\u202edcba`,
		"del\x7f":                 `del\x7f`,
		"":                        "",
	} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SafeBlock("line 1\n\tline 2\x1b[H\r\n"); got != "line 1\n\tline 2\\x1b[H\\r\n" {
		t.Errorf("SafeBlock = %q", got)
	}
}

func TestSafeJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":"房间"}`:             `{"a":"房间"}`,
		"{\"a\":\"x\u009b1m\"}":  `{"a":"x\u009b1m"}`,
		"{\"a\":\"s\u202egnp\"}": `{"a":"s\u202egnp"}`,
		"{\"a\":\"del\x7f\"}":    `{"a":"del\u007f"}`,
	} {
		if got := SafeJSON(in); got != want {
			t.Errorf("SafeJSON(%q) = %q, want %q", in, got, want)
		}
	}
}
