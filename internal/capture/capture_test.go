package capture

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

func TestRoundTripByteExact(t *testing.T) {
	bodies := [][]byte{
		[]byte(`{"event":"stream_create","room_session_id":858012925204410400,"x":"<&>"}`),
		[]byte("event=record&extra_params=%7B%7D\n"),
		{0xff, 0xfe, 'a', 0x00},
	}
	for _, body := range bodies {
		req := httptest.NewRequest("POST", "/cb?x=1", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("X-Echo", "contains-s3cr3t-value")
		rec := New(req, body, time.Unix(1700000000, 5).UTC(), "s3cr3t")
		line, err := rec.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Fatalf("record is not exactly one line: %q", line)
		}
		if strings.Contains(string(line), "s3cr3t") || strings.Contains(string(line), "Bearer") {
			t.Fatalf("record leaks a credential: %s", line)
		}
		got, err := Parse(line[:len(line)-1])
		if err != nil {
			t.Fatal(err)
		}
		raw, err := got.RawBody()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, body) {
			t.Fatalf("body changed: %q != %q", raw, body)
		}
		if got.Path != "/cb?x=1" || got.ContentType() != "application/json" {
			t.Fatalf("metadata lost: %+v", got)
		}
	}
}

func TestIsRecord(t *testing.T) {
	if IsRecord(`{"event":"x","received_at":"t","body":"b"}`) {
		t.Fatal("a callback body with an event field is not a record")
	}
	if !IsRecord(`{"v":1,"received_at":"2026-01-01T00:00:00Z","method":"POST","path":"/","body":"{}"}`) {
		t.Fatal("record not recognised")
	}
}

// readEssentials reads a record line the way verify does: parsed as a
// callback payload, its fields handed to EssentialsFrom.
func readEssentials(line string) (Essentials, error) {
	p, err := callback.ParseJSON([]byte(line))
	if err != nil {
		return Essentials{}, err
	}
	return EssentialsFrom(func(key string) (string, string, bool) {
		v, ok := p.Get(key)
		return v.Raw, v.Text, ok
	})
}

func TestEssentialsAgreeWithParse(t *testing.T) {
	bodies := [][]byte{
		[]byte(`{"event":"stream_create","room_session_id":858012925204410400,"x":"<&>\"q\""}`),
		[]byte("event=record&extra_params=%7B%7D\n"),
		{0xff, 0xfe, 'a', 0x00},
		{},
	}
	for _, body := range bodies {
		req := httptest.NewRequest("POST", "/cb", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		rec := New(req, body, time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC), "")
		line, _ := rec.Marshal()
		full, err := Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := readEssentials(string(line))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := full.RawBody()
		if !bytes.Equal(fast.Body, raw) || fast.ContentType != full.ContentType() || !fast.ReceivedAt.Equal(full.ReceivedAt) {
			t.Fatalf("readEssentials = %+v, Parse = %+v", fast, full)
		}
	}
	for bad, want := range map[string]string{
		`{"received_at":"yesterday","body":"x"}`:                      `received_at "yesterday" is not an RFC 3339 time (like 2026-03-01T12:00:00Z)`,
		`{"received_at":"2026-01-01T00:00:00Z","body_base64":"AA!!"}`: "body_base64: invalid standard base64 at byte 2",
		`{"received_at":"2026-01-01T00:00:00Z","body":{}}`:            "body is not a string",
		`{"received_at":`: "invalid JSON",
		`{"received_at":"` + strings.Repeat("9", 100) + `","body":"x"}`: `received_at "` + strings.Repeat("9", 40) + `"… is not`,
	} {
		_, err := readEssentials(bad)
		if err == nil {
			t.Errorf("readEssentials(%s) accepted a broken record", bad)
		} else if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "2006") {
			t.Errorf("readEssentials(%s): %v, want %q", bad, err, want)
		}
	}
}

// isSensitive is sensitive[http.CanonicalHeaderKey(k)] without the
// canonicalisation: for every sensitive name in any casing, with a byte
// changed, and for ordinary names of the same lengths.
func TestIsSensitiveMatchesCanonicalLookup(t *testing.T) {
	names := []string{"Content-Type", "User-Agent", "Content-Length", "X-Zego", "X-Api-Kez", "cookie ", "Cookie\x00", "Coo\u212Aie", "X_Api_Key", "Set-Cookie2", "", "A"}
	for name := range sensitive {
		names = append(names, name, strings.ToLower(name), strings.ToUpper(name))
		for i := range name {
			b := []byte(name)
			b[i] ^= 0x20 // flip case (or turn '-' into '\r')
			names = append(names, string(b))
			b[i] = '_'
			names = append(names, string(b))
			b[i] = 0xff
			names = append(names, string(b))
		}
	}
	for _, k := range names {
		if got, want := isSensitive(k), sensitive[http.CanonicalHeaderKey(k)]; got != want {
			t.Errorf("isSensitive(%q) = %v, want %v", k, got, want)
		}
	}
	for name := range sensitive {
		if !isSensitive(name) {
			t.Errorf("isSensitive(%q) = false: add it to the switch", name)
		}
	}
}
