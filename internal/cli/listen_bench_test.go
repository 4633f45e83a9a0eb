package cli

import (
	"net/http"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// BenchmarkListenQuietLine is the -q line listen builds per request, laid
// out for 100 columns (the width when piped), as listen does.
func BenchmarkListenQuietLine(b *testing.B) { benchQuietLine(b, listenDefaultWidth) }

// BenchmarkListenQuietLineUnlimited is the same line with no width to fit.
func BenchmarkListenQuietLineUnlimited(b *testing.B) { benchQuietLine(b, 0) }

func benchQuietLine(b *testing.B, width int) {
	e, _ := callback.Default().Lookup("stream_create")
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, "secret", "1700000000", callback.NewNonce())
	ev := &listen.Event{Seq: 123456, Received: time.Now(), Payload: p, Name: "stream_create", Spec: e,
		Sig: listen.SigOK, Delivery: 1, Status: http.StatusOK, Answer: "1", Latency: 312 * time.Microsecond}
	ios, _, _, _ := ui.Test()
	r := &listenRenderer{mode: renderQuiet, s: ios.Styles(), width: width}
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = r.appendQuiet(buf[:0], listenItem{ev: ev})
	}
}
