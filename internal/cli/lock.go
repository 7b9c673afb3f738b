package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/toolchain"
)

// openLock returns the project's lockfile when it exists or update is set
// (then it is created), else nil: without a lockfile, installs resolve as
// usual and nothing is recorded.
func openLock(m *toolchain.Manager, update bool) (*lockfile.File, error) {
	path := lockfile.Locate(m.Cwd, config.NearestFile(m.Cwd, m.UserHome))
	lk, err := lockfile.Read(path)
	if err != nil {
		return nil, err
	}
	if !lk.Exists() && !update {
		return nil, nil
	}
	return lk, nil
}

// lockError adds the lockfile hint to a checksum mismatch.
type lockError struct {
	err  error
	path string
}

func (e *lockError) Error() string { return e.err.Error() + " (the checksum locked in " + e.path + ")" }
func (e *lockError) Unwrap() error { return e.err }
func (e *lockError) Hint() string {
	return "the download differs from the one recorded when the lockfile was written; if the change is expected, run `tote install --update-lock`"
}

func withLockHint(err error, lk *lockfile.File) error {
	var mm *install.ChecksumMismatchError
	if errors.As(err, &mm) {
		return &lockError{err: err, path: lk.Path()}
	}
	return err
}

// checkLockedPlugin fails when the plugin of id no longer has the digest
// the lockfile records for the same locator.
func checkLockedPlugin(ctx context.Context, m *toolchain.Manager, lk *lockfile.File, id string) error {
	old, ok := lk.Plugin(id)
	if !ok {
		return nil
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return err
	}
	loc, digest, ok := m.PluginLocked(t)
	if ok && loc == old.Locator && digest != old.Digest {
		return &lockfile.PluginChangedError{Tool: id, Locator: loc, Expected: old.Digest, Actual: digest, Lockfile: lk.Path()}
	}
	return nil
}

// installLocked installs id at spec: the locked version and checksum when
// the lockfile has the spec (and update is off), else a fresh resolution.
func installLocked(ctx context.Context, m *toolchain.Manager, lk *lockfile.File, id, spec string, opts toolchain.InstallOptions, update bool) (*toolchain.InstallResult, error) {
	if lk == nil {
		return m.Install(ctx, id, spec, opts)
	}
	if update {
		// Refreshing the lock resolves against the remote list afresh,
		// not against what happens to be installed.
		ver, err := m.Resolve(ctx, id, spec, toolchain.ResolveOptions{Remote: true, Refresh: true})
		if err != nil {
			return nil, err
		}
		if opts.Spec == "" {
			opts.Spec = spec
		}
		return m.InstallVersion(ctx, id, ver, opts)
	}
	if err := checkLockedPlugin(ctx, m, lk, id); err != nil {
		return nil, err
	}
	rec, ok := lk.Tool(id, spec)
	if !ok {
		return m.Install(ctx, id, spec, opts)
	}
	opts.ExpectChecksum = rec.Checksum
	if opts.Spec == "" {
		opts.Spec = spec
	}
	res, err := m.InstallVersion(ctx, id, rec.Version, opts)
	if err != nil {
		return nil, withLockHint(err, lk)
	}
	if res.Already && rec.Checksum != "" {
		if r, ok := m.InstalledRecord(id, rec.Version); ok && r.Checksum != "" && r.Checksum != rec.Checksum {
			return nil, withLockHint(fmt.Errorf("installed %s %s: %w", id, rec.Version,
				&install.ChecksumMismatchError{URL: r.SourceURL, Algo: "sha256", Expected: trimAlgo(rec.Checksum), Actual: trimAlgo(r.Checksum)}), lk)
		}
	}
	return res, nil
}

func trimAlgo(c string) string {
	if i := len("sha256:"); len(c) > i && c[:i] == "sha256:" {
		return c[i:]
	}
	return c
}

// recordLock records an install in the lockfile (in memory).
func recordLock(ctx context.Context, m *toolchain.Manager, lk *lockfile.File, id, spec string, res *toolchain.InstallResult) error {
	entry := lockfile.Tool{Version: res.Version, Source: res.SourceURL, Checksum: res.Checksum}
	if r, ok := m.InstalledRecord(id, res.Version); ok && res.Already {
		entry.Source, entry.Checksum = r.SourceURL, r.Checksum
	}
	lk.SetTool(id, spec, entry)
	t, err := m.Tool(ctx, id)
	if err != nil {
		return err
	}
	if loc, digest, ok := m.PluginLocked(t); ok {
		lk.SetPlugin(id, lockfile.Plugin{Locator: loc, Digest: digest})
	}
	return nil
}
