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
