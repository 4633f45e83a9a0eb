// sample.go holds the sample options (clock, AppID) commands pass the catalog.

package cli

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/zegocb/zegocb/internal/callback"
)

// SampleOptions seeds callback samples from the factory: f.Now for the
// times, $ZEGO_APP_ID/--appid for the AppID, and a generator seeded from
// f.Nonce, so samples are random in production and fixed in tests that fix
// Now and Nonce.
func (f *Factory) SampleOptions() callback.SampleOptions {
	h := fnv.New64a()
	h.Write([]byte(f.Nonce()))
	seed := h.Sum64()
	return callback.SampleOptions{
		Now:   f.Now(),
		Rand:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		AppID: f.AppID(),
	}
}
