package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// openFDs counts this process's open file descriptors (-1 where /proc is missing).
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// settle waits until the goroutine and descriptor counts drop to at most
// the baseline plus slack, and returns the last counts seen.
func settle(baseG, baseFD, slack int) (g, fd int) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		g, fd = runtime.NumGoroutine(), openFDs()
		if g <= baseG+slack && fd <= baseFD+slack || time.Now().After(deadline) {
			return g, fd
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// flakyEndpoint answers 500 to odd requests and drops the connection
// without an answer on even ones.
func flakyEndpoint(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// Send against an endpoint that fails every way leaves no goroutines or
// descriptors behind: load mode and the retrying single send alike.
func TestSendFailingEndpointLeaksNothing(t *testing.T) {
	srv, hits := flakyEndpoint(t)
	url := srv.URL + "/cb"
	// Warm up the test's own machinery (httptest's goroutines, the
	// catalog) so the baseline holds it.
	e := newCmdtest(t, sendOpts())
	e.run("send", "stream_create", "--to", url, "--no-retry")
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	baseG, baseFD := runtime.NumGoroutine(), openFDs()
	if baseFD < 0 {
		t.Log("no /proc/self/fd: descriptors are not counted")
	}

	runs := []struct {
		name string
		args []string
		exit int
	}{
		{"load", []string{"send", "stream_create", "--to", url, "-n", "200", "-c", "16", "-o", "json"}, ExitCheckFailed},
		{"load-form", []string{"send", "room_login", "--form", "--to", url, "-n", "100", "-c", "8"}, ExitCheckFailed},
		{"load-duration", []string{"send", "record", "--to", url, "--duration", "100ms", "-c", "8", "--rate", "500"}, ExitCheckFailed},
		{"retries", []string{"send", "stream_close", "--to", url, "--retry-scale", "0.001"}, ExitCheckFailed},
		{"probe", []string{"probe", "--to", url, "--events", "stream_create"}, ExitCheckFailed},
	}
	for round := 0; round < 3; round++ {
		for _, r := range runs {
			e := newCmdtest(t, sendOpts())
			if code := e.run(r.args...); code != r.exit && !((r.name == "retries" || r.name == "probe") && code == ExitTransport) {
				t.Fatalf("%s: exit %d, want %d\n%s", r.name, code, r.exit, clipOut(e.errOut.String()))
			}
			if strings.Contains(e.errOut.String(), "panic") {
				t.Fatalf("%s: %s", r.name, e.errOut.String())
			}
		}
	}
	g, fd := settle(baseG, baseFD, 4)
	t.Logf("%d requests; goroutines %d -> %d, descriptors %d -> %d", hits.Load(), baseG, g, baseFD, fd)
	if g > baseG+4 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after\n%s", baseG, g, buf[:runtime.Stack(buf, true)])
	}
	if baseFD >= 0 && fd > baseFD+4 {
		t.Errorf("file descriptors: %d before, %d after", baseFD, fd)
	}
}

// listen answers every request of 256 concurrent connections: no resets,
// no 5xx, every callback acknowledged, and a bounded heap. The 10 s version
// is bench/listen/load256.sh.
func TestListen256Connections(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const (
		conns   = 256
		perConn = 8
	)
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	l := newCmdtest(t, cmdOpts{env: lsEnv, wall: true}).listen("-q", "--save", capPath)
	bodies := make([][]byte, conns*perConn)
	for i := range bodies {
		bodies[i] = lsSigned(t, "stream_create", lsSecret)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var (
		ok, other, errs atomic.Int64
		firstErr        atomic.Value
		peakHeap        atomic.Uint64
		wg              sync.WaitGroup
	)
	done := make(chan struct{})
	go func() { // sample the heap while the load runs
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(ms.HeapAlloc)
			}
		}
	}()
	start := time.Now()
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < perConn; i++ {
				resp, err := client.Post(l.url("/zego"), "application/json", bytes.NewReader(bodies[c*perConn+i]))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && string(b) == "1" {
					ok.Add(1)
				} else {
					other.Add(1)
					firstErr.CompareAndSwap(nil, resp.Status+" "+string(b))
				}
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	if code := l.stop(); code != ExitOK {
		t.Fatalf("listen exit %d: %s", code, l.errOut.String())
	}
	n := int64(conns * perConn)
	t.Logf("%d requests over %d connections in %v (%.0f/s): %d ok, %d other, %d errors; peak heap %.1f MiB",
		n, conns, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), ok.Load(), other.Load(), errs.Load(), float64(peakHeap.Load())/(1<<20))
	if ok.Load() != n {
		t.Errorf("%d of %d requests acknowledged; first problem: %v", ok.Load(), n, firstErr.Load())
	}
	if h := peakHeap.Load(); h > 256<<20 {
		t.Errorf("peak heap %d MiB for %d small callbacks", h>>20, n)
	}
	data, err := os.ReadFile(capPath)
	if err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(data, []byte("\n")); int64(lines) != n {
		t.Errorf("%d capture lines, want %d", lines, n)
	}
}

// Deeply nested bodies and JSON-in-string values are shown, not indented
// without bound: indented output grows with the square of the depth (two
// 10 KB callbacks nested 5000 deep printed 100 MB before the bound).
func TestListenDeepBodyOutputBounded(t *testing.T) {
	l := newCmdtest(t, cmdOpts{env: map[string]string{}, ttyOut: true, wall: true}).listen("--no-color")
	const d = 5000
	deepString := `{"event":"stream_create","stream_attr":"` + strings.Repeat("[", d) + strings.Repeat("]", d) + `"}`
	deepBody := `{"event":"stream_create","x":` + strings.Repeat("[", d) + strings.Repeat("]", d) + `}`
	shallow := `{"event":"stream_create","stream_attr":"{\"cid\":[1,[2]]}"}`
	for _, b := range []string{deepString, deepBody, shallow} {
		if status, _ := lsPost(t, l.url("/"), "application/json", []byte(b)); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	if code := l.stop(); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	out := l.out.String()
	if len(out) > 64<<10 {
		t.Errorf("%d bytes of output for three small callbacks", len(out))
	}
	if !strings.Contains(out, `"cid": [`) {
		t.Errorf("a shallow JSON-in-string value is no longer expanded:\n%s", out)
	}
}
