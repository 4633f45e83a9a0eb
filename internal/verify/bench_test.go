package verify

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// benchLines builds n signed JSON-lines callbacks of mixed events.
func benchLines(tb testing.TB, n int) []byte {
	tb.Helper()
	cat := callback.Default()
	names := []string{"stream_create", "stream_close", "room_login", "room_logout", "mix_start", "record", "room_close", "censor_audio_v2_status"}
	now := time.Unix(1772366400, 0)
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		ev, _ := cat.Lookup(names[i%len(names)])
		p := ev.Sample(callback.SampleOptions{Now: now, AppID: "1234567890"})
		ev.Stamp(p, testSecret, strconv.FormatInt(now.Unix(), 10), strconv.Itoa(1000000+i))
		buf.Write(p.JSON())
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func BenchmarkVerify(b *testing.B) {
	data := benchLines(b, 20000) // enough that per-run set-up (dedup table, buffers) does not dominate
	opts := Options{Secret: testSecret, Now: func() time.Time { return time.Unix(1772366400, 0) }}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		_, err := Run(context.Background(), opts, []Input{{Reader: bytes.NewReader(data), Name: "bench"}}, func(r *Result) error {
			if r.Verdict == Fail {
				b.Fatalf("%s: %v", r.Location(), r.Reasons)
			}
			n++
			return nil
		})
		if err != nil || n != 20000 {
			b.Fatal(err, n)
		}
	}
}

// BenchmarkCheckPayload is the per-payload hot path on one core.
func BenchmarkCheckPayload(b *testing.B) {
	data := benchLines(b, 64)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	opts := Options{Secret: testSecret, Now: func() time.Time { return time.Unix(1772366400, 0) }}
	opts.defaults()
	c := newChecker(&opts)
	st := c.newState()
	b.SetBytes(int64(len(data) / len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	var r Result
	for i := 0; i < b.N; i++ {
		r = Result{Reasons: r.Reasons[:0]}
		c.check(st, &r, lines[i%len(lines)], false)
		if r.Verdict == Fail {
			b.Fatal(r.Reasons)
		}
	}
}

// BenchmarkVerifyFamilies is BenchmarkVerify over a capture that mixes
// every event of every family in the catalog (issue 10: at least as many
// MB/s as the RTC-only capture).
func BenchmarkVerifyFamilies(b *testing.B) {
	cat := callback.Default()
	now := time.Unix(1772366400, 0)
	var buf bytes.Buffer
	const n = 20000
	for i := 0; i < n; i++ {
		ev := cat.Events()[i%len(cat.Events())]
		p := ev.Sample(callback.SampleOptions{Now: now, AppID: "1234567890"})
		ev.Stamp(p, testSecret, ev.Timestamp(now), strconv.Itoa(1000000+i))
		buf.Write(p.JSON())
		buf.WriteByte('\n')
	}
	data := buf.Bytes()
	opts := Options{Secret: testSecret, Now: func() time.Time { return now }}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got := 0
		_, err := Run(context.Background(), opts, []Input{{Reader: bytes.NewReader(data), Name: "bench"}}, func(r *Result) error {
			if r.Verdict == Fail {
				b.Fatalf("%s: %s %v", r.Location(), r.Event, r.Reasons)
			}
			got++
			return nil
		})
		if err != nil || got != n {
			b.Fatal(err, got)
		}
	}
}
