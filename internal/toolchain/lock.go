package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/store"
)

// The lockfile policy. A project's .prototools.lock, once present, is law
// for every install, run and shim:
//
//   - a spec it records installs (and runs) the locked version, whose
//     download must have the locked checksum, and whose plugin must have
//     the locked digest;
//   - an installed version whose recorded checksum differs from the
//     locked one is refused ("already installed" is not a pass), by
//     install, `tote run` and shims alike;
//   - existing entries change only with --update-lock; a plain install
//     adds the entries of specs the project pins that it does not record
//     yet, and nothing else (never an ad-hoc spec, a global pin or a
//     TOTE_<TOOL>_VERSION);
//   - entries record the upstream URL (before url-rewrites and
//     extensions), never a mirror's address.

// LockError adds the lockfile to a checksum mismatch, with a hint.
type LockError struct {
	// Err is the mismatch.
	Err error
	// Path is the lockfile.
	Path string
}

// Error returns the message.
func (e *LockError) Error() string { return e.Err.Error() + " (the checksum locked in " + e.Path + ")" }

// Unwrap returns the mismatch.
func (e *LockError) Unwrap() error { return e.Err }

// Hint says how to accept a change.
func (e *LockError) Hint() string {
	return "the download differs from the one recorded when the lockfile was written; if the change is expected, run `tote install --update-lock`"
}

// withLockHint adds the lockfile hint to a download's checksum mismatch.
func withLockHint(err error, path string) error {
	var mm *install.ChecksumMismatchError
	var le *LockError
	if errors.As(err, &mm) && !errors.As(err, &le) {
		return &LockError{Err: err, Path: path}
	}
	return err
}

// projectLock is the lockfile of the Manager's working directory, read
// once.
type projectLock struct {
	once sync.Once
	mu   sync.Mutex // guards file's maps while installs record entries
	file *lockfile.File
	err  error
}

// Lockfile returns the project's lockfile (next to the nearest
// .prototools), read once per Manager; the File is empty, with Exists
// false, when there is none.
func (m *Manager) Lockfile() (*lockfile.File, error) {
	m.lock.once.Do(func() {
		m.lock.file, m.lock.err = lockfile.Read(fastpath.LockPath(m.Config, m.Cwd, m.Store.Home))
	})
	return m.lock.file, m.lock.err
}

// lockedFor returns the entry the project's lockfile has for id at spec.
func (m *Manager) lockedFor(id, spec string) (*launch.Locked, error) {
	lk, err := m.Lockfile()
	if err != nil || !lk.Exists() {
		return nil, err
	}
	m.lock.mu.Lock()
	defer m.lock.mu.Unlock()
	if t, ok := lk.Tool(id, spec); ok {
		return &launch.Locked{Tool: t, Lockfile: lk.Path()}, nil
	}
	return nil, nil
}

