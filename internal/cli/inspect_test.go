package cli

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

var inspectFixture = filepath.Join("..", "inspect", "testdata", "capture.jsonl")

func TestInspectNeedsATerminalAndAFile(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	c.runFails(2, []string{"needs a terminal", "zegocb verify " + inspectFixture}, "inspect", inspectFixture)
	c = newCmdtest(t, cmdOpts{tty: true})
	c.runFails(2, []string{"no-such.jsonl: no such file"}, "inspect", "no-such.jsonl")
	c = newCmdtest(t, cmdOpts{tty: true})
	c.runFails(2, []string{"--max-events must be at least 1"}, "inspect", inspectFixture, "--max-events", "0")
	c = newCmdtest(t, cmdOpts{tty: true})
	c.runFails(2, []string{"needs a capture FILE"}, "inspect")
}

// The command opens the inspector on the file, with the configured secret
// and --forward-to: r replays the selected callback (the newest: the
// list follows the end) there, q quits (exit 0).
func TestInspectOpensTheFileAndReplays(t *testing.T) {
	srv := newRecordingServer(t, 200)
	keys, w := io.Pipe()
	c := newCmdtest(t, cmdOpts{tty: true, width: 100, env: map[string]string{EnvSecret: "fixture-secret"}})
	c.input = keys
	done := make(chan int, 1)
	go func() {
		done <- c.run("inspect", inspectFixture, "--forward-to", srv.URL, "--max-events", "50")
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("%s; stdout: %q", what, ansi.Strip(c.out.String()))
	}
	waitFor("the list was not drawn", func() bool { return strings.Contains(ansi.Strip(c.out.String()), "room_create") })
	io.WriteString(w, "r")
	waitFor("r did not replay to --forward-to", func() bool { return len(srv.got()) == 1 })
	io.WriteString(w, "q")
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, c.errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end inspect")
	}
	w.Close()
	if got := srv.got()[0]; !strings.Contains(string(got.Body), `"event":"room_close"`) || got.ContentType != "application/json" {
		t.Errorf("replayed %q (%s)", got.Body, got.ContentType)
	}
	if strings.Contains(c.out.String(), "fixture-secret") {
		t.Error("the secret is on the screen")
	}
}

// Ctrl-C ends inspect with 130.
func TestInspectInterrupted(t *testing.T) {
	keys, w := io.Pipe()
	defer w.Close()
	c := newCmdtest(t, cmdOpts{tty: true})
	c.input = keys
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- c.runCtx(ctx, "inspect", inspectFixture) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != 130 {
			t.Fatalf("exit %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not end inspect")
	}
}

// --help shows the flags' real placeholders (pflag takes the first
// backquoted word of a usage) and lists --forward-to once: --replay-to is
// a hidden synonym that still works.
func TestInspectHelpFlags(t *testing.T) {
	c := newCmdtest(t, cmdOpts{})
	if code := c.run("inspect", "--help"); code != 0 {
		t.Fatalf("exit %d: %s", code, c.errOut)
	}
	help := c.out.String()
	for _, want := range []string{"--forward-to URL", "--curl-dir DIR", "--max-events N"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "--replay-to") {
		t.Errorf("help lists the hidden --replay-to:\n%s", help)
	}
	var got *inspectOptions
	cmd := newInspectCmd(&Factory{}, func(o *inspectOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"x.jsonl", "--replay-to", "http://127.0.0.1:9/z"})
	cmd.SetOut(io.Discard)
	if err := cmd.Execute(); err != nil || got == nil || got.To != "http://127.0.0.1:9/z" {
		t.Fatalf("--replay-to: err %v, options %+v", err, got)
	}
}
