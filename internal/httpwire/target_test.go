package httpwire

import (
	"crypto/tls"
	"net/url"
	"testing"
)

func TestTarget(t *testing.T) {
	base := &tls.Config{ServerName: "given.example", MinVersion: tls.VersionTLS12}
	for _, tc := range []struct {
		url, addr, server string
		conf              *tls.Config
		tls, ok           bool
	}{
		{url: "http://127.0.0.1/cb", addr: "127.0.0.1:80", ok: true},
		{url: "http://127.0.0.1:8080/cb", addr: "127.0.0.1:8080", ok: true},
		{url: "https://localhost/cb", addr: "localhost:443", server: "localhost", tls: true, ok: true},
		{url: "https://[::1]:8443/cb", addr: "[::1]:8443", server: "::1", tls: true, ok: true},
		{url: "https://localhost/cb", conf: base, addr: "localhost:443", server: "given.example", tls: true, ok: true},
		{url: "ftp://localhost/x"},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		addr, conf, ok := Target(u, tc.conf)
		if ok != tc.ok || addr != tc.addr || (conf != nil) != tc.tls {
			t.Errorf("%s: %q %v %v, want %q tls=%v ok=%v", tc.url, addr, conf != nil, ok, tc.addr, tc.tls, tc.ok)
			continue
		}
		if conf == nil {
			continue
		}
		if conf.ServerName != tc.server || len(conf.NextProtos) != 1 || conf.NextProtos[0] != "http/1.1" || conf == tc.conf {
			t.Errorf("%s: TLS %+v", tc.url, conf)
		}
		if tc.conf != nil && (conf.MinVersion != tls.VersionTLS12 || tc.conf.NextProtos != nil) {
			t.Errorf("%s: the given config was not cloned", tc.url)
		}
	}
}
