// ring.go holds ring, the bounded buffer of the last entries in arrival
// order, addressed by id.

package inspect

// ring keeps the last max entries in arrival order. Entries get
// consecutive ids, so an entry's position is its id minus the oldest's.
type ring struct {
	buf     []*Entry
	start   int // index of the oldest in buf
	n       int
	max     int
	nextID  uint64
	evicted int // entries that left because the ring was full
}

func newRing(max int) *ring { return &ring{max: max, nextID: 1} }

// push adds e (giving it its id) and returns the entry it evicted, if any.
func (r *ring) push(e *Entry) (evicted *Entry) {
	e.id = r.nextID
	r.nextID++
	if r.n < r.max {
		if len(r.buf) < r.max { // grow as needed, up to max
			r.buf = append(r.buf, e)
		} else {
			r.buf[(r.start+r.n)%r.max] = e
		}
		r.n++
		return nil
	}
	evicted = r.buf[r.start]
	r.buf[r.start] = e
	r.start = (r.start + 1) % r.max
	r.evicted++
	return evicted
}

// at returns the i-th oldest entry.
func (r *ring) at(i int) *Entry { return r.buf[(r.start+i)%len(r.buf)] }

func (r *ring) len() int { return r.n }

// firstID is the oldest entry's id (nextID when empty).
func (r *ring) firstID() uint64 {
	if r.n == 0 {
		return r.nextID
	}
	return r.at(0).id
}

// byID returns the entry with id, nil when it has left.
func (r *ring) byID(id uint64) *Entry {
	first := r.firstID()
	if id < first || id >= first+uint64(r.n) {
		return nil
	}
	return r.at(int(id - first))
}
