package callback

import (
	"hash/maphash"
	"math/bits"
)

// Digest is a 64-bit digest of p's content: every field's name and value
// (as text), whatever the body's encoding (JSON, form, UrlEncoded JSON),
// number-or-string typing and field order. A retry of a callback repeats its
// content, so a different digest under the same nonce and signature means a
// possibly replayed or altered body. seed makes the digest unpredictable;
// compare only digests made with the same seed. Cheap: no allocation.
func (p *Payload) Digest(seed maphash.Seed) uint64 {
	var sum uint64
	for i := range p.Entries {
		e := &p.Entries[i]
		k := maphash.String(seed, e.Key)
		v := maphash.String(seed, e.Value.Text)
		// Mix name and value so that swapping values between fields
		// changes the digest; adding the fields up ignores their order.
		sum += (k ^ bits.RotateLeft64(v, 29)) * 0x9e3779b97f4a7c15
	}
	return sum + uint64(len(p.Entries))
}
