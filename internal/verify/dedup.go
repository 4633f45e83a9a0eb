package verify

import "strconv"

// dedup remembers recent nonce+signature hashes in two rotating
// generations of at most window entries each, so memory is bounded (about
// 20 bytes per entry) however long the input. A hash is found while it is
// in the current or the previous generation: at least the last window
// distinct payloads, at most the last 2*window.
type dedup struct {
	window    int
	cur, prev map[uint64]uint64 // hash -> file index<<32 | line
	files     []string
	lastFile  string
}

func newDedup(window int) *dedup {
	return &dedup{window: window, cur: make(map[uint64]uint64, min(window, 1<<14))}
}

// check records key at file:line and, when it was seen before, returns the
// first location it was seen at.
func (d *dedup) check(key uint64, file string, line int) (string, bool) {
	if loc, ok := d.cur[key]; ok {
		return d.location(loc), true
	}
	if loc, ok := d.prev[key]; ok {
		d.cur[key] = loc // keep it alive for another generation
		return d.location(loc), true
	}
	if len(d.cur) >= d.window {
		d.prev, d.cur = d.cur, make(map[uint64]uint64, d.window)
	}
	d.cur[key] = uint64(d.fileIndex(file))<<32 | uint64(uint32(line))
	return "", false
}

func (d *dedup) fileIndex(file string) int {
	if len(d.files) == 0 || d.lastFile != file {
		d.files = append(d.files, file)
		d.lastFile = file
	}
	return len(d.files) - 1
}

func (d *dedup) location(loc uint64) string {
	file := d.files[loc>>32]
	line := int(uint32(loc))
	if line == 0 {
		return file
	}
	return file + ":" + strconv.Itoa(line)
}
