package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

// buildZegocb builds the real binary once per test run.
func buildZegocb(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "zegocb")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startListen starts `zegocb listen` on a free loopback port and returns
// the process and its base URL, read from the readiness line on stderr.
func startListen(t *testing.T, bin, secret string, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"listen", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "ZEGO_CALLBACK_SECRET="+secret, "NO_COLOR=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`)
	urls := make(chan string, 1)
	rest := &bytes.Buffer{}
	go func() {
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				urls <- m[1]
			}
			rest.WriteString(sc.Text() + "\n")
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("listen exited before its readiness line:\n%s", rest)
		}
		return cmd, u, rest
	case <-time.After(10 * time.Second):
		t.Fatalf("no readiness line after 10s:\n%s", rest)
	}
	return nil, "", nil
}

// signedBody makes a distinct signed stream_create callback.
func signedBody(secret string, n int) (body []byte, nonce string) {
	e, _ := callback.Default().Lookup("stream_create")
	p := e.Sample(callback.SampleOptions{Now: time.Now()})
	nonce = fmt.Sprintf("%019d", 1_000_000_000_000_000_000+int64(n))
	e.Stamp(p, secret, strconv.FormatInt(time.Now().Unix(), 10), nonce)
	return p.JSON(), nonce
}

// Every callback that `listen --save` acknowledged survives SIGKILL as a
// whole line, and `verify` explains a torn last line in one line.
func TestSIGKILLKeepsAcknowledgedCallbacks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	const secret = "durability-secret"
	bin := buildZegocb(t)
	capPath := filepath.Join(t.TempDir(), "cap.jsonl")
	cmd, base, _ := startListen(t, bin, secret, "-q", "--save", capPath)

	var (
		mu     sync.Mutex
		acked  = map[string]bool{}
		sent   atomic.Int64
		failed atomic.Int64
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 5000; i++ {
				body, nonce := signedBody(secret, w*100000+i)
				sent.Add(1)
				resp, err := client.Post(base+"/zego", "application/json", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					if ctx.Err() != nil || strings.Contains(err.Error(), "connection refused") {
						return
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked[nonce] = true
					mu.Unlock()
				}
			}
		}(w)
	}
	// Kill mid-load, once a good number of callbacks is in.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	time.Sleep(100 * time.Millisecond) // let requests in flight fail
	stop()
	wg.Wait()

	data, err := os.ReadFile(capPath)
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	lines, whole := 0, 0
	torn := len(data) > 0 && data[len(data)-1] != '\n'
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		lines++
		rec, err := capture.Parse(bytes.TrimSuffix(line, []byte("\n")))
		if err != nil {
			continue
		}
		whole++
		body, _ := rec.RawBody()
		p, err := callback.Parse(body, rec.ContentType())
		if err != nil {
			t.Errorf("record %d holds a body that does not parse: %v", lines, err)
			continue
		}
		v, _ := p.Get("nonce")
		inFile[v.Text] = true
	}
	mu.Lock()
	defer mu.Unlock()
	missing := 0
	for n := range acked {
		if !inFile[n] {
			missing++
		}
	}
	t.Logf("sent %d, acknowledged %d, failed %d; capture: %d lines, %d whole records, torn last line: %v",
		sent.Load(), len(acked), failed.Load(), lines, whole, torn)
	if len(acked) == 0 {
		t.Fatal("nothing was acknowledged before the kill")
	}
	if missing > 0 {
		t.Errorf("%d acknowledged callbacks are not in the capture file", missing)
	}
	if whole < lines-1 || (whole < lines && !torn) {
		t.Errorf("%d of %d lines are whole records; only a torn last line may be broken", whole, lines)
	}

	// A torn last line, as a kill mid-write leaves it (made here when the
	// kill fell between writes).
	if !torn {
		last := data[bytes.LastIndexByte(data[:len(data)-1], '\n')+1:]
		f, err := os.OpenFile(capPath, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(last[:len(last)/2])
		f.Close()
		lines++
	}
	checkTornVerify(t, bin, secret, capPath, lines)
}

// checkTornVerify runs `zegocb verify` on a capture whose last line is torn.
func checkTornVerify(t *testing.T, bin, secret, path string, lines int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	v := exec.Command(bin, "verify", path)
	v.Env = append(os.Environ(), "ZEGO_CALLBACK_SECRET="+secret, "NO_COLOR=1")
	v.Stdout, v.Stderr = &stdout, &stderr
	err := v.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	all := stdout.String() + stderr.String()
	for _, bad := range []string{"panic:", "goroutine ", "fatal error"} {
		if strings.Contains(all, bad) {
			t.Fatalf("verify crashed:\n%s", all)
		}
	}
	if code != 2 {
		t.Errorf("verify exit %d, want 2 (a torn line is unreadable input)\n%s", code, stderr.String())
	}
	place := fmt.Sprintf("%s:%d", filepath.Base(path), lines)
	var tornRows []string
	for _, l := range strings.Split(stdout.String(), "\n") {
		if strings.Contains(l, place) {
			tornRows = append(tornRows, l)
		}
	}
	if len(tornRows) != 1 || !strings.Contains(tornRows[0], "torn") {
		t.Errorf("want one row for %s saying the line is torn, got %q", place, tornRows)
	}
	errLines := 0
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(l, "error:") {
			errLines++
		}
	}
	if errLines != 1 {
		t.Errorf("%d error lines on stderr, want one:\n%s", errLines, stderr.String())
	}
	if passed := strings.Count(stdout.String(), "\tPASS\t"); passed != lines-1 {
		t.Errorf("%d rows passed, want the %d whole records", passed, lines-1)
	}
}
