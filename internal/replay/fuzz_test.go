package replay

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// Any input is read, decoded and classified without a panic, with either a
// selection or an error naming its line; Restamp and InspectData too.
func FuzzReadAndClassify(f *testing.F) {
	rec := record(f, signedJSON(f, "stream_create", "room-a", testSecret, 1), "application/json", t0, 200)
	for _, seed := range []string{
		rec, rec + rec[:40], "{\n  \"event\": \"stream_close\"\n}\n", "event=record&nonce=1&timestamp=2&signature=3\n",
		`{"v":2,"received_at":"x","body":""}`, "\xff\xfe", "{\"event\":\"\\ud800\"}", "\n\n\r\n", "%7B%22event%22%3A%22mix_stop%22%7D",
	} {
		f.Add([]byte(seed))
	}
	cat := callback.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &run{opts: &Options{Catalog: cat, Secret: testSecret, MaxSize: 4096}}
		d := &decoder{cat: cat}
		s := newSource("fuzz", bytes.NewReader(data), 4096)
		var e entry
		for i := 0; i < 100; i++ {
			it, err := s.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if _, ok := err.(*InputError); !ok {
					t.Fatalf("reader error %T %v", err, err)
				}
				break
			}
			// The delivery pass's shortcut agrees with the full decoder.
			var fe entry
			fd := &decoder{cat: cat}
			if ferr := fd.frame("fuzz", it, &fe); ferr == nil && fe.record {
				if got, ok := recordBody(nil, it.data); ok && !bytes.Equal(got, fe.body) {
					t.Fatalf("recordBody %q, full decode %q", got, fe.body)
				}
			}
			sel, err := r.classify(d, "fuzz", it, &e)
			if err != nil {
				ie, ok := err.(*InputError)
				if !ok || ie.Line != it.line {
					t.Fatalf("error %T %v for line %d", err, err, it.line)
				}
				continue
			}
			if sel != nil && e.spec != nil {
				if _, _, err := Restamp(e.spec, e.body, e.contentType, "s", time.Unix(1, 0), "12"); err != nil {
					t.Fatalf("a valid callback could not be re-stamped: %v", err)
				}
			}
		}
		_, _ = InspectData("fuzz", data)
	})
}
