package callback

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParse: Parse must never panic, and a payload it returns must encode
// to valid JSON. The fast JSON scanner must agree with the general path.
// Seeds: testdata/fuzz/FuzzParse plus the cases below.
func FuzzParse(f *testing.F) {
	for _, s := range scanCases {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("event=stream_create&rtmp_url=a&rtmp_url=b&hls_url[]=c&x=%E4%BD%A0"), "application/x-www-form-urlencoded")
	f.Add([]byte("%7B%22event%22%3A%22mix_start%22%2C%22seq%22%3A12%7D"), "")
	f.Add([]byte(`{"Event":"censor_audio_v2_status","AppId":1,"AuxInfo":{"RoomId":"r"}}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := Parse(body, contentType)
		if err != nil {
			if p != nil {
				t.Fatal("payload and error")
			}
			return
		}
		out := p.JSON()
		if !json.Valid(out) {
			t.Fatalf("JSON() is not valid JSON: %q (from %q)", out, body)
		}
		for _, f := range []Format{FormatForm, FormatURLEncodedJSON} {
			_ = p.Encode(f)
		}
		for _, e := range p.Entries {
			if !json.Valid([]byte(e.Value.Raw)) {
				t.Fatalf("entry %q raw %q is not JSON", e.Key, e.Value.Raw)
			}
		}
		if p.Format == FormatJSON {
			var q Payload
			if scanObject(string(body), &q) {
				want, _ := generalParse(string(body))
				if !reflect.DeepEqual(q.Entries, want) && (len(q.Entries) != 0 || len(want) != 0) {
					t.Fatalf("fast path disagrees on %q:\n%+v\n%+v", body, q.Entries, want)
				}
			}
			var scratch []byte
			if err := ParseJSONScratch(&q, string(body), &scratch); err != nil || !reflect.DeepEqual(q.Entries, p.Entries) && (len(q.Entries) != 0 || len(p.Entries) != 0) {
				t.Fatalf("scratch path disagrees on %q: %v\n%+v\n%+v", body, err, q.Entries, p.Entries)
			}
		}
		if _, err := Unescape(string(body), 0); err != nil {
			return
		}
	})
}
