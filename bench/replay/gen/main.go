// Command gen writes N capture records, as `zegocb listen --save` writes
// them, for bench/replay/run.sh: signed callbacks of the busy events (the
// same kind of body `zegocb send stream_create` makes, and others), one
// every 37 ms of received time, a 200 answer recorded for each.
//
//	go run ./bench/replay/gen -n 1000000 -o /tmp/cap.jsonl [-secret S] [-seed N] [-event stream_create]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

func main() {
	n := flag.Int("n", 20000, "number of records")
	out := flag.String("o", "-", "output file (- for stdout)")
	secret := flag.String("secret", "bench-secret", "callback secret to sign with")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same file)")
	event := flag.String("event", "", "only this event (default: a mix of the busy ones)")
	flag.Parse()
	if err := run(*n, *out, *secret, *seed, *event); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n int, out, secret string, seed uint64, only string) error {
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cat := callback.Default()
	names := []string{"stream_create", "stream_close", "stream_create", "stream_close", "room_login", "room_logout", "mix_start", "mix_stop", "record"}
	if only != "" {
		names = []string{only}
	}
	events := make([]*callback.Event, len(names))
	for i, name := range names {
		ev, ok := cat.Lookup(name)
		if !ok {
			return fmt.Errorf("no event %q in the catalog", name)
		}
		events[i] = ev
	}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	headers := map[string][]string{"Content-Type": {"application/json"}, "User-Agent": {"ZEGO-Callback/1.0"}}
	var line []byte
	for i := 0; i < n; i++ {
		ev := events[r.IntN(len(events))]
		now := base.Add(time.Duration(i) * 37 * time.Millisecond)
		p := ev.Sample(callback.SampleOptions{Now: now, Rand: r, AppID: "1234567890"})
		ev.Stamp(p, secret, strconv.FormatInt(now.Unix(), 10), strconv.FormatUint(1e18+r.Uint64N(8e18), 10))
		rec := &capture.Record{V: capture.Version, ReceivedAt: now, RemoteAddr: "203.0.113.7:40112", Method: "POST", Path: "/zego/callback",
			Headers: headers, Answer: &capture.Answer{Status: 200, Body: "1"}}
		rec.SetBody(p.JSON())
		line = rec.AppendJSON(line[:0])
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
