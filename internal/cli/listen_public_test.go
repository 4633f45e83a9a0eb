package cli

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lsTunnel is a stand-in for cloudflared or ngrok on loopback: a reverse
// proxy to the listener, whose address is known only once it has started
// (requests wait for it).
type lsTunnel struct {
	*httptest.Server
	target chan string
}

func newTunnel(t *testing.T) *lsTunnel {
	tn := &lsTunnel{target: make(chan string, 1)}
	var proxy *httputil.ReverseProxy
	ready := make(chan struct{})
	go func() {
		addr := <-tn.target
		u, _ := url.Parse("http://" + addr)
		proxy = httputil.NewSingleHostReverseProxy(u)
		close(ready)
	}()
	tn.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-ready:
			proxy.ServeHTTP(w, r)
		case <-time.After(5 * time.Second):
			http.Error(w, "no origin", http.StatusBadGateway)
		}
	}))
	t.Cleanup(tn.Close)
	return tn
}

// waitStderr waits until the command's stderr holds want.
func waitStderr(t *testing.T, r *bgRun, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.errOut.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr never said %q:\n%s", want, r.errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// --public-url through a tunnel that leads here: the URL is printed for the
// console, the signed test callback arrives, and it is neither shown nor
// captured nor counted.
func TestListenPublicURLReachesListener(t *testing.T) {
	tn := newTunnel(t)
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	c := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
	l := c.listen("--public-url", tn.URL+"/", "--save", capPath)
	tn.target <- l.addr
	waitStderr(t, l, "public URL ok: a signed test callback sent to "+tn.URL+"/ arrived here in ")
	if code := l.stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	errOut := l.errOut.String()
	if !strings.Contains(errOut, "public URL: "+tn.URL+"/   (paste it into ZEGO's console as the callback URL") {
		t.Errorf("the URL to paste is not printed:\n%s", errOut)
	}
	if strings.Contains(errOut, "warning") || !strings.Contains(errOut, "stopped: 0 events") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if l.out.Len() != 0 {
		t.Errorf("the test callback was shown: %s", l.out.String())
	}
	if recs := lsReadCapture(t, capPath); len(recs) != 0 {
		t.Errorf("the test callback was captured: %+v", recs)
	}
}

// A listener's own loopback URL works as a public URL too (no tunnel).
func TestListenPublicURLSelf(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newCmdtest(t, cmdOpts{env: lsEnv, wall: true})
	ready := make(chan string, 1)
	c.errOut.watch("listening on http://", ready)
	l := &bgRun{cmdtest: c, code: make(chan int, 1)}
	args := c.prepare([]string{"listen", "--addr", addr, "--public-url", "http://" + addr + "/"})
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go func() { l.code <- run(ctx, args, c.f) }()
	select {
	case l.addr = <-ready:
	case code := <-l.code:
		t.Skipf("port %s was taken meanwhile (exit %d)", addr, code)
	}
	t.Cleanup(func() { l.stop() })
	waitStderr(t, l, "public URL ok:")
}

// Wrong public URLs: a server that is not this listener, a closed port, a
// server that never answers (the check gives up after its timeout), and a
// tunnel to the right listener on a path --path does not accept. Each is a
// clear warning; listen keeps running.
func TestListenPublicURLWrong(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("1")) }))
	defer other.Close()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedURL := "http://" + closed.Addr().String() + "/"
	closed.Close()
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer hanging.Close()
	defer close(hang)

	for _, tt := range []struct {
		name string
		url  string
		args []string
		want string
	}{
		{"elsewhere", other.URL + "/zego", nil, "answered 200, but the signed test callback never arrived here: that URL (or its tunnel) leads somewhere else"},
		{"closed", closedURL, nil, "did not arrive here (cannot reach it: connect: connection refused); is the tunnel running"},
		{"no answer", hanging.URL, []string{"--public-url-timeout", "300ms"}, "did not arrive here (no answer within 300ms)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen(append([]string{"--public-url", tt.url}, tt.args...)...)
			waitStderr(t, l, tt.want)
			// Still listening.
			if status, _ := lsPost(t, l.url("/"), "application/json", lsFixture(t, "stream_close")); status != 200 {
				t.Errorf("after the check: %d", status)
			}
			if code := l.stop(); code != 0 {
				t.Fatalf("exit %d", code)
			}
		})
	}
	t.Run("path", func(t *testing.T) {
		tn := newTunnel(t)
		l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("--path", "/zego", "--public-url", tn.URL+"/")
		tn.target <- l.addr
		waitStderr(t, l, "the test callback arrived on /, but --path is /zego: callbacks sent to "+tn.URL+"/ would get 404")
	})
}

// --public-url and --require-signature refuse to start without a secret.
func TestListenPublicURLNeedsSecret(t *testing.T) {
	for _, tt := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--public-url", "https://example.trycloudflare.com/"}, "--public-url needs a callback secret"},
		{[]string{"--require-signature"}, "--require-signature needs a callback secret"},
	} {
		c := newCmdtest(t, cmdOpts{})
		c.runFails(2, []string{tt.want, "ZEGO_CALLBACK_SECRET"}, append([]string{"listen", "--addr", "127.0.0.1:0"}, tt.flags...)...)
	}
}
