package signature

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

type vector struct {
	Name, Secret, Timestamp, Nonce, Signature string
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("../../testdata/signature_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 6 {
		t.Fatalf("expected the 6 published vectors, got %d", len(vs))
	}
	return vs
}

func TestSignVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if got := Sign(v.Secret, v.Timestamp, v.Nonce); got != v.Signature {
				t.Errorf("Sign = %s, want %s", got, v.Signature)
			}
			if !Verify(v.Secret, v.Timestamp, v.Nonce, v.Signature) {
				t.Error("Verify rejected the vector")
			}
			if r := Check(Input{Secret: v.Secret, Timestamp: v.Timestamp, Nonce: v.Nonce, Signature: v.Signature,
				HasTimestamp: true, HasNonce: true, HasSignature: true}); !r.OK() {
				t.Errorf("Check = %+v", r)
			}
		})
	}
}

func TestNumericSortDiffers(t *testing.T) {
	// The fact sheet's control value: numeric sorting of the nonce-9 vector.
	const numeric = "5364763003b6dc5e2823160d99072727b31a634b"
	if Verify("secret", "1470820198", "9", numeric) {
		t.Fatal("numeric-sort digest must not verify")
	}
	r := Check(in("secret", "1470820198", "9", numeric))
	if r.Reason != NumericSort {
		t.Fatalf("reason = %s (%s), want numeric_sort", r.Reason, r.Detail)
	}
}

func in(secret, ts, nonce, sig string) Input {
	return Input{Secret: secret, Timestamp: ts, Nonce: nonce, Signature: sig, HasTimestamp: true, HasNonce: true, HasSignature: true}
}

func TestDiagnosis(t *testing.T) {
	const sec = "Zq9-distinctive-secret"
	good := Sign(sec, "1470820198", "123412")
	tests := []struct {
		name string
		in   Input
		want Reason
	}{
		{"ok", in(sec, "1470820198", "123412", good), OK},
		{"uppercase", in(sec, "1470820198", "123412", strings.ToUpper(good)), UppercaseHex},
		{"secret file newline", in(sec+"\n", "1470820198", "123412", good), SecretWhitespace},
		{"secret padded", in(" "+sec+" ", "1470820198", "123412", good), SecretWhitespace},
		{"sender newline", in(sec, "1470820198", "123412", Sign(sec+"\n", "1470820198", "123412")), SenderWhitespace},
		{"float timestamp", in(sec, "1.470820198e+09", "123412", good), FloatTimestamp},
		{"dot-zero timestamp", in(sec, "1470820198.0", "123412", good), FloatTimestamp},
		{"nonce as a float", in(sec, "1470820198", "1.23412e+05", good), NumericNonce},
		{"unsorted", in(sec, "1470820198", "123412", func() string {
			return hashHex(sec + "1470820198" + "123412")
		}()), UnsortedInputs},
		{"short", in(sec, "1470820198", "123412", "abc"), Malformed},
		{"not hex", in(sec, "1470820198", "123412", strings.Repeat("z", 40)), Malformed},
		{"wrong secret", in("other", "1470820198", "123412", good), Mismatch},
		{"missing signature", Input{Secret: "s", Timestamp: "1", Nonce: "2", HasTimestamp: true, HasNonce: true}, MissingSignature},
		{"missing timestamp", Input{Secret: "s", Nonce: "2", Signature: good, HasNonce: true, HasSignature: true}, MissingTimestamp},
		{"missing nonce", Input{Secret: "s", Timestamp: "1", Signature: good, HasTimestamp: true, HasSignature: true}, MissingNonce},
		{"missing secret", in("", "1470820198", "123412", good), MissingSecret},
		{"empty signature", in(sec, "1470820198", "123412", ""), MissingSignature},
		{"empty timestamp", in(sec, "", "123412", good), MissingTimestamp},
		{"empty nonce", in(sec, "1470820198", "", good), MissingNonce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Check(tt.in)
			if r.Reason != tt.want {
				t.Fatalf("reason = %s (%s), want %s", r.Reason, r.Detail, tt.want)
			}
			if tt.want != OK && r.Detail == "" {
				t.Fatal("a failure must explain itself")
			}
			// An empty field is not an absent one: say which it is.
			if empty := strings.HasPrefix(tt.name, "empty "); empty != strings.Contains(r.Detail, "is empty") {
				t.Fatalf("detail %q for %s", r.Detail, tt.name)
			}
			if strings.Contains(r.Detail, sec) {
				t.Fatalf("detail leaks the secret: %q", r.Detail)
			}
		})
	}
}

