package callback

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// stdlibEntries decodes the top-level entries of the JSON object s with
// encoding/json, in order and with duplicates: each key's text and its
// value's raw bytes, plus the decoded text of a string value. ok is false
// when encoding/json rejects s or s is not an object.
func stdlibEntries(s string) (keys, raws, texts []string, ok bool) {
	if !json.Valid([]byte(s)) {
		return nil, nil, nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, nil, false
		}
		text := string(raw)
		if len(raw) > 0 && raw[0] == '"' {
			if err := json.Unmarshal(raw, &text); err != nil {
				return nil, nil, nil, false
			}
		}
		keys, raws, texts = append(keys, t.(string)), append(raws, string(raw)), append(texts, text)
	}
	return keys, raws, texts, true
}

// checkScanStdlib holds the scanner (scanObject and the scratch path) to
// encoding/json: it accepts exactly the valid UTF-8 JSON objects nested
// at most maxNesting deep, and its keys, raw values and string texts are
// encoding/json's.
func checkScanStdlib(t *testing.T, s string) {
	t.Helper()
	keys, raws, texts, valid := stdlibEntries(s)
	valid = valid && utf8.ValidString(s)
	var p Payload
	fast := scanObject(s, &p)
	var q Payload
	scratch := []byte("stale scratch bytes from an earlier payload")
	slow := ParseJSONScratch(&q, s, &scratch) == nil
	if fast && !valid {
		t.Fatalf("scanner accepted %q, which encoding/json (or UTF-8) rejects", s)
	}
	if !fast && valid && depthOf(s) <= maxNesting {
		t.Fatalf("scanner refused %q, which encoding/json accepts", s)
	}
	if slow != valid {
		t.Fatalf("ParseJSONScratch ok=%v on %q, encoding/json+UTF-8 ok=%v", slow, s, valid)
	}
	for _, got := range []*Payload{&p, &q} {
		if got == &p && !fast || !valid {
			continue
		}
		if len(got.Entries) != len(keys) {
			t.Fatalf("%q: %d entries, encoding/json %d", s, len(got.Entries), len(keys))
		}
		for i, e := range got.Entries {
			if e.Key != keys[i] || e.Value.Raw != raws[i] {
				t.Fatalf("%q entry %d: %q=%q, encoding/json %q=%q", s, i, e.Key, e.Value.Raw, keys[i], raws[i])
			}
			if e.Value.Kind == KindString && e.Value.Text != texts[i] {
				t.Fatalf("%q entry %d: text %q, encoding/json %q", s, i, e.Value.Text, texts[i])
			}
		}
	}
}

// depthOf is s's deepest bracket nesting, outside strings.
func depthOf(s string) int {
	d, m, in := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case in:
		case c == '{' || c == '[':
			d++
			m = max(m, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return m
}

func FuzzScanStdlib(f *testing.F) {
	for _, s := range scanCases {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(`{"\u0065vent":"a\u00e9\ud83d\ude00\ud800\u0041","k":"`+strings.Repeat(`x\"`, 40)+`"}`), "")
	f.Fuzz(func(t *testing.T, body []byte, _ string) {
		if bytes.Count(body, []byte{'{'})+bytes.Count(body, []byte{'['}) > 200 {
			return
		}
		checkScanStdlib(t, string(body))
	})
}
