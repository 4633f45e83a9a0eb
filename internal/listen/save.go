package listen

import (
	"os"
	"sync"

	"github.com/zegocb/zegocb/internal/capture"
)

// CaptureFile appends capture records to a file opened O_APPEND. Each
// record goes to the kernel in a single write call, so a record whose Save
// returned nil survives the process being killed. There is no fsync: that
// guards against a power cut, not a kill, and would cost a disk flush per
// callback.
//
// Writes are group-committed: while one write is in progress, concurrent
// Saves queue their lines, and the first of them to run next writes the
// whole queue in one call; each Save returns only once its own line has
// been written (or the write failed). One caller at a time writes, so lines
// never interleave; at low load every Save is simply one write.
type CaptureFile struct {
	Path string

	mu      sync.Mutex
	cond    *sync.Cond
	f       *os.File
	lines   int
	err     error  // from Close
	writing bool   // a write is in progress
	queue   []byte // lines waiting for the next write
	queued  int
	cur     *group // the group the queue belongs to
	spare   []byte
}

// group is the set of Saves written by one write call.
type group struct {
	done bool
	err  error
}

// OpenCapture opens (creating with mode 0600, appending) the capture file.
func OpenCapture(path string) (*CaptureFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	c := &CaptureFile{Path: path, f: f, cur: &group{}}
	c.cond = sync.NewCond(&c.mu)
	return c, nil
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// Save appends rec as one JSON line and returns once it is written. It is
// safe for concurrent use: lines are encoded outside the lock.
func (c *CaptureFile) Save(rec *capture.Record) error {
	bp := lineBufs.Get().(*[]byte)
	line := rec.AppendJSON((*bp)[:0])
	c.mu.Lock()
	if c.f == nil {
		c.mu.Unlock()
		return os.ErrClosed
	}
	c.queue = append(c.queue, line...)
	c.queued++
	g := c.cur
	if cap(line) <= 64<<10 {
		*bp = line
		lineBufs.Put(bp)
	}
	for c.writing && !g.done {
		c.cond.Wait()
	}
	if g.done { // another Save wrote our line
		err := g.err
		c.mu.Unlock()
		return err
	}
	// Lead: write the queue (our line and whoever joined it).
	c.writing = true
	buf, n := c.queue, c.queued
	c.queue, c.queued, c.cur = c.spare[:0], 0, &group{}
	f := c.f
	c.mu.Unlock()

	err := os.ErrClosed
	if f != nil {
		_, err = f.Write(buf)
	}

	c.mu.Lock()
	if err == nil {
		c.lines += n
	}
	g.done, g.err = true, err
	if cap(buf) <= 1<<20 {
		c.spare = buf
	}
	c.writing = false
	c.cond.Broadcast()
	c.mu.Unlock()
	return err
}

// Lines is the number of records written since the file was opened.
func (c *CaptureFile) Lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines
}

// Close waits for a write in progress, then closes the file; later Saves fail.
func (c *CaptureFile) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.writing {
		c.cond.Wait()
	}
	if c.f == nil {
		return c.err
	}
	c.err = c.f.Close()
	c.f = nil
	return c.err
}
