package callback

import (
	"reflect"
	"strings"
	"testing"
)

// ParseJSONScratch must give what ParseJSONInto gives, error included,
// whatever the scratch buffer held before.
func TestParseJSONScratchAgrees(t *testing.T) {
	var scratch []byte
	for _, small := range []bool{true, false} {
		for _, s := range scanCases {
			checkScratchAgrees(t, s, &scratch, small)
		}
	}
	long := `{"body":"{\"event\":\"room_login\",\"nonce\":\"` + strings.Repeat(`\u00e9\"x`, 300) + `\"}","k\u0065y":"\ud83d\ude00"}`
	checkScratchAgrees(t, long, &scratch, true)
	// Strings whose first stop is an escape are checked and decoded in one
	// pass: every kind of escape, surrogate pairs and unpaired halves, a
	// stop in the last eight bytes, and what must be refused after an escape.
	for _, s := range []string{
		`{"a":"\"0123456789abcdef\"x","b":"\\\\\/\b\f\n\r\t"}`,
		`{"a":"\n\ud83d\ude00 \ud83d x \ude00 \ud83d\u0041 \ud83d\ud83d\ude00"}`,
		`{"a":"\nÃ©€😀 plain","\tkey":1}`,
		`{"a":"\n` + "\xc3\x28" + `"}`,
		`{"a":"\n` + "\x01" + `"}`,
		`{"a":"\u12"}`, `{"a":"\ud83d\u12"}`, `{"a":"\ud83d\uzzzz"}`,
		`{"a":"\x"}`, `{"a":"\`, `{"a":"\n`, `{"a":"\n12345678`, `{"a":"\n1234567"}`,
		`{"a":"\u0000\u001f"}`, `{"a":"x\"` + strings.Repeat("y", 17) + `\\"}`,
	} {
		checkScratchAgrees(t, s, &scratch, false)
		checkScratchAgrees(t, s, &scratch, true)
	}
}

func checkScratchAgrees(t *testing.T, s string, scratch *[]byte, small bool) {
	t.Helper()
	if small {
		*scratch = make([]byte, 0, 1) // must grow
	}
	var want, got Payload
	wantErr := ParseJSONInto(&want, s)
	gotErr := ParseJSONScratch(&got, s, scratch)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%q: error %v, want %v", s, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got.Entries, want.Entries) && (len(got.Entries) != 0 || len(want.Entries) != 0) {
		t.Fatalf("%q:\n got %+v\nwant %+v", s, got.Entries, want.Entries)
	}
}

// The strings of one call stay intact until the scratch buffer is reused,
// even when a call has to grow it.
func TestParseJSONScratchReuse(t *testing.T) {
	var scratch []byte
	var a, b Payload
	if err := ParseJSONScratch(&a, `{"k":"a\"b"}`, &scratch); err != nil {
		t.Fatal(err)
	}
	other := []byte(nil)
	if err := ParseJSONScratch(&b, `{"k":"`+strings.Repeat(`c\"`, 100)+`"}`, &other); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Get("k"); v.Text != `a"b` {
		t.Fatalf("first payload changed: %q", v.Text)
	}
	if v, _ := b.Get("k"); v.Text != strings.Repeat(`c"`, 100) {
		t.Fatalf("second payload: %q", v.Text)
	}
	if err := ParseJSONScratch(&a, `{"k":"d\\e"}`, &scratch); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Get("k"); v.Text != `d\e` {
		t.Fatalf("reused: %q", v.Text)
	}
	if testing.AllocsPerRun(100, func() { _ = ParseJSONScratch(&a, `{"k":"a\"b","\u006b2":"\u00e9"}`, &scratch) }) != 0 {
		t.Error("ParseJSONScratch allocates once its buffers are warm")
	}
}