func TestOtherSecret(t *testing.T) {
	sig := Sign("server-secret-value", "1470820198", "123412")
	x := in("callback-secret", "1470820198", "123412", sig)
	x.OtherSecrets = []NamedSecret{{Name: "ServerSecret (ZEGO_SERVER_SECRET)", Secret: "server-secret-value"}}
	r := Check(x)
	if r.Reason != OtherSecret {
		t.Fatalf("reason = %s", r.Reason)
	}
	if strings.Contains(r.Detail, "server-secret-value") {
		t.Fatal("detail leaks the other secret")
	}
}

func hashHex(s string) string {
	// Sign with a secret/ts/nonce arrangement that sorts to s is not possible
	// in general; compute the raw digest directly.
	sum := sha1Sum(s)
	return sum
}

func BenchmarkVerify(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Verify("4f9a1c2e7b3d5a6f8e0c1b2a3d4e5f60", "1687981272", "7254119327986670314", "93f85e1f97731ae615483292e1d2a425ac43803a")
	}
}

// Mini Game's scheme: md5(AppId + SignatureNonce + CallbackSecret +
// Timestamp), fixed order, computed independently with Python's hashlib.
func TestMD5Fixed(t *testing.T) {
	got := SignMD5("secret", "1234567890", "1234567890", "15215528852396")
	if got != md5Vector {
		t.Fatalf("SignMD5 = %s, want %s", got, md5Vector)
	}
	if SignWith(MD5Fixed, "secret", "1234567890", "1234567890", "15215528852396") != md5Vector ||
		SignWith(SHA1Sorted, "secret", "ignored", "1470820198", "123412") != "5bd59fd62953a8059fb7eaba95720f66d19e4517" {
		t.Fatal("SignWith does not follow the scheme")
	}
	in := Input{Scheme: MD5Fixed, Secret: "secret", AppID: "1234567890", HasAppID: true, Timestamp: "1234567890", Nonce: "15215528852396",
		Signature: md5Vector, HasTimestamp: true, HasNonce: true, HasSignature: true}
	if r := Check(in); !r.OK() {
		t.Fatalf("MD5 check: %+v", r)
	}
	in.AppID = "1234567891"
	if r := Check(in); r.OK() {
		t.Fatal("the AppID is signed: changing it must fail")
	}
}

const md5Vector = "07b6aa1b1dcf7e312b948fe6fbbdec55"

// Each mistake of issue 10 gets its own explanation.
func TestDiagnoseFamilyMistakes(t *testing.T) {
	const secret, nonce, ms, s = "k3y", "7450395512627324902", "1745502313000", "1745502313"
	sha := func(ts, n string) string { return Sign(secret, ts, n) }
	md5Of := func(appid, ts, n string) string { return SignMD5(secret, appid, ts, n) }
	mk := func(scheme Scheme, ts, sig string) Input {
		return Input{Scheme: scheme, Secret: secret, AppID: "1234567", HasAppID: true, Timestamp: ts, Nonce: nonce, Signature: sig,
			HasTimestamp: true, HasNonce: true, HasSignature: true, Family: "aiagent", TimestampField: "Timestamp", NonceField: "Nonce"}
	}
	for _, tc := range []struct {
		name   string
		in     Input
		reason Reason
		detail string
	}{
		{"ms signed as seconds", mk(SHA1Sorted, ms, sha(s, nonce)), MillisAsSeconds, "Timestamp 1745502313000 is in milliseconds but the sender signed it in seconds (1745502313)"},
		{"seconds signed as ms", mk(SHA1Sorted, s, sha(ms, nonce)), MillisAsSeconds, "is in seconds but the sender signed it in milliseconds"},
		{"reserialised as float (Go %v)", mk(SHA1Sorted, ms, sha("1.745502313e+12", nonce)), ReserialisedTimestamp, "signed re-serialised as 1.745502313e+12"},
		{"reserialised as float (Python)", mk(SHA1Sorted, ms, sha("1745502313000.0", nonce)), ReserialisedTimestamp, "1745502313000.0"},
		{"MD5 on a SHA-1 family", mk(SHA1Sorted, ms, md5Of("1234567", ms, nonce)), WrongScheme, "signed with Mini Game's MD5 scheme"},
		{"MD5-length on a SHA-1 family", mk(SHA1Sorted, ms, strings.Repeat("ab", 16)), WrongScheme, "32 hex characters, an MD5"},
		{"SHA-1 on the MD5 family", mk(MD5Fixed, s, sha(s, nonce)), WrongScheme, "signed with the sorted SHA-1 scheme"},
		{"SHA-1-length on the MD5 family", mk(MD5Fixed, s, strings.Repeat("ab", 20)), WrongScheme, "40 hex characters, a SHA-1; aiagent signs with MD5"},
		{"MD5 family, ms signed as seconds", mk(MD5Fixed, ms, md5Of("1234567", s, nonce)), MillisAsSeconds, "in milliseconds"},
		{"PascalCase read as snake: empty", mk(SHA1Sorted, ms, sha("", "")), WrongFieldNames, "signed with empty values in place of Timestamp and Nonce"},
		{"PascalCase read as snake: undefined", mk(SHA1Sorted, ms, sha("undefined", "undefined")), WrongFieldNames, `signed with "undefined"`},
		{"MD5 family, malformed", mk(MD5Fixed, s, "xyz"), Malformed, "want 32 lowercase hex characters (an MD5)"},
		{"one hex character", mk(SHA1Sorted, ms, "a"), Malformed, "signature is 1 hex character, want 40"},
		{"one character, not hex", mk(SHA1Sorted, ms, "z"), Malformed, "signature is 1 character and not hex"},
		{"MD5 family, uppercase", mk(MD5Fixed, s, strings.ToUpper(md5Of("1234567", s, nonce))), UppercaseHex, "uppercase"},
		{"MD5 family, mismatch", mk(MD5Fixed, s, md5Of("1234567", s, "other")), Mismatch, "md5(AppId + SignatureNonce + CallbackSecret + Timestamp)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Check(tc.in)
			if r.Reason != tc.reason || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("Check = %s: %s\nwant %s: ...%s...", r.Reason, r.Detail, tc.reason, tc.detail)
			}
			if strings.Contains(r.Detail, secret) {
				t.Fatal("the secret leaked into the detail")
			}
		})
	}
	// The right signature still verifies in both schemes.
	if r := Check(mk(SHA1Sorted, ms, sha(ms, nonce))); !r.OK() {
		t.Fatal(r.Detail)
	}
	if r := Check(mk(MD5Fixed, s, md5Of("1234567", s, nonce))); !r.OK() {
		t.Fatal(r.Detail)
	}
}

