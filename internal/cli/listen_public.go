// listen_public.go holds listen --public-url: the URL a tunnel (cloudflared,
// ngrok, tailscale funnel) gives this listener, printed for ZEGO's console
// and checked once at start by sending a signed test callback to it and
// watching for it here.

package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// publicCheckHeader marks listen's own test callback; its value is a random
// token made at start, so nobody else can make a request pass for it.
const publicCheckHeader = "X-Zegocb-Url-Check"

// publicCheckTimeout is how long the check waits for the URL to answer.
const publicCheckTimeout = 15 * time.Second

// publicCheck wraps listen's handler: the test callback (the right token
// in publicCheckHeader) is answered here and reported on arrived; it is not
// judged, shown, captured or forwarded. Every other request goes on to next.
type publicCheck struct {
	token   string
	path    string // --path; "" accepts any
	arrived chan string
	next    http.Handler
}

func newPublicCheck(path string, next http.Handler) (*publicCheck, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &publicCheck{token: hex.EncodeToString(b[:]), path: path, arrived: make(chan string, 1), next: next}, nil
}

func (c *publicCheck) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok, ok := r.Header[publicCheckHeader]
	if !ok || len(tok) != 1 || subtle.ConstantTimeCompare([]byte(tok[0]), []byte(c.token)) != 1 {
		c.next.ServeHTTP(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	select {
	case c.arrived <- r.URL.Path: // arrival is noted before the answer, so an answer from here implies it
	default:
	}
	if c.path != "" && r.URL.Path != c.path {
		http.Error(w, "not found: zegocb listens on "+c.path, http.StatusNotFound)
		return
	}
	io.WriteString(w, "1")
}

// validatePublicURL checks --public-url's form.
func validatePublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return flagErrorf("invalid --public-url %q: want the http:// or https:// URL your tunnel gives, e.g. https://example.trycloudflare.com/", s)
	}
	return nil
}

// publicCheckBody is the test callback: signed with the secret, as ZEGO
// signs, but of an event no app handles (zegocb_url_check), so that a URL
// that leads to some other receiver makes it log an unknown event at
// worst, never act on a made-up stream or room.
func (o *listenOptions) publicCheckBody(secret string) []byte {
	ts, nonce := strconv.FormatInt(o.F.Now().Unix(), 10), callback.NewNonce()
	return []byte(`{"event":"zegocb_url_check","timestamp":"` + ts + `","nonce":"` + nonce +
		`","signature":"` + signature.Sign(secret, ts, nonce) + `"}`)
}

// checkPublicURL posts the signed test callback to --public-url and says on
// stderr whether it came back to this listener (addr), once. It never
// stops the listener: a tunnel may come up later.
func (o *listenOptions) checkPublicURL(ctx context.Context, c *publicCheck, addr, secret string) {
	f := o.F
	timeout := o.PublicURLTimeout
	if timeout <= 0 {
		timeout = publicCheckTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.PublicURL, strings.NewReader(string(o.publicCheckBody(secret))))
	if err != nil {
		f.Warnf("--public-url %s: %v", o.PublicURL, err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(publicCheckHeader, c.token)
	client := &http.Client{
		// ZEGO is not documented to follow redirects: a URL that redirects is reported as it is.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	start := time.Now()
	resp, err := client.Do(req)
	elapsed := time.Since(start)
	local := "http://" + addr
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			return // listen is stopping
		}
		var why string
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			why = "no answer within " + timeout.String()
		default:
			why = "cannot reach it: " + publicURLError(err)
		}
		f.Warnf("--public-url check: a signed test callback sent to %s did not arrive here (%s); is the tunnel running and pointing at %s?", o.PublicURL, why, local)
		return
	}
	resp.Body.Close()
	var path string
	select {
	case path = <-c.arrived:
	default:
	}
	switch {
	case path == "":
		f.Warnf("--public-url check: %s answered %d, but the signed test callback never arrived here: that URL (or its tunnel) leads somewhere else, not to %s", o.PublicURL, resp.StatusCode, local)
	case c.path != "" && path != c.path:
		f.Warnf("--public-url check: the test callback arrived on %s, but --path is %s: callbacks sent to %s would get 404; add the path to the URL in ZEGO's console", path, c.path, o.PublicURL)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		f.Warnf("--public-url check: the test callback arrived here, but the tunnel answered %d instead of our 200", resp.StatusCode)
	default:
		f.Progressf("%s a signed test callback sent to %s arrived here in %s", f.IO.ErrStyles().Pass.Render("public URL ok:"), o.PublicURL, latencyText(elapsed))
	}
}

// publicURLError is the innermost useful part of a client error.
func publicURLError(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no such host " + dnsErr.Name
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
