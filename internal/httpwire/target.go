// target.go holds Target: where a hand-written HTTP/1.1 client dials for a
// URL, and with which TLS settings (load mode and replay both use it).

package httpwire

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
)

// Target returns the dial address ("host:port", the scheme's port when u
// has none) and, for https, the TLS settings (a clone of tlsConf with the
// server name set and HTTP/1.1 asked for) for sending to u over a raw
// connection. ok is false when that does not apply: a proxy is configured
// for u, or the scheme is neither http nor https.
func Target(u *url.URL, tlsConf *tls.Config) (addr string, conf *tls.Config, ok bool) {
	if p, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err != nil || p != nil {
		return "", nil, false
	}
	host, port := u.Hostname(), u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
		conf = &tls.Config{}
		if tlsConf != nil {
			conf = tlsConf.Clone()
		}
		if conf.ServerName == "" {
			conf.ServerName = host
		}
		conf.NextProtos = []string{"http/1.1"}
	default:
		return "", nil, false
	}
	return net.JoinHostPort(host, port), conf, true
}
