// Package signature implements ZEGO's callback signatures: the lowercase hex
// SHA-1 of the lexicographically sorted concatenation of callback secret,
// timestamp and nonce, each exactly as sent (nearly every family), and Mini
// Game's lowercase hex MD5 of AppId + SignatureNonce + CallbackSecret +
// Timestamp. It also explains mismatches.
package signature

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
)

// Scheme names a way of signing callbacks.
type Scheme string

const (
	// SHA1Sorted is the scheme of nearly every ZEGO family: lowercase hex
	// SHA-1 of secret, timestamp and nonce sorted as strings, concatenated.
	SHA1Sorted Scheme = "sha1_sorted"
	// MD5Fixed is Mini Game's: lowercase hex MD5 of AppId + SignatureNonce +
	// CallbackSecret + Timestamp, concatenated in that fixed order.
	MD5Fixed Scheme = "md5_fixed"
)

// Sign returns the lowercase hex signature for secret, timestamp and nonce.
func Sign(secret, timestamp, nonce string) string {
	var buf [40]byte
	SignTo(&buf, secret, timestamp, nonce)
	return string(buf[:])
}

// SignTo writes Sign's result into dst, without allocating (load mode
// signs every request in place).
func SignTo(dst *[40]byte, secret, timestamp, nonce string) {
	sum := digest(secret, timestamp, nonce)
	hex.Encode(dst[:], sum[:])
}

func digest(secret, timestamp, nonce string) [sha1.Size]byte {
	a, b, c := secret, timestamp, nonce
	// Sort three strings without allocating (byte-wise, like PHP SORT_STRING).
	if b < a {
		a, b = b, a
	}
	if c < b {
		b, c = c, b
		if b < a {
			a, b = b, a
		}
	}
	// One buffer on the stack for the usual sizes: no allocation per check.
	var buf [256]byte
	in := append(append(append(buf[:0], a...), b...), c...)
	return sha1.Sum(in)
}

// SignMD5 returns Mini Game's signature: the lowercase hex MD5 of appid,
// nonce, secret and timestamp concatenated in that order.
func SignMD5(secret, appid, timestamp, nonce string) string {
	var buf [32]byte
	sum := md5Digest(secret, appid, timestamp, nonce)
	hex.Encode(buf[:], sum[:])
	return string(buf[:])
}

func md5Digest(secret, appid, timestamp, nonce string) [md5.Size]byte {
	var buf [256]byte
	in := append(append(append(append(buf[:0], appid...), nonce...), secret...), timestamp...)
	return md5.Sum(in)
}

// SignWith signs with scheme s (appid is used by MD5Fixed only).
func SignWith(s Scheme, secret, appid, timestamp, nonce string) string {
	if s == MD5Fixed {
		return SignMD5(secret, appid, timestamp, nonce)
	}
	return Sign(secret, timestamp, nonce)
}

// VerifyWith reports whether sig is scheme s's signature of the inputs, in
// time independent of sig's content.
func VerifyWith(s Scheme, secret, appid, timestamp, nonce, sig string) bool {
	if s == MD5Fixed {
		var want [32]byte
		sum := md5Digest(secret, appid, timestamp, nonce)
		hex.Encode(want[:], sum[:])
		return subtle.ConstantTimeCompare(want[:], []byte(sig)) == 1
	}
	return Verify(secret, timestamp, nonce, sig)
}

// Verify reports whether sig is the lowercase hex signature of the inputs.
// The comparison takes constant time in the content of sig.
func Verify(secret, timestamp, nonce, sig string) bool {
	if len(sig) != 2*sha1.Size {
		return false
	}
	sum := digest(secret, timestamp, nonce)
	return equalHex(&sum, sig)
}

// equalHex reports whether sig is the lowercase hex of sum, in time
// independent of sig's content (like hex-encoding sum and then
// subtle.ConstantTimeCompare, in one pass and without a copy of sig). sig
// must be 40 bytes long.
func equalHex(sum *[sha1.Size]byte, sig string) bool {
	const digits = "0123456789abcdef"
	_ = sig[2*sha1.Size-1]
	var v byte
	for i, b := range sum {
		v |= (digits[b>>4] ^ sig[2*i]) | (digits[b&15] ^ sig[2*i+1])
	}
	return v == 0
}

// Reason classifies a signature check.
type Reason string

