package plugincache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/plugincache/registrytest"
)

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func loc(kind, value string) config.Locator {
	raw := value
	switch kind {
	case config.LocatorGitHub:
		raw = "github://" + value
	case config.LocatorRegistry:
		raw = "registry://" + value
	}
	return config.Locator{Kind: kind, Value: value, Raw: raw, ID: "t", DeclaredIn: "test:1"}
}

// upstream serves files and counts requests.
type upstream struct {
	mu    sync.Mutex
	files map[string][]byte
	hits  atomic.Int32
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.hits.Add(1)
	u.mu.Lock()
	b, ok := u.files[r.URL.Path]
	u.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(b)
}

func (u *upstream) set(p string, b []byte) {
	u.mu.Lock()
	u.files[p] = b
	u.mu.Unlock()
}

func newUpstream(t *testing.T) (*upstream, *httptest.Server) {
	u := &upstream{files: map[string][]byte{}}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return u, srv
}

func TestHTTPSLocatorCachesAndRewrites(t *testing.T) {
	up, srv := newUpstream(t)
	body := []byte("name = \"x\"\n")
	up.set("/mirror/acme/x.toml", body)
	c := &Cache{Dir: t.TempDir(), Rewrite: func(u string) string {
		return strings.Replace(u, "https://plugins.example.com/", srv.URL+"/mirror/", 1)
	}}
	ctx := context.Background()
	l := loc(config.LocatorHTTPS, "https://plugins.example.com/acme/x.toml")
	e, err := c.Get(ctx, l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Digest != digest(body) || e.Name != "x.toml" || e.Ext() != ".toml" || e.Source != srv.URL+"/mirror/acme/x.toml" {
		t.Errorf("entry = %+v", e)
	}
	if got, _ := os.ReadFile(e.Path); string(got) != string(body) {
		t.Errorf("blob = %q", got)
	}
	if want := filepath.Join(c.Dir, "blobs", "sha256", strings.TrimPrefix(digest(body), "sha256:")+".toml"); e.Path != want {
		t.Errorf("path %s, want content-addressed %s", e.Path, want)
	}
	// Fresh: no second request. Refresh: one.
	if _, err := c.Get(ctx, l, Options{}); err != nil || up.hits.Load() != 1 {
		t.Errorf("fresh entry refetched (%d hits, %v)", up.hits.Load(), err)
	}
	up.set("/mirror/acme/x.toml", []byte("name = \"y\"\n"))
	e2, err := c.Get(ctx, l, Options{Refresh: true})
	if err != nil || up.hits.Load() != 2 || e2.Digest == e.Digest {
		t.Errorf("refresh: %+v %v hits %d", e2, err, up.hits.Load())
	}
	// Stale after the TTL.
	c.TTL = time.Nanosecond
	if _, err := c.Get(ctx, l, Options{}); err != nil || up.hits.Load() != 3 {
		t.Errorf("stale entry not refetched: %v, %d hits", err, up.hits.Load())
	}
	// A failed refresh falls back to the cached copy; offline uses it too.
	srv.Close()
	if e3, err := c.Get(ctx, l, Options{Refresh: true}); err != nil || e3.Digest != e2.Digest {
		t.Errorf("fallback: %+v %v", e3, err)
	}
	c.Offline = true
	if e4, err := c.Get(ctx, l, Options{Refresh: true}); err != nil || e4.Digest != e2.Digest {
		t.Errorf("offline: %+v %v", e4, err)
	}
	if _, err := c.Get(ctx, loc(config.LocatorHTTPS, "https://plugins.example.com/other.wasm"), Options{}); err == nil || !strings.Contains(err.Error(), "offline") {
		t.Errorf("offline miss: %v", err)
	}
	// Remove forgets the locator.
	if ok, err := c.Remove(l.Raw); !ok || err != nil {
		t.Errorf("Remove = %v %v", ok, err)
	}
	if _, ok := c.Lookup(l.Raw); ok {
		t.Error("Lookup after Remove")
	}
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://example.com/p.wasm": true, "http://127.0.0.1:9/p.wasm": true, "http://localhost/p": true,
		"http://[::1]:8/p": true, "http://example.com/p.wasm": false, "http://10.0.0.1/p": false, "ftp://x/p": false,
	} {
		if err := CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%s) = %v", raw, err)
		}
	}
	// A rewrite to plain http elsewhere is refused too, naming the URL.
	c := &Cache{Dir: t.TempDir(), Rewrite: func(string) string { return "http://mirror.example.com/p.wasm" }}
	_, err := c.Get(context.Background(), loc(config.LocatorHTTPS, "https://example.com/p.wasm"), Options{})
	if err == nil || !strings.Contains(err.Error(), "refusing plain http for http://mirror.example.com/p.wasm") {
		t.Errorf("rewritten to http: %v", err)
	}
	// So is a redirect to plain http.
	red := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/evil.wasm", http.StatusFound)
	}))
	defer red.Close()
	_, err = (&Cache{Dir: t.TempDir()}).Get(context.Background(), loc(config.LocatorHTTPS, red.URL+"/p.wasm"), Options{})
	if err == nil || !strings.Contains(err.Error(), "refusing plain http") {
		t.Errorf("redirect to http: %v", err)
	}
}

