// check.go holds Check, which verifies a callback's signature and, when it
// does not match, says why (Reason, Result), with its inputs (Input,
// NamedSecret) and Explain, which shows the expected signature with the
// secret masked. The search for the cause of a mismatch is in diagnose.go.

package signature

import (
	"sort"
	"strconv"
	"strings"
)

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

// secretName is "the configured secret", with its source when known.
func (in *Input) secretName() string {
	if in.SecretName == "" {
		return "the configured secret"
	}
	return "the configured secret (" + in.SecretName + ")"
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
