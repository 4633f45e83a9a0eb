package verify

import "strconv"

// dedup remembers recent nonce+signature hashes in two rotating
// generations of at most window entries each, so memory is bounded (16
// bytes a slot, at most 4*window slots: about 6 MB for the default window)
// however long the input. A hash is found while it is in the current or the
// previous generation: at least the last window distinct payloads, at most
// the last 2*window.
type dedup struct {
	window    int
	cur, prev *hashTable
	files     []string
	lastFile  string
}

func newDedup(window int) *dedup {
	return &dedup{window: window, cur: newHashTable(min(window, 1<<12)), prev: newHashTable(16)}
}

// check records key at file:line and, when it was seen before, returns the
// first location it was seen at.
func (d *dedup) check(key uint64, file string, line int) (string, bool) {
	if loc, ok := d.cur.get(key); ok {
		return d.location(loc), true
	}
	if loc, ok := d.prev.get(key); ok {
		d.cur.put(key, loc) // keep it alive for another generation
		return d.location(loc), true
	}
	if d.cur.n >= d.window {
		old := d.prev
		d.prev = d.cur
		old.reset() // reuse the oldest generation's memory
		d.cur = old
	}
	d.cur.put(key, uint64(d.fileIndex(file))<<32|uint64(uint32(line)))
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

// hashTable is an open-addressing map from a 64-bit hash to a location,
// with linear probing and a load factor of at most 1/2. Keys are already
// well-mixed hashes, so they index the table directly. Key 0 marks an empty
// slot (a real 0 is stored as 1: a false match costs a missed note, once in
// 2^64).
type hashTable struct {
	keys, vals []uint64
	n          int
}

func newHashTable(capacity int) *hashTable {
	size := 16
	for size < 2*capacity {
		size <<= 1
	}
	return &hashTable{keys: make([]uint64, size), vals: make([]uint64, size)}
}

func (t *hashTable) get(key uint64) (uint64, bool) {
	if key == 0 {
		key = 1
	}
	mask := uint64(len(t.keys) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case key:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}

func (t *hashTable) put(key, val uint64) {
	if key == 0 {
		key = 1
	}
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	mask := uint64(len(t.keys) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case key:
			t.vals[i] = val
			return
		case 0:
			t.keys[i], t.vals[i] = key, val
			t.n++
			return
		}
	}
}

func (t *hashTable) grow() {
	old := *t
	*t = *newHashTable(len(old.keys))
	for i, k := range old.keys {
		if k != 0 {
			t.put(k, old.vals[i])
		}
	}
}

func (t *hashTable) reset() {
	clear(t.keys)
	t.n = 0
}
