// sample.go holds the shared sample values (ids, times, URLs) from which
// realistic payloads are built, consistent across the events of one run.

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
	v.addFamilyVars(rand.New(rand.NewPCG(seedOf(v["digits19"]), seedOf(v["hex32"]))))
	return v
}

// addFamilyVars draws the identities of the non-RTC families from their own
// generator, seeded from the RTC draws: the RTC values (and whatever a
// caller draws from o.Rand afterwards) stay what they were before there
// were families. New variables go at the end.
func (v Vars) addFamilyVars(r *rand.Rand) {
	user := func() string { return fmt.Sprintf("user-%04x", r.Uint32N(0x10000)) }
	peer := user()
	for peer == v["user_id"] {
		peer = user()
	}
	peer2 := user()
	for peer2 == v["user_id"] || peer2 == peer {
		peer2 = user()
	}
	v["peer_id"], v["peer2_id"] = peer, peer2
	v["msg_id"] = digits(r, 18)
	v["msg_id2"] = digits(r, 18)
	v["msg_seq"] = strconv.Itoa(1 + r.IntN(10000))
	v["call_id"] = digits(r, 19)
	v["request_id"] = digits(r, 16)
	g := fmt.Sprintf("%04x", r.Uint32N(0x10000))
	v["group_id"] = "group-" + g
	v["group_name"] = "Group " + g
	// AI Agent, ASR, Digital Human and Mini Game.
	v["agent_user_id"] = fmt.Sprintf("agent-%04x", r.Uint32N(0x10000))
	v["round"] = strconv.Itoa(100_000_000 + r.IntN(900_000_000))
	v["sequence"] = strconv.Itoa(1_000_000_000 + r.IntN(1_000_000_000))
	v["uuid"] = uuid(r)
	v["uuid2"] = uuid(r)
	v["report_id"] = digits(r, 19)
	v["round_id"] = digits(r, 19)
	v.addMediaVars(rand.New(rand.NewPCG(seedOf(v["nonce"]), seedOf(v["room_id"]))))
}

// addMediaVars draws the identities of Cloud Player, Cloud Recording and
// Super Board from a generator of their own, so that variables added to
// addFamilyVars for other families leave these unchanged (and the reverse).
func (v Vars) addMediaVars(r *rand.Rand) {
	start, _ := strconv.ParseInt(v["start_ms"], 10, 64)
	end, _ := strconv.ParseInt(v["end_ms"], 10, 64)
	// An upload task id looks like the published UploadTaskId
	// "678f663727b2d80007000001": a 24-hex ObjectId whose first 8 digits
	// are its creation time in seconds (the task was created at start).
	// The PlayerId format is unpublished ("XXXXXX"): 32 hex digits, which
	// claim no time.
	v["player_id"] = hexString(r, 32)
	v["upload_task_id"] = fmt.Sprintf("%08x", start/1000) + hexString(r, 16)
	// Cloud Recording and Super Board ids are 16 URL-safe base64
	// characters ("YZ4joOE4IwmFAAAT", "ZYV-AFTrF6qnfFGW").
	v["record_task_id"] = base64ID(r, 16)
	v["record_seq"] = strconv.Itoa(r.IntN(20))
	// A recorded file begins at start_ms and lasts until end_ms; its name
	// carries the begin time (UTC, to the millisecond) as in the example
	// "..._VA_20211124113602084.mp4", its size ~1.2 Mbit/s.
	v["record_duration_ms"] = strconv.FormatInt(end-start, 10)
	v["record_file_size"] = strconv.FormatInt((end-start)*149, 10)
	v["record_file_time"] = strings.Replace(time.UnixMilli(start).UTC().Format("20060102150405.000"), ".", "", 1)
	v["board_file_id"] = base64ID(r, 16)
	v["board_task_id"] = base64ID(r, 16)
}

