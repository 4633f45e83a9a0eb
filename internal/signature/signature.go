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
	var want [40]byte
	sum := digest(secret, timestamp, nonce)
	hex.Encode(want[:], sum[:])
	return equal40(&want, sig)
}

// equal40 compares sig with want in time independent of sig's content
// (like subtle.ConstantTimeCompare, without converting sig to a []byte).
func equal40(want *[40]byte, sig string) bool {
	if len(sig) != len(want) {
		return false
	}
	var v byte
	for i := 0; i < len(want); i++ {
		v |= want[i] ^ sig[i]
	}
	return v == 0
}
