// stdin.go makes stdin interruptible: Ctrl-C ends a read blocked on it.

package cli

import (
	"context"
	"io"
	"os"
)

// interruptible wraps stdin so that a read blocked on it (a terminal waiting
// for input, a pipe whose writer never writes) ends with ErrInterrupted as
// soon as ctx is done: Ctrl-C then stops `decode -`, `sign -`,
// `send --data -`, `verify -` and `--secret-file -` at once, not after
// Ctrl-D. Each read runs in its own goroutine into a buffer of the reader's
// own, so one that is still blocked after the interrupt writes nowhere the
// caller can see; it ends with the process.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	return &interruptibleReader{ctx: ctx, r: r, res: make(chan readResult, 1)}
}

type interruptibleReader struct {
	ctx context.Context
	r   io.Reader
	buf []byte
	res chan readResult
}

type readResult struct {
	n   int
	err error
}

func (ir *interruptibleReader) Read(p []byte) (int, error) {
	if ir.ctx.Err() != nil {
		return 0, ErrInterrupted
	}
	if cap(ir.buf) < len(p) {
		ir.buf = make([]byte, len(p))
	}
	buf := ir.buf[:len(p)]
	go func() {
		n, err := ir.r.Read(buf)
		ir.res <- readResult{n, err}
	}()
	select {
	case <-ir.ctx.Done():
		return 0, ErrInterrupted
	case rr := <-ir.res:
		return copy(p, buf[:rr.n]), rr.err
	}
}

// stdinFile returns the file under stdin (through interruptible's wrapper),
// for a program that must put the terminal in raw mode itself (inspect's
// keys); false when stdin is not a file (tests, a reader).
func stdinFile(r io.Reader) (*os.File, bool) {
	if ir, ok := r.(*interruptibleReader); ok {
		r = ir.r
	}
	f, ok := r.(*os.File)
	return f, ok
}