// Explain shows the expected digest and the sorted string with the secret
// masked, never the secret.
func TestExplainMasksTheSecret(t *testing.T) {
	for _, tc := range []struct {
		secret, ts, nonce, sorted string
	}{
		{"zz-secret", "1470820198", "123412", `"123412" + "1470820198" + <secret>`},
		{"0-secret", "1470820198", "123412", `<secret> + "123412" + "1470820198"`},
		{"15-secret", "1470820198", "2", `"1470820198" + <secret> + "2"`},
	} {
		want, sorted := Explain(Input{Secret: tc.secret, Timestamp: tc.ts, Nonce: tc.nonce})
		if want != Sign(tc.secret, tc.ts, tc.nonce) {
			t.Errorf("%s: expected %s, want the signature", tc.secret, want)
		}
		if sorted != tc.sorted {
			t.Errorf("%s: sorted %s, want %s", tc.secret, sorted, tc.sorted)
		}
		if strings.Contains(sorted, tc.secret) {
			t.Errorf("%s: the secret is shown", tc.secret)
		}
	}
}

// Under Mini Game's scheme Explain shows the fixed order it hashes.
func TestExplainMD5FixedOrder(t *testing.T) {
	in := Input{Scheme: MD5Fixed, Secret: "secret", AppID: "1234567890", Timestamp: "1234567890", Nonce: "15215528852396"}
	want, sorted := Explain(in)
	if want != md5Vector {
		t.Errorf("expected %s, want %s", want, md5Vector)
	}
	if sorted != `"1234567890" + "15215528852396" + <secret> + "1234567890"` {
		t.Errorf("order %s", sorted)
	}
}

// Verify accepts the exact lowercase hex and refuses any one character
// changed, at every position, to any other hex digit in either case or to
// a non-hex byte, and any other length.
func TestVerifyRefusesEveryOneCharChange(t *testing.T) {
	const secret, ts, nonce = "secret", "1470820198", "123412"
	good := Sign(secret, ts, nonce)
	if !Verify(secret, ts, nonce, good) {
		t.Fatal("the right signature does not verify")
	}
	for i := 0; i < len(good); i++ {
		for _, c := range []byte("0123456789abcdefABCDEFg \x00") {
			if c == good[i] {
				continue
			}
			bad := good[:i] + string(c) + good[i+1:]
			if Verify(secret, ts, nonce, bad) {
				t.Fatalf("Verify accepted %q (byte %d changed)", bad, i)
			}
		}
	}
	for _, bad := range []string{"", good[:39], good + "0", good[1:] + good[:1]} {
		if Verify(secret, ts, nonce, bad) {
			t.Fatalf("Verify accepted %q", bad)
		}
	}
}
