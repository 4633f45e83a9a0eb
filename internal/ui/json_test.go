package ui

import (
	"bytes"
	"testing"
)

func TestWriteJSONLineKeepsText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSONLine(&buf, map[string]string{"body": "<html>a & b</html>"}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), `{"body":"<html>a & b</html>"}`+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
