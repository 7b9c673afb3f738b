package toolchain

import (
	"context"
	"fmt"
	"os"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/dlcache"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/plugincache"
)

// ForPlatform returns a Manager like m whose plugins are told they run on
// env: its download_prebuilt answers for that platform (for `tote mirror
// export --platform`). Close it when done.
func (m *Manager) ForPlatform(env api.HostEnvironment) *Manager {
	p := New(Options{
		Config: m.Config, Store: m.Store, Cwd: m.Cwd, UserHome: m.UserHome, Env: env,
		HTTP: m.HTTP, Logger: m.Logger, Builtins: m.Builtins, Version: m.Version,
		Runtime: m.RuntimeConfig, ShimBin: m.ShimBin, Events: m.Events, LsRemote: m.LsRemote,
	})
	p.RegistryHosts = m.RegistryHosts
	p.otherPlatform = true
	return p
}

// Platform is the platform triple of the Manager's host (see
// ocimirror.Platform).
func (m *Manager) Platform() string { return ocimirror.Platform(m.HostEnv()) }

// Archive is a verified tool archive outside any install.
type Archive struct {
	// File describes it.
	File ocimirror.ToolFile
	// Path is the file, to read only: a working copy that stays until
	// Cleanup, or the download cache's own.
	Path string
	// From is where it came from ("" upstream, "download cache", a mirror).
	From string

	dir string
}

// Cleanup removes the archive's working files (the download cache keeps
// its own copy).
func (a *Archive) Cleanup() {
	if a.dir != "" {
		os.RemoveAll(a.dir)
	}
}

// ArchiveFor gets the verified archive of tool id at version ver for the
// Manager's platform without installing it: from the download cache, the
// mirrors or upstream, verified against the plugin's checksum and, when
// locked is not nil, against the lockfile (its checksum applies when its
// source is this platform's upstream file, or when it is the Manager's
// own platform). The archive is kept in the download cache.
func (m *Manager) ArchiveFor(ctx context.Context, id, ver string, locked *lockfile.Tool, lockPath string) (*Archive, error) {
	t, err := m.Tool(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Plugin.HasFunction(api.FuncNativeInstall) {
		return nil, fmt.Errorf("%s installs itself (native_install): it has no archive to mirror", id)
	}
	if locked == nil && !m.otherPlatform {
		// Without a lockfile, an archive of this platform in the download
		// cache was verified when it was kept (as `tote mirror push` with
		// no tool pushes them all): it needs no upstream metadata, so a
		// machine that has lost upstream can still push what it cached.
		if e, ok := m.downloadCache().Get(id, ver, m.Platform()); ok {
			if err := dlcache.Verify(e); err == nil {
				return &Archive{File: e.ToolFile, Path: e.Path, From: "download cache"}, nil
			}
		}
	}
	work, err := os.MkdirTemp(m.Store.TempDir(), "mirror-"+id+"-")
	if err != nil {
		if err := os.MkdirAll(m.Store.TempDir(), 0o755); err != nil {
			return nil, err
		}
		if work, err = os.MkdirTemp(m.Store.TempDir(), "mirror-"+id+"-"); err != nil {
			return nil, err
		}
	}
	o := acquireOptions{installDir: work + "/install", dir: work + "/download", lockPath: lockPath}
	own := !m.otherPlatform
	if locked != nil && own {
		o.expect, o.lockSource = locked.Checksum, locked.Source
	}
	if err := os.MkdirAll(o.installDir, 0o755); err != nil {
		os.RemoveAll(work)
		return nil, err
	}
	a, err := m.acquire(ctx, t, ver, o)
	if err != nil {
		os.RemoveAll(work)
		return nil, err
	}
	f := a.toolFile(id, ver, m.Platform())
	if locked != nil && !own && locked.Source != "" && f.Source == locked.Source {
		if err := checkExpectedSHA(locked.Checksum, f.SHA256, a.from+a.source); err != nil {
			os.RemoveAll(work)
			return nil, withLockHint(err, lockPath)
		}
	}
	return &Archive{File: f, Path: a.file, From: a.from, dir: work}, nil
}

// LockedPlugin returns the file of a plugin a lockfile names (from the
// plugin cache, a mirror or its locator), checked against the locked
// digest.
func (m *Manager) LockedPlugin(ctx context.Context, id string, p lockfile.Plugin, lockPath string) (name string, data []byte, err error) {
	loc, ok := m.Config.PluginLocator(id)
	if !ok || loc.Raw != p.Locator {
		return "", nil, fmt.Errorf("%s locks the plugin of %s at %s, and the configuration declares %q: run tote install --update-lock", lockPath, id, p.Locator, loc.Raw)
	}
	if !plugincache.Remote(loc.Kind) {
		return "", nil, nil // a file:// or built-in plugin travels with the project or tote
	}
	e, err := m.PluginCache().Get(ctx, loc, plugincache.Options{})
	if err != nil {
		return "", nil, err
	}
	if e.Digest != p.Digest {
		return "", nil, &lockfile.PluginChangedError{Tool: id, Locator: p.Locator, Expected: p.Digest, Actual: e.Digest, Lockfile: lockPath}
	}
	data, err = os.ReadFile(e.Path)
	if err != nil {
		return "", nil, err
	}
	if digestOf(data) != p.Digest {
		return "", nil, fmt.Errorf("plugin cache entry %s does not have its digest %s", e.Path, p.Digest)
	}
	return e.Name, data, nil
}
