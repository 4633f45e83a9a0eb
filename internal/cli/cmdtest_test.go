package cli

// cmdtest_test.go is the one harness for command tests: zegocb run
// in-process through run(), the real entry point (so stdin interruption and
// the ctx→130 mapping are exercised), with a fixed clock and nonce, its own
// environment and files, and output buffers safe to read while a command
// (listen) still runs. Goldens are compared by assertGolden (golden_test.go).

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/ui"
)

// Fixed inputs for deterministic output.
var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const testNonce = "7254119327986670314"

// testClock is a deterministic clock: every Now() moves it on by step (0:
// it stands still); Sleep and Add move it on at once.
type testClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Add(d)
	return ctx.Err()
}

// cmdOpts set up a cmdtest.
type cmdOpts struct {
	tty    bool // stdout and stderr are terminals, and stdin too while no input is queued
	ttyOut bool // stdout alone is a terminal
	color  bool // add --color always
	width  int  // terminal width (0: unknown)
	stdin  string
	env    map[string]string
	files  map[string]string // served by Factory.ReadFile before the disk
	now    time.Time         // a clock standing at now (zero: testNow) ...
	clock  *testClock        // ... or this clock
	wall   bool              // ... or the wall clock (servers compared with it)
}

// cmdtest is one in-process zegocb. Each run gets a fresh command tree on
// the same Factory, as the process would.
type cmdtest struct {
	t           *testing.T
	f           *Factory
	in          *bytes.Buffer
	input       io.Reader // read instead of in when set (a pipe that never delivers)
	out, errOut *syncBuffer
	env         map[string]string
	clock       *testClock
	color       bool
	// sleep replaces send's wait between attempts; nil: the clock's Sleep
	// when stderr is not a terminal, a real wait (with the countdown) when it is.
	sleep func(context.Context, time.Duration) error
}

func newCmdtest(t *testing.T, o cmdOpts) *cmdtest {
	t.Helper()
	ios, in, _, _ := ui.Test()
	c := &cmdtest{t: t, in: in, out: &syncBuffer{}, errOut: &syncBuffer{}, env: o.env, color: o.color}
	if c.env == nil {
		c.env = map[string]string{}
	}
	ios.Out, ios.ErrOut = c.out, c.errOut
	in.WriteString(o.stdin)
	ios.SetStdoutTTY(o.tty || o.ttyOut)
	ios.SetStderrTTY(o.tty)
	ios.SetStdinTTY(o.tty && o.stdin == "")
	if o.width > 0 {
		ios.SetWidth(o.width)
	}
	getenv := func(k string) string { return c.env[k] }
	ios.SetEnv(getenv)
	c.f = New(ios)
	c.f.Getenv = getenv
	c.f.Nonce = func() string { return testNonce }
	c.f.ReadFile = func(name string) ([]byte, error) {
		if s, ok := o.files[name]; ok {
			return []byte(s), nil
		}
		return readFileCapped(name)
	}
	c.f.Rand = func() *rand.Rand { return rand.New(rand.NewPCG(7, 9)) }
	switch {
	case o.clock != nil:
		c.clock = o.clock
	case !o.now.IsZero():
		c.clock = &testClock{t: o.now}
	default:
		c.clock = &testClock{t: testNow}
	}
	c.f.Now = c.clock.Now
	if o.wall {
		c.f.Now = time.Now
	}
	return c
}

// prepare readies the factory for one run, as a fresh process would be.
func (c *cmdtest) prepare(args []string) []string {
	c.f.IO.In = c.in
	if c.input != nil {
		c.f.IO.In = c.input
	}
	c.f.stdinFor = ""
	c.f.Sleep = c.sleep
	if c.sleep == nil && !c.f.IO.IsStderrTTY() {
		c.f.Sleep = c.clock.Sleep
	}
	if c.color {
		args = append(args, "--color", "always")
	}
	return args
}

// run runs args to the end and returns the exit code.
func (c *cmdtest) run(args ...string) int { return c.runCtx(context.Background(), args...) }

// runCtx runs args under ctx (cancel it for Ctrl-C).
func (c *cmdtest) runCtx(ctx context.Context, args ...string) int {
	return run(ctx, c.prepare(args), c.f)
}

