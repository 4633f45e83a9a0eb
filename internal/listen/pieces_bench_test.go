package listen

import (
	"bytes"
	"hash/maphash"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
	"github.com/zegocb/zegocb/internal/signature"
)

// signedBodies are n distinct signed stream_create bodies (what
// bench/listen sends).
func signedBodies(n int) [][]byte {
	e, _ := callback.Default().Lookup("stream_create")
	out := make([][]byte, n)
	for i := range out {
		p := e.Sample(callback.SampleOptions{})
		e.Stamp(p, testSecret, "1700000000", callback.NewNonce())
		out[i] = p.JSON()
	}
	return out
}

// BenchmarkHandlerPieces splits one signed callback's work in ServeHTTP
// into its parts (bench/listen's profile, piece by piece), and runs the
// whole handler with a reusable request and a no-op ResponseWriter, so
// that the test harness's own allocations are not counted.
func BenchmarkHandlerPieces(b *testing.B) {
	bodies := signedBodies(1024)
	cat := callback.Default()
	ps := make([]*callback.Payload, len(bodies))
	for i := range bodies {
		ps[i], _ = callback.Parse(bodies[i], "application/json")
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "wrk")
	now := time.Now()
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := callback.Parse(bodies[i%len(bodies)], "application/json"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signature", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p := ps[i%len(ps)]
			spec, _ := cat.Lookup(p.EventName())
			if !signature.Check(callback.SignatureInput(spec, p, testSecret)).OK() {
				b.Fatal("bad signature")
			}
		}
	})
	b.Run("capture-line", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		ans := &capture.Answer{Status: 200, Body: "1"}
		for i := 0; i < b.N; i++ {
			buf = capture.AppendRequest(buf[:0], r, bodies[i%len(bodies)], now, testSecret, ans)
		}
	})
	b.Run("redelivery", func(b *testing.B) {
		b.ReportAllocs()
		d := newDeliveries(4096)
		seed := maphash.MakeSeed()
		for i := 0; i < b.N; i++ {
			p := ps[i%len(ps)]
			n, _ := p.Get("nonce")
			s, _ := p.Get("signature")
			d.record(n.Text+"\x00"+s.Text, now, maphash.Bytes(seed, bodies[i%len(bodies)])) // the body digest is part of the cost
		}
	})
	handler := func(b *testing.B, cfg Config) {
		h := NewHandler(cfg, nil)
		w := &nopWriter{h: http.Header{}}
		rd := new(bytes.Reader)
		req := r.Clone(r.Context())
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			body := bodies[i%len(bodies)]
			rd.Reset(body)
			req.Body, req.ContentLength = io.NopCloser(rd), int64(len(body))
			h.ServeHTTP(w, req)
		}
	}
	b.Run("handler", func(b *testing.B) { handler(b, Config{Secret: testSecret, SkipCheck: true}) })
	b.Run("handler-reuse", func(b *testing.B) {
		handler(b, Config{Secret: testSecret, SkipCheck: true, ReusePayloads: true})
	})
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}
