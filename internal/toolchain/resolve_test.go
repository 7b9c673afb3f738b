package toolchain

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/version"
)

// TestCachedVersionsSkipPlugin: a fresh version list cached for the
// configured plugin answers `tote versions` and resolution without loading
// the plugin (no register_tool, no load_versions), while an absent, stale
// or other plugin's list loads it as before.
func TestCachedVersionsSkipPlugin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "1.2.0", "2.0.0"}})
	ctx := context.Background()
	loads := func() int64 { return e.callCount("alpha", "register_tool") }
	lists := func() int64 { return e.callCount("alpha", "load_versions") }

	// Nothing cached: the plugin is loaded and asked.
	m := e.manager()
	if _, ok := m.CachedVersions(ctx, "alpha"); ok {
		t.Fatal("CachedVersions answered with nothing cached")
	}
	if v, err := m.Resolve(ctx, "alpha", "1", ResolveOptions{}); err != nil || v != "1.2.0" {
		t.Fatalf("Resolve(1) = %q, %v; want 1.2.0", v, err)
	}
	if loads() != 1 || lists() != 1 {
		t.Fatalf("first resolve: %d loads, %d lists; want 1, 1", loads(), lists())
	}

	// A new process: the cache answers, the plugin stays unloaded.
	m = e.manager()
	list, ok := m.CachedVersions(ctx, "alpha")
	if !ok || len(list.Versions) != 3 || list.Latest != "2.0.0" {
		t.Fatalf("CachedVersions = %+v, %v; want the three versions", list, ok)
	}
	for spec, want := range map[string]string{"1": "1.2.0", "latest": "2.0.0", "^1.0": "1.2.0", "1.0.0": "1.0.0"} {
		if v, err := m.Resolve(ctx, "alpha", spec, ResolveOptions{}); err != nil || v != want {
			t.Errorf("cached Resolve(%s) = %q, %v; want %s", spec, v, err, want)
		}
	}
	if _, err := m.Resolve(ctx, "alpha", "3", ResolveOptions{}); err == nil {
		t.Error("cached Resolve(3) found a version that is not published")
	}
	if loads() != 1 || lists() != 1 {
		t.Fatalf("cached answers loaded the plugin: %d loads, %d lists; want 1, 1", loads(), lists())
	}
	m.toolsMu.Lock()
	n := len(m.tools)
	m.toolsMu.Unlock()
	if n != 0 {
		t.Fatalf("%d plugins loaded by cached answers", n)
	}

	// --refresh and Remote ask the plugin.
	if _, err := m.Resolve(ctx, "alpha", "1", ResolveOptions{Refresh: true}); err != nil {
		t.Fatal(err)
	}
	if loads() != 2 || lists() != 2 {
		t.Fatalf("refresh: %d loads, %d lists; want 2, 2", loads(), lists())
	}

	cache := version.Cache{Dir: m.Store.CacheDir("versions")}
	// A stale list loads the plugin.
	stale, _, err := cache.Load("alpha")
	if err != nil || stale == nil {
		t.Fatal(err)
	}
	stale.FetchedAt = time.Now().Add(-13 * time.Hour)
	if err := cache.Store("alpha", *stale); err != nil {
		t.Fatal(err)
	}
	m = e.manager()
	if _, ok := m.CachedVersions(ctx, "alpha"); ok {
		t.Error("CachedVersions answered from a stale list")
	}
	if v, err := m.Resolve(ctx, "alpha", "1", ResolveOptions{}); err != nil || v != "1.2.0" {
		t.Fatalf("stale Resolve(1) = %q, %v", v, err)
	}
	if loads() != 3 || lists() != 3 {
		t.Fatalf("stale list: %d loads, %d lists; want 3, 3", loads(), lists())
	}

	// A list cached for another plugin (the metadata names another digest)
	// loads the plugin.
	meta, err := launch.ReadMeta(m.Store, "alpha")
	if err != nil || meta == nil {
		t.Fatal(meta, err)
	}
	meta.Digest = "sha256:0000"
	if err := launch.WriteMeta(m.Store, meta); err != nil {
		t.Fatal(err)
	}
	m = e.manager()
	if _, ok := m.CachedVersions(ctx, "alpha"); ok {
		t.Error("CachedVersions answered for a replaced plugin")
	}
	if _, err := m.Resolve(ctx, "alpha", "1", ResolveOptions{}); err != nil {
		t.Fatal(err)
	}
	if loads() != 4 {
		t.Fatalf("replaced plugin: %d loads; want 4", loads())
	}
	lists0 := lists() // Versions itself keeps a fresh list across plugin changes

	// An absent list loads the plugin.
	if err := os.RemoveAll(m.Store.CacheDir("versions")); err != nil {
		t.Fatal(err)
	}
	m = e.manager()
	if _, ok := m.CachedVersions(ctx, "alpha"); ok {
		t.Error("CachedVersions answered with the cache removed")
	}
	if _, err := m.Resolve(ctx, "alpha", "1", ResolveOptions{}); err != nil {
		t.Fatal(err)
	}
	if loads() != 5 || lists() != lists0+1 {
		t.Fatalf("absent list: %d loads, %d lists; want 5, %d", loads(), lists(), lists0+1)
	}
}
