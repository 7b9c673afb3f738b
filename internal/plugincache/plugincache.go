// Package plugincache fetches remote plugins and keeps them in a
// content-addressed cache under $TOTE_HOME/plugins.
//
// A locator (https://URL, github://owner/repo[/project][@tag] or
// registry://[host/][ns/]image[:tag]) is fetched once and stored as
// blobs/sha256/<hex><ext>, where the extension (.wasm, .toml, .json, .yaml)
// says what kind of plugin it is. An index entry per locator records the
// digest, the URL or reference it came from, and when; it is trusted for the
// cache's lifetime (TTL), then refreshed. Offline, or when a refresh fails,
// a cached entry is used whatever its age. Writes are atomic and a lock per
// locator keeps concurrent tote processes from fetching one plugin twice.
//
// url-rewrites apply to every HTTP request (https and github locators);
// plain http is refused except to loopback hosts.
package plugincache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/httpx"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/store"
)

// DefaultTTL is how long a fetched plugin is used before it is fetched
// again (TOTE_PLUGIN_CACHE_TTL overrides it).
const DefaultTTL = 7 * 24 * time.Hour

// MaxSize bounds a plugin download.
const MaxSize = 128 << 20

// Extensions of plugin files the cache stores.
var Extensions = []string{".wasm", ".toml", ".json", ".jsonc", ".yaml", ".yml"}

// Cache is the plugin download cache.
type Cache struct {
	// Dir is the cache directory, $TOTE_HOME/plugins.
	Dir string
	// HTTP is the client for downloads (nil: http.DefaultClient).
	HTTP *http.Client
	// Rewrite applies url-rewrites (nil: none).
	Rewrite func(string) string
	// TTL is how long an entry is fresh; 0 means DefaultTTL, a negative
	// value that no entry is (every Get fetches again, unless offline).
	TTL time.Duration
	// Offline forbids network access: only cached entries are used.
	Offline bool
	// GitHubToken authenticates GitHub API requests when set.
	GitHubToken string
	// GitHubAPI is the GitHub API base (default https://api.github.com).
	GitHubAPI string
	// Logger receives diagnostics (nil: discarded).
	Logger *slog.Logger
	// Mirror, when set, is asked for a plugin before its locator is
	// fetched ([settings] mirrors). It answers the plugin's file name, its
	// bytes and where they came from, or an error (logged; the locator is
	// then fetched itself, unless MirrorOnly).
	Mirror func(ctx context.Context, locator string) (name string, data []byte, from string, err error)
	// MirrorOnly forbids fetching a locator itself: only Mirror serves.
	MirrorOnly bool
	// Fetched, when set, is told about every plugin fetched from its own
	// locator (mirror-push uploads it).
	Fetched func(ctx context.Context, locator, name string, data []byte)
}

// Entry is one cached plugin.
type Entry struct {
	// Locator is the locator as written.
	Locator string `json:"locator"`
	// Source is the URL or registry reference the bytes came from.
	Source string `json:"source"`
	// Name is the file name of the plugin (its extension gives its kind).
	Name string `json:"name"`
	// Digest is "sha256:<hex>" of the bytes.
	Digest string `json:"digest"`
	// Size is the number of bytes.
	Size int64 `json:"size"`
	// FetchedAt is when the bytes were fetched.
	FetchedAt time.Time `json:"fetched_at"`
	// Path is the blob's path in the cache.
	Path string `json:"-"`
}

// Ext is the plugin file's extension, lower case (".wasm", ".toml", …).
func (e *Entry) Ext() string { return strings.ToLower(path.Ext(e.Name)) }

// Options tune Get.
type Options struct {
	// Refresh fetches again even if the entry is fresh.
	Refresh bool
}

// Remote reports whether a locator kind is fetched through the cache.
func Remote(kind string) bool {
	return kind == config.LocatorHTTPS || kind == config.LocatorGitHub || kind == config.LocatorRegistry
}