func base64ID(r *rand.Rand, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// uuid draws a version-4 UUID (Digital Human task and drive ids).
func uuid(r *rand.Rand) string {
	h := hexString(r, 32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[r.IntN(4)]) + h[17:20] + "-" + h[20:32]
}

// seedOf folds a string into a PCG seed (FNV-1a).
func seedOf(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
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

// Sign (re)computes p's signature from its own timestamp and nonce text
// (and AppID, for Mini Game's MD5), with the scheme of e's family.
func (e *Event) Sign(p *Payload, secret string) {
	ts, _ := p.Get(e.RoleField(RoleTimestamp).Name)
	nonce, _ := p.Get(e.RoleField(RoleNonce).Name)
	var appid Value
	if e.Scheme() == signature.MD5Fixed {
		appid, _ = p.Get(e.RoleField(RoleAppID).Name)
	}
	p.Set(e.RoleField(RoleSignature).Name, String(signature.SignWith(e.Scheme(), secret, appid.Text, ts.Text, nonce.Text)))
}

// SignatureInput extracts what the signature check needs from p, using e's
// field names and scheme, or the usual names in any casing when e is nil.
func SignatureInput(e *Event, p *Payload, secret string) signature.Input {
	if e == nil {
		return genericInput(p, secret)
	}
	in := signature.Input{Secret: secret, Scheme: e.Scheme()}
	get := func(role Role) (string, bool) {
		if v, ok := p.Get(e.RoleField(role).Name); ok {
			return v.Text, true
		}
		if _, v, ok := p.GetFold(string(role)); ok {
			return v.Text, true
		}
		return "", false
	}
	in.Timestamp, in.HasTimestamp = get(RoleTimestamp)
	in.Nonce, in.HasNonce = get(RoleNonce)
	in.Signature, in.HasSignature = get(RoleSignature)
	// MD5 signs the AppID; a SHA-1 family needs it only to explain an
	// MD5-length signature, so the usual check skips the look-up.
	if in.Scheme == signature.MD5Fixed || len(in.Signature) == 32 {
		if v, ok := p.Get(e.RoleField(RoleAppID).Name); ok {
			in.AppID, in.HasAppID = v.Text, true
		}
	}
	if e.Product != nil {
		in.Family = e.Product.Name
	}
	in.TimestampField, in.NonceField = e.RoleField(RoleTimestamp).Name, e.RoleField(RoleNonce).Name
	return in
}

// SignatureInputAt is SignatureInput for a payload whose common fields
// CheckRoles has located: the same result without looking them up.
func SignatureInputAt(e *Event, p *Payload, secret string, at *RoleEntries) signature.Input {
	in := signature.Input{Secret: secret, Scheme: e.Scheme()}
	get := func(role Role, k int) (string, bool) {
		if k > 0 {
			return p.Entries[k-1].Value.Text, true
		}
		if _, v, ok := p.GetFold(string(role)); ok {
			return v.Text, true
		}
		return "", false
	}
	in.Timestamp, in.HasTimestamp = get(RoleTimestamp, at[2])
	in.Nonce, in.HasNonce = get(RoleNonce, at[3])
	in.Signature, in.HasSignature = get(RoleSignature, at[4])
	if in.Scheme == signature.MD5Fixed || len(in.Signature) == 32 {
		if k := at[1]; k > 0 {
			in.AppID, in.HasAppID = p.Entries[k-1].Value.Text, true
		}
	}
	if e.Product != nil {
		in.Family = e.Product.Name
	}
	in.TimestampField, in.NonceField = e.roles[2].Name, e.roles[3].Name
	return in
}

// FamilySignatureInput is SignatureInput for a body whose family is known
// but whose event is not: the family's first spelling of the common fields.
func FamilySignatureInput(f *Family, p *Payload, secret string) signature.Input {
	if f == nil {
		return genericInput(p, secret)
	}
	s := f.Spellings[0]
	in := signature.Input{Secret: secret, Scheme: f.Signature, Family: f.Name, TimestampField: s.Timestamp, NonceField: s.Nonce}
	if v, ok := p.Get(s.Timestamp); ok {
		in.Timestamp, in.HasTimestamp = v.Text, true
	}
	if v, ok := p.Get(s.Nonce); ok {
		in.Nonce, in.HasNonce = v.Text, true
	}
	if v, ok := p.Get(s.Signature); ok {
		in.Signature, in.HasSignature = v.Text, true
	}
	if v, ok := p.Get(s.AppID); ok {
		in.AppID, in.HasAppID = v.Text, true
	}
	return in
}

func genericInput(p *Payload, secret string) signature.Input {
	in := signature.Input{Secret: secret}
	get := func(name string) (string, bool) {
		if _, v, ok := p.GetFold(name); ok {
			return v.Text, true
		}
		return "", false
	}
	in.Timestamp, in.HasTimestamp = get("timestamp")
	in.Nonce, in.HasNonce = get("nonce")
	in.Signature, in.HasSignature = get("signature")
	in.AppID, in.HasAppID = get("appid")
	return in
}

// NewNonce returns a fresh 19-digit nonce, as ZEGO sends them.
func NewNonce() string {
	return digits(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), 19)
}
