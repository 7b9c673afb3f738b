package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Store is a $TOTE_HOME directory. The zero value is not usable: Home must be
// an absolute path. A Store holds no state besides Home, so it may be copied
// and used from many goroutines.
type Store struct {
	// Home is the absolute path of $TOTE_HOME.
	Home string
}

// lockPollInterval is how often a waiting lock is retried.
const lockPollInterval = 50 * time.Millisecond

// ToolsDir returns $TOTE_HOME/tools.
func (s Store) ToolsDir() string { return filepath.Join(s.Home, "tools") }

// ToolDir returns $TOTE_HOME/tools/<id>. The id is not checked here; the
// methods that write check it with [CheckName].
func (s Store) ToolDir(id string) string { return filepath.Join(s.ToolsDir(), id) }

// VersionDir returns $TOTE_HOME/tools/<id>/<version>, the install directory of
// one tool version.
func (s Store) VersionDir(id, version string) string {
	return filepath.Join(s.ToolDir(id), version)
}

// ManifestPath returns $TOTE_HOME/tools/<id>/manifest.json.
func (s Store) ManifestPath(id string) string {
	return filepath.Join(s.ToolDir(id), "manifest.json")
}

// BinDir returns $TOTE_HOME/bin, where primary executables are linked.
func (s Store) BinDir() string { return filepath.Join(s.Home, "bin") }

// ShimsDir returns $TOTE_HOME/shims.
func (s Store) ShimsDir() string { return filepath.Join(s.Home, "shims") }

// PluginsDir returns $TOTE_HOME/plugins, the downloaded plugin cache.
func (s Store) PluginsDir() string { return filepath.Join(s.Home, "plugins") }

// ExtensionsDir returns $TOTE_HOME/extensions, which holds one data directory
// per extension.
func (s Store) ExtensionsDir() string { return filepath.Join(s.Home, "extensions") }

// CacheDir returns $TOTE_HOME/cache joined with parts, for example
// CacheDir("wasm"), CacheDir("versions", "node") or CacheDir("http").
func (s Store) CacheDir(parts ...string) string {
	return filepath.Join(append([]string{s.Home, "cache"}, parts...)...)
}

// TempDir returns $TOTE_HOME/temp, which holds staging directories,
// downloads and locks. It is on the same file system as tools/, so renames
// from it into place are atomic.
func (s Store) TempDir() string { return filepath.Join(s.Home, "temp") }

// LocksDir returns $TOTE_HOME/temp/locks.
func (s Store) LocksDir() string { return filepath.Join(s.TempDir(), "locks") }

// EnsureDirs creates every top-level directory of the layout that is missing.
func (s Store) EnsureDirs() error {
	if !filepath.IsAbs(s.Home) {
		return fmt.Errorf("tote home %q is not an absolute path", s.Home)
	}
	for _, d := range []string{
		s.ToolsDir(), s.BinDir(), s.ShimsDir(), s.PluginsDir(), s.ExtensionsDir(),
		s.CacheDir("wasm"), s.CacheDir("versions"), s.CacheDir("http"),
		s.TempDir(), s.LocksDir(),
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create tote directory: %w", err)
		}
	}
	return nil
}

// CheckName reports whether s can be used as one path component of the
// store: a tool id, a version or an extension id. kind ("tool id",
// "version") is used in the error. Empty names, "." and "..", path
// separators, NUL and other control characters are refused.
func CheckName(kind, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("invalid %s: empty", kind)
	case s == "." || s == "..":
		return fmt.Errorf("invalid %s %q", kind, s)
	case strings.ContainsAny(s, `/\:`):
		return fmt.Errorf("invalid %s %q: contains a path separator", kind, s)
	case len(s) > 200:
		return fmt.Errorf("invalid %s %q: longer than 200 bytes", kind, s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("invalid %s %q: contains a control character", kind, s)
		}
	}
	return nil
}

// LockTool takes the exclusive cross-process lock for installing or removing
// one tool version, waiting for it until ctx is done. Concurrent installs of
// the same version therefore run one after the other; the second should then
// find the version installed. The returned unlock releases the lock and is
// safe to call more than once.
func (s Store) LockTool(ctx context.Context, id, version string) (unlock func(), err error) {
	if err := CheckName("tool id", id); err != nil {
		return nil, err
	}
	if err := CheckName("version", version); err != nil {
		return nil, err
	}
	return s.lock(ctx, id+"@"+version)
}

// LockManifest takes the exclusive cross-process lock guarding
// tools/<id>/manifest.json, waiting for it until ctx is done.
// [Store.UpdateManifest] takes it itself.
func (s Store) LockManifest(ctx context.Context, id string) (unlock func(), err error) {
	if err := CheckName("tool id", id); err != nil {
		return nil, err
	}
	return s.lock(ctx, id+".manifest")
}

func (s Store) lock(ctx context.Context, name string) (func(), error) {
	if err := os.MkdirAll(s.LocksDir(), 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return LockFile(ctx, filepath.Join(s.LocksDir(), name+".lock"))
}

// LockFile takes the exclusive cross-process lock on the file at path
// (created if missing; its directory must exist), waiting for it until ctx
// is done: then it fails, and the caller must not go on unlocked. It is the
// one file lock of tote (the store's locks, the plugin cache). The
// returned unlock releases the lock and is safe to call more than once.
func LockFile(ctx context.Context, path string) (unlock func(), err error) {
	fl := flock.New(path)
	ok, err := fl.TryLockContext(ctx, lockPollInterval)
	if err != nil || !ok {
		_ = fl.Close()
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("wait for lock %s: %w", path, err)
	}
	return sync.OnceFunc(func() {
		_ = fl.Unlock()
		_ = fl.Close()
	}), nil
}

// TryLockFile takes the lock of [LockFile] if no one holds it, without
// waiting: ok is false when another process (or goroutine) has it. A
// missing lock file is created.
func TryLockFile(path string) (unlock func(), ok bool, err error) {
	fl := flock.New(path)
	ok, err = fl.TryLock()
	if err != nil || !ok {
		_ = fl.Close()
		return nil, false, err
	}
	return sync.OnceFunc(func() {
		_ = fl.Unlock()
		_ = fl.Close()
	}), true, nil
}