func TestHTTPErrorsNameTheURL(t *testing.T) {
	_, srv := newUpstream(t)
	_, err := (&Cache{Dir: t.TempDir()}).Get(context.Background(), loc(config.LocatorHTTPS, srv.URL+"/missing.wasm"), Options{})
	if err == nil || !strings.Contains(err.Error(), srv.URL+"/missing.wasm") || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "test:1") {
		t.Errorf("404: %v", err)
	}
}

func TestGitHubLocator(t *testing.T) {
	up, srv := newUpstream(t)
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	toml := []byte("name = \"jq\"\n")
	dl := func(tag, name string) string {
		return fmt.Sprintf("https://github.com/acme/plugins/releases/download/%s/%s", tag, name)
	}
	up.set("/api/repos/acme/tool/releases/latest", []byte(fmt.Sprintf(`{"tag_name":"v2.0.0","assets":[
		{"name":"README.md","browser_download_url":%q},
		{"name":"tool.toml","browser_download_url":%q},
		{"name":"tool.wasm","browser_download_url":%q}]}`, dl("v2.0.0", "README.md"), dl("v2.0.0", "tool.toml"), dl("v2.0.0", "tool.wasm"))))
	up.set("/api/repos/acme/tool/releases/tags/v1.0.0", []byte(fmt.Sprintf(`{"tag_name":"v1.0.0","assets":[{"name":"tool.toml","browser_download_url":%q}]}`, dl("v1.0.0", "tool.toml"))))
	up.set("/api/repos/acme/plugins/releases", []byte(fmt.Sprintf(`[
		{"tag_name":"node_tool-v0.3.0","draft":true,"assets":[]},
		{"tag_name":"jq_tool-v0.2.0-rc","prerelease":true,"assets":[]},
		{"tag_name":"jq_tool-v0.1.0","assets":[{"name":"node_tool.wasm","browser_download_url":%q},{"name":"jq_tool.toml","browser_download_url":%q}]},
		{"tag_name":"node_tool-v0.2.0","assets":[{"name":"node_tool.wasm","browser_download_url":%q}]}]`,
		dl("x", "node_tool.wasm"), dl("jq_tool-v0.1.0", "jq_tool.toml"), dl("node_tool-v0.2.0", "node_tool.wasm"))))
	up.set("/dl/v2.0.0/tool.wasm", wasm)
	up.set("/dl/v1.0.0/tool.toml", toml)
	up.set("/dl/jq_tool-v0.1.0/jq_tool.toml", toml)
	up.set("/dl/node_tool-v0.2.0/node_tool.wasm", wasm)
	c := &Cache{Dir: t.TempDir(), GitHubAPI: "https://api.github.com", GitHubToken: "tok", Rewrite: func(u string) string {
		u = strings.Replace(u, "https://api.github.com/", srv.URL+"/api/", 1)
		return strings.Replace(u, "https://github.com/acme/plugins/releases/download/", srv.URL+"/dl/", 1)
	}}
	tests := []struct {
		value, name string
		data        []byte
	}{
		{"acme/tool", "tool.wasm", wasm},        // latest; .wasm preferred over .toml
		{"acme/tool@v1.0.0", "tool.toml", toml}, // a tag
		{"acme/plugins/jq-tool", "jq_tool.toml", toml},
		{"acme/plugins/node_tool", "node_tool.wasm", wasm}, // the draft is skipped
	}
	for _, tt := range tests {
		e, err := c.Get(context.Background(), loc(config.LocatorGitHub, tt.value), Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.value, err)
			continue
		}
		if e.Name != tt.name || e.Digest != digest(tt.data) {
			t.Errorf("%s: got %s %s", tt.value, e.Name, e.Digest)
		}
	}
	if _, err := c.Get(context.Background(), loc(config.LocatorGitHub, "acme/plugins/ruby_tool"), Options{}); err == nil || !strings.Contains(err.Error(), "no release of acme/plugins has a tag for project ruby_tool") {
		t.Errorf("missing project: %v", err)
	}
	if _, err := ParseGitHub("acme"); err == nil {
		t.Error("ParseGitHub(acme) succeeded")
	}
}

