package input

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

func TestHasExtension(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"a.json", true}, {"a.JSONL", true}, {"x/b.ndjson", true}, {"c.txt", true},
		{"d.form", true}, {"e.log", true}, {"f.yaml", false}, {"json", false}, {"g.json.gz", false},
	} {
		if got := HasExtension(tt.name); got != tt.want {
			t.Errorf("HasExtension(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDescribeOpenError(t *testing.T) {
	dir := t.TempDir()
	_, err := os.Open(filepath.Join(dir, "missing.jsonl"))
	if got := DescribeOpenError(err); got != "no such file or directory" {
		t.Errorf("missing file: %q", got)
	}
	if got := DescribeOpenError(&os.PathError{Op: "open", Path: "p", Err: os.ErrPermission}); got != "permission denied" {
		t.Errorf("permission: %q", got)
	}
	if got := DescribeOpenError(errors.New("disk on fire")); got != "disk on fire" {
		t.Errorf("other: %q", got)
	}
}

func TestTornAt(t *testing.T) {
	for _, tt := range []struct {
		data string
		torn bool
	}{
		{`{"event":"room_create","room_id":"r`, true},
		{"{\"event\":\"room_create\",\"room_id\":\"\xe4\xbd", true}, // a UTF-8 sequence cut short
		{`  {"event":`, true},
		{`{"event":"room_create",,"room_id":"r"}`, false}, // broken inside, not at the end
		{`["event"`, false},                               // not an object
		{`event=room_create&room_id=`, false},
	} {
		_, err := callback.ParseJSON([]byte(tt.data))
		if err == nil {
			t.Fatalf("%q parsed", tt.data)
		}
		off, torn := TornAt([]byte(tt.data), err)
		if torn != tt.torn {
			t.Errorf("TornAt(%q) = %d, %v, want torn %v (err %v)", tt.data, off, torn, tt.torn, err)
		}
		if torn && (off <= 0 || off > len(tt.data)) {
			t.Errorf("TornAt(%q) offset %d outside the data", tt.data, off)
		}
	}
}

func TestBytes(t *testing.T) {
	if FirstByte([]byte(" \t\r\n{")) != '{' || FirstByte([]byte(" \n")) != 0 || FirstByte(nil) != 0 {
		t.Error("FirstByte")
	}
	if !IsBlank([]byte(" \t\r\n")) || !IsBlank(nil) || IsBlank([]byte("\f")) || IsBlank([]byte(" x")) {
		t.Error("IsBlank: JSON whitespace only")
	}
	if !ContinuesObject([]byte("{\"a\":\n  \"b\": 1}")) || !ContinuesObject([]byte("{\n\n}")) ||
		ContinuesObject([]byte("{\"a\":1\n{\"b\":2}")) || ContinuesObject([]byte("{\"a\"")) {
		t.Error("ContinuesObject")
	}
	if UnsafeString(nil) != "" || UnsafeString([]byte("ab")) != "ab" {
		t.Error("UnsafeString")
	}
	for n, want := range map[int]string{100: "100 bytes", 4 << 10: "4 KiB", 1500: "1500 bytes", 64 << 20: "64 MiB", 1<<20 + 1<<10: "1025 KiB"} {
		if got := SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
