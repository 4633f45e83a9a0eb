// endpoint.go holds what send and probe share to reach an endpoint: the
// --to/-H/TLS flags, the HTTP client that masks the secret, the ephemeral
// secret and the built-in receiver on 127.0.0.1.

package cli

// Helpers shared by `send` and `probe`: the HTTP client for the user's
// endpoint, -H parsing, the built-in receiver, and formatting of answers.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/zegocb/zegocb/internal/build"
	"github.com/zegocb/zegocb/internal/listen"
)

// endpointFlags are the connection flags send and probe share.
type endpointFlags struct {
	To       string
	Headers  []string
	Insecure bool
	CACert   string
	Timeout  time.Duration
}

// zegocbUserAgent is what zegocb sends (ZEGO's own is undocumented).
// register adds the connection flags but --to (its default differs):
// --timeout, -H, --insecure and --cacert.
func (e *endpointFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&e.Timeout, "timeout", 5*time.Second, "time to wait for each answer")
	fl.StringArrayVarP(&e.Headers, "header", "H", nil, "extra request header `'Key: Value'` (repeatable)")
	fl.BoolVar(&e.Insecure, "insecure", false, "do not verify the endpoint's TLS certificate")
	fl.StringVar(&e.CACert, "cacert", "", "trust the CA certificates in PEM `FILE` for HTTPS endpoints")
}

func zegocbUserAgent() string { return "zegocb/" + build.Get().Version }

// checkEndpointURL validates --to.
func checkEndpointURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return flagErrorf("--to %q: want an http:// or https:// URL", raw)
	}
	return nil
}

// parseHeaderFlags turns repeated -H 'Key: Value' flags into a header.
func parseHeaderFlags(hs []string) (http.Header, error) {
	h := http.Header{}
	for _, s := range hs {
		k, v, ok := strings.Cut(s, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, flagErrorf("-H %q: want 'Key: Value'", s)
		}
		h.Add(k, strings.TrimSpace(v))
	}
	return h, nil
}

// endpointTLS builds the TLS settings for --insecure and --cacert.
func endpointTLS(f *Factory, ef *endpointFlags) (*tls.Config, error) {
	if !ef.Insecure && ef.CACert == "" {
		return nil, nil
	}
	c := &tls.Config{InsecureSkipVerify: ef.Insecure} //nolint:gosec // the user asked for it with --insecure
	if ef.CACert != "" {
		pem, err := f.ReadFile(ef.CACert)
		if err != nil {
			return nil, inputErrorf("--cacert: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, inputErrorf("--cacert %s: no PEM certificate found", ef.CACert)
		}
		c.RootCAs = pool
	}
	return c, nil
}

// endpointClient returns a client that does not follow redirects (a redirect is
// an answer to report: ZEGO is not known to follow them). An endpoint that
// echoes a request header holding the secret (send -H) gets it masked in
// its answer, so no excerpt, -v dump or -o json shows it.
func endpointClient(tlsConf *tls.Config, secret string) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	var rt http.RoundTripper = tr
	if secret != "" {
		rt = &maskingTransport{Transport: tr, secret: []byte(secret)}
	}
	return &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// maskingTransport replaces the secret in response headers and in the first
// 2 MiB of response bodies (more than any answer is kept or shown).
type maskingTransport struct {
	*http.Transport
	secret []byte
}

const maskedSecret = "[masked]"

func (m *maskingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.Transport.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	for k, vs := range resp.Header {
		for i, v := range vs {
			resp.Header[k][i] = strings.ReplaceAll(v, string(m.secret), maskedSecret)
		}
	}
	head, rerr := io.ReadAll(io.LimitReader(resp.Body, 2<<20))
	head = bytes.ReplaceAll(head, m.secret, []byte(maskedSecret))
	var rest io.Reader = resp.Body
	if rerr != nil {
		rest = errReader{rerr}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), rest), resp.Body}
	resp.ContentLength = -1
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// ephemeralSecret is a random secret for the built-in receiver when none is configured.
func ephemeralSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// builtinReceiver is the built-in endpoint: listen's handler on 127.0.0.1:0.
type builtinReceiver struct {
	URL    string
	srv    *http.Server
	mu     sync.Mutex
	events []listen.Event
}

// startBuiltinReceiver starts the built-in endpoint. With keep it records
// every event for stop to return (one delivery's worth); without (load mode,
// probe) it records nothing, so that a long run does not hold every request
// in memory, and skips the schema check nobody would see.
func startBuiltinReceiver(cfg listen.Config, keep bool) (*builtinReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, &TransportError{Err: fmt.Errorf("built-in receiver: %v", err)}
	}
	r := &builtinReceiver{URL: "http://" + ln.Addr().String() + "/callback"}
	var emit func(listen.Event)
	if keep {
		emit = func(e listen.Event) {
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		}
	} else {
		cfg.SkipCheck, cfg.ReusePayloads = true, true
	}
	r.srv = &http.Server{
		Handler:           listen.NewHandler(cfg, emit),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// stop shuts the receiver down (waiting for in-flight requests, so every
// event has been recorded) and returns what it saw (nil unless it keeps events).
func (r *builtinReceiver) stop() []listen.Event {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]listen.Event(nil), r.events...)
}
