package replay

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
)

// lineGen is an endless-looking capture made on the fly: n records that
// cycle through a few prepared lines, so nothing of the input is in memory
// but the line being read.
type lineGen struct {
	lines [][]byte
	n, i  int
	cur   []byte
}

func (g *lineGen) Read(p []byte) (int, error) {
	if len(g.cur) == 0 {
		if g.i == g.n {
			return 0, io.EOF
		}
		g.cur = g.lines[g.i%len(g.lines)]
		g.i++
	}
	k := copy(p, g.cur)
	g.cur = g.cur[k:]
	return k, nil
}

func genLines(t testing.TB) [][]byte {
	var lines [][]byte
	for i, ev := range []string{"stream_create", "stream_close", "room_login", "mix_start"} {
		lines = append(lines, []byte(record(t, signedJSON(t, ev, "room-m", testSecret, uint64(i)), "application/json", t0.Add(time.Duration(i)*time.Second), 200)))
	}
	return lines
}

func heapNow() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The reader and decoder keep nothing from one payload to the next: the
// heap after 200,000 records is what it was after 20,000.
func TestReaderRetainsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 records")
	}
	const n = 200_000
	r := &run{opts: &Options{Catalog: callback.Default(), Secret: testSecret, MaxSize: DefaultMaxSize}}
	d := &decoder{cat: r.opts.Catalog}
	s := newSource("gen", &lineGen{lines: genLines(t), n: n}, DefaultMaxSize)
	var (
		e      entry
		before uint64
		count  int
	)
	for {
		it, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sel, err := r.classify(d, s.name, it, &e)
		if err != nil || sel == nil {
			t.Fatalf("line %d: %v", it.line, err)
		}
		count++
		if count == n/10 {
			before = heapNow()
		}
	}
	after := heapNow()
	if count != n {
		t.Fatalf("read %d records", count)
	}
	if after > before+256<<10 {
		t.Fatalf("heap grew from %d to %d bytes over %d records", before, after, n-n/10)
	}
}

// A whole run (both passes, the workers, the summary) keeps nothing per
// callback: the heap after the last result is what it was after the tenth
// of them.
func TestRunMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("replays 20,000 records")
	}
	const n = 20_000
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if _, err := io.Copy(w, &lineGen{lines: genLines(t), n: n}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	f.Close()

	var before, after uint64
	got := 0
	sum, err := Run(context.Background(), Options{DryRun: true, Secret: otherSecret, Concurrency: 4}, files(path), func(r *Result) error {
		got++
		switch got {
		case n / 10:
			before = heapNow()
		case n:
			after = heapNow()
		}
		return nil
	})
	if err != nil || sum.Done != n || sum.Plan.Restamped != n {
		t.Fatalf("%v %+v", err, sum)
	}
	if after > before+512<<10 {
		t.Fatalf("heap grew from %d to %d bytes over %d callbacks", before, after, n-n/10)
	}
}

// BenchmarkDecode measures the per-record work of either pass.
func BenchmarkDecode(b *testing.B) {
	line := genLines(b)[0]
	line = line[:len(line)-1]
	b.SetBytes(int64(len(line)))
	r := &run{opts: &Options{Catalog: callback.Default(), Secret: testSecret}}
	d := &decoder{cat: callback.Default()}
	var e entry
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if s, err := r.classify(d, "f", item{line: 1, data: line}, &e); err != nil || s == nil {
			b.Fatal(err)
		}
	}
}
