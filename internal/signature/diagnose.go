// diagnose.go explains a signature mismatch: the known mistakes tried in
// turn (wrong scheme, case, secret whitespace, timestamp and nonce
// renderings, sort order, empty fields, another secret), the wording of
// each, and Explain for -v. The checks themselves are in signature.go.

package signature

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

func diagnose(in Input) Result {
	sig := in.Signature
	md5Family := in.Scheme == MD5Fixed
	want, wantLen := "a SHA-1", 40
	if md5Family {
		want, wantLen = "an MD5", 32
	}
	lower := strings.ToLower(sig)
	ok := func(secret, ts, nonce string) bool {
		return VerifyWith(in.Scheme, secret, in.AppID, ts, nonce, lower)
	}
	fam := "this family"
	if in.Family != "" {
		fam = in.Family
	}
	if r, found := wrongScheme(in, lower, fam); found {
		return r
	}
	if len(sig) != wantLen || !isHex(sig) {
		return Result{Malformed, "signature is " + describeSig(sig) + ", want " + strconv.Itoa(wantLen) + " lowercase hex characters (" + want + ")"}
	}
	if lower != sig && ok(in.Secret, in.Timestamp, in.Nonce) {
		return Result{UppercaseHex, "signature is the right digest in uppercase hex; ZEGO sends lowercase and strict receivers compare case-sensitively"}
	}
	ts, nonce := in.Timestamp, in.Nonce
	if trimmed := strings.TrimRight(in.Secret, " \t\r\n"); trimmed != in.Secret && ok(trimmed, ts, nonce) {
		return Result{SecretWhitespace, "matches once trailing whitespace is removed from " + in.secretName() + ": it ends in " + describeSpace(in.Secret[len(trimmed):])}
	}
	if trimmed := strings.TrimSpace(in.Secret); trimmed != in.Secret && ok(trimmed, ts, nonce) {
		return Result{SecretWhitespace, "matches once surrounding whitespace is removed from " + in.secretName()}
	}
	for _, suffix := range []string{"\n", "\r\n", " "} {
		if ok(in.Secret+suffix, ts, nonce) {
			return Result{SenderWhitespace, "the sender signed with the secret plus a trailing " + printable(suffix) + ": trim the secret where the sender reads it"}
		}
	}
	if canon, isInt := canonicalInt(ts); isInt && canon != ts && ok(in.Secret, canon, nonce) {
		return Result{FloatTimestamp, "timestamp " + strconv.Quote(ts) + " was re-serialised (float or padded); it was signed as " + canon + ": keep the timestamp text exactly as ZEGO sent it"}
	}
	if r, found := timestampVariants(in, ok); found {
		return r
	}
	if canon, isInt := canonicalInt(nonce); isInt && canon != nonce && ok(in.Secret, ts, canon) {
		return Result{NumericNonce, "nonce " + strconv.Quote(nonce) + " was re-serialised as a number; it was signed as " + canon + ": keep nonces as strings"}
	}
	if r, found := emptyFields(in, ok); found {
		return r
	}
	for _, o := range in.OtherSecrets {
		if md5Family && o.Secret != "" && ok(o.Secret, ts, nonce) {
			return Result{OtherSecret, "signed with the " + o.Name + ", not the configured callback secret: use the secret from the same console field as the sender"}
		}
	}
	if md5Family {
		return Result{Mismatch, "signature does not match md5(AppId + SignatureNonce + CallbackSecret + Timestamp): a different secret, or a field changed after signing"}
	}
	if numericSorted(in.Secret, ts, nonce, lower) {
		return Result{NumericSort, "the sender sorted secret, timestamp and nonce numerically; ZEGO sorts them as strings (PHP SORT_STRING)"}
	}
	if order, ok := unsorted(in.Secret, ts, nonce, lower); ok {
		return Result{UnsortedInputs, "the sender hashed " + order + " without sorting; ZEGO sorts the three strings first"}
	}
	for _, o := range in.OtherSecrets {
		if o.Secret != "" && Verify(o.Secret, ts, nonce, lower) {
			return Result{OtherSecret, "signed with the " + o.Name + ", not the configured callback secret: use the secret from the same console field as the sender"}
		}
	}
	return Result{Mismatch, "signature does not match: a different secret, or timestamp/nonce changed after signing"}
}

