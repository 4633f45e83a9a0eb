package replay

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/load"
)

// TestThroughputVsLoad is a manual measurement (REPLAY_THROUGHPUT=N): replay
// without timing against load mode on the same bare endpoint.
func TestThroughputVsLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REPLAY_THROUGHPUT"))
	if n == 0 {
		t.Skip("set REPLAY_THROUGHPUT=N to measure")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	one := []byte("1")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write(one)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/callback"

	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(record(t, signedJSON(t, "stream_create", "", testSecret, uint64(i%1000)), "application/json", t0, 200))
	}
	path := writeFile(t, "cap.jsonl", b.String())
	spec, _ := callback.Default().Lookup("stream_create")
	body := signedJSON(t, "stream_create", "", testSecret, 1)
	for round := 0; round < 2; round++ {
		tpl, err := load.NewTemplate(load.TemplateSpec{Body: body, TimestampKey: "timestamp", NonceKey: "nonce", SignatureKey: "signature", RefreshTimestamp: true, Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		_ = spec
		if os.Getenv("REPLAY_ONLY") != "" {
			sum, _ := Run(context.Background(), Options{URL: url, Secret: testSecret, Concurrency: 32}, files(path), func(*Result) error { return nil })
			t.Logf("replay only: %.0f req/s in its own clock", sum.Throughput())
			continue
		}
		lr, _ := load.New(load.Config{URL: url, Header: http.Header{"Content-Type": {"application/json"}}, Template: tpl, Requests: n, Concurrency: 32})
		c0 := cpuTime()
		start := time.Now()
		rep, err := lr.Run(context.Background())
		lcpu := cpuTime() - c0
		if err != nil {
			t.Fatal(err)
		}
		lt := float64(n) / time.Since(start).Seconds()
		c0 = cpuTime()
		start = time.Now()
		sum, err := Run(context.Background(), Options{URL: url, Secret: testSecret, Concurrency: 32}, files(path), func(*Result) error { return nil })
		rcpu := cpuTime() - c0
		if err != nil {
			t.Fatal(err)
		}
		rt := float64(n) / time.Since(start).Seconds()
		t.Logf("first failure %s rejected %d unreachable %d", sum.FirstFailure, sum.Rejected, sum.Unreachable)
		t.Logf("cpu per request (client and server): load %v replay %v", lcpu/time.Duration(n), rcpu/time.Duration(n))
		t.Logf("load %.0f req/s (%d ok)   replay %.0f req/s (%d delivered, %.0f in its own clock)   ratio %.2f", lt, rep.OK(), rt, sum.Delivered, sum.Throughput(), rt/lt)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
