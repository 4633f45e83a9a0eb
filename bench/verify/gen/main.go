// Command gen writes N signed ZEGO callbacks as JSON lines for the verify
// benchmark: mixed events from the catalog, about 580 bytes a line on
// average, one line in 8 wrapped in a capture record as `listen --save`
// writes them, and one in 50 a re-delivery of an earlier line.
//
// With -families all, every family of the catalog takes an equal share of
// the lines (an event drawn at random from the family's events), each
// stamped with its family's timestamp unit and signature scheme; without
// it, RTC events weighted as in a real RTC capture.
//
//	go run ./bench/verify/gen -n 100000 -o /tmp/bench.jsonl [-secret S] [-seed N] [-families all]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

func main() {
	n := flag.Int("n", 100000, "number of callbacks")
	out := flag.String("o", "-", "output file (- for stdout)")
	secret := flag.String("secret", "bench-secret", "callback secret to sign with")
	seed := flag.Uint64("seed", 1, "random seed (same seed, same file)")
	families := flag.String("families", "rtc", "rtc: RTC events only; all: every family of the catalog in equal shares")
	flag.Parse()
	if *families != "rtc" && *families != "all" {
		fmt.Fprintln(os.Stderr, "gen: -families is rtc or all")
		os.Exit(2)
	}
	if err := run(*n, *out, *secret, *seed, *families == "all"); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n int, out, secret string, seed uint64, allFamilies bool) error {
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
	// Weighted toward the busy events a real capture holds.
	names := []string{
		"stream_create", "stream_close", "stream_create", "stream_close",
		"room_login", "room_logout", "room_login", "room_logout",
		"mix_start", "mix_stop", "record", "snapshot", "room_create", "room_close",
		"compose", "procedure", "transcode_start", "transcode_stop",
		"censor_audio_v2_status", "censor_video_v2_img_result",
	}
	// pick draws the next line's event.
	pick := func() (*callback.Event, error) {
		ev, ok := cat.Lookup(names[r.IntN(len(names))])
		if !ok {
			return nil, fmt.Errorf("catalog lacks an event the generator uses")
		}
		return ev, nil
	}
	if allFamilies {
		var byFamily [][]*callback.Event
		for _, f := range cat.Families() {
			if evs := cat.FamilyEvents(f); len(evs) > 0 {
				byFamily = append(byFamily, evs)
			}
		}
		pick = func() (*callback.Event, error) {
			evs := byFamily[r.IntN(len(byFamily))]
			return evs[r.IntN(len(evs))], nil
		}
	}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var recent [][]byte
	for i := 0; i < n; i++ {
		if i > 100 && i%50 == 0 { // a ZEGO retry: the same body again
			line := recent[r.IntN(len(recent))]
			bw.Write(line)
			continue
		}
		ev, err := pick()
		if err != nil {
			return err
		}
		now := base.Add(time.Duration(i) * 37 * time.Millisecond)
		p := ev.Sample(callback.SampleOptions{Now: now, Rand: r, AppID: "1234567890"})
		ts := strconv.FormatInt(now.Unix(), 10)
		if allFamilies {
			ts = ev.Timestamp(now) // seconds or milliseconds, as the family signs
		}
		ev.Stamp(p, secret, ts, strconv.FormatUint(1e18+r.Uint64N(8e18), 10))
		body := p.JSON()
		var line []byte
		if i%8 == 7 {
			req := httptest.NewRequest("POST", "/zego/callback", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", "ZEGO-Callback/1.0")
			req.Header.Set("X-Forwarded-For", "203.0.113.7")
			req.Header.Set("X-Request-Id", strconv.FormatUint(r.Uint64(), 16))
			rec := capture.New(req, body, now.Add(150*time.Millisecond), secret)
			rec.RemoteAddr = "203.0.113.7:40112"
			b, err := rec.Marshal()
			if err != nil {
				return err
			}
			line = b
		} else {
			line = append(append([]byte(nil), body...), '\n')
		}
		if len(recent) < 64 {
			recent = append(recent, line)
		} else {
			recent[r.IntN(64)] = line
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
