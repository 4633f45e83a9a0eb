package listen

import (
	"bytes"
	"net/http"
	"net/http/httptest"
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
			if err := c.Save(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}
