package httpx

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Network is how requests reach servers, from proto's keys of
// [settings.http]. The zero value uses the environment's proxies
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, as http.ProxyFromEnvironment reads
// them) and the system's certificates.
type Network struct {
	// Proxies are proxy URLs: one starting with https:, or http: with port
	// 443, serves https requests; another http: one serves http requests.
	// Other schemes are ignored.
	Proxies []string
	// SecureProxies serve https requests.
	SecureProxies []string
	// RootCert is a PEM or DER file of a certificate to trust besides the
	// system's (a corporate TLS-inspecting proxy's).
	RootCert string
	// AllowInvalidCerts skips certificate verification. Dangerous.
	AllowInvalidCerts bool
}

// Apply configures t: proxies (the configured ones first; the
// environment's for a scheme with none configured) and TLS trust. A bad
// proxy URL or certificate is an error naming it.
func (n Network) Apply(t *http.Transport) error {
	var plain, secure *url.URL
	parse := func(raw string) (*url.URL, error) {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("invalid proxy %q in [settings.http]: want http://host:port or https://host:port", raw)
		}
		return u, nil
	}
	for _, raw := range n.SecureProxies {
		u, err := parse(raw)
		if err != nil {
			return err
		}
		if secure == nil {
			secure = u
		}
	}
	for _, raw := range n.Proxies {
		switch {
		case strings.HasPrefix(raw, "https:") || strings.HasPrefix(raw, "http:") && strings.Contains(raw, ":443"):
			u, err := parse(raw)
			if err != nil {
				return err
			}
			if secure == nil {
				secure = u
			}
		case strings.HasPrefix(raw, "http:"):
			u, err := parse(raw)
			if err != nil {
				return err
			}
			if plain == nil {
				plain = u
			}
		}
	}
	if plain != nil || secure != nil {
		env := t.Proxy
		t.Proxy = func(req *http.Request) (*url.URL, error) {
			switch {
			case req.URL.Scheme == "https" && secure != nil:
				return secure, nil
			case req.URL.Scheme == "http" && plain != nil:
				return plain, nil
			case env != nil:
				return env(req)
			}
			return nil, nil
		}
	}
	if n.RootCert == "" && !n.AllowInvalidCerts {
		return nil
	}
	cfg := t.TLSClientConfig
	if cfg == nil {
		cfg = &tls.Config{}
	} else {
		cfg = cfg.Clone()
	}
	if n.RootCert != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		data, err := os.ReadFile(n.RootCert)
		if err != nil {
			return fmt.Errorf("settings.http.root-cert: %w", err)
		}
		switch strings.ToLower(filepath.Ext(n.RootCert)) {
		case ".der", ".cer", ".crt":
			if block, _ := pem.Decode(data); block != nil {
				data = block.Bytes
			}
			cert, err := x509.ParseCertificate(data)
			if err != nil {
				return fmt.Errorf("settings.http.root-cert %s: %w", n.RootCert, err)
			}
			pool.AddCert(cert)
		default:
			if !pool.AppendCertsFromPEM(data) {
				return fmt.Errorf("settings.http.root-cert %s: no PEM certificate in the file", n.RootCert)
			}
		}
		cfg.RootCAs = pool
	}
	if n.AllowInvalidCerts {
		cfg.InsecureSkipVerify = true
	}
	t.TLSClientConfig = cfg
	return nil
}

// NewClientWith is NewClient with the network settings n applied.
func NewClientWith(l Limits, n Network) (*http.Client, error) {
	tr := NewTransport(l)
	if base, ok := tr.Base.(*http.Transport); ok {
		if err := n.Apply(base); err != nil {
			return nil, err
		}
	}
	return &http.Client{Transport: tr}, nil
}
