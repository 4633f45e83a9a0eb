//go:build !linux

package listen

import "errors"

// concurrentAppend is false: writes are serialised (see CaptureFile).
const concurrentAppend = false

// appendLine is never called: CaptureFile.fd stays -1.
func appendLine(fd int, line []byte) error { return errors.ErrUnsupported }
