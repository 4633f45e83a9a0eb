package verify

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Batches and their results are recycled: a row's verdict and reasons
// must be its own, never a leftover of the payload that sat at the same
// place in an earlier batch. Rows with zero to several reasons take turns
// (a period prime to the batch sizes) over many more batches than can be
// in flight, and every row must read as the payload checked on its own.
func TestRecycledBatchesKeepNoStaleReasons(t *testing.T) {
	opts := testOptions()
	opts.Workers = 1 // one worker state and a small pool: the most reuse
	var b strings.Builder
	var lines []string
	for i := 0; i < 12_000; i++ {
		line := signedLine(t, "room_login", 1772366400, "n"+strconv.Itoa(i))
		switch i % 7 {
		case 1: // several errors
			line = strings.Replace(line, `"room_id":`, `"room_idx":`, 1)
			line = strings.Replace(line, `"signature":"`, `"signature":"0`, 1)
		case 2: // unreadable
			line = line[:len(line)/2]
		case 3: // a warning and its reasons
			line = strings.Replace(line, `"event":"room_login"`, `"event":"room_login","user_account":"`+strings.Repeat("x", 300)+`"`, 1)
		case 5: // not a callback
			line = `{"x":` + strconv.Itoa(i) + `}`
		}
		lines = append(lines, line)
		b.WriteString(line + "\n")
	}
	got, _ := collect(t, opts, b.String())
	if len(got) != len(lines) {
		t.Fatalf("%d rows for %d lines", len(got), len(lines))
	}
	for i, r := range got {
		want := CheckPayload(opts, []byte(lines[i]), false)
		if r.Verdict != want.Verdict || !slices.Equal(r.Reasons, want.Reasons) {
			t.Fatalf("row %d: %s %q, checked alone: %s %q", i+1, r.Verdict, r.Reasons, want.Verdict, want.Reasons)
		}
	}
}
