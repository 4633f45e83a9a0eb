// template.go holds the load template: a signed body whose timestamp, nonce and
// signature are found once and rewritten in place for every request.

package load

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// NonceLen is the length of the nonces the engine writes (ZEGO sends 19 digits).
const NonceLen = 19

// Template is a signed callback body whose timestamp, nonce and signature
// are rewritten in place for every request, so each request is a distinct,
// correctly signed callback without re-encoding the payload.
type Template struct {
	body   []byte
	secret string

	tsOff, tsLen int // timestamp value span; tsLen 0: the timestamp stays fixed
	nonceOff     int // NonceLen bytes
	sigOff       int // 40 bytes (32 for MD5)
	millis       bool
	scheme       signature.Scheme
	appid        string

	fixedTS    string // the template's own timestamp text
	tsOffFixed int    // where it stands
}

// TemplateSpec names the fields of a body made by the caller.
type TemplateSpec struct {
	Body []byte
	// Form is true for application/x-www-form-urlencoded bodies.
	Form bool
	// Field names of the timestamp, nonce and signature (per event casing).
	TimestampKey, NonceKey, SignatureKey string
	// RefreshTimestamp rewrites the timestamp to the current second (or
	// millisecond, with Millis).
	RefreshTimestamp bool
	// Millis: the timestamp is Unix milliseconds (13 digits), as the AI
	// Agent, ASR and Digital Human families send it.
	Millis bool
	Secret string
	// Scheme signs the body (default sorted SHA-1); MD5Fixed (Mini Game)
	// also signs AppID.
	Scheme signature.Scheme
	AppID  string
}

// NewTemplate finds the timestamp, nonce and signature values in spec.Body.
// The nonce must be NonceLen characters and the signature 40 hex characters
// (as Event.Stamp makes them); the timestamp is refreshed only when it has
// as many digits as the current Unix time.
func NewTemplate(spec TemplateSpec) (*Template, error) {
	t := &Template{body: spec.Body, secret: spec.Secret, millis: spec.Millis, scheme: spec.Scheme, appid: spec.AppID}
	sigLen := 40
	if spec.Scheme == signature.MD5Fixed {
		sigLen = 32
	}
	off, n, err := valueSpan(spec.Body, spec.NonceKey, spec.Form)
	if err != nil {
		return nil, err
	}
	if n != NonceLen {
		return nil, fmt.Errorf("nonce %q is %d characters, want %d", spec.Body[off:off+n], n, NonceLen)
	}
	t.nonceOff = off
	off, n, err = valueSpan(spec.Body, spec.SignatureKey, spec.Form)
	if err != nil {
		return nil, err
	}
	if n != sigLen {
		return nil, fmt.Errorf("signature is %d characters, want %d", n, sigLen)
	}
	t.sigOff = off
	off, n, err = valueSpan(spec.Body, spec.TimestampKey, spec.Form)
	if err != nil {
		return nil, err
	}
	t.fixedTS = string(spec.Body[off : off+n])
	t.tsOffFixed = off
	if spec.RefreshTimestamp && n == len(t.stamp(nil, time.Now())) && isDigits(spec.Body[off:off+n]) {
		t.tsOff, t.tsLen = off, n
	}
	return t, nil
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// valueSpan finds the value of key in a compact JSON object or a form body.
func valueSpan(body []byte, key string, form bool) (int, int, error) {
	if form {
		pat := []byte(key + "=")
		i := 0
		for {
			j := bytes.Index(body[i:], pat)
			if j < 0 {
				return 0, 0, fmt.Errorf("field %q not found in the body", key)
			}
			j += i
			if j == 0 || body[j-1] == '&' {
				start := j + len(pat)
				end := bytes.IndexByte(body[start:], '&')
				if end < 0 {
					end = len(body) - start
				}
				return start, end, nil
			}
			i = j + 1
		}
	}
	pat := []byte(`"` + key + `":`)
	j := bytes.Index(body, pat)
	if j < 0 {
		return 0, 0, fmt.Errorf("field %q not found in the body", key)
	}
	start := j + len(pat)
	if start < len(body) && body[start] == '"' {
		start++
		end := bytes.IndexByte(body[start:], '"')
		if end < 0 {
			return 0, 0, fmt.Errorf("field %q: unterminated string", key)
		}
		return start, end, nil
	}
	end := start
	for end < len(body) && body[end] != ',' && body[end] != '}' {
		end++
	}
	return start, end - start, nil
}

// stamp appends now as the template's timestamp text: Unix seconds, or
// milliseconds.
func (t *Template) stamp(b []byte, now time.Time) []byte {
	if t.millis {
		return strconv.AppendInt(b, now.UnixMilli(), 10)
	}
	return strconv.AppendInt(b, now.Unix(), 10)
}

// Len is the body length.
func (t *Template) Len() int { return len(t.body) }

// Stamper writes fresh bodies from a Template. One per worker: it is not
// safe for concurrent use.
type Stamper struct {
	t   *Template
	rng *rand.Rand
	// cached timestamp text for the current second (rewritten every time
	// for millisecond timestamps)
	sec   int64
	ts    [20]byte
	tsLen int
}

// NewStamper returns a stamper seeded from seed.
func (t *Template) NewStamper(seed uint64) *Stamper {
	return &Stamper{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), sec: -1}
}

// Body returns a new body: the template with a fresh nonce, the current
// timestamp (when refreshed) and the matching signature. now is the
// current time (only its second is used).
func (s *Stamper) Body(now time.Time) []byte {
	b := make([]byte, len(s.t.body))
	s.Into(b, now)
	return b
}

// Into writes a new body into dst, which must be Len() bytes long.
func (s *Stamper) Into(b []byte, now time.Time) {
	copy(b, s.t.body)
	s.Restamp(b, now)
}

// Restamp rewrites only the nonce, timestamp and signature of b, which
// must hold a body an earlier Into or Restamp from the same template wrote
// (the rest of the body never changes: a worker reusing one buffer skips
// copying it again).
func (s *Stamper) Restamp(b []byte, now time.Time) {
	t := s.t
	nonce := b[t.nonceOff : t.nonceOff+NonceLen]
	x, y := s.rng.Uint64(), s.rng.Uint64()
	nonce[0] = byte('1' + y%8) // stays below 2^63, as ZEGO's do
	for i := 1; i < NonceLen; i++ {
		nonce[i] = byte('0' + x%10)
		x /= 10
	}
	var tsb []byte
	if t.tsLen > 0 {
		if sec := now.Unix(); sec != s.sec || t.millis {
			s.sec = sec
			s.tsLen = len(t.stamp(s.ts[:0], now))
		}
		if s.tsLen == t.tsLen {
			tsb = s.ts[:s.tsLen]
			copy(b[t.tsOff:], tsb)
		}
	}
	if tsb == nil {
		// the template's own timestamp (b may hold a refreshed one)
		tsb = b[t.tsOffFixed : t.tsOffFixed+len(t.fixedTS)]
		copy(tsb, t.fixedTS)
	}
	if t.scheme == signature.MD5Fixed {
		copy(b[t.sigOff:t.sigOff+32], signature.SignMD5(t.secret, t.appid, string(tsb), string(nonce)))
		return
	}
	signature.SignTo((*[40]byte)(b[t.sigOff:]), t.secret, string(tsb), string(nonce))
}
