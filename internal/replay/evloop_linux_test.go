package replay

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// fullListener is a listening socket on 127.0.0.1 whose accept queue is
// full: a new connection hangs in its handshake (the SYN is dropped), as
// with an endpoint behind a black hole.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr // the queue is full
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("the accept queue does not fill")
	return ""
}

// Ctrl-C while the endpoint does not complete the connection ends the run
// at once, on both paths.
func TestInterruptedWhileConnecting(t *testing.T) {
	addr := fullListener(t)
	path, _ := captureOf(t, 2)
	paths(t, func(t *testing.T, noLoop bool) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, _, err := replayAll(t, ctx, Options{URL: "http://" + addr + "/cb", Secret: testSecret, Timeout: 5 * time.Second, noLoop: noLoop}, path)
		if el := time.Since(start); !errors.Is(err, context.Canceled) || el > time.Second {
			t.Fatalf("err %v after %v", err, el)
		}
	})
}
