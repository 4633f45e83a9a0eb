package capture

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

func TestReadEssentialsAgreesWithParse(t *testing.T) {
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
		fast, err := ReadEssentials(string(line))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := full.RawBody()
		if !bytes.Equal(fast.Body, raw) || fast.ContentType != full.ContentType() || !fast.ReceivedAt.Equal(full.ReceivedAt) {
			t.Fatalf("ReadEssentials = %+v, Parse = %+v", fast, full)
		}
	}
	for _, bad := range []string{
		`{"received_at":"yesterday","body":"x"}`,
		`{"received_at":"2026-01-01T00:00:00Z","body_base64":"!!"}`,
		`{"received_at":"2026-01-01T00:00:00Z","body":{}}`,
		`{"received_at":`,
	} {
		if _, err := ReadEssentials(bad); err == nil {
			t.Errorf("ReadEssentials(%s) accepted a broken record", bad)
		}
	}
}
