// listen_ui.go holds `listen --ui`: the sink that hands listen's items to
// the interactive inspector (internal/inspect) instead of printing them,
// the inspector's options as listen and inspect build them (colour,
// replayer), and the stderr that is held while the inspector owns the
// terminal.

package cli

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/deliver"
	"github.com/zegocb/zegocb/internal/inspect"
)

// inspectSink is listen's sink for --ui: drain hands it the items that pass
// the display filters and it pushes them into the inspector's feed, which
// never blocks (when the inspector falls behind, the view drops events and
// says so; the answers and the capture are untouched). Background forward
// attempts are not shown: the inspector lists callbacks and rejected
// requests only, and the summary still counts the forwards.
type inspectSink struct{ feed *inspect.Feed }

func (s inspectSink) show(it listenItem) {
	switch {
	case it.ev != nil:
		s.feed.Push(*it.ev) // copies the struct; the event is not reused (no ReusePayloads with --ui)
	case it.reject != nil:
		r := it.reject
		s.feed.PushReject(inspect.Reject{At: r.at, Method: r.method, Path: r.path, RemoteAddr: r.remoteAddr, Status: r.status})
	}
}

func (inspectSink) flush() {}

// inspectViewOptions are the inspector's options shared by `listen --ui` and
// `zegocb inspect`: the terminal (f.IO), colour (--color, NO_COLOR, the
// TTY, decided by internal/ui), the catalog, and replay through send's
// delivery engine (one attempt, bounded by timeout; 0: the inspector's
// default), to replayURL when set (`r`), else to a URL typed in.
func inspectViewOptions(f *Factory, src inspect.Source, secret, replayURL string, maxEvents int, timeout time.Duration) inspect.Options {
	return inspect.Options{
		Source:    src,
		Input:     terminalInput(f.IO.In),
		Output:    f.IO.Out,
		Color:     f.IO.ColorEnabled(),
		MaxEvents: maxEvents,
		Catalog:   f.Catalog,
		Secret:    secret,
		ReplayURL: replayURL,
		Replay:    inspect.DeliverReplayer(deliver.Options{Timeout: timeout, Now: f.Now}),
		AltScreen: true,
	}
}

// terminalInput is the reader under run's interruptible wrapper: the
// inspector needs the terminal's own file to put it in raw mode (keys
// arrive one by one, unechoed), and it ends on the context itself.
func terminalInput(r io.Reader) io.Reader {
	if ir, ok := r.(*interruptibleReader); ok {
		return ir.r
	}
	return r
}

// needTerminal is the error of an interactive view whose stdout is not a
// terminal (a pipe, a file): exit 2, one line.
func needTerminal(f *Factory, flag, alternative string) error {
	if f.IO.IsStdoutTTY() {
		return nil
	}
	return inputErrorf("%s needs a terminal, and stdout is not one; %s", flag, alternative)
}

// heldWriter keeps what is written to it while the inspector owns the
// terminal, to print once it has closed.
type heldWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.Write(p)
}

// release writes what was held to w.
func (h *heldWriter) release(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.buf.Len() > 0 {
		w.Write(h.buf.Bytes())
		h.buf.Reset()
	}
}

// startListenUI opens the inspector on feed. It returns a channel that
// receives Run's result once the inspector has closed (q, Ctrl-C, or
// stop), and stop, which ends it. While it runs stderr is held (nothing
// may draw over the screen); wait for the channel, then call the restore
// function returned to print what was held.
func (o *listenOptions) startListenUI(ctx context.Context, feed *inspect.Feed, secret string) (done <-chan error, stop func(), restore func()) {
	f := o.F
	held := &heldWriter{}
	errOut := f.IO.ErrOut
	f.IO.ErrOut = held
	uctx, cancel := context.WithCancel(ctx)
	opts := inspectViewOptions(f, feed, secret, o.ForwardTo, o.MaxEvents, o.ForwardTimeout)
	ch := make(chan error, 1)
	go func() { ch <- inspect.Run(uctx, opts) }()
	return ch, cancel, func() {
		cancel()
		f.IO.ErrOut = errOut
		held.release(errOut)
	}
}
