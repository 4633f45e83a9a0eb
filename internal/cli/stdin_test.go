package cli

import (
	"context"
	"io"
	"testing"
	"time"
)

// Ctrl-C stops a command that waits for stdin (a terminal, a silent pipe):
// exit 130 at once, not after the user also presses Ctrl-D.
func TestInterruptStopsAStdinRead(t *testing.T) {
	for _, args := range [][]string{
		{"decode"},
		{"sign", "-"},
		{"verify", "-"},
		{"send", "stream_create", "--data", "-", "--dry-run"},
		{"sign", "--timestamp", "1", "--nonce", "2", "--secret-file", "-"},
	} {
		ct := newCmdtest(t, cmdOpts{width: 100})
		ct.env[EnvSecret] = "secret"
		pr, pw := io.Pipe() // nothing is ever written: the read blocks
		defer pw.Close()
		ct.input = pr
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() { done <- ct.runCtx(ctx, args...) }()
		time.Sleep(20 * time.Millisecond) // let it block on stdin
		cancel()
		select {
		case code := <-done:
			if code != ExitInterrupted {
				t.Errorf("%v: exit %d, want %d; stderr: %s", args, code, ExitInterrupted, ct.errOut)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: still reading stdin 10 s after the interrupt", args)
		}
	}
}

// stdin can be read once: a command that would read both the secret and its
// input from it says so, instead of taking the input for the secret.
func TestStdinIsReadForOneThing(t *testing.T) {
	for _, args := range [][]string{
		{"sign", "-", "--secret-file", "-"},
		{"verify", "--secret-file", "-"},
		{"verify", "-", "--secret-file", "-"},
		{"send", "stream_create", "--data", "-", "--secret-file", "-", "--dry-run"},
	} {
		ct := newCmdtest(t, cmdOpts{width: 100})
		ct.in.WriteString(`{"event":"room_login","timestamp":"1","nonce":"2","signature":"x"}` + "\n")
		ct.runFails(ExitUsage, []string{"cannot both be read from stdin"}, args...)
	}
}
