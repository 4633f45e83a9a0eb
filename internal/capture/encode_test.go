package capture

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// AppendJSON must write exactly what Marshal (encoding/json) writes.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "<", ">", "&", "é", "漢", "\u2028", "\u2029", "\xff", "\xe6\xbc", "😀", "%7B", "+"}
	str := func() string {
		var b strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		req := httptest.NewRequest("POST", "/zego?x="+strings.Repeat("y", i%3), nil)
		for n := rng.IntN(4); n > 0; n-- {
			req.Header.Add("X-"+strings.Repeat("K", 1+rng.IntN(3)), str())
		}
		if i%7 == 0 {
			req.Header["X-Empty"] = nil
		}
		received := time.Date(2025, 3, 14, 9, 26, 53, rng.IntN(1e9), time.UTC)
		if i%5 == 0 {
			received = received.Truncate(time.Second)
		}
		body := []byte(str())
		rec := New(req, body, received, "")
		rec.RemoteAddr = []string{"", "127.0.0.1:5555", str()}[i%3]
		if i%2 == 0 {
			rec.Answer = &Answer{Status: 200 + i%300, Body: []string{"", "1", str()}[i%3]}
		}
		want, err := rec.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("record %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	req := httptest.NewRequest("POST", "/zego", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wrk")
	body := []byte(`{"event":"stream_create","appid":"3146419612","timestamp":"1795433823","nonce":"3373868000766090308","signature":"7c26a9c3054b38a71408b4876fe8b1bdb95bdc75","room_id":"room-1d94","room_session_id":"1918036962685685918","user_id":"user-8899","user_name":"Guest 8899","channel_id":"room-1d94","stream_id":"room-1d94-user-8899","stream_attr":"{\"cid\":0}","stream_seq":"492","rtmp_url":["rtmp://rtmp.wsdemo.zego.im/zegodemo/room-1d94-user-8899"]}`)
	rec := New(req, body, time.Now(), "")
	rec.Answer = &Answer{Status: 200, Body: "1"}
	b.Run("Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			rec.Marshal()
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf = rec.AppendJSON(buf[:0])
		}
	})
	received := time.Now()
	b.Run("New+AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; i < b.N; i++ {
			rec := New(req, body, received, "secret")
			rec.Answer = &Answer{Status: 200, Body: "1"}
			buf = rec.AppendJSON(buf[:0])
		}
	})
	b.Run("body", func(b *testing.B) { // escaping the body alone
		b.SetBytes(int64(len(body)))
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf = appendJSONString(buf[:0], body)
		}
	})
	b.Run("AppendRequest", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf = AppendRequest(buf[:0], req, body, received, "secret", &Answer{Status: 200, Body: "1"})
		}
	})
}