// checkLockedPlugin fails when the plugin of id no longer has the digest
// the lockfile records for the same locator.
func (m *Manager) checkLockedPlugin(ctx context.Context, lk *lockfile.File, id string) error {
	m.lock.mu.Lock()
	old, ok := lk.Plugin(id)
	m.lock.mu.Unlock()
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

// checkLockedPluginFor checks the plugin digest before an auto-install of
// a locked version (a run of an installed version loads no plugin).
func (m *Manager) checkLockedPluginFor(ctx context.Context, id string, l *launch.Locked) error {
	if m.isInstalled(id, l.Version) {
		return nil
	}
	lk, err := m.Lockfile()
	if err != nil {
		return err
	}
	return m.checkLockedPlugin(ctx, lk, id)
}

// checkInstalledLocked refuses an installed version whose recorded
// checksum is not want.
func (m *Manager) checkInstalledLocked(id, ver, want, lockPath string) error {
	if want == "" {
		return nil
	}
	rec, _ := m.InstalledRecord(id, ver)
	if strings.EqualFold(rec.Checksum, want) {
		return nil
	}
	return &launch.LockMismatchError{Tool: id, Version: ver, Locked: want, Installed: rec.Checksum, Source: rec.SourceURL, Lockfile: lockPath}
}

// recordLock records an install in the lockfile (in memory): the version,
// the upstream URL and checksum of its download (of the install record when
// it was installed before), and the tool's plugin when it comes from a
// locator.
func (m *Manager) recordLock(ctx context.Context, lk *lockfile.File, id, spec string, res *InstallResult) error {
	entry := lockfile.Tool{Version: res.Version, Source: res.SourceURL, Checksum: res.Checksum}
	if r, ok := m.InstalledRecord(id, res.Version); ok && res.Already {
		entry.Source, entry.Checksum = r.SourceURL, r.Checksum
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return err
	}
	m.lock.mu.Lock()
	defer m.lock.mu.Unlock()
	lk.SetTool(id, spec, entry)
	if loc, digest, ok := m.PluginLocked(t); ok {
		lk.SetPlugin(id, lockfile.Plugin{Locator: loc, Digest: digest})
	}
	return nil
}

// pinnedByProject reports whether spec is what the lockfile's project pins
// for id: the spec detected here comes from a .prototools pin, a
// .tool-versions entry or a version file in the lockfile's directory or
// below it.
func (m *Manager) pinnedByProject(det launch.Detection, spec, lockPath string) bool {
	if det.Spec != spec {
		return false
	}
	switch det.Kind {
	case launch.FromPin, launch.FromToolVersions, launch.FromVersionFile:
	default:
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(lockPath), det.Source)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// installSpec installs id at spec under the lockfile policy; det is the
// detection the spec came from (for "pinned by the project"), or zero.
// pinLocal says that the spec is being pinned in the working directory's
// .prototools. It returns whether the lockfile changed.
func (m *Manager) installSpec(ctx context.Context, id, spec string, det launch.Detection, opts InstallOptions, update, pinLocal bool) (*InstallResult, bool, error) {
	lk, err := m.Lockfile()
	if err != nil {
		return nil, false, err
	}
	if opts.Spec == "" {
		opts.Spec = spec
	}
	if !lk.Exists() && !update && !m.lockfileSetting() {
		res, err := m.Install(ctx, id, spec, opts)
		return res, false, err
	}
	var res *InstallResult
	if update {
		// Refreshing the lock resolves against the remote list afresh,
		// not against what happens to be installed.
		ver, err := m.Resolve(ctx, id, spec, ResolveOptions{Remote: true, Refresh: true})
		if err != nil {
			return nil, false, err
		}
		// The file records only bytes seen coming from upstream: an
		// installed copy (which another project, through its mirror, may
		// have installed) is kept only when the file already locks it with
		// the checksum it recorded; otherwise it is downloaded again and
		// checked against the plugin's checksum.
		if !opts.Force && m.isInstalled(id, ver) {
			old, err := m.lockedFor(id, spec)
			if err != nil {
				return nil, false, err
			}
			rec, _ := m.InstalledRecord(id, ver)
			if old == nil || old.Version != ver || old.Checksum == "" || !strings.EqualFold(old.Checksum, rec.Checksum) {
				opts.Force = true
			}
		}
		if res, err = m.InstallVersion(ctx, id, ver, opts); err != nil {
			return nil, false, err
		}
	} else {
		if err := m.checkLockedPlugin(ctx, lk, id); err != nil {
			return nil, false, err
		}
		locked, err := m.lockedFor(id, spec)
		if err != nil {
			return nil, false, err
		}
		if locked != nil {
			opts.ExpectChecksum, opts.lockPath, opts.lockSource = locked.Checksum, locked.Lockfile, locked.Source
			res, err := m.InstallVersion(ctx, id, locked.Version, opts)
			if err != nil {
				return nil, false, withLockHint(err, lk.Path())
			}
			return res, false, nil // an existing entry never changes
		}
		if res, err = m.Install(ctx, id, spec, opts); err != nil {
			return nil, false, err
		}
	}
	record := m.pinnedByProject(det, spec, lk.Path()) ||
		pinLocal && filepath.Dir(lk.Path()) == m.Cwd
	if !record {
		return res, false, nil
	}
	if err := m.recordLock(ctx, lk, id, spec, res); err != nil {
		return nil, false, err
	}
	return res, true, nil
}

// SaveLockfile writes the project's lockfile when it exists or create is
// set; it is left alone when its bytes would not change.
func (m *Manager) SaveLockfile(create bool) error {
	lk, err := m.Lockfile()
	if err != nil {
		return err
	}
	if !lk.Exists() && !create {
		return nil
	}
	m.lock.mu.Lock()
	defer m.lock.mu.Unlock()
	if err := lk.Write(); err != nil {
		return fmt.Errorf("write %s: %w", lk.Path(), err)
	}
	return nil
}

// checkExpected compares an install's checksum with the one a lockfile
// recorded; a difference is a *install.ChecksumMismatchError naming the URL
// fetched (fetched, else the record's source).
func checkExpected(want string, rec store.InstalledVersion, fetched string) error {
	if want == "" || want == rec.Checksum {
		return nil
	}
	wantAlgo, wantHex, _ := strings.Cut(want, ":")
	gotAlgo, gotHex, _ := strings.Cut(rec.Checksum, ":")
	if gotAlgo == "" {
		gotAlgo, gotHex = wantAlgo, "(none)"
	}
	if wantAlgo != gotAlgo {
		gotHex = rec.Checksum
	}
	if fetched == "" {
		fetched = rec.SourceURL
	}
	return &install.ChecksumMismatchError{URL: fetched, Algo: wantAlgo, Expected: wantHex, Actual: gotHex}
}

// InstalledRecord returns what the manifest says about an installed version
// (its source URL and checksum among others).
func (m *Manager) InstalledRecord(id, ver string) (store.InstalledVersion, bool) {
	man, err := m.Store.ReadManifest(id)
	if err != nil || man == nil {
		return store.InstalledVersion{}, false
	}
	rec, ok := man.InstalledVersions[ver]
	return rec, ok
}

// PluginLocked is the locator and digest of a tool's plugin, for the
// lockfile; ok is false for tools served by a built-in.
func (m *Manager) PluginLocked(t *Tool) (locator, digest string, ok bool) {
	loc, declared := m.Config.PluginLocator(t.ID)
	if !declared || t.Meta == nil {
		return "", "", false
	}
	return loc.Raw, t.Meta.Digest, true
}

// linkBareBinary gives a download that was not an archive (a bare
// executable such as jq-linux-amd64, unpacked as itself) the tool's name
// too, as proto does: staging/<id> (plus .exe on Windows) becomes a hard
// link to it, so locate_executables may name either.
func (m *Manager) linkBareBinary(staging, name, id string) {
	entries, err := os.ReadDir(staging)
	if err != nil || len(entries) != 1 || entries[0].Name() != name || !entries[0].Type().IsRegular() {
		return
	}
	exe := id
	if m.HostEnv().OS == api.OSWindows {
		exe += ".exe"
	}
	if exe == name {
		return
	}
	if err := os.Link(filepath.Join(staging, name), filepath.Join(staging, exe)); err != nil {
		m.Logger.Debug("cannot link a bare binary under the tool's name", "tool", id, "file", name, "err", err)
	}
}

// lockfileSetting is proto's settings.lockfile = true: installs record
// into the lockfile, which is created if needed.
func (m *Manager) lockfileSetting() bool {
	lf := m.Config.Settings().Lockfile
	return lf != nil && *lf
}
