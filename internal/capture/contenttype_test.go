package capture

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// contentType's direct read of the usual shape must give what walking the
// headers with gjson gives, for every shape.
func TestContentTypeAgreesWithWalk(t *testing.T) {
	walk := func(raw string) string {
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
		if got != c.want || got != walk(c.raw) {
			t.Errorf("contentType(%s) = %q, want %q (walk: %q)", c.raw, got, c.want, walk(c.raw))
		}
	}
}
