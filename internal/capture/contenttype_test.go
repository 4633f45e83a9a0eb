package capture

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// contentType's direct read of the usual shape must give what walking the
// headers with gjson gives, for every shape.
func TestContentTypeAgreesWithWalk(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{"Content-Type":["application/json"],"User-Agent":["ZEGO-Callback/1.0"]}`, "application/json"},
		{`{"Content-Type":"application/x-www-form-urlencoded"}`, "application/x-www-form-urlencoded"},
		{`{"content-type":["text/plain; charset=utf-8","x"]}`, "text/plain; charset=utf-8"},
		{`{"User-Agent":["a"],"CONTENT-TYPE":["application/json"]}`, "application/json"},
		{`{"Content-Type":["a\"b"]}`, `a"b`},
		{`{"Content-Type":"a\u00e9"}`, "aé"},
		{`{"Content-Type":[]}`, ""},
		{`{"Content-Type":[1]}`, "1"},
		{`{"Content-Type":null,"content-type":"x"}`, ""},
		{`{ "Content-Type" : "spaced" }`, "spaced"},
		{`{"Accept":["*/*"]}`, ""},
		{`{}`, ""},
	}
	for _, c := range cases {
		got := contentType(c.raw)
		if got != c.want || got != walkContentType(c.raw) {
			t.Errorf("contentType(%s) = %q, want %q (walk: %q)", c.raw, got, c.want, walkContentType(c.raw))
		}
	}
}

// walkContentType is contentType without its direct read: the gjson walk.
func walkContentType(raw string) string {
	ct := ""
	gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
		if strings.EqualFold(k.Str, "Content-Type") {
			if v.IsArray() {
				v = v.Get("0")
			}
			ct = v.String()
			return false
		}
		return true
	})
	return ct
}

// FuzzContentType: for any headers object verify can hand it (valid JSON,
// valid UTF-8), the direct read gives what the walk gives.
func FuzzContentType(f *testing.F) {
	for _, s := range []string{`{"Content-Type":["application/json"],"User-Agent":["a"]}`, `{"content-type":"x"}`,
		`{"Content-Type":["a\"b"]}`, `{"Content-Type":"a\u00e9"}`, `{"Content-Type":[]}`, `{"Content-Type":[1]}`,
		`{"Content-Type":null,"content-type":"x"}`, `{ "Content-Type" : "spaced" }`, `{"CONTENT-TYPE":["", "b"]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !strings.HasPrefix(raw, "{") || !json.Valid([]byte(raw)) || !utf8.ValidString(raw) {
			return
		}
		if got, want := contentType(raw), walkContentType(raw); got != want {
			t.Fatalf("contentType(%s) = %q, the walk %q", raw, got, want)
		}
	})
}
