package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Load mode against an endpoint that refuses connections: nothing was
// delivered, so no throughput and no latencies; exit 3.
func TestSendLoadDeadEndpoint(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL
	gone.Close()
	c := newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: lsSecret}})
	code, out, errOut := c.call("send", "room_login", "--to", url, "-n", "50", "-c", "2")
	if code != 3 || !strings.Contains(out, "delivered\t0\n") || !strings.Contains(out, "throughput_rps\t0\n") || strings.Contains(out, "p50_ms") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	c = newCmdtest(t, cmdOpts{env: map[string]string{EnvSecret: lsSecret}, tty: true, width: 100})
	_, out, _ = c.call("send", "room_login", "--to", url, "-n", "50", "-c", "2", "--color", "never")
	if !strings.Contains(out, "0.0 req/s  (0 of 50 requests delivered (2xx)") || !strings.Contains(out, "latency     none: no request was answered") {
		t.Errorf("terminal:\n%s", out)
	}
}