// wrongScheme explains a signature made (or shaped) for the other scheme.
func wrongScheme(in Input, lower, fam string) (Result, bool) {
	if !isHex(lower) {
		return Result{}, false
	}
	switch {
	case in.Scheme == MD5Fixed && len(lower) == 40:
		if Verify(in.Secret, in.Timestamp, in.Nonce, lower) {
			return Result{WrongScheme, "signed with the sorted SHA-1 scheme of the other ZEGO families; " + fam + " signs md5(AppId + SignatureNonce + CallbackSecret + Timestamp)"}, true
		}
		return Result{WrongScheme, "signature is 40 hex characters, a SHA-1; " + fam + " signs with MD5 (32 hex characters: md5(AppId + SignatureNonce + CallbackSecret + Timestamp))"}, true
	case in.Scheme != MD5Fixed && len(lower) == 32:
		if in.HasAppID && VerifyWith(MD5Fixed, in.Secret, in.AppID, in.Timestamp, in.Nonce, lower) {
			return Result{WrongScheme, "signed with Mini Game's MD5 scheme (md5 of AppId + nonce + secret + timestamp); " + fam + " signs the sorted SHA-1 of secret, timestamp and nonce"}, true
		}
		return Result{WrongScheme, "signature is 32 hex characters, an MD5 as Mini Game uses; " + fam + " signs with SHA-1 (40 hex characters)"}, true
	}
	return Result{}, false
}

// timestampVariants explains a timestamp signed in another unit or as a
// float rendering of the integer the body carries.
func timestampVariants(in Input, ok func(secret, ts, nonce string) bool) (Result, bool) {
	ts := in.Timestamp
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n <= 0 {
		return Result{}, false
	}
	name := "timestamp"
	if in.TimestampField != "" {
		name = in.TimestampField
	}
	if len(ts) == 13 {
		if s := strconv.FormatInt(n/1000, 10); ok(in.Secret, s, in.Nonce) {
			return Result{MillisAsSeconds, name + " " + ts + " is in milliseconds but the sender signed it in seconds (" + s + "): sign the timestamp text exactly as sent"}, true
		}
	}
	if len(ts) == 10 {
		if s := ts + "000"; ok(in.Secret, s, in.Nonce) {
			return Result{MillisAsSeconds, name + " " + ts + " is in seconds but the sender signed it in milliseconds (" + s + "): sign the timestamp text exactly as sent"}, true
		}
	}
	f := float64(n)
	for _, s := range []string{
		strconv.FormatFloat(f, 'e', -1, 64),                                // Go %v, JavaScript for 1e21+
		strconv.FormatFloat(f, 'E', -1, 64),                                // Java Double.toString style
		strconv.FormatFloat(f, 'f', 1, 64),                                 // Python str(float)
		strings.Replace(strconv.FormatFloat(f, 'e', -1, 64), "e+", "E", 1), // Java 1.745502313E12
	} {
		if s != ts && ok(in.Secret, s, in.Nonce) {
			return Result{ReserialisedTimestamp, name + " " + ts + " was signed re-serialised as " + s + " (the number went through a float): sign the timestamp text exactly as ZEGO sent it"}, true
		}
	}
	return Result{}, false
}

// emptyFields explains a signature made without the timestamp and nonce
// values: what a sender gets when it reads them under the wrong names
// (snake-case keys in a PascalCase body, or the reverse).
func emptyFields(in Input, ok func(secret, ts, nonce string) bool) (Result, bool) {
	for _, missing := range []string{"", "undefined", "None", "null", "<nil>"} {
		tsOK, nonceOK := ok(in.Secret, missing, missing), false
		if !tsOK {
			nonceOK = ok(in.Secret, missing, in.Nonce) || ok(in.Secret, in.Timestamp, missing)
		}
		if tsOK || nonceOK {
			what := "the timestamp and nonce"
			if in.TimestampField != "" && in.NonceField != "" {
				what = in.TimestampField + " and " + in.NonceField
			}
			how := "empty values"
			if missing != "" {
				how = strconv.Quote(missing)
			}
			return Result{WrongFieldNames, "signed with " + how + " in place of " + what + ": the sender read the fields under other names (snake_case keys in a PascalCase body, or the reverse)"}, true
		}
	}
	return Result{}, false
}

