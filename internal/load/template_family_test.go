package load

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// A millisecond timestamp is refreshed to the current millisecond, and an
// MD5 family's body is signed with MD5 over its AppId.
func TestTemplateMillisAndMD5(t *testing.T) {
	const secret, appid = "s3cret", "1234567890"
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		millis bool
		scheme signature.Scheme
		sigLen int
	}{
		{"sha1 seconds", false, signature.SHA1Sorted, 40},
		{"sha1 millis", true, signature.SHA1Sorted, 40},
		{"md5 seconds", false, signature.MD5Fixed, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			if tc.millis {
				ts = strconv.FormatInt(time.Now().UnixMilli(), 10)
			}
			body := `{"AppId":` + appid + `,"Timestamp":` + ts + `,"Nonce":"1234567890123456789","Signature":"` + strings.Repeat("0", tc.sigLen) + `","x":1}`
			tpl, err := NewTemplate(TemplateSpec{Body: []byte(body), TimestampKey: "Timestamp", NonceKey: "Nonce", SignatureKey: "Signature",
				RefreshTimestamp: true, Millis: tc.millis, Secret: secret, Scheme: tc.scheme, AppID: appid})
			if err != nil {
				t.Fatal(err)
			}
			out := tpl.NewStamper(1).Body(now)
			p, err := callback.ParseJSON(out)
			if err != nil {
				t.Fatal(err)
			}
			gotTS, _ := p.Get("Timestamp")
			want := strconv.FormatInt(now.Unix(), 10)
			if tc.millis {
				want = strconv.FormatInt(now.UnixMilli(), 10)
			}
			if gotTS.Text != want {
				t.Errorf("timestamp %s, want %s", gotTS.Text, want)
			}
			nonce, _ := p.Get("Nonce")
			sig, _ := p.Get("Signature")
			if !signature.VerifyWith(tc.scheme, secret, appid, gotTS.Text, nonce.Text, sig.Text) {
				t.Errorf("%s does not verify: %s", tc.scheme, out)
			}
		})
	}
}
