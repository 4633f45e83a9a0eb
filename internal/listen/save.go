package listen

import (
	"os"
	"sync"

	"github.com/zegocb/zegocb/internal/capture"
)

// CaptureFile appends capture records to a file: one write call per record,
// serialised by a mutex, on a file opened O_APPEND. A record whose Save
// returned nil has reached the kernel and survives the process being
// killed (there is no fsync: that guards against a power cut, not a kill,
// and would cost a disk flush per callback).
type CaptureFile struct {
	Path string

	mu    sync.Mutex
	f     *os.File
	lines int
	err   error
}

// OpenCapture opens (creating with mode 0600, appending) the capture file.
func OpenCapture(path string) (*CaptureFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &CaptureFile{Path: path, f: f}, nil
}

// lineBufs holds buffers for encoding capture lines.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// putLineBuf returns a buffer (grown into line) to lineBufs, unless it
// grew large.
func putLineBuf(bp *[]byte, line []byte) {
	if cap(line) <= 64<<10 {
		*bp = line
		lineBufs.Put(bp)
	}
}

// Save appends rec as one JSON line. It is safe for concurrent use: the
// line is encoded outside the lock, and only the write is serialised.
func (c *CaptureFile) Save(rec *capture.Record) error {
	bp := lineBufs.Get().(*[]byte)
	line := rec.AppendJSON((*bp)[:0])
	err := c.SaveLine(line)
	putLineBuf(bp, line)
	return err
}

// SaveLine appends one encoded record (a JSON line with its newline) in
// one write call. It is safe for concurrent use.
func (c *CaptureFile) SaveLine(line []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return os.ErrClosed
	}
	_, err := c.f.Write(line)
	if err == nil {
		c.lines++
	}
	return err
}

// Lines is the number of records written since the file was opened.
func (c *CaptureFile) Lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines
}

// Close closes the file; later Saves fail.
func (c *CaptureFile) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return c.err
	}
	c.err = c.f.Close()
	c.f = nil
	return c.err
}
