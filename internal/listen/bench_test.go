package listen

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/capture"

	"github.com/zegocb/zegocb/internal/callback"
)

// BenchmarkServeHTTP is the handler's own cost per signed callback (no
// network): parse, catalog check, signature, redelivery map, answer; with
// and without the capture write.
func BenchmarkServeHTTP(b *testing.B) {
	e, _ := callback.Default().Lookup("stream_create")
	var bodies [][]byte
	for i := 0; i < 1024; i++ {
		p := e.Sample(callback.SampleOptions{})
		e.Stamp(p, testSecret, "1700000000", callback.NewNonce())
		bodies = append(bodies, p.JSON())
	}
	run := func(b *testing.B, cfg Config) {
		h := NewHandler(cfg, func(Event) {})
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(bodies[i%len(bodies)]))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	}
	b.Run("verify", func(b *testing.B) { run(b, Config{Secret: testSecret}) })
	b.Run("verify+save", func(b *testing.B) {
		c, err := OpenCapture(filepath.Join(b.TempDir(), "cap.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		run(b, Config{Secret: testSecret, Save: c.SaveLine})
	})
}

func BenchmarkCaptureSave(b *testing.B) {
	c, err := OpenCapture(filepath.Join(b.TempDir(), "cap.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	e, _ := callback.Default().Lookup("stream_create")
	p := e.Sample(callback.SampleOptions{})
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "wrk")
	rec := capture.New(r, p.JSON(), time.Now(), "")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := saveRecord(c, rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAppendCost is what the machine charges for the capture's one
// write per callback: a trivial system call, a 1.1 KB line appended to a
// file in the temp dir, and the same lines appended eight at a time (what a
// group commit would pay per line). docs/listen.md, "Performance", quotes it.
func BenchmarkAppendCost(b *testing.B) {
	b.Run("getppid", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			os.Getppid()
		}
	})
	appendLines := func(b *testing.B, batch int) {
		f, err := os.OpenFile(filepath.Join(b.TempDir(), "cap.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		line := bytes.Repeat([]byte("x"), 1100*batch)
		b.SetBytes(1100)
		b.ResetTimer()
		for i := 0; i < b.N; i += batch {
			if _, err := f.Write(line); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("line", func(b *testing.B) { appendLines(b, 1) })
	b.Run("8-lines", func(b *testing.B) { appendLines(b, 8) })
}