const (
	OK               Reason = "ok"
	MissingSignature Reason = "missing_signature"
	MissingTimestamp Reason = "missing_timestamp"
	MissingNonce     Reason = "missing_nonce"
	MissingSecret    Reason = "missing_secret"
	Malformed        Reason = "malformed"
	UppercaseHex     Reason = "uppercase_hex"
	SecretWhitespace Reason = "secret_whitespace"
	SenderWhitespace Reason = "sender_secret_whitespace"
	FloatTimestamp   Reason = "float_timestamp"
	NumericNonce     Reason = "numeric_nonce"
	NumericSort      Reason = "numeric_sort"
	UnsortedInputs   Reason = "unsorted_inputs"
	OtherSecret      Reason = "other_secret"
	Mismatch         Reason = "mismatch"
	// WrongScheme: signed (or shaped) for the other family's scheme: MD5
	// on a SHA-1 family or the reverse.
	WrongScheme Reason = "wrong_scheme"
	// MillisAsSeconds: the body's timestamp is in milliseconds but it was
	// signed in seconds (or the reverse).
	MillisAsSeconds Reason = "ms_signed_as_seconds"
	// ReserialisedTimestamp: the body's integer timestamp was signed as a
	// float rendering of it (1.745502313e+12, 1745502313000.0).
	ReserialisedTimestamp Reason = "reserialised_timestamp"
	// WrongFieldNames: signed without the timestamp and nonce values (empty,
	// undefined, None, null): the sender read them under the wrong names.
	WrongFieldNames Reason = "wrong_field_names"
)

// Result is the outcome of Check: OK, or why not.
type Result struct {
	Reason Reason
	// Detail is one human sentence saying what is wrong and what to do.
	Detail string
}

// OK reports whether the signature verified.
func (r Result) OK() bool { return r.Reason == OK }

// Input is what Check looks at. Present flags tell a missing field from an empty one.
type Input struct {
	Secret       string
	Timestamp    string
	Nonce        string
	Signature    string
	HasTimestamp bool
	HasNonce     bool
	HasSignature bool
	// OtherSecrets are further secrets to try for the diagnosis only (for
	// example the console's ServerSecret when Secret is the CallbackSecret).
	OtherSecrets []NamedSecret
	// Scheme is the signing scheme (SHA1Sorted when empty).
	Scheme Scheme
	// AppID is the body's AppID text: MD5Fixed signs it, and the diagnosis
	// of a SHA-1 family tries MD5Fixed with it.
	AppID    string
	HasAppID bool
	// Family and the field names, when known, make the details name them
	// ("zim", "timestamp", "Nonce").
	Family         string
	TimestampField string
	NonceField     string
	// SecretName says where Secret came from ("$ZEGO_CALLBACK_SECRET",
	// "--secret-file PATH", ...), for the diagnosis; "" when unknown.
	SecretName string
}

// NamedSecret is a secret with the name a user knows it by.
type NamedSecret struct {
	Name   string
	Secret string
}

// Check verifies in and, on a mismatch, tries the known mistakes to say why.
// No detail ever contains a secret.
func Check(in Input) Result {
	switch {
	case in.Secret == "":
		return Result{MissingSecret, "no callback secret configured: set ZEGO_CALLBACK_SECRET or --secret-file"}
	case !in.HasSignature:
		return Result{MissingSignature, "the payload has no signature field"}
	case in.Signature == "":
		return Result{MissingSignature, "the payload's signature field is empty"}
	case !in.HasTimestamp:
		return Result{MissingTimestamp, "the payload has no timestamp field, so the signature cannot be checked"}
	case in.Timestamp == "":
		return Result{MissingTimestamp, "the payload's timestamp field is empty, so the signature cannot be checked"}
	case !in.HasNonce:
		return Result{MissingNonce, "the payload has no nonce field, so the signature cannot be checked"}
	case in.Nonce == "":
		return Result{MissingNonce, "the payload's nonce field is empty, so the signature cannot be checked"}
	}
	if in.Scheme == MD5Fixed {
		switch {
		case !in.HasAppID:
			return Result{MissingSignature, "the payload has no AppId field, which the MD5 signature covers"}
		case VerifyWith(MD5Fixed, in.Secret, in.AppID, in.Timestamp, in.Nonce, in.Signature):
			return Result{Reason: OK}
		}
		return diagnose(in)
	}
	if Verify(in.Secret, in.Timestamp, in.Nonce, in.Signature) {
		return Result{Reason: OK}
	}
	return diagnose(in)
}
