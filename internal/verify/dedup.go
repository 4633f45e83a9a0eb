package verify

import "strconv"

// dedup remembers recent nonce+signature hashes in two rotating
// generations of at most window entries each, so memory is bounded (16
// bytes a slot, 2*window slots a generation: 8 MB for the default window)
// however long the input. A hash is found while it is in the current or the
// previous generation: at least the last window distinct payloads, at most
// the last 2*window.
type dedup struct {
	window    int
	cur, prev *hashTable
	files     []string
	lastFile  string
	sink      uint64 // keeps touch's loads from being optimised away
}

func newDedup(window int) *dedup {
	// The current generation starts at its full size: growing by doubling
	// would rehash every entry about twice, each a cache miss. The previous
	// generation is empty until the first rotation.
	return &dedup{window: window, cur: newHashTable(window), prev: newHashTable(1)}
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

// touch loads the slots keys will probe, with no dependency between the
// loads, so their cache misses overlap instead of stalling one by one in
// check. Run calls it for a whole batch before checking it.
func (d *dedup) touch(keys func(yield func(uint64))) {
	var sink uint64
	cur, prev := d.cur.slots, d.prev.slots
	keys(func(k uint64) {
		sink += cur[k&uint64(len(cur)-1)].key
		if len(prev) > 16 {
			sink += prev[k&uint64(len(prev)-1)].key
		}
	})
	d.sink += sink
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
// well-mixed hashes, so they index the table directly, and key and value
// share a slot (one cache miss per lookup in a table far bigger than the
// cache). Key 0 marks an empty slot (a real 0 is stored as 1: a false match
// costs a missed note, once in 2^64).
type hashTable struct {
	slots []slot
	n     int
}

type slot struct{ key, val uint64 }

func newHashTable(capacity int) *hashTable {
	size := 16
	for size < 2*capacity {
		size <<= 1
	}
	return &hashTable{slots: make([]slot, size)}
}

func (t *hashTable) get(key uint64) (uint64, bool) {
	if key == 0 {
		key = 1
	}
	mask := uint64(len(t.slots) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case key:
			return s.val, true
		case 0:
			return 0, false
		}
	}
}

func (t *hashTable) put(key, val uint64) {
	if key == 0 {
		key = 1
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.key {
		case key:
			s.val = val
			return
		case 0:
			s.key, s.val = key, val
			t.n++
			return
		}
	}
}

func (t *hashTable) grow() {
	old := t.slots
	t.slots, t.n = make([]slot, 2*len(old)), 0
	for _, s := range old {
		if s.key != 0 {
			t.put(s.key, s.val)
		}
	}
}

func (t *hashTable) reset() {
	clear(t.slots)
	t.n = 0
}
