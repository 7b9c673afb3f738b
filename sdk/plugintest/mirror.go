package plugintest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

// Mirror is an HTTP server on 127.0.0.1 that stands in for the internet in
// a plugin's tests. Files and handlers are published under the upstream URL
// the plugin uses, such as
// "https://github.com/me/my-tool/releases/download/v1.2.3/my-tool.tar.gz";
// [UseMirror] then rewrites every http(s) URL to the mirror
// (https://host/path → <Mirror.URL>/host/path), so the plugin's own code
// and tote's downloads are served locally and nothing reaches the network.
//
// A request for a URL that was not published is answered 404 with a body
// that lists what was, and is recorded in [Mirror.Requests] like any other.
// A Mirror is safe for concurrent use and stops when the test ends.
type Mirror struct {
	// URL is the server's base URL, such as http://127.0.0.1:41234.
	URL string

	t        testing.TB
	mu       sync.Mutex
	routes   map[string]http.Handler // "host/path" or "host/path?query"
	requests []string
}

// NewMirror starts a mirror for the test.
func NewMirror(t testing.TB) *Mirror {
	t.Helper()
	m := &Mirror{t: t, routes: map[string]http.Handler{}}
	srv := httptest.NewServer(http.HandlerFunc(m.serve))
	m.URL = srv.URL
	t.Cleanup(srv.Close)
	return m
}

// rewrite is the url-rewrites entry that sends every URL to the mirror.
func (m *Mirror) rewrite() [2]string {
	return [2]string{`^https?://([^/?#]+)`, m.URL + "/${1}"}
}

// key is the route key of an upstream URL: "host/path", with "?query" when
// the URL has one.
func routeKey(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("want an absolute http(s) URL, such as https://example.com/file.tar.gz")
	}
	k := u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		k += "?" + u.RawQuery
	}
	return k, nil
}

// Handle serves h for the upstream URL rawURL. A URL with a query string
// matches only that query; one without matches any query.
func (m *Mirror) Handle(rawURL string, h http.Handler) {
	m.t.Helper()
	k, err := routeKey(rawURL)
	if err != nil {
		m.t.Fatalf("plugintest: Mirror.Handle(%q): %v", rawURL, err)
	}
	m.mu.Lock()
	m.routes[k] = h
	m.mu.Unlock()
}

// HandleFunc serves fn for the upstream URL rawURL; see [Mirror.Handle].
func (m *Mirror) HandleFunc(rawURL string, fn func(http.ResponseWriter, *http.Request)) {
	m.t.Helper()
	m.Handle(rawURL, http.HandlerFunc(fn))
}

// File serves body for the upstream URL rawURL, with Range and HEAD
// support, replacing what was published there before.
func (m *Mirror) File(rawURL string, body []byte) {
	m.t.Helper()
	name := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		name = u.Path
	}
	mod := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	m.Handle(rawURL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, name, mod, bytes.NewReader(body))
	}))
}

// JSON serves v encoded as JSON for the upstream URL rawURL, as an API
// would (Content-Type application/json).
func (m *Mirror) JSON(rawURL string, v any) {
	m.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		m.t.Fatalf("plugintest: Mirror.JSON(%q): %v", rawURL, err)
	}
	m.Handle(rawURL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
}

// Requests returns the upstream URLs requested so far, in order, as
// "METHOD https://host/path?query".
func (m *Mirror) Requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.requests...)
}

// Count returns how many requests were made for the upstream URL rawURL
// (any method; the query must match when rawURL has one).
func (m *Mirror) Count(rawURL string) int {
	k, err := routeKey(rawURL)
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range m.Requests() {
		_, u, _ := strings.Cut(r, " ")
		rk, _ := routeKey(u)
		if rk == k || !strings.Contains(k, "?") && strings.SplitN(rk, "?", 2)[0] == k {
			n++
		}
	}
	return n
}

