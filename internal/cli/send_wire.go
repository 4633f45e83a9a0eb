// send_wire.go prints requests instead of, or besides, sending them:
// --dry-run, --curl and -v's wire dumps (the secret masked).

package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/ui"
)

// defaultListenURL is where a dry run or curl command points without --to: the
// default address of `zegocb listen`, with the path it advertises.
const defaultListenURL = "http://127.0.0.1:8080/"

// requestJSON is the -o json object of --dry-run and --curl: the signed
// request (and for --curl the command too).
func requestJSON(target string, b *built) sendRequestJSON {
	h := map[string]string{}
	for k := range b.Header {
		h[k] = b.Header.Get(k)
	}
	return sendRequestJSON{
		V: jsonVersion, Method: "POST", URL: target, Headers: h, Body: string(b.Body),
		Event: b.Spec.Ref, Timestamp: b.Timestamp, Nonce: b.Nonce, SignatureHex: b.Signature,
	}
}

// sendRequestJSON is send --dry-run -o json: the request that would be sent;
// send --curl -o json adds the command.
type sendRequestJSON struct {
	V            int               `json:"v"` // jsonVersion
	Method       string            `json:"method"`
	URL          string            `json:"url"`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	Event        string            `json:"event"`
	Timestamp    string            `json:"timestamp"`
	Nonce        string            `json:"nonce"`
	SignatureHex string            `json:"signature_hex"`  // the signature field's value
	Curl         string            `json:"curl,omitempty"` // --curl only
}

// printDryRun prints the signed request as HTTP text.
func printDryRun(f *Factory, target string, b *built) error {
	if f.JSON() {
		return ui.WriteJSONLine(f.IO.Out, requestJSON(target, b))
	}
	var sb strings.Builder
	u, _ := url.Parse(target)
	fmt.Fprintf(&sb, "POST %s\n", target)
	fmt.Fprintf(&sb, "Host: %s\n", u.Host)
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			fmt.Fprintf(&sb, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintf(&sb, "Content-Length: %d\n\n", len(b.Body))
	sb.Write(b.Body)
	sb.WriteByte('\n')
	_, err := io.WriteString(f.IO.Out, sb.String())
	return err
}

// printCurl prints an equivalent curl command.
func printCurl(f *Factory, target string, b *built, o *sendOptions) error {
	var sb strings.Builder
	sb.WriteString("curl -sS -X POST " + curlQuote(target))
	if o.Insecure {
		sb.WriteString(" -k")
	}
	if o.CACert != "" {
		sb.WriteString(" --cacert " + curlQuote(o.CACert))
	}
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			sb.WriteString(" \\\n  -H " + curlQuote(k+": "+v))
		}
	}
	sb.WriteString(" \\\n  --data-raw " + curlQuote(string(b.Body)) + "\n")
	if f.JSON() {
		j := requestJSON(target, b)
		j.Curl = sb.String()
		return ui.WriteJSONLine(f.IO.Out, j)
	}
	_, err := io.WriteString(f.IO.Out, sb.String())
	return err
}

// curlQuote quotes s for POSIX shells.
func curlQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// maskSecret hides a header value that contains the secret.
func maskSecret(v, secret string) string {
	if secret != "" && strings.Contains(v, secret) {
		return "[masked: contains the secret]"
	}
	return v
}

func wireDumpRequest(f *Factory, target string, b *built, secret string) {
	s := f.IO.ErrStyles()
	u, _ := url.Parse(target)
	var sb strings.Builder
	path := u.RequestURI()
	fmt.Fprintf(&sb, "> POST %s HTTP/1.1\n> Host: %s\n", path, u.Host)
	for _, k := range sortedHeaderKeys(b.Header) {
		for _, v := range b.Header[k] {
			fmt.Fprintf(&sb, "> %s: %s\n", k, maskSecret(v, secret))
		}
	}
	fmt.Fprintf(&sb, "> Content-Length: %d\n>\n", len(b.Body))
	writeFaintLines(f, s, sb.String())
	body := b.Body
	if b.Format == callback.FormatJSON {
		body = ui.PrettyJSON(body, f.IO.ErrColorEnabled())
	}
	fmt.Fprintf(f.IO.ErrOut, "%s\n", strings.TrimRight(string(body), "\n"))
}

func wireDumpResponse(f *Factory, a deliver.Attempt, secret string) {
	if a.Status == 0 {
		return
	}
	s := f.IO.ErrStyles()
	var sb strings.Builder
	fmt.Fprintf(&sb, "< HTTP/1.1 %d %s\n", a.Status, http.StatusText(a.Status))
	for _, k := range sortedHeaderKeys(a.Header) {
		for _, v := range a.Header[k] {
			fmt.Fprintf(&sb, "< %s: %s\n", k, ui.SafeText(maskSecret(v, secret)))
		}
	}
	sb.WriteString("<\n")
	writeFaintLines(f, s, sb.String())
	if len(a.Body) > 0 { // the endpoint's bytes: never raw control sequences on the terminal
		fmt.Fprintln(f.IO.ErrOut, ui.SafeBlock(strings.TrimRight(string(a.Body), "\n")))
	}
}

// writeFaintLines styles each line on its own (a multi-line Render pads
// every line to the widest).
func writeFaintLines(f *Factory, s *ui.Styles, text string) {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		b.WriteString(s.Faint.Render(strings.TrimSuffix(l, "\n")) + "\n")
	}
	fmt.Fprint(f.IO.ErrOut, b.String())
}
