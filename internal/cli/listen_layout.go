// listen_layout.go fits listen's header line to the terminal's width: each
// piece is measured once, the lowest-value pieces are dropped first, then
// ids are shortened with an ellipsis in the middle; a line is never wider
// than the width, so a terminal never wraps it mid-word. This file holds the
// layout's types and fixed widths; the work is in listen_layout_measure.go,
// listen_layout_fit.go and listen_layout_write.go.

package cli

import (
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/listen"
)

// listenDefaultWidth is the width lines fit when the terminal's is unknown
// (output piped, no $COLUMNS).
const listenDefaultWidth = 100

// Widths of the header's fixed texts.
const (
	hdrIDMax   = 40 // an id is cut to this many columns at most
	hdrIDMin   = 9  // ... and to no fewer before ids are dropped
	hdrNameMax = 60 // an event name not in the catalog
	hdrAnsMax  = 40 // our answer's body
)

// hdrLayout says which header pieces a line leaves out, lowest value first.
type hdrLayout struct {
	noFirst    bool // "delivery 1": most lines are first deliveries
	noOKAnswer bool // the body of a 2xx answer (almost always "1")
	noLatency  bool // "in 0.34ms"
	noDrift    bool // "(88.9ms late)" of a retry
	noTask     bool // task=
	shortTime  bool // 10:00:00 without milliseconds (below 100 columns)
	noAnswer   bool // the body of any answer
	sameShort  bool // "same as #N" for "body identical to #N"
	noSame     bool // "body identical to #N" of a retry
	noReason   bool // the reason of a bad signature (the detail line says it)
	idMax      int  // widest an id value may be (hdrIDMax when 0)
	ids        int  // how many ids are shown (all when -1)
}

// hdrID is one key id: its label and its value, escaped.
type hdrID struct {
	label string
	value string
	width int  // display width of value
	ascii bool // value is ASCII: its width is its length
}

// hdrFacts are one event's header pieces and their display widths.
type hdrFacts struct {
	ev *listen.Event

	num                  [64]byte // seq, gap, drift and latency, formatted once
	n                    int      // bytes of num used
	seq, gap, drift, lat [2]uint8

	name      string
	nameWidth int
	nameStyle uint8 // 0 event, 1 fail, 2 warn
	notInCat  bool

	ids      [callback.MaxKeyIDs]hdrID
	nIDs     int
	asciiIDs bool // every id is ASCII
	task     int  // index of task= in ids, -1 when absent

	retry  bool
	replay bool // same nonce and signature, another body (never dropped)
	// replayNarrow shortens the replay label where the whole one does not fit.
	replayNarrow bool
	retryLabel   string
	driftLate    bool
	same         int  // the delivery a retry's body is compared with, 0 for none
	sameDiffer   bool // ... and its body differs

	answer      string // ev.Answer, escaped and cut
	answerWidth int    // of the quoted answer
	answerOK    bool   // the answer is a 2xx

	// Widths (columns) of the pieces, by what leaves them out.
	wBase, wReason, wFirst, wDrift, wSame, wSameShort, wAnswer, wLat int
}