// Upstream returns the upstream URL a mirror URL stands for, or "" when u
// is not on the mirror: the inverse of the rewrite [UseMirror] installs.
func (m *Mirror) Upstream(u string) string {
	rest, ok := strings.CutPrefix(u, m.URL+"/")
	if !ok {
		return ""
	}
	return "https://" + rest
}

// published reports whether the upstream URL has a route.
func (m *Mirror) published(rawURL string) bool {
	k, err := routeKey(rawURL)
	if err != nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.routes[k]; ok {
		return true
	}
	_, ok := m.routes[strings.SplitN(k, "?", 2)[0]]
	return ok
}

func (m *Mirror) serve(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	m.mu.Lock()
	m.requests = append(m.requests, r.Method+" https://"+key)
	h, ok := m.routes[key]
	if !ok {
		h, ok = m.routes[strings.SplitN(key, "?", 2)[0]]
	}
	var known []string
	if !ok {
		for k := range m.routes {
			known = append(known, "https://"+k)
		}
	}
	m.mu.Unlock()
	if ok {
		h.ServeHTTP(w, r)
		return
	}
	sort.Strings(known)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "plugintest mirror: nothing is published at https://%s\npublished:\n  %s\n", key, strings.Join(known, "\n  "))
}

// Entry is one member of a test archive.
type Entry struct {
	// Name is the path inside the archive, such as "my-tool-1.2.3/bin/my-tool".
	// A name ending in "/" is a directory.
	Name string
	// Body is a regular file's content.
	Body string
	// Mode is the file mode; 0 means 0644 (0755 for directories).
	Mode fs.FileMode
	// Symlink makes the entry a symbolic link to this target (tar only).
	Symlink string
}

// FakeExe returns an executable shell script at name that prints output
// followed by its arguments, and exits 0: a stand-in for a real tool's
// binary in a test archive. Running `name --version` prints
// "<output> --version".
func FakeExe(name, output string) Entry {
	return Entry{
		Name: name,
		Body: fmt.Sprintf("#!/bin/sh\necho %s \"$@\"\n", shellQuote(output)),
		Mode: 0o755,
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TarGz returns a .tar.gz holding entries, in order.
func TarGz(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	if err := writeTar(gz, entries); err != nil {
		t.Fatalf("plugintest.TarGz: %v", err)
	}
	if err := gz.Close(); err != nil {
		t.Fatalf("plugintest.TarGz: %v", err)
	}
	return buf.Bytes()
}

// TarXz returns a .tar.xz holding entries, in order.
func TarXz(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatalf("plugintest.TarXz: %v", err)
	}
	if err := writeTar(w, entries); err != nil {
		t.Fatalf("plugintest.TarXz: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("plugintest.TarXz: %v", err)
	}
	return buf.Bytes()
}

func writeTar(w interface{ Write([]byte) (int, error) }, entries []Entry) error {
	tw := tar.NewWriter(w)
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Mode: int64(e.Mode.Perm()), ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(e.Body))}
		switch {
		case strings.HasSuffix(e.Name, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
			if h.Mode == 0 {
				h.Mode = 0o755
			}
		case e.Symlink != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.Symlink, 0
			h.Mode = 0o777
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

// Zip returns a .zip holding entries (regular files and directories).
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.Symlink != "" {
			t.Fatalf("plugintest.Zip: %s: symbolic links are not supported in zip archives", e.Name)
		}
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
		mode := e.Mode.Perm()
		if strings.HasSuffix(e.Name, "/") {
			mode = fs.ModeDir | 0o755
		} else if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("plugintest.Zip: %s: %v", e.Name, err)
		}
		if !strings.HasSuffix(e.Name, "/") {
			if _, err := w.Write([]byte(e.Body)); err != nil {
				t.Fatalf("plugintest.Zip: %v", err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("plugintest.Zip: %v", err)
	}
	return buf.Bytes()
}

// SHA256 returns the hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Checksums returns a checksum file in the format of sha256sum (and of
// most projects' SHASUMS256.txt or checksums.txt): one "<hex>  <name>" line
// per file, sorted by name.
func Checksums(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", SHA256(files[n]), n)
	}
	return []byte(b.String())
}
