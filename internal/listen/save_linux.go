package listen

import (
	"io"
	"syscall"
)

// concurrentAppend: Linux local file systems hold the inode lock for the
// whole of an O_APPEND write to a regular file, so concurrent writes of
// whole lines land whole, one after the other.
const concurrentAppend = true

// appendLine writes line with one write system call. It fails on a short
// write (disk full, file size limit): the rest can no longer follow the
// first part, since other lines may have been appended since.
func appendLine(fd int, line []byte) error {
	for {
		n, err := syscall.Write(fd, line)
		if err == syscall.EINTR {
			continue // nothing was written
		}
		if err != nil {
			return err
		}
		if n != len(line) {
			return io.ErrShortWrite
		}
		return nil
	}
}
