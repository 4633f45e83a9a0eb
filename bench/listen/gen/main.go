// Command gen writes signed callback bodies for the listen benchmark: one
// compact JSON body per line, each with its own nonce and a valid
// signature for the secret given as the first argument.
//
//	gen SECRET COUNT [EVENT]
//	gen -count-records FILE   # prints how many lines of FILE are whole capture records
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/capture"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-count-records" {
		countRecords(os.Args[2])
		return
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gen SECRET COUNT [EVENT]")
		os.Exit(2)
	}
	secret := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "gen: COUNT must be a positive integer")
		os.Exit(2)
	}
	event := "stream_create"
	if len(os.Args) > 3 {
		event = os.Args[3]
	}
	e, ok := callback.Default().Lookup(event)
	if !ok {
		fmt.Fprintln(os.Stderr, "gen: unknown event", event)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for i := 0; i < n; i++ {
		p := e.Sample(callback.SampleOptions{})
		e.Stamp(p, secret, ts, callback.NewNonce())
		w.Write(p.JSON())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func countRecords(path string) {
	fh, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 16<<20)
	n := 0
	for sc.Scan() {
		if _, err := capture.Parse(sc.Bytes()); err == nil {
			n++
		}
	}
	fmt.Println(n)
}
