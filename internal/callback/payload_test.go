package callback

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestJSONKeepsOrderTextAndBigNumbers(t *testing.T) {
	body := `{"event":"room_create","appid":1,"timestamp":1499676978,"room_session_id":858012925204410400,"x":1.50,"z":"a\u00e9","extra":{"b":1,"a":2}}`
	p, err := ParseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range p.Entries {
		keys = append(keys, e.Key)
	}
	if got := strings.Join(keys, ","); got != "event,appid,timestamp,room_session_id,x,z,extra" {
		t.Fatalf("order %s", got)
	}
	if v, _ := p.Get("room_session_id"); v.Raw != "858012925204410400" || v.Kind != KindNumber {
		t.Fatalf("big number mangled: %+v", v)
	}
	if v, _ := p.Get("x"); v.Text != "1.50" {
		t.Fatalf("number text changed: %q", v.Text)
	}
	if v, _ := p.Get("z"); v.Text != "aé" || v.Raw != `"a\u00e9"` {
		t.Fatalf("string: %+v", v)
	}
	if string(p.JSON()) != body {
		t.Fatal("unchanged payload must re-emit byte-for-byte")
	}
	p.Set("y", String("new"))
	out := string(p.JSON())
	if !strings.Contains(out, `"room_session_id":858012925204410400`) || !strings.HasSuffix(out, `"y":"new"}`) {
		t.Fatalf("re-encoded: %s", out)
	}
	if !json.Valid([]byte(out)) {
		t.Fatal("re-encoded JSON invalid")
	}
}