// AppendRequest must write exactly what New + AppendJSON write.
func TestAppendRequestMatchesNew(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x00", "<", "&", "é", "漢", "\u2028", "\xff", "\xe6\xbc", "😀", "s3cret"}
	str := func() string {
		var b strings.Builder
		for n := rng.IntN(10); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	names := []string{"Content-Type", "User-Agent", "Authorization", "Cookie", "X-Api-Key", "x-auth-token", "X-Zego", "X-Trace", "A", "Zz"}
	for i := 0; i < 3000; i++ {
		req := httptest.NewRequest("POST", []string{"/", "/zego?x=1", "/a%20b", "/p?"}[i%4], nil)
		req.RemoteAddr = []string{"", "127.0.0.1:5555", str()}[i%3]
		for n := rng.IntN(6); n > 0; n-- {
			req.Header[names[rng.IntN(len(names))]] = append(req.Header[names[rng.IntN(len(names))]], str())
		}
		if i%7 == 0 {
			req.Header["X-Empty"] = nil
		}
		if i%11 == 0 {
			req.Header["X-None"] = []string{}
		}
		secret := []string{"", "s3cret"}[i%2]
		received := time.Date(2025, 3, 14, 9, 26, 53, rng.IntN(1e9), time.FixedZone("x", 3600*(i%3)))
		body := []byte(str())
		var answer *Answer
		if i%3 != 0 {
			answer = &Answer{Status: 200 + i%300, Body: []string{"", "1", str()}[i%3]}
		}
		rec := New(req, body, received, secret)
		rec.Answer = answer
		want := rec.AppendJSON(nil)
		if got := AppendRequest(nil, req, body, received, secret, answer); string(got) != string(want) {
			t.Fatalf("request %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// appendJSONString escapes every byte value as encoding/json does (HTML
// escaping off), wherever it sits in the string.
func TestAppendJSONStringEveryBytePosition(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 20; pos++ {
			s := strings.Repeat("x", pos) + string([]byte{byte(c)}) + strings.Repeat("y", 19-pos)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			if got := appendJSONString(nil, s); string(got) != string(want) {
				t.Fatalf("byte %#x at %d: got %s, want %s", c, pos, got, want)
			}
			if got := appendJSONString(nil, []byte(s)); string(got) != string(want) {
				t.Fatalf("[]byte: byte %#x at %d: got %s, want %s", c, pos, got, want)
			}
		}
	}
}

// jsonQuote is encoding/json's quoting of s, HTML escaping off.
func jsonQuote(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// appendJSONString copies eight bytes at a time and grows dst only for
// escapes longer than two bytes: long strings dense with those (every
// byte a control character or an invalid byte), runs that cross word
// boundaries, and a dst with a prefix and little spare capacity all come
// out as encoding/json writes them.
func TestAppendJSONStringLong(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabets := [][]string{
		{"a", "bcdefghij", "\"", "\\", " "},                               // a callback body's shape
		{"\x00", "\x01", "\x1f", "\xff", "\xc3", "\n"},                    // every byte grows to six
		{"a", "\x00", "\xff", "漢", "\u2028", "\u2029", "😀", "\"", "\x7f"}, // mixed
		{"abcdefgh", "é"},
	}
	for i := 0; i < 3000; i++ {
		alpha := alphabets[i%len(alphabets)]
		var b strings.Builder
		for n := rng.IntN(300); n > 0; n-- {
			b.WriteString(alpha[rng.IntN(len(alpha))])
		}
		s := b.String()
		want := jsonQuote(t, s)
		prefix := strings.Repeat("p", rng.IntN(20))
		dst := make([]byte, len(prefix), len(prefix)+rng.IntN(16))
		copy(dst, prefix)
		if got := appendJSONString(dst, []byte(s)); string(got) != prefix+want {
			t.Fatalf("string %d %q:\n got %s\nwant %s", i, s, got, prefix+want)
		}
		if got := appendJSONString(nil, s); string(got) != want {
			t.Fatalf("string %d %q (string):\n got %s\nwant %s", i, s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "abc", `{"event":"x","a":"b\"c"}`, "\x00\xff\u2028漢\n\t"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		if got, want := appendJSONString([]byte("x"), s), "x"+jsonQuote(t, string(s)); string(got) != want {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// AppendRequest escapes the body before it knows whether the body is
// UTF-8 and falls back to base64 when it is not: any body comes out as New
// + AppendJSON write it.
func FuzzAppendRequestBody(f *testing.F) {
	for _, s := range []string{"", `{"event":"stream_create"}`, "\xff", "ok\xe6\xbc", "\xef\xbf\xbd", "\xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	req := httptest.NewRequest("POST", "/zego", nil)
	req.Header.Set("Content-Type", "application/json")
	received := time.Date(2025, 3, 14, 9, 26, 53, 120, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := New(req, body, received, "")
		rec.Answer = &Answer{Status: 200, Body: "1"}
		want := rec.AppendJSON([]byte("x"))
		if got := AppendRequest([]byte("x"), req, body, received, "", rec.Answer); string(got) != string(want) {
			t.Fatalf("%q:\n got %s\nwant %s", body, got, want)
		}
	})
}
