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

// Save appends rec as one JSON line. It is safe for concurrent use.
func (c *CaptureFile) Save(rec *capture.Record) error {
	b, err := rec.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return os.ErrClosed
	}
	if _, err := c.f.Write(b); err != nil {
		return err
	}
	c.lines++
	return nil
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
