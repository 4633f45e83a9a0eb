//go:build !linux

// save_other.go: elsewhere captures are written under the mutex (see
// save_linux.go).

package listen

import (
	"errors"
	"os"
)

// concurrentAppend is false: writes are serialised (see CaptureFile).
func concurrentAppend(*os.File) bool { return false }

// appendLine is never called: CaptureFile.fd stays -1.
func appendLine(fd int, line []byte) error { return errors.ErrUnsupported }
