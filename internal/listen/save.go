// save.go holds the capture file: one record per line, appended before the
// callback is answered.

package listen

import (
	"os"
	"sync"
	"sync/atomic"
)

// CaptureFile appends capture records to a file opened O_APPEND, one write
// call per record. A record whose SaveLine returned nil has reached the kernel
// and survives the process being killed (there is no fsync: that guards
// against a power cut, not a kill, and would cost a disk flush per callback).
//
// On Linux, when the file is a regular file on a local file system (ext4,
// xfs, btrfs, tmpfs, overlayfs), records are written with concurrent write
// system calls: the kernel holds the file's inode lock for each whole
// O_APPEND write, so lines never interleave, and handlers do not queue on a
// mutex (which cost each request a goroutine hand-off under load). A short
// write there fails the record: a retry could not make a line whole once
// others may have been appended after its first part. Elsewhere (other
// systems, network file systems, pipes, devices) a mutex serialises the
// writes and a short write is completed by os.File.
type CaptureFile struct {
	Path string

	rw    sync.RWMutex // SaveLine holds it shared, Close exclusively
	mu    sync.Mutex   // serialises writes when fd < 0
	f     *os.File
	fd    int // >= 0: written with concurrent raw writes (appendLine)
	lines atomic.Int64
	err   error
}

// OpenCapture opens (creating with mode 0600, appending) the capture file.
func OpenCapture(path string) (*CaptureFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	c := &CaptureFile{Path: path, f: f, fd: -1}
	if concurrentAppend(f) {
		c.fd = int(f.Fd())
	}
	return c, nil
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

// SaveLine appends one encoded record (a JSON line with its newline) in
// one write call. It is safe for concurrent use.
func (c *CaptureFile) SaveLine(line []byte) error {
	c.rw.RLock()
	defer c.rw.RUnlock()
	if c.f == nil {
		return os.ErrClosed
	}
	var err error
	if c.fd >= 0 {
		err = appendLine(c.fd, line)
		if err != nil {
			err = &os.PathError{Op: "write", Path: c.Path, Err: err}
		}
	} else {
		c.mu.Lock()
		_, err = c.f.Write(line)
		c.mu.Unlock()
	}
	if err == nil {
		c.lines.Add(1)
	}
	return err
}

// Lines is the number of records written since the file was opened.
func (c *CaptureFile) Lines() int {
	return int(c.lines.Load())
}

// Close closes the file once the writes in progress have ended; later
// SaveLine calls fail.
func (c *CaptureFile) Close() error {
	c.rw.Lock()
	defer c.rw.Unlock()
	if c.f == nil {
		return c.err
	}
	c.err = c.f.Close()
	c.f = nil
	return c.err
}
