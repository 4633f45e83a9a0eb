package cli

import (
	"net/http"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
	"github.com/zegocb/zegocb/internal/ui"
)

// BenchmarkListenQuietLine is the -q line listen builds per request.
func BenchmarkListenQuietLine(b *testing.B) {
	e, _ := callback.Default().Lookup("stream_create")
	p := e.Sample(callback.SampleOptions{})
	e.Stamp(p, "secret", "1700000000", callback.NewNonce())
	ev := &listen.Event{Seq: 123456, Received: time.Now(), Payload: p, Name: "stream_create", Spec: e,
		Sig: listen.SigOK, Delivery: 1, Status: http.StatusOK, Answer: "1", Latency: 312 * time.Microsecond}
	ios, _, _, _ := ui.Test()
	r := &listenRenderer{mode: renderQuiet, s: ios.Styles()}
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = r.appendQuiet(buf[:0], listenItem{ev: ev})
	}
}
