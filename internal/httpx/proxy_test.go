package httpx

import (
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A configured proxy receives the plain request (absolute URI), as a
// corporate proxy does.
func TestConfiguredProxy(t *testing.T) {
	var seen string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.String()
		io.WriteString(w, "via proxy")
	}))
	defer proxy.Close()
	c, err := NewClientWith(Limits{}, Network{Proxies: []string{proxy.URL}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := get(t, c, "http://tools.example.invalid/node.tar.gz")
	if err != nil || string(b) != "via proxy" || seen != "http://tools.example.invalid/node.tar.gz" {
		t.Fatalf("got %q %v (proxy saw %q)", b, err, seen)
	}
	if _, err := NewClientWith(Limits{}, Network{Proxies: []string{"http://"}}); err == nil {
		t.Error("a proxy without a host was accepted")
	}
}

// root-cert makes a server with a private CA trusted; without it the
// request fails; allow-invalid-certs skips the check.
func TestRootCertAndInvalidCerts(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secure") }))
	defer srv.Close()
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "corp.pem")
	derFile := filepath.Join(dir, "corp.der")
	raw := srv.Certificate().Raw
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: raw}), 0o644)
	os.WriteFile(derFile, raw, 0o644)
	plain, _ := NewClientWith(Limits{}, Network{})
	if _, err := get(t, plain, srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted server: %v", err)
	}
	for _, f := range []string{pemFile, derFile} {
		c, err := NewClientWith(Limits{}, Network{RootCert: f})
		if err != nil {
			t.Fatal(err)
		}
		if b, err := get(t, c, srv.URL); err != nil || string(b) != "secure" {
			t.Errorf("root-cert %s: %q %v", filepath.Base(f), b, err)
		}
	}
	c, _ := NewClientWith(Limits{}, Network{AllowInvalidCerts: true})
	if b, err := get(t, c, srv.URL); err != nil || string(b) != "secure" {
		t.Errorf("allow-invalid-certs: %q %v", b, err)
	}
	os.WriteFile(pemFile, []byte("not a certificate"), 0o644)
	if _, err := NewClientWith(Limits{}, Network{RootCert: pemFile}); err == nil || !strings.Contains(err.Error(), "root-cert") {
		t.Errorf("bad root-cert: %v", err)
	}
}