func TestFormArraysAndEscapes(t *testing.T) {
	body := "event=stream_create&rtmp_url=rtmp%3A%2F%2Fa%2Fx&title=hello+world&rtmp_url=rtmp%3A%2F%2Fb%2Fx&pic_url[]=http%3A%2F%2Fp&stream_attr=%7B%22cid%22%3A0%7D"
	p, err := ParseForm([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatForm {
		t.Fatal("format")
	}
	v, _ := p.Get("rtmp_url")
	if got := v.Strings(); len(got) != 2 || got[1] != "rtmp://b/x" {
		t.Fatalf("repeated keys: %v", got)
	}
	if v, _ := p.Get("pic_url"); v.Kind != KindArray || v.Strings()[0] != "http://p" {
		t.Fatalf("key[]: %+v", v)
	}
	if v, _ := p.Get("title"); v.Text != "hello world" {
		t.Fatalf("plus: %q", v.Text)
	}
	if v, _ := p.Get("stream_attr"); v.Text != `{"cid":0}` {
		t.Fatalf("attr %q", v.Text)
	}
	// JSON view keeps the first key's position.
	if got := string((&Payload{Entries: p.Entries, Format: FormatForm}).JSON()); !strings.HasPrefix(got, `{"event":"stream_create","rtmp_url":["rtmp://a/x","rtmp://b/x"],"title"`) {
		t.Fatalf("json view %s", got)
	}
	// Re-encode: arrays go out as repeated keys, and parse back equal.
	q := p.Clone()
	q.Body = nil
	again, err := ParseForm(q.Form())
	if err != nil {
		t.Fatal(err)
	}
	// A one-item array cannot be told from a scalar in form mode, so compare items.
	if len(again.Entries) != len(p.Entries) {
		t.Fatalf("form round trip: %d entries, want %d", len(again.Entries), len(p.Entries))
	}
	for i, e := range p.Entries {
		a, b := strings.Join(e.Value.Strings(), "|"), strings.Join(again.Entries[i].Value.Strings(), "|")
		if again.Entries[i].Key != e.Key || a != b {
			t.Fatalf("form round trip: %s=%s became %s=%s", e.Key, a, again.Entries[i].Key, b)
		}
	}
}

func TestParseErrorsNameThePlace(t *testing.T) {
	tests := []struct {
		name, body string
		offset     int
		field      string
		contains   string
	}{
		{"empty", "", -1, "", "empty body"},
		{"whitespace", " \n\t", -1, "", "empty body"},
		{"truncated", `{"event":"x","nonce":`, 21, "", "truncated"},
		{"truncated in a \\u escape", `{"event":"x\u00`, 15, "", "truncated"},
		{"truncated in a literal", `{"event":tru`, 12, "", "truncated"},
		{"space is not the end", `{"event": x}`, 10, "", "invalid character 'x'"},
		{"array", `[1,2]`, 0, "", "want a JSON object"},
		{"stray comma", `{"event":"x",}`, 13, "", "invalid character '}'"},
		{"bom", "\uFEFF{}", 0, "", "byte-order mark"},
		{"bad utf8", "{\"a\":\"\xff\"}", 6, "", "invalid UTF-8"},
		{"bad escape", "event=x&room_id=a%zzb", 17, "room_id", `invalid escape "%zz"`},
		{"truncated escape", "event=x&nonce=12%4", 16, "nonce", "truncated escape"},
		{"urlencoded json garbage", "%7B%22a%22%3A", -2, "", "after URL-decoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), "")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if tt.offset != -2 && pe.Offset != tt.offset {
				t.Errorf("offset %d, want %d (%v)", pe.Offset, tt.offset, err)
			}
			if pe.Field != tt.field {
				t.Errorf("field %q, want %q", pe.Field, tt.field)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestDetectAndURLEncodedJSON(t *testing.T) {
	p := &Payload{Entries: []Entry{{Key: "event", Value: String("mix_stop")}, {Key: "seq", Value: String("12")}}}
	enc := p.Encode(FormatURLEncodedJSON)
	if Detect(enc, "") != FormatURLEncodedJSON {
		t.Fatalf("detect %s", enc)
	}
	q, err := Parse(enc, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.EventName() != "mix_stop" || q.Format != FormatURLEncodedJSON {
		t.Fatalf("%+v", q)
	}
	if Detect([]byte("a=1"), "application/json") != FormatForm {
		t.Fatal("form detection")
	}
	if Detect([]byte(`  {"a":1}`), "application/x-www-form-urlencoded") != FormatJSON {
		t.Fatal("JSON body wins over a wrong content type")
	}
}

func TestDuplicateKeysKeptAndFlagged(t *testing.T) {
	e, _ := Default().Lookup("mix_stop")
	p := e.Sample(SampleOptions{})
	e.Stamp(p, "s", "1700000000", "1")
	body := strings.TrimSuffix(string(p.JSON()), "}") + `,"nonce":"2"}`
	q, err := ParseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := q.Get("nonce"); v.Text != "1" {
		t.Fatal("Get returns the first value")
	}
	probs := e.Check(q)
	if len(probs) != 1 || probs[0].Field != "nonce" || probs[0].Severity != Error || !strings.Contains(probs[0].Msg, "duplicate") {
		t.Fatalf("problems %v", probs)
	}
}

// A key the catalog does not know, repeated, is as ambiguous as a known one.
func TestDuplicateUnknownKeyIsAnError(t *testing.T) {
	e, _ := Default().Lookup("stream_close")
	p := e.Sample(SampleOptions{})
	body := strings.TrimSuffix(string(p.JSON()), "}") + `,"x_extra":1,"x_extra":2}`
	q, err := ParseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	probs := e.Check(q)
	if len(probs) != 1 || probs[0].Field != "x_extra" || probs[0].Severity != Error || !strings.Contains(probs[0].Msg, "duplicate") {
		t.Fatalf("problems %v", probs)
	}
}

func TestUnescape(t *testing.T) {
	got, err := Unescape("a%20b+c%2B", 0)
	if err != nil || got != "a b c+" {
		t.Fatalf("%q %v", got, err)
	}
	if !LooksURLEncoded("rtmp%3A%2F%2Fx") || LooksURLEncoded("100%") || LooksURLEncoded("plain") {
		t.Fatal("LooksURLEncoded")
	}
}

// ParseOwned and ParseOwnedInto (over a used payload) give what Parse gives, for every format and for errors.
func TestParseOwnedMatchesParse(t *testing.T) {
	e, _ := Default().Lookup("stream_create")
	good := e.Sample(SampleOptions{})
	cases := []struct{ body, ct string }{
		{string(good.JSON()), "application/json"},
		{string(good.Form()), "application/x-www-form-urlencoded"},
		{string(good.Encode(FormatURLEncodedJSON)), ""},
		{`{"event":"a\u00e9\n","n":1.5e3,"o":{"x":[1,2]},"b":true,"z":null}`, ""},
		{`{"event":"x",}`, "application/json"},
		{"\xef\xbb\xbf{}", ""},
		{"", ""},
		{"   ", "application/json"},
		{`["not an object"]`, ""},
		{"{\"a\":\"\xff\"}", ""},
	}
	for _, c := range cases {
		want, wantErr := Parse([]byte(c.body), c.ct)
		got, gotErr := ParseOwned([]byte(c.body), c.ct)
		reused := &Payload{Entries: []Entry{{Key: "stale"}}, Body: []byte("stale")}
		if err := ParseOwnedInto(reused, []byte(c.body), c.ct); fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%q: ParseOwnedInto error %v, Parse gives %v", c.body, err, wantErr)
		} else if err != nil && len(reused.Entries) != 0 {
			t.Errorf("%q: ParseOwnedInto left %d entries after an error", c.body, len(reused.Entries))
		} else if err == nil && !reflect.DeepEqual(want.Entries, reused.Entries) {
			t.Errorf("%q: ParseOwnedInto differs from Parse", c.body)
		}
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Errorf("%q: error %v, Parse gives %v", c.body, gotErr, wantErr)
			continue
		}
		if wantErr == nil && (!reflect.DeepEqual(want.Entries, got.Entries) || want.Format != got.Format || string(want.Body) != string(got.Body)) {
			t.Errorf("%q: ParseOwned differs from Parse:\n%+v\n%+v", c.body, got, want)
		}
	}
}

func TestFormWithBrackets(t *testing.T) {
	p, err := ParseJSON([]byte(`{"event":"x","urls":["a b","c"],"one":["only"],"n":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.FormWith(ArraysRepeat)); got != "event=x&urls=a+b&urls=c&one=only&n=1" {
		t.Errorf("repeat: %s", got)
	}
	got := string(p.FormWith(ArraysBrackets))
	if got != "event=x&urls%5B%5D=a+b&urls%5B%5D=c&one%5B%5D=only&n=1" {
		t.Errorf("brackets: %s", got)
	}
	// Brackets keep a one-item array an array when parsed back.
	q, err := ParseForm([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := q.Get("one"); v.Kind != KindArray || len(v.Strings()) != 1 {
		t.Errorf("one: %+v", v)
	}
	if v, _ := q.Get("urls"); len(v.Strings()) != 2 || v.Strings()[0] != "a b" {
		t.Errorf("urls: %+v", v)
	}
}

// Unhex is the one hex-digit decoder (callback's escapes and replay's
// record bodies): every byte, against strconv.
func TestUnhex(t *testing.T) {
	for c := 0; c < 256; c++ {
		want, err := strconv.ParseUint(string(rune(c)), 16, 8)
		got, ok := Unhex(byte(c))
		if ok != (err == nil && c < 128) || ok && uint64(got) != want {
			t.Errorf("Unhex(%q) = %d, %v; want %d, %v", byte(c), got, ok, want, err == nil)
		}
	}
}

func TestFormatLabel(t *testing.T) {
	for f, want := range map[Format]string{FormatJSON: "JSON", FormatForm: "form", FormatURLEncodedJSON: "UrlEncoded JSON", "": "JSON"} {
		if got := f.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", f, got, want)
		}
	}
}
