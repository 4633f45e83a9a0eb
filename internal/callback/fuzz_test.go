package callback

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse: no codec ever panics, and a payload one returns encodes to
// valid JSON and survives a round trip through the other encodings. Parse
// picks one codec by the body's first bytes and the content type, so every
// input also goes through all three codecs directly (JSON, form, wholly
// UrlEncoded JSON): each sees every input, not only what Detect sends it.
// The fast JSON scanner must agree with the general path.
// Seeds: testdata/fuzz/FuzzParse plus the cases below.
func FuzzParse(f *testing.F) {
	for _, s := range scanCases {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("event=stream_create&rtmp_url=a&rtmp_url=b&hls_url[]=c&x=%E4%BD%A0"), "application/x-www-form-urlencoded")
	f.Add([]byte("%7B%22event%22%3A%22mix_start%22%2C%22seq%22%3A12%7D"), "")
	f.Add([]byte("%7b%22event%22%3a%22mix_stop%22%7d"), "application/x-www-form-urlencoded")
	f.Add([]byte(`{"Event":"censor_audio_v2_status","AppId":1,"AuxInfo":{"RoomId":"r"}}`), "application/json")
	f.Add([]byte(`{"event":"room_login","room_name":"a%20b"}`), "application/x-www-form-urlencoded; charset=utf-8")
	f.Add([]byte("room_id=r&event=room_logout&user_name=a+b%2B&k"), "text/plain")
	codecs := []struct {
		name  string
		parse func([]byte) (*Payload, error)
	}{{"ParseJSON", ParseJSON}, {"ParseForm", ParseForm}, {"ParseURLEncodedJSON", ParseURLEncodedJSON}}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		for _, c := range codecs {
			q, err := c.parse(body)
			switch {
			case err != nil && q != nil:
				t.Fatalf("%s: payload and error", c.name)
			case err != nil:
				if strings.ContainsAny(err.Error(), "\r\n") {
					t.Fatalf("%s: error spans lines: %q", c.name, err)
				}
			default:
				checkPayload(t, c.name, q, body)
			}
		}
		p, err := Parse(body, contentType)
		if err != nil {
			if p != nil {
				t.Fatal("payload and error")
			}
			return
		}
		checkPayload(t, "Parse", p, body)
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

// checkPayload: p, parsed by codec from body, encodes to valid JSON, and
// re-reads the same from its UrlEncoded JSON encoding and from its form.
func checkPayload(t *testing.T, codec string, p *Payload, body []byte) {
	t.Helper()
	out := p.JSON()
	if !json.Valid(out) {
		t.Fatalf("%s: JSON() is not valid JSON: %q (from %q)", codec, out, body)
	}
	for _, e := range p.Entries {
		if !json.Valid([]byte(e.Value.Raw)) {
			t.Fatalf("%s: entry %q raw %q is not JSON", codec, e.Key, e.Value.Raw)
		}
	}
	// UrlEncoded JSON is the JSON, percent-encoded: the same entries.
	u, err := ParseURLEncodedJSON(p.Encode(FormatURLEncodedJSON))
	if err != nil {
		t.Fatalf("%s: its UrlEncoded JSON does not parse: %v (from %q)", codec, err, body)
	}
	want, err := ParseJSON(out)
	if err != nil {
		t.Fatalf("%s: its JSON does not parse: %v (from %q)", codec, err, body)
	}
	if !sameEntries(u.Entries, want.Entries) {
		t.Fatalf("%s: UrlEncoded JSON round trip changed the payload:\n%+v\n%+v", codec, u.Entries, want.Entries)
	}
	// A form carries text only: it parses (unless nothing is left: an
	// empty array has no form encoding), and each string field whose key
	// is unique (and not "key[]") comes back with the same text.
	form := p.Form()
	if len(form) == 0 {
		return
	}
	fp, err := ParseForm(form)
	if err != nil {
		t.Fatalf("%s: its form %q does not parse: %v", codec, form, err)
	}
	seen := map[string]int{}
	for _, e := range p.Entries {
		seen[strings.TrimSuffix(e.Key, "[]")]++
	}
	for _, e := range p.Entries {
		if e.Value.Kind != KindString || strings.HasSuffix(e.Key, "[]") || seen[e.Key] > 1 {
			continue
		}
		if v, ok := fp.Get(e.Key); !ok || v.Text != e.Value.Text {
			t.Fatalf("%s: form round trip changed %q from %q to %q (form %q)", codec, e.Key, e.Value.Text, v.Text, form)
		}
	}
}

// sameEntries compares keys and values (offsets differ between encodings).
func sameEntries(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}
