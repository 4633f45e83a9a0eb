//go:build linux

package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/zegocb/zegocb/internal/ui"
)

// openPTY opens a pseudo-terminal pair: the master side (what a terminal
// emulator reads and writes) and the slave side (the program's terminal).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	ws := struct{ rows, cols, x, y uint16 }{24, 100, 0, 0}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, s.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		t.Skipf("set the window size: %v", e)
	}
	return m, s
}

// TestInspectPTYChild is the zegocb process of TestInspectAsksTheTerminalNothing
// (it runs only when that test starts it).
func TestInspectPTYChild(t *testing.T) {
	if os.Getenv("ZEGOCB_PTY_CHILD") == "" {
		t.Skip("run by TestInspectAsksTheTerminalNothing")
	}
	os.Exit(Main(context.Background(), []string{"inspect", inspectFixture}, ui.System()))
}

// TestInspectAsksTheTerminalNothing runs inspect on a real pseudo-terminal
// that answers nothing, as the process's controlling terminal in the
// foreground (where termenv would query it): once bubbletea owns the
// terminal, nothing may ask it for its background colour (OSC 11) or the
// cursor position (DSR), whose answers bubbletea would eat while termenv
// waits 5 s. The first frame comes at once and q quits.
func TestInspectAsksTheTerminalNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process on a pseudo-terminal")
	}
	master, slave := openPTY(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestInspectPTYChild$")
	cmd.Env = append(os.Environ(), "ZEGOCB_PTY_CHILD=1", "TERM=xterm-256color", "NO_COLOR=", "CI=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the child has it; the master reads EOF (EIO) when the child ends
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	out := make(chan []byte, 64)
	go func() {
		for {
			b := make([]byte, 4096)
			n, err := master.Read(b)
			if n > 0 {
				out <- b[:n]
			}
			if err != nil {
				close(out)
				return
			}
		}
	}()
	var got []byte
	start := time.Now()
	var frameAt time.Duration
	timeout := time.After(15 * time.Second)
	for frameAt == 0 {
		select {
		case b, ok := <-out:
			if !ok {
				t.Fatalf("the terminal closed before the first frame: %q", got)
			}
			got = append(got, b...)
			if bytes.Contains(got, []byte("7 events")) {
				frameAt = time.Since(start)
			}
		case <-timeout:
			t.Fatalf("no frame after 15 s: %q", got)
		}
	}
	master.Write([]byte("q"))
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end inspect")
	}
	for drain := time.After(2 * time.Second); ; {
		select {
		case b, ok := <-out:
			if ok {
				got = append(got, b...)
				continue
			}
		case <-drain:
		}
		break
	}
	alt := bytes.Index(got, []byte("\x1b[?1049h"))
	if alt < 0 {
		t.Fatalf("inspect never entered the alternate screen: %q", got)
	}
	before, after := got[:alt], got[alt:]
	for _, q := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n"} {
		if bytes.Contains(after, []byte(q)) {
			t.Errorf("inspect queried the terminal with %q while bubbletea owned it", q)
		}
	}
	// bubbletea v1's package init (tea_init.go) asks before main runs, on
	// every command; zegocb cannot run code before it (see the report).
	t.Logf("first frame after %v; before the program: %q", frameAt.Round(time.Millisecond), before)
}
