// listen_server.go holds the listen server's life cycle: its timeouts, bind,
// serve, forward and capture, shutdown on a signal or q, and the helpers
// that run around it (CPU profile, silenced net/http log, bind errors).

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/zegocb/zegocb/internal/inspect"
	"github.com/zegocb/zegocb/internal/listen"
)

// Server timeouts. WriteTimeout grows with --delay and --forward-timeout.
const (
	listenReadHeaderTimeout = 10 * time.Second
	listenReadTimeout       = 30 * time.Second
	listenWriteTimeout      = 30 * time.Second
	listenIdleTimeout       = 120 * time.Second
	listenGrace             = 10 * time.Second
	listenGCPercent         = 400
)

func runListen(opts *listenOptions) error {
	f := opts.F
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	secret, source, err := f.Secret()
	if err != nil {
		return err
	}
	if secret == "" && (opts.RequireSignature || opts.PublicURL != "") {
		flag := "--require-signature"
		if opts.PublicURL != "" {
			flag = "--public-url" // anyone who finds a public URL can post to it
		}
		return inputErrorf("%s needs a callback secret, so that forged callbacks are answered 401: set $%s, or pass --secret-file PATH", flag, EnvSecret)
	}
	for _, name := range opts.Events {
		if !f.Catalog.Matches(name) {
			hint := eventHint(f.Catalog, name)
			if g := f.Catalog.GroupsNamed(name); len(g) > 0 {
				hint = "a bare group is RTC's: did you mean " + joinWords(g, "or") + "?"
			}
			f.Warnf("--event %s: not an event, group or family zegocb knows (only callbacks of that name will show); %s", name, hint)
		}
	}
	// A receiver's heap is small and short-lived garbage dominates it, so
	// the default GOGC=100 (GC every 4 MiB allocated) costs a visible
	// share of CPU under load. 400 trades a few MiB of memory for it.
	// An explicit $GOGC wins.
	if f.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(listenGCPercent))
	}
	// $ZEGOCB_CPUPROFILE=FILE writes a pprof CPU profile of the whole run
	// (for bench/listen; undocumented in --help on purpose).
	if path := f.Getenv("ZEGOCB_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return inputErrorf("$ZEGOCB_CPUPROFILE: %v", err)
		}
		defer stop()
	}

	var capFile *listen.CaptureFile
	if opts.Save != "" {
		capFile, err = listen.OpenCapture(opts.Save)
		if err != nil {
			return inputErrorf("--save: %v", err)
		}
		defer capFile.Close()
	}

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return inputErrorf("cannot listen on %s: address already in use; pick another port with --addr, or --addr 127.0.0.1:0 for any free one", opts.Addr)
		}
		return inputErrorf("cannot listen on %s: %v", opts.Addr, unwrapOpError(err))
	}
	addr := ln.Addr().String()

	mode := renderPretty
	switch {
	case f.JSON():
		mode = renderJSON
	case f.Global.Quiet:
		mode = renderQuiet
	}
	width := f.IO.Width()
	if width <= 0 {
		width = listenDefaultWidth
	}
	r := &listenRenderer{
		mode:     mode,
		tty:      f.IO.IsStdoutTTY(),
		color:    f.IO.ColorEnabled(),
		verbose:  f.Global.Verbose,
		width:    width,
		bodyMode: bodyMode(opts.Body),
		s:        f.IO.Styles(),
		secret:   secret,
	}
	// Everything printed goes through one goroutine, in arrival order.
	var quiet *listenRenderer
	if mode == renderQuiet {
		quiet = r
	}
	out := newListenOutput(quiet, opts.filter())

	var fwd *listen.Forwarder
	if opts.ForwardTo != "" {
		fwd = listen.NewForwarder(context.WithoutCancel(ctx), listen.ForwardOptions{
			URL:     opts.ForwardTo,
			Timeout: opts.ForwardTimeout,
			Scale:   opts.RetryScale,
			Now:     f.Now,
			OnAttempt: func(a listen.ForwardAttempt) {
				out.send(listenItem{fa: &a})
			},
		})
	}

	reply := opts.Reply
	if opts.Status != 0 && (opts.Status < 200 || opts.Status > 299) && !opts.ReplySet {
		reply = "simulated failure (--status " + strconv.Itoa(opts.Status) + ")"
	}
	cfg := listen.Config{
		Catalog:       f.Catalog,
		Secret:        secret,
		SecretName:    f.SecretName(source),
		OtherSecrets:  f.OtherSecrets(),
		Path:          opts.Path,
		MaxBody:       opts.maxBody,
		AcceptInvalid: opts.AcceptInvalid,
		ReplyBody:     reply,
		Replies:       opts.replies,
		Now:           f.Now,
		SkipCheck:     f.Global.Quiet && !f.JSON(), // -q shows no schema problems
		ReusePayloads: quiet != nil,                // -q renders each event in emit and keeps nothing
		FailFirst:     opts.FailFirst,
		Status:        opts.Status,
		Delay:         opts.Delay,
		Forward:       fwd,
		OnReject: func(r *http.Request, status int) {
			out.send(listenItem{reject: &listenReject{at: f.Now(), method: r.Method, path: r.URL.RequestURI(), remoteAddr: r.RemoteAddr, status: status}})
		},
	}
	if capFile != nil {
		cfg.Save = capFile.SaveLine
	}
	emit := func(ev listen.Event) { out.send(listenItem{ev: &ev}) }
	if quiet != nil {
		emit = func(ev listen.Event) { out.sendQuiet(listenItem{ev: &ev}) } // ev does not escape
	}
	var handler http.Handler = listen.NewHandler(cfg, emit)
	var check *publicCheck
	if opts.PublicURL != "" {
		if check, err = newPublicCheck(opts.Path, handler); err != nil {
			return fmt.Errorf("--public-url: %w", err)
		}
		handler = check
	}

	writeTimeout := listenWriteTimeout + opts.Delay
	if fwd != nil {
		writeTimeout += opts.ForwardTimeout
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       listenReadTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       listenIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          discardLog(),
	}

	// --ui: the items go to the inspector's feed instead of the text sink.
	var sink listenSink = newTextSink(f.IO.Out, r)
	var feed *inspect.Feed
	if opts.UI {
		feed = inspect.NewFeed("listening on "+listenURL(addr, opts.Path), 0)
		sink = inspectSink{feed: feed}
	}
	printed := make(chan listenStats, 1)
	go func() { printed <- out.drain(f.IO.Out, sink) }()

	opts.printReady(addr, source, secret != "")
	if opts.Ready != nil {
		opts.Ready(addr)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	checkCtx, stopCheck := context.WithCancel(ctx)
	checked := make(chan struct{})
	if check != nil {
		go func() {
			defer close(checked)
			opts.checkPublicURL(checkCtx, check, addr, secret)
		}()
	} else {
		close(checked)
	}

	// --ui: the inspector opens once the banner and the --public-url
	// check have printed; stderr is held while it owns the terminal.
	var uiDone <-chan error
	var stopUI, restoreUI func()
	if feed != nil {
		<-checked
		if ctx.Err() == nil {
			uiDone, stopUI, restoreUI = opts.startListenUI(ctx, feed, secret)
		}
	}

	var serveErr, uiErr error
	uiEnded := false
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	case uiErr = <-uiDone: // q or Ctrl-C in the inspector (nil channel without --ui)
		uiEnded = true
	}
	stopCheck()
	<-checked
	if stopUI != nil {
		stopUI()
		if !uiEnded {
			uiErr = <-uiDone
		}
		restoreUI() // the terminal is ours again: print what was held
		feed.Close()
		if errors.Is(uiErr, context.Canceled) {
			uiErr = nil // ended by Ctrl-C or by the server stopping
		}
	}

	// Stop accepting, let in-flight requests finish (bounded), then stop
	// forwarding, drain the printer and close the capture file.
	sctx, cancel := context.WithTimeout(context.Background(), opts.Grace)
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	cancel()
	if fwd != nil {
		fwd.Close()
	}
	out.close()
	st := <-printed
	st.late = out.lateCount()
	var closeErr error
	if capFile != nil {
		closeErr = capFile.Close()
	}
	opts.printSummary(st, capFile, fwd)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return &TransportError{Err: fmt.Errorf("listen on %s: %w", addr, serveErr)}
	}
	if uiErr != nil {
		return inputErrorf("--ui: the inspector failed: %v", uiErr)
	}
	if closeErr != nil {
		return inputErrorf("--save %s: closing: %v", opts.Save, closeErr)
	}
	return nil
}

func unwrapOpError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// startCPUProfile starts a pprof CPU profile written to path; stop ends it.
func startCPUProfile(path string) (stop func(), err error) {
	pf, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(pf); err != nil {
		pf.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		pf.Close()
	}, nil
}

// discardLog silences net/http's own logging (client resets, TLS noise):
// nothing reaches stderr except through f.IO.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