func (c *Cache) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Cache) ttl() time.Duration {
	if c.TTL != 0 {
		return c.TTL
	}
	return DefaultTTL
}

func (c *Cache) rewrite(u string) string {
	if c.Rewrite == nil {
		return u
	}
	return c.Rewrite(u)
}

func key(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:16])
}

func (c *Cache) indexPath(raw string) string {
	return filepath.Join(c.Dir, "index", key(raw)+".json")
}

func (c *Cache) blobPath(digest, name string) string {
	hexd := strings.TrimPrefix(digest, "sha256:")
	return filepath.Join(c.Dir, "blobs", "sha256", hexd+strings.ToLower(path.Ext(name)))
}

// Lookup returns the cached entry of a locator without any network access.
func (c *Cache) Lookup(raw string) (*Entry, bool) {
	b, err := readlimit.File(c.indexPath(raw), 1<<20, "plugin cache index entry")
	if err != nil {
		return nil, false
	}
	var e Entry
	if json.Unmarshal(b, &e) != nil || e.Locator != raw {
		return nil, false
	}
	e.Path = c.blobPath(e.Digest, e.Name)
	if _, err := os.Stat(e.Path); err != nil {
		return nil, false
	}
	return &e, true
}

// Remove drops a locator's index entry (the blob, which other locators
// may share, stays) and reports whether there was one.
func (c *Cache) Remove(raw string) (bool, error) {
	err := os.Remove(c.indexPath(raw))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Get returns the cached plugin of loc, fetching it when it is missing,
// stale or Refresh is set. A fetch failure falls back to a cached copy with
// a warning; offline, only the cache is used.
func (c *Cache) Get(ctx context.Context, loc config.Locator, opts Options) (*Entry, error) {
	if !Remote(loc.Kind) {
		return nil, fmt.Errorf("plugin locator %q is not a remote locator", loc.Raw)
	}
	cached, ok := c.Lookup(loc.Raw)
	if ok && !opts.Refresh && time.Since(cached.FetchedAt) < c.ttl() {
		return cached, nil
	}
	if c.Offline && ok {
		return cached, nil
	}
	if c.Offline && c.Mirror == nil {
		return nil, fmt.Errorf("plugin %s (declared in %s): offline, and it is not in the plugin cache %s", loc.Raw, loc.DeclaredIn, c.Dir)
	}
	if err := os.MkdirAll(filepath.Join(c.Dir, "locks"), 0o755); err != nil {
		return nil, fmt.Errorf("plugin cache: %w", err)
	}
	unlock, err := store.LockFile(ctx, filepath.Join(c.Dir, "locks", key(loc.Raw)+".lock"))
	if err != nil {
		return nil, fmt.Errorf("plugin cache: lock %s: %w", loc.Raw, err)
	}
	defer unlock()
	// Another process may have fetched it while we waited.
	if again, ok2 := c.Lookup(loc.Raw); ok2 && !opts.Refresh && time.Since(again.FetchedAt) < c.ttl() {
		return again, nil
	}
	e, data, err := c.fetch(ctx, loc)
	if err != nil {
		err = fmt.Errorf("fetch plugin %s (declared in %s): %w", loc.Raw, loc.DeclaredIn, err)
		if ok {
			c.logger().Warn("cannot refresh a cached plugin; using the cached copy", "locator", loc.Raw, "err", err)
			return cached, nil
		}
		return nil, err
	}
	sum := sha256.Sum256(data)
	e.Locator = loc.Raw
	e.Digest = "sha256:" + hex.EncodeToString(sum[:])
	e.Size = int64(len(data))
	e.FetchedAt = time.Now().UTC()
	e.Path = c.blobPath(e.Digest, e.Name)
	for _, d := range []string{filepath.Dir(e.Path), filepath.Join(c.Dir, "index")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("plugin cache: %w", err)
		}
	}
	if _, err := os.Stat(e.Path); err != nil {
		if err := store.WriteFileAtomic(e.Path, data, 0o644); err != nil {
			return nil, fmt.Errorf("plugin cache: %w", err)
		}
	}
	idx, _ := json.MarshalIndent(e, "", "  ")
	if err := store.WriteFileAtomic(c.indexPath(loc.Raw), idx, 0o644); err != nil {
		return nil, fmt.Errorf("plugin cache: %w", err)
	}
	return e, nil
}

