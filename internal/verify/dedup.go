// dedup.go holds the bounded re-delivery table: nonce+signature hashes in two
// rotating generations.

package verify

import "strconv"

// dedup remembers recent nonce+signature hashes in two rotating
// generations of at most window entries each, so memory is bounded (about
// 4.4 MB a generation for the default window) however long the input. A hash is found while it is in the current or the
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

// check records key, with the digest of its body, at file:line and, when
// it was seen before, returns the first location it was seen at and
// whether that payload's body had the same digest.
func (d *dedup) check(key, body uint64, file string, line int) (string, bool, bool) {
	if e, ok := d.cur.get(key); ok {
		return d.location(e.val), true, e.body == body
	}
	if e, ok := d.prev.get(key); ok {
		d.cur.put(key, e.val, e.body) // keep it alive for another generation
		return d.location(e.val), true, e.body == body
	}
	if d.cur.n >= d.window {
		old := d.prev
		d.prev = d.cur
		old.reset() // reuse the oldest generation's memory
		d.cur = old
	}
	d.cur.put(key, uint64(d.fileIndex(file))<<32|uint64(uint32(line)), body)
	return "", false, true
}

// touch loads the slots keys will probe, with no dependency between the
// loads, so their cache misses overlap instead of stalling one by one in
// check. Run calls it for a whole batch before checking it.
func (d *dedup) touch(keys func(yield func(uint64))) {
	var sink uint64
	cur, prev := d.cur, d.prev
	keys(func(k uint64) {
		sink += cur.slots[cur.probe(k)]
		if prev.n > 0 {
			sink += prev.slots[prev.probe(k)]
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
// sized for a fixed number of entries. Its probe array holds one uint64 per
// slot: a 32-bit fingerprint of the key and the index of the entry in an
// append-only list, so the part touched at random is small (2 MiB for the
// default window: fewer page faults and cache misses); the list is written
// in order and read only on a fingerprint match. Keys are well-mixed hashes
// and index the probe array directly; linear probing, load at most 3/4.
type hashTable struct {
	slots   []uint64 // fingerprint<<32 | (entry index + 1); 0 is empty
	entries []entry
	n       int
}

// entry is a key, its first location and the digest of its first body.
type entry struct{ key, val, body uint64 }

func newHashTable(capacity int) *hashTable {
	size := 16
	for size*3 < capacity*4 {
		size <<= 1
	}
	t := &hashTable{slots: make([]uint64, size), entries: make([]entry, 0, capacity)}
	// Write to every page of the probe array now. Its fresh pages are read
	// (touch, get) before they are written: the read maps the kernel's
	// shared zero page, and the first write then takes a copy-on-write
	// fault that flushes the TLB on every core (an IPI each on a VM): 4%
	// of a 100k-line run's CPU, in the one goroutine that is not parallel.
	for i := 0; i < len(t.slots); i += 4096 / 8 {
		t.slots[i] = 0
	}
	return t
}

func fingerprint(key uint64) uint64 {
	if fp := key >> 32; fp != 0 {
		return fp
	}
	return 1
}

// probe returns the first slot to look at for key: the low bits, which
// the fingerprint (the high bits) does not repeat.
func (t *hashTable) probe(key uint64) uint64 { return key & uint64(len(t.slots)-1) }

func (t *hashTable) get(key uint64) (entry, bool) {
	fp := fingerprint(key)
	mask := uint64(len(t.slots) - 1)
	for i := t.probe(key); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return entry{}, false
		}
		if s>>32 == fp {
			if e := &t.entries[uint32(s)-1]; e.key == key {
				return *e, true
			}
		}
	}
}

// put adds key (which must not be in the table) with val and body. When
// the table holds its capacity it grows, which callers avoid by rotating first.
func (t *hashTable) put(key, val, body uint64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	fp := fingerprint(key)
	mask := uint64(len(t.slots) - 1)
	for i := t.probe(key); ; i = (i + 1) & mask {
		if t.slots[i] == 0 {
			t.entries = append(t.entries, entry{key, val, body})
			t.slots[i] = fp<<32 | uint64(len(t.entries))
			t.n++
			return
		}
	}
}

func (t *hashTable) grow() {
	old := t.entries
	*t = *newHashTable(2 * len(old))
	for _, e := range old {
		t.put(e.key, e.val, e.body)
	}
}

func (t *hashTable) reset() {
	clear(t.slots)
	t.entries = t.entries[:0]
	t.n = 0
}
