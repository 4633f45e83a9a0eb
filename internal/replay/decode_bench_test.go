package replay

import (
	"testing"

	"github.com/zegocb/zegocb/internal/callback"
)

func BenchmarkDecode(b *testing.B) {
	line := []byte(record(b, signedJSON(b, "stream_create", "", testSecret, 1), "application/json", t0, 200))
	line = line[:len(line)-1]
	b.SetBytes(int64(len(line)))
	r := &run{opts: &Options{Catalog: callback.Default(), Secret: testSecret}}
	d := &decoder{cat: callback.Default()}
	var e entry
	b.Run("classify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if s, err := r.classify(d, "f", item{line: 1, data: line}, &e); err != nil || s == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("frame", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d.frame("f", item{line: 1, data: line}, &e)
		}
	})
	b.Run("frame+payload", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d.frame("f", item{line: 1, data: line}, &e)
			d.payload(&e)
		}
	})
}
