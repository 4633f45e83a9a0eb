package callback

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// scanCases are bodies the fast path must treat exactly as the general
// path: same entries when it accepts them, and it must reject every body
// the general path rejects.
var scanCases = []string{
	`{}`, ` { } `, "\t{\n}\r\n", `{"a":1}`, `  {"a":1}`, `{"a":1} `, `{"a":1}x`, `{"a":1,}`, `{,"a":1}`,
	`{"a":-0.5e+10,"b":0,"c":-1,"d":1E5,"e":12.0}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":+1}`,
	`{"a":true,"b":false,"c":null}`, `{"a":tru}`, `{"a":truex}`, `{"a":nul}`, `{"a":True}`,
	`{"a":"x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"}`, `{"a":"\u12"}`, `{"a":"\x"}`, "{\"a\":\"tab\there\"}", `{"a":"unterminated}`,
	`{"k\u00e9y":1,"k\"":2}`, `{"a" : [ 1 , "x" , {"b" : [ ] } , [ ] ] , "c" : { } }`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":{"b"}}`,
	`{"a":{"b":1,}}`, `{"a":[1 2]}`, `{"a":1 "b":2}`, `{"a"1}`, `{a:1}`, `{"a":1}}`, `{"a":[1}`, `{"a":{]}`,
	`[1,2]`, `"s"`, `1`, ``, `   `, "\uFEFF{}", `{"a":"é","b":"日本"}`, `{"dup":1,"dup":2}`,
	`{"event":"stream_create","stream_attr":"{\"cid\":0}","rtmp_url":["rtmp://a/b","rtmp://c/d"],"n":858012925204410400}`,
	`{"a":"\u0000"}`, "{\"a\":\"\x7f\"}", `{"a":[[[[[]]]]]}`, `{"a":[{"b":[{"c":null}]}]}`,
}

func generalEntries(s string) ([]Entry, bool) {
	p, err := parseJSONGeneral(s)
	if err != nil {
		return nil, false
	}
	return p.Entries, true
}

func checkScan(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		return // the fast path is only tried on valid UTF-8
	}
	want, wantOK := generalEntries(s)
	got, ok := scanObject(s, nil)
	if !ok {
		return // the general path decides
	}
	if !wantOK {
		t.Fatalf("fast path accepted %q, which the general path rejects", s)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast    %+v\ngeneral %+v", s, got, want)
	}
}

func TestScanObjectMatchesGeneralPath(t *testing.T) {
	for _, s := range scanCases {
		checkScan(t, s)
	}
	// Every payload fixture and catalog sample, whole and cut short at
	// every byte.
	var bodies []string
	files, _ := filepath.Glob("../../testdata/payloads/*/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	for _, e := range Default().Events() {
		bodies = append(bodies, string(e.Sample(SampleOptions{}).JSON()))
	}
	if len(bodies) < 10 {
		t.Fatalf("only %d bodies", len(bodies))
	}
	for _, b := range bodies {
		if _, ok := scanObject(b, nil); !ok && strings.HasPrefix(strings.TrimSpace(b), "{") {
			if _, err := parseJSONGeneral(b); err == nil {
				t.Errorf("fast path refused a valid body: %.80q", b)
			}
		}
		for i := 0; i <= len(b); i++ {
			checkScan(t, b[:i])
		}
	}
}

func FuzzScanObject(f *testing.F) {
	for _, s := range scanCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkScan(t, s) })
}

// BenchmarkParseJSON compares the one-pass fast path (what Parse uses) with
// the general path (gjson.Valid, then gjson's ForEach) on a signed
// stream_create body.
func BenchmarkParseJSON(b *testing.B) {
	e, _ := Default().Lookup("stream_create")
	p := e.Sample(SampleOptions{})
	e.Stamp(p, "secret", "1700000000", NewNonce())
	body := p.JSON()
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			if _, err := ParseJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			if _, err := parseJSONGeneral(string(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
