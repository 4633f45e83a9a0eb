// redeliver.go holds how listen recognises ZEGO's re-deliveries: the key of a
// callback, the retry gaps of its family, and the bounded table of sightings.

package listen

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/deliver"
)

// bodyKey identifies a callback that has no nonce and signature by its body.
func bodyKey(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// RetryGap is the gap ZEGO waits before retry k (1-based) of spec: its
// retry profile's (RTC's 2s, 4s, ... 32s when spec is nil), the last gap
// past the end, 0 when no retries are documented.
func RetryGap(spec *callback.Event, k int) time.Duration {
	if k < 1 {
		return 0
	}
	if spec == nil {
		return deliver.ZEGOSchedule[min(k, len(deliver.ZEGOSchedule))-1]
	}
	ds := spec.RetryProfile().Delays
	if len(ds) == 0 {
		return 0
	}
	return time.Duration(ds[min(k, len(ds))-1])
}

// RetriesOf is how many retries ZEGO makes of spec (RTC's 5 when nil).
func RetriesOf(spec *callback.Event) int {
	if spec == nil {
		return len(deliver.ZEGOSchedule)
	}
	return len(spec.RetryProfile().Delays)
}

// deliveries remembers the last sightings of callbacks, bounded in size.
type deliveries struct {
	mu   sync.Mutex
	max  int
	cur  map[string]sighting
	prev map[string]sighting
}

type sighting struct {
	count int
	last  time.Time
	body  uint64 // digest of the first delivery's body
}

func newDeliveries(max int) *deliveries {
	return &deliveries{max: max, cur: map[string]sighting{}, prev: map[string]sighting{}}
}

// record notes a delivery of key whose body has digest body and returns
// its delivery number, the gap since the previous one, and whether the body
// is the first delivery's (always true for a first delivery).
func (d *deliveries) record(key string, at time.Time, body uint64) (int, time.Duration, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.cur[key]
	if !ok {
		s, ok = d.prev[key]
	}
	var gap time.Duration
	same := true
	if ok {
		gap = at.Sub(s.last)
		same = s.body == body
	} else {
		s.body = body
	}
	s.count++
	s.last = at
	if len(d.cur) >= d.max {
		d.prev, d.cur = d.cur, make(map[string]sighting, d.max)
	}
	d.cur[key] = s
	return s.count, gap, same
}