// secretName is "the configured secret", with its source when known.
func (in *Input) secretName() string {
	if in.SecretName == "" {
		return "the configured secret"
	}
	return "the configured secret (" + in.SecretName + ")"
}

// describeSpace names trailing whitespace: "a newline", "a blank line",
// "spaces", "whitespace".
func describeSpace(s string) string {
	switch strings.Trim(s, "\r") {
	case "\n":
		return "a newline"
	case "\n\n":
		return "a blank line"
	}
	if strings.Trim(s, " ") == "" {
		if len(s) == 1 {
			return "a space"
		}
		return "spaces"
	}
	if s == "\t" {
		return "a tab"
	}
	return "whitespace"
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func describeSig(s string) string {
	chars := " characters"
	if len(s) == 1 {
		chars = " character"
	}
	if !isHex(s) {
		return strconv.Itoa(len(s)) + chars + " and not hex"
	}
	return strconv.Itoa(len(s)) + " hex" + chars
}

func printable(s string) string {
	switch s {
	case "\n":
		return "newline"
	case "\r\n":
		return "CRLF"
	}
	return "space"
}

// canonicalInt turns "1470820198.0", "1.470820198e+09" or " 1470820198" into
// "1470820198" when the value is a whole number.
func canonicalInt(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) {
		return "", false
	}
	return strconv.FormatInt(int64(f), 10), true
}

func numericSorted(secret, ts, nonce, sig string) bool {
	parts := []string{secret, ts, nonce}
	sort.SliceStable(parts, func(i, j int) bool {
		a, ea := strconv.ParseFloat(parts[i], 64)
		b, eb := strconv.ParseFloat(parts[j], 64)
		if ea == nil && eb == nil {
			return a < b
		}
		if ea == nil != (eb == nil) {
			return ea == nil // numbers before text
		}
		return parts[i] < parts[j]
	})
	return hashMatches(strings.Join(parts, ""), sig)
}

func unsorted(secret, ts, nonce, sig string) (string, bool) {
	names := map[string]string{secret: "secret", ts: "timestamp", nonce: "nonce"}
	for _, p := range [][3]string{
		{secret, ts, nonce}, {secret, nonce, ts}, {ts, secret, nonce},
		{ts, nonce, secret}, {nonce, secret, ts}, {nonce, ts, secret},
	} {
		if hashMatches(p[0]+p[1]+p[2], sig) {
			return names[p[0]] + "+" + names[p[1]] + "+" + names[p[2]], true
		}
	}
	return "", false
}

func hashMatches(s, sig string) bool {
	sum := sha1.Sum([]byte(s))
	var got [40]byte
	hex.Encode(got[:], sum[:])
	return subtle.ConstantTimeCompare(got[:], []byte(sig)) == 1
}

// SecretMask stands for the secret in Explain's sorted string.
const SecretMask = "<secret>"

// Explain returns what a mismatch under -v shows: the signature expected for
// in's secret, timestamp and nonce, and the sorted string that was hashed,
// each piece quoted except the secret, which is masked as SecretMask (the
// secret itself is never part of the result).
func Explain(in Input) (expected, sorted string) {
	type piece struct {
		s      string
		secret bool
	}
	p := []piece{{in.Secret, true}, {in.Timestamp, false}, {in.Nonce, false}}
	if in.Scheme == MD5Fixed { // fixed order: AppId + nonce + secret + timestamp
		p = []piece{{in.AppID, false}, {in.Nonce, false}, {in.Secret, true}, {in.Timestamp, false}}
	} else {
		sort.SliceStable(p, func(i, j int) bool { return p[i].s < p[j].s })
	}
	parts := make([]string, len(p))
	for i, x := range p {
		if x.secret || x.s == in.Secret { // a nonce equal to the secret would show it
			parts[i] = SecretMask
		} else {
			parts[i] = strconv.Quote(x.s)
		}
	}
	return SignWith(in.Scheme, in.Secret, in.AppID, in.Timestamp, in.Nonce), strings.Join(parts, " + ")
}
