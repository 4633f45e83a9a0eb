package callback

import (
	"reflect"
	"testing"

	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// generalParse is ParseJSONInto without the fast path.
func generalParse(s string) ([]Entry, bool) {
	if !gjson.Valid(s) || !utf8.ValidString(s) {
		return nil, false
	}
	root := gjson.Parse(s)
	if !root.IsObject() {
		return nil, false
	}
	var out []Entry
	root.ForEach(func(k, v gjson.Result) bool {
		out = append(out, Entry{Key: k.Str, Value: valueOf(v), Offset: k.Index})
		return true
	})
	return out, true
}

var scanCases = []string{
	`{}`, ` { } `, `{"a":1}`, "\n{\"a\" : \"b\" ,\"c\":[1,2,{\"d\":null}],\"e\":true,\"f\":false,\"g\":-0.5e+3}\r\n",
	`{"esc":"a\"b\\c\/\u00e9\n","k\u0065y":"v"}`, `{"n":858012925204410400,"o":{"x":{"y":[[]]}}}`,
	`{"a":1,}`, `{"a":01}`, `{"a":1.}`, `{"a":.1}`, `{"a":-}`, `{"a":1e}`, `{"a":"\x"}`, `{"a":"\u12"}`,
	`{"a":tru}`, `{"a":nul}`, `{"a" 1}`, `{a:1}`, `[1]`, `"s"`, `{"a":1} x`, `{"a":1}{}`, `{"a":[1,]}`,
	`{"a":{"b":1,}}`, `{"a":{"b"}}`, "{\"a\":\"\x01\"}", `{"a":"x`, `{"a":1`, `{`, ``, ` `,
	`{"s":"\ud83d\ude00","lone":"\ud83d","lone2":"\ude00x","pair-bad":"\ud83d\u0041","mix":"\ud83d\ud83d\ude00"}`,
	`{"ctl":"\b\f\r\t","uni":"\u0000\u00ff\uFFFF"}`,
	"{\"a\":\"\xff\"}", "{\"\xe4\xbd\xa0\":\"\xe5\xa5\xbd, a long enough string to take the eight-byte path \xe4\xbd\xa0\"}",
	"{\"a\":\"0123456789\xe4\xbd\"}", "{\"a\":[\"\xc3\"]}", "{\"k\xc3\":1}", "{\"a\":1}\xc3",
	`{"a":[1 2]}`, `{"a":{"b":1 "c":2}}`, `{"a":-01}`, `{"a":2E-7}`, `{"a":[true,false,null]}`,
}

func TestScanObjectAgreesWithGjson(t *testing.T) {
	for _, s := range scanCases {
		checkScanAgrees(t, s)
	}
}

func checkScanAgrees(t *testing.T, s string) {
	t.Helper()
	var p Payload
	fast := scanObject(s, &p)
	want, valid := generalParse(s)
	if fast && !valid {
		t.Fatalf("fast path accepted invalid %q", s)
	}
	if fast && !reflect.DeepEqual(p.Entries, want) && !(len(p.Entries) == 0 && len(want) == 0) {
		t.Fatalf("fast path for %q:\n got %+v\nwant %+v", s, p.Entries, want)
	}
	if !fast && valid && len(s) < 1000 {
		t.Errorf("fast path refused valid %q (falls back, but should not need to)", s)
	}
}

// BenchmarkParseJSON: the one-pass scanner (what Parse uses) on a signed
// stream_create body, the largest callback listen sees in bench/listen.
func BenchmarkParseJSON(b *testing.B) {
	e, _ := Default().Lookup("stream_create")
	p := e.Sample(SampleOptions{})
	e.Stamp(p, "secret", "1700000000", NewNonce())
	body := p.JSON()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}
