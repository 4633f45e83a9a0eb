// curl.go builds the shell script that sends an entry's body again,
// byte-exact, with curl.

package inspect

import (
	"strings"
)

// curlCommand is a shell script that sends e's body again, byte-exact,
// with its Content-Type, to $URL (default target). The body carries the
// callback's signature, never the secret.
func curlCommand(e *Entry, target string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# zegocb inspect: ")
	if e.Event != "" {
		b.WriteString(oneLine(e.Event) + " ")
	}
	b.WriteString("received " + e.Received.UTC().Format("2006-01-02T15:04:05.000Z") + "\n")
	b.WriteString("# The body is sent exactly as received; run with URL=... to change the target.\n")
	b.WriteString("URL=${URL:-" + shellQuote(target) + "}\n")
	method := e.Method
	if method == "" {
		method = "POST"
	}
	b.WriteString("curl -sS -i -X " + shellQuote(method) + " \"$URL\"")
	if ct := e.ContentType(); ct != "" {
		b.WriteString(" \\\n  -H " + shellQuote("Content-Type: "+ct))
	}
	b.WriteString(" \\\n  --data-binary " + shellQuote(string(e.Body)) + "\n")
	return b.String()
}

// shellQuote quotes s for sh: single quotes, with ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
