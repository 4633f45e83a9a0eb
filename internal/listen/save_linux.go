// save_linux.go holds the Linux side of capture writes: which file systems keep
// concurrent O_APPEND writes whole, and the lock-free append of one line.

package listen

import (
	"io"
	"os"
	"syscall"
)

// concurrentAppend reports whether whole lines can be appended to f by
// concurrent write calls: Linux's local file systems hold the inode lock
// for the whole of an O_APPEND write to a regular file, so such writes land
// whole, one after the other. Network and FUSE file systems make no such
// promise (NFS emulates O_APPEND on the client), so anything not on the
// list below keeps the mutex.
func concurrentAppend(f *os.File) bool {
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	var st syscall.Statfs_t
	if err := syscall.Fstatfs(int(f.Fd()), &st); err != nil {
		return false
	}
	switch uint32(st.Type) {
	case 0xEF53, // ext2, ext3, ext4
		0x58465342, // xfs
		0x9123683E, // btrfs
		0x01021994, // tmpfs
		0x794C7630: // overlayfs (writes go to its local upper layer)
		return true
	}
	return false
}

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