// fetch gets the plugin a locator names: from a mirror, else (unless
// offline or mirror-only) from the locator itself.
func (c *Cache) fetch(ctx context.Context, loc config.Locator) (*Entry, []byte, error) {
	if c.Mirror != nil {
		name, data, from, err := c.Mirror(ctx, loc.Raw)
		if err == nil {
			if pluginExt(name) == "" {
				err = fmt.Errorf("%s: %q is not a plugin file name", from, name)
			} else if int64(len(data)) > MaxSize {
				err = fmt.Errorf("%s: larger than %d bytes", from, MaxSize)
			} else {
				c.logger().Info("plugin fetched from a mirror", "locator", loc.Raw, "ref", from)
				return &Entry{Source: from, Name: name}, data, nil
			}
		}
		if c.MirrorOnly || c.Offline {
			what := "mirror-only is set"
			if c.Offline {
				what = "offline"
			}
			return nil, nil, fmt.Errorf("%s, and no mirror has it: %w", what, err)
		}
		c.logger().Info("no mirror has the plugin; fetching it from its locator", "locator", loc.Raw, "err", err)
	} else if c.MirrorOnly {
		return nil, nil, errors.New("mirror-only is set, and no mirror is configured")
	}
	e, data, err := c.fetchLocator(ctx, loc)
	if err == nil && c.Fetched != nil {
		c.Fetched(ctx, loc.Raw, e.Name, data)
	}
	return e, data, err
}

// fetchLocator downloads the plugin a locator names from where it says.
func (c *Cache) fetchLocator(ctx context.Context, loc config.Locator) (*Entry, []byte, error) {
	switch loc.Kind {
	case config.LocatorHTTPS:
		if err := CheckURL(loc.Value); err != nil {
			return nil, nil, err
		}
		data, src, err := c.get(ctx, loc.Value, nil)
		if err != nil {
			return nil, nil, err
		}
		u, _ := url.Parse(loc.Value)
		return &Entry{Source: src, Name: path.Base(u.Path)}, data, nil
	case config.LocatorGitHub:
		return c.fetchGitHub(ctx, loc.Value)
	case config.LocatorRegistry:
		return c.fetchRegistry(ctx, loc.Value)
	}
	return nil, nil, fmt.Errorf("%s locators are not fetched", loc.Kind)
}

// CheckURL refuses anything but https, and plain http to a loopback host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("refusing plain http for %s: plugins are fetched over https (plain http is allowed for loopback hosts only)", raw)
	}
	return fmt.Errorf("unsupported URL scheme in %s", raw)
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// get GETs raw after url-rewrites, checking the final URL and every
// redirect, and returns the body (bounded by MaxSize) and the URL fetched.
func (c *Cache) get(ctx context.Context, raw string, headers map[string]string) ([]byte, string, error) {
	u := c.rewrite(raw)
	if err := CheckURL(u); err != nil {
		return nil, u, err
	}
	base := c.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	client := *base
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return CheckURL(req.URL.String())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, u, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, u, httpx.WrapNetwork(u, fmt.Errorf("GET %s: %w", u, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, u, fmt.Errorf("GET %s: HTTP status %s", u, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxSize+1))
	if err != nil {
		return nil, u, httpx.WrapNetwork(u, fmt.Errorf("GET %s: %w", u, err))
	}
	if len(data) > MaxSize {
		return nil, u, fmt.Errorf("GET %s: larger than %d bytes", u, MaxSize)
	}
	return data, u, nil
}

// pluginExt returns the plugin extension of a file name, or "".
func pluginExt(name string) string {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return ext
		}
	}
	return ""
}
