package callback

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/zegocb/zegocb/internal/signature"
)

// SampleOptions seeds the generator. A fixed Now and Rand give a fixed sample.
type SampleOptions struct {
	Now   time.Time
	Rand  *rand.Rand
	AppID string // used as-is when set
}

// Vars are the consistent values one sample is built from.
type Vars map[string]string

// NewVars draws a consistent set of identities and times.
func NewVars(o SampleOptions) Vars {
	r := o.Rand
	if r == nil {
		r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	appid := o.AppID
	if appid == "" {
		appid = strconv.FormatUint(uint64(1_000_000_000+r.Uint32N(3_000_000_000)), 10)
	}
	start := now.Add(-time.Duration(120+r.IntN(1800)) * time.Second).Add(-time.Duration(r.IntN(1000)) * time.Millisecond)
	end := now.Add(-time.Duration(2+r.IntN(8)) * time.Second)
	room := fmt.Sprintf("room-%04x", r.Uint32N(0x10000))
	user := fmt.Sprintf("user-%04x", r.Uint32N(0x10000))
	stream := room + "-" + user
	v := Vars{
		"appid":           appid,
		"now_s":           strconv.FormatInt(now.Unix(), 10),
		"now_ms":          strconv.FormatInt(now.UnixMilli(), 10),
		"start_s":         strconv.FormatInt(start.Unix(), 10),
		"start_ms":        strconv.FormatInt(start.UnixMilli(), 10),
		"end_s":           strconv.FormatInt(end.Unix(), 10),
		"end_ms":          strconv.FormatInt(end.UnixMilli(), 10),
		"nonce":           digits(r, 19),
		"room_id":         room,
		"room_name":       "Room " + room[5:],
		"room_session_id": digits(r, 19),
		"user_id":         user,
		"user_name":       "Guest " + user[5:],
		"session_id":      digits(r, 18),
		"stream_id":       stream,
		"stream_sid":      "s-" + digits(r, 27),
		"stream_seq":      strconv.Itoa(1 + r.IntN(900)),
		"user_update_seq": strconv.Itoa(1 + r.IntN(200)),
		"seq":             strconv.Itoa(1 + r.IntN(5000)),
		"task_id":         appid + ":task-" + hexString(r, 4),
		"mix_stream_id":   "mix-" + room,
		"hex32":           hexString(r, 32),
		"digits19":        digits(r, 19),
		"file_id":         digits(r, 19),
		// A recording's length: from start to end, as begin_time and
		// end_time say (to the millisecond; they are whole seconds).
		"duration": strconv.FormatFloat(float64(end.Sub(start).Milliseconds())/1000, 'f', -1, 64),
	}
	// Two draws that once made a duration unrelated to start and end: still
	// drawn, so that a fixed seed gives every other value as before.
	_, _ = r.IntN(3600), r.IntN(1000)
	return v
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	b[0] = byte('1' + r.IntN(8)) // stays below 2^63 for 19 digits
	for i := 1; i < n; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func hexString(r *rand.Rand, n int) string {
	const hexDigits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[r.IntN(16)]
	}
	return string(b)
}

// Expand replaces ${name} placeholders with vars. Unknown names are kept.
func (v Vars) Expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+2 : i+j]
		b.WriteString(s[:i])
		if val, ok := v[name]; ok {
			b.WriteString(val)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// Sample builds a realistic, internally consistent payload for e. The
// signature field is left empty: see Stamp.
func (e *Event) Sample(o SampleOptions) *Payload {
	return e.SampleFrom(NewVars(o))
}

// SampleFrom builds a payload from an explicit set of vars.
func (e *Event) SampleFrom(vars Vars) *Payload {
	vars["event"] = e.Name
	p := &Payload{Format: FormatJSON, Entries: make([]Entry, 0, len(e.Fields))}
	for i := range e.Fields {
		f := &e.Fields[i]
		if !f.Required && f.Sample == nil {
			continue
		}
		p.Entries = append(p.Entries, Entry{Key: f.Name, Value: e.sampleValue(f, vars)})
	}
	return p
}

func (e *Event) sampleValue(f *Field, vars Vars) Value {
	switch s := f.Sample.(type) {
	case []any:
		items := make([]string, 0, len(s))
		for _, it := range s {
			items = append(items, vars.Expand(fmt.Sprint(it)))
		}
		return StringArray(items)
	case string:
		text := vars.Expand(s)
		return f.Typed(text)
	case nil:
		if len(f.Enum) > 0 {
			return f.Typed(f.Enum[0].Value)
		}
		return f.Typed("")
	default:
		return f.Typed(fmt.Sprint(s))
	}
}

// Typed turns text into a value of f's documented wire type: numbers for
// wire "number", arrays for string arrays (JSON array text or comma list),
// raw JSON for objects, a string otherwise.
func (f *Field) Typed(text string) Value {
	switch {
	case f.Type == TypeObject || f.Type == TypeArray:
		if v, err := RawValue(text); err == nil {
			return v
		}
	case f.Type == TypeStringArray:
		if strings.HasPrefix(strings.TrimSpace(text), "[") {
			if v, err := RawValue(text); err == nil {
				return v
			}
		}
		if text == "" {
			return StringArray(nil)
		}
		return StringArray(strings.Split(text, ","))
	case f.Wire == WireNumber && (IsInteger(text) || (f.Type == TypeFloat && IsDecimal(text))):
		return Number(text)
	}
	return String(text)
}

// Stamp sets the timestamp and nonce of p (typed as e documents them; the
// nonce is always a string) and signs it with secret.
func (e *Event) Stamp(p *Payload, secret, timestamp, nonce string) {
	ts := e.RoleField(RoleTimestamp)
	p.Set(ts.Name, ts.Typed(timestamp))
	p.Set(e.RoleField(RoleNonce).Name, String(nonce))
	e.Sign(p, secret)
}

// Sign (re)computes p's signature from its own timestamp and nonce text.
func (e *Event) Sign(p *Payload, secret string) {
	ts, _ := p.Get(e.RoleField(RoleTimestamp).Name)
	nonce, _ := p.Get(e.RoleField(RoleNonce).Name)
	p.Set(e.RoleField(RoleSignature).Name, String(signature.Sign(secret, ts.Text, nonce.Text)))
}

// SignatureInput extracts what the signature check needs from p, using e's
// field names, or the usual names in any casing when e is nil.
func SignatureInput(e *Event, p *Payload, secret string) signature.Input {
	in := signature.Input{Secret: secret}
	get := func(role Role) (string, bool) {
		if e != nil {
			if v, ok := p.Get(e.RoleField(role).Name); ok {
				return v.Text, true
			}
		}
		if _, v, ok := p.GetFold(string(role)); ok {
			return v.Text, true
		}
		return "", false
	}
	in.Timestamp, in.HasTimestamp = get(RoleTimestamp)
	in.Nonce, in.HasNonce = get(RoleNonce)
	in.Signature, in.HasSignature = get(RoleSignature)
	return in
}

// NewNonce returns a fresh 19-digit nonce, as ZEGO sends them.
func NewNonce() string {
	return digits(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), 19)
}
