package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/zegocb/zegocb/internal/callback"
)

// FuzzDecode: decode's own work on top of the codec (FuzzParse covers
// that): percent-decoding UrlEncoded string values inside JSON, and
// --expand's parsing of JSON held in strings. For any body, decodeBody
// never panics; an error is one line and is the codec's own; a result is
// one valid JSON object with the payload's keys in order, and without
// --expand every value is the payload's own or its percent-decoded text.
// Seeds: testdata/fuzz/FuzzDecode plus the cases below.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"event":"room_login","room_name":"room%23123%20A","n":858012925204410400,"pct":"100%"}`), false)
	f.Add([]byte(`{"stream_attr":"{\"cid\":0,\"v\":\"{\\\"x\\\":1}\"}","extra_params":"%7B%22TaskId%22%3A%22t%22%7D","l":"[1,[2]]"}`), true)
	f.Add([]byte("event=stream_create&stream_attr=%7B%22a%22%3A%5B1%5D%7D&rtmp_url=a&rtmp_url=b&k[]=%22"), true)
	f.Add([]byte("%7B%22event%22%3A%22mix_start%22%2C%22p%22%3A%22%257B%2522a%2522%253A1%257D%22%7D"), true)
	f.Add([]byte(`{"a":"%C3%28","b":"%00%0A","c":"+%2B","d":"\"[\"","e":"{\"k\":\"%7B%7D\"}"}`), true)
	f.Add([]byte(`{"deep":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"}`), true)
	f.Fuzz(func(t *testing.T, body []byte, expand bool) {
		out, err := decodeBody(body, expand)
		p, perr := callback.Parse(body, "")
		if err != nil {
			if out != nil || perr == nil || err.Error() != perr.Error() {
				t.Fatalf("decode error %v, codec error %v", err, perr)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if perr != nil {
			t.Fatalf("decode accepted what the codec refused: %v", perr)
		}
		if !json.Valid(out) || !gjson.ParseBytes(out).IsObject() {
			t.Fatalf("not one JSON object: %q (from %q)", out, body)
		}
		var keys []string
		var values []gjson.Result
		gjson.ParseBytes(out).ForEach(func(k, v gjson.Result) bool {
			keys = append(keys, k.Str)
			values = append(values, v)
			return true
		})
		if len(keys) != len(p.Entries) {
			t.Fatalf("%d keys out, %d in (from %q)", len(keys), len(p.Entries), body)
		}
		for i, e := range p.Entries {
			if keys[i] != e.Key {
				t.Fatalf("key %d is %q, want %q", i, keys[i], e.Key)
			}
			if expand {
				continue
			}
			got := values[i]
			switch {
			case got.Raw == e.Value.Raw:
			case e.Value.Kind == callback.KindString && got.Type == gjson.String:
				dec, err := callback.Unescape(e.Value.Text, 0)
				if err != nil || got.Str != dec {
					t.Fatalf("%q: %q is neither %q nor its percent-decoding", e.Key, got.Str, e.Value.Text)
				}
			default:
				t.Fatalf("%q: %s became %s", e.Key, e.Value.Raw, got.Raw)
			}
		}
	})
}