// call runs args and returns the exit code, stdout and stderr.
func (c *cmdtest) call(args ...string) (int, string, string) {
	code := c.run(args...)
	return code, c.out.String(), c.errOut.String()
}

// runFails runs args and checks that they fail with code, print nothing on
// stdout, and say each of stderr on stderr.
func (c *cmdtest) runFails(code int, stderr []string, args ...string) {
	c.t.Helper()
	if got := c.run(args...); got != code {
		c.t.Fatalf("exit %d, want %d; stderr: %s", got, code, c.errOut)
	}
	if c.out.Len() != 0 {
		c.t.Errorf("stdout on error: %q", c.out)
	}
	for _, s := range stderr {
		if !strings.Contains(c.errOut.String(), s) {
			c.t.Errorf("stderr %q lacks %q", c.errOut, s)
		}
	}
}

// bgRun is a command running in the background until stopped (listen).
type bgRun struct {
	*cmdtest
	addr    string // the address listen said it listens on
	cancel  context.CancelFunc
	code    chan int
	stopped bool
	exit    int
}

// listen starts `zegocb listen` on 127.0.0.1:0 with args and returns once
// it says where it listens; the test's end stops it.
func (c *cmdtest) listen(args ...string) *bgRun {
	c.t.Helper()
	ready := make(chan string, 1)
	c.errOut.watch("listening on http://", ready)
	ctx, cancel := context.WithCancel(context.Background())
	r := &bgRun{cmdtest: c, cancel: cancel, code: make(chan int, 1)}
	args = c.prepare(append([]string{"listen", "--addr", "127.0.0.1:0"}, args...))
	go func() { r.code <- run(ctx, args, c.f) }()
	select {
	case r.addr = <-ready:
	case code := <-r.code:
		c.t.Fatalf("listen exited %d before listening: %s", code, c.errOut.String())
	case <-time.After(10 * time.Second):
		c.t.Fatalf("listen did not start: %s", c.errOut.String())
	}
	c.t.Cleanup(func() { r.stop() })
	return r
}

func (r *bgRun) url(path string) string { return "http://" + r.addr + path }

// stop cancels the command's context (Ctrl-C) and returns its exit code.
func (r *bgRun) stop() int {
	if !r.stopped {
		r.stopped = true
		r.cancel()
		select {
		case r.exit = <-r.code:
		case <-time.After(20 * time.Second):
			r.t.Fatal("the command did not stop after cancellation")
		}
	}
	return r.exit
}

// syncBuffer is a goroutine-safe buffer. watch makes it report the host:port
// that follows a marker, once, when that is written (listen's ready line).
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	marker string
	ready  chan string
}

func (s *syncBuffer) watch(marker string, ready chan string) {
	s.mu.Lock()
	s.marker, s.ready = marker, ready
	s.mu.Unlock()
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.ready != nil {
		text := ansi.Strip(s.b.String())
		if i := strings.Index(text, s.marker); i >= 0 {
			rest := text[i+len(s.marker):]
			if j := strings.IndexAny(rest, "/ "); j >= 0 {
				s.ready <- rest[:j]
				s.ready = nil
			}
		}
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

// rootWith returns zegocb's root command with each command of the same
// name replaced by one of cmds (built with a runF that keeps the options):
// for tests of flag parsing alone, which cmdtest cannot reach.
func rootWith(f *Factory, cmds ...*cobra.Command) *cobra.Command {
	root := NewRootCmd(f)
	for _, c := range cmds {
		for _, old := range root.Commands() {
			if old.Name() == c.Name() {
				root.RemoveCommand(old)
			}
		}
		root.AddCommand(c)
	}
	return root
}

// parseOpts parses args (after the command's name) through the whole
// command tree, with newCmd's command built with a runF that keeps its
// options instead of running: for tests of flag parsing alone. The options
// are nil when parsing failed.
func parseOpts[T any](c *cmdtest, newCmd func(*Factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
	var got *T
	cmd := newCmd(c.f, func(o *T) error { got = o; return nil })
	root := rootWith(c.f, cmd)
	root.SetArgs(c.prepare(append([]string{cmd.Name()}, args...)))
	err := root.ExecuteContext(context.Background())
	return got, err
}
