// Package input reads callback inputs: files, directories, stdin, JSON lines, torn last lines.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/zegocb/zegocb/internal/callback"
)

// Extensions are the file name endings read when a directory is walked.
var Extensions = []string{".json", ".jsonl", ".ndjson", ".txt", ".form", ".log"}

// HasExtension reports whether name ends (in any case) in one of Extensions.
func HasExtension(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// DescribeOpenError says why a file or directory could not be opened or
// read, without the path (the caller names it).
func DescribeOpenError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// TornAt reports whether err, from parsing data, says that data stops in
// the middle of a JSON object (the input ran out, possibly inside a UTF-8
// sequence), and where: what an interrupted write leaves. A last line that
// is wrong anywhere else is just invalid.
func TornAt(data []byte, err error) (int, bool) {
	var pe *callback.ParseError
	if FirstByte(data) != '{' || !errors.As(err, &pe) || pe.Offset < 0 {
		return 0, false
	}
	switch {
	case strings.HasPrefix(pe.Msg, "invalid JSON: truncated JSON"):
		return pe.Offset, true
	case pe.Msg == "invalid UTF-8" && pe.Offset < len(data) && !utf8.FullRune(data[pe.Offset:]):
		return pe.Offset, true // a multi-byte character cut short at the very end
	}
	return 0, false
}

// IsSpace reports whether c is JSON whitespace (space, tab, CR, LF).
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// FirstByte returns the first byte of b that is not JSON whitespace, or 0.
func FirstByte(b []byte) byte {
	for _, c := range b {
		if !IsSpace(c) {
			return c
		}
	}
	return 0
}

// IsBlank reports whether b holds only JSON whitespace (a form feed is not
// blank).
func IsBlank(b []byte) bool {
	for _, c := range b {
		if !IsSpace(c) {
			return false
		}
	}
	return true
}

// ContinuesObject reports whether b's first line (which opens an object it
// does not close) is followed by a line that goes on with that object: the
// next non-blank line starts with a key or the closing brace. A JSON-lines
// file, even one whose first line is broken, goes on with a new payload.
func ContinuesObject(b []byte) bool {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(b[i+1:], " \t\r\n")
	return len(rest) > 0 && (rest[0] == '"' || rest[0] == '}')
}

// UnsafeString views b as a string without copying; b must not change
// while the string is in use.
func UnsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// SizeText is a payload limit or line length in messages: "64 MiB",
// "4 KiB", "100 bytes" (whole MiB or KiB only, else bytes).
func SizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
