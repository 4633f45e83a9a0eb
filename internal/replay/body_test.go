package replay

import (
	"bytes"
	"strings"
	"testing"
)

// recordBody takes out the same body as the full decoder, or declines.
func TestRecordBodyMatchesFullDecode(t *testing.T) {
	lines := []string{}
	for _, l := range genLines(t) {
		lines = append(lines, strings.TrimSuffix(string(l), "\n"))
	}
	odd := [][]byte{
		[]byte("{\"event\":\"x\",\"t\":\"tab\\there \u2028 caf\u00e9 \\\\ \\\" \x01\"}"),
		{0xff, 0xfe, '{', '}'}, // not UTF-8: body_base64
		[]byte(""),
		[]byte("a=1&b=%20"),
	}
	for _, b := range odd {
		lines = append(lines, strings.TrimSuffix(record(t, b, "application/json", t0, 200), "\n"))
	}
	lines = append(lines,
		`{ "body" : "{\"a\":1}" , "v" : 1 , "received_at" : "2026-03-01T12:00:00Z" }`,
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","headers":{"X":["a\"}{[","b"]},"body":"x\/y\u00e9\u0001"}`,
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"","body_base64":"aGVsbG8="}`,
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"kept","body_base64":null}`,
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"kept","body_base64":""}`,
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","body":"\ud83d\ude00"}`, // declined: surrogates
		`{"v":1,"received_at":"2026-03-01T12:00:00Z","b\u006fdy":"x"}`,       // declined: escaped key
	)
	d := &decoder{}
	var e entry
	declined := 0
	for _, l := range lines {
		if err := d.frame("f", item{line: 1, data: []byte(l)}, &e); err != nil || !e.record {
			t.Fatalf("fixture %q: %v (record %v)", l, err, e.record)
		}
		got, ok := recordBody(nil, []byte(l))
		if !ok {
			declined++
			continue
		}
		if !bytes.Equal(got, e.body) {
			t.Errorf("%q:\n got %q\nwant %q", l, got, e.body)
		}
	}
	if declined != 2 {
		t.Errorf("declined %d lines, want the 2 it leaves to the full decoder", declined)
	}
	for _, bad := range []string{`{"body":}`, `{"body":1}`, `{"body":"x"`, `["body"]`, `{"body":"x",}`, `{"body_base64":"!!"}`} {
		if _, ok := recordBody(nil, []byte(bad)); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
