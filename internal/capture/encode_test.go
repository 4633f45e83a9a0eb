package capture

import (
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