func TestParseRegistry(t *testing.T) {
	tests := map[string]RegistryRef{
		"ghcr.io/moonrepo/tools/node:1.0": {"ghcr.io", "moonrepo/tools/node", "1.0"},
		"acme/jq":                         {DefaultRegistry, "acme/jq", "latest"},
		"jq:2":                            {DefaultRegistry, "jq", "2"},
		"127.0.0.1:5000/ns/jq:v1":         {"127.0.0.1:5000", "ns/jq", "v1"},
		"localhost/jq@sha256:abc":         {"localhost", "jq", "sha256:abc"},
	}
	for in, want := range tests {
		got, err := ParseRegistry(in)
		if err != nil || got != want {
			t.Errorf("ParseRegistry(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"ghcr.io/", "x:", ""} {
		if _, err := ParseRegistry(bad); err == nil {
			t.Errorf("ParseRegistry(%q) succeeded", bad)
		}
	}
}

// A real registry (docker-registry) serves plugins pushed with oras-go:
// a titled TOML layer, an untitled wasm layer found by its media type,
// and a manifest with no plugin layer.
func TestRegistryLocator(t *testing.T) {
	reg := registrytest.StartT(t)
	ctx := context.Background()
	toml := []byte("name = \"jq\"\n")
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	if _, err := reg.Push(ctx, "tote/jq", "1.0", "application/vnd.tote.plugin.v1", registrytest.Layer{MediaType: "application/toml", Title: "jq.toml", Data: toml}); err != nil {
		t.Fatal(err)
	}
	manDigest, err := reg.Push(ctx, "tote/tools/demo", "latest", "application/vnd.tote.plugin.v1",
		registrytest.Layer{MediaType: "text/plain", Title: "README.txt", Data: []byte("read me")},
		registrytest.Layer{MediaType: "application/wasm", Data: wasm})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Push(ctx, "tote/empty", "1", "application/vnd.tote.plugin.v1", registrytest.Layer{MediaType: "text/plain", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	c := &Cache{Dir: t.TempDir()}
	e, err := c.Get(ctx, loc(config.LocatorRegistry, reg.Host+"/tote/jq:1.0"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "jq.toml" || e.Digest != digest(toml) {
		t.Errorf("jq: %+v", e)
	}
	e, err = c.Get(ctx, loc(config.LocatorRegistry, reg.Host+"/tote/tools/demo"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "demo.wasm" || e.Digest != digest(wasm) || !strings.HasSuffix(e.Source, "@"+manDigest) {
		t.Errorf("demo: %+v (manifest %s)", e, manDigest)
	}
	if _, err := c.Get(ctx, loc(config.LocatorRegistry, reg.Host+"/tote/empty:1"), Options{}); err == nil || !strings.Contains(err.Error(), "no plugin layer") {
		t.Errorf("empty: %v", err)
	}
	if _, err := c.Get(ctx, loc(config.LocatorRegistry, reg.Host+"/tote/jq:9.9"), Options{}); err == nil || !strings.Contains(err.Error(), "tote/jq:9.9") {
		t.Errorf("missing tag: %v", err)
	}
}

// Concurrent Gets of one locator fetch it once.
func TestConcurrentGetFetchesOnce(t *testing.T) {
	up, srv := newUpstream(t)
	up.set("/p.wasm", []byte("wasm"))
	dir := t.TempDir()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := &Cache{Dir: dir}
			if _, err := c.Get(context.Background(), loc(config.LocatorHTTPS, srv.URL+"/p.wasm"), Options{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := up.hits.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

// TestFetchUnreachableHints: a plugin host that cannot be reached is a
// network error whose hint names mirrors and TOTE_OFFLINE (issue 14 item 9).
func TestFetchUnreachableHints(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &Cache{Dir: t.TempDir()}
	_, err = c.Get(context.Background(), loc(config.LocatorHTTPS, "http://"+addr+"/x.toml"), Options{})
	var h interface{ Hint() string }
	if !errors.As(err, &h) || !strings.Contains(h.Hint(), "url-rewrites") || !strings.Contains(h.Hint(), "TOTE_OFFLINE=1") {
		t.Fatalf("want a hint about mirrors and TOTE_OFFLINE, got %v", err)
	}
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("the error does not name the URL: %v", err)
	}
}
