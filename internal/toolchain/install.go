package toolchain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/store"
)

// InstallOptions tune an install.
type InstallOptions struct {
	// Force reinstalls an installed version.
	Force bool
	// Quiet hides progress.
	Quiet bool
	// Pinned tells hooks the version is being pinned too.
	Pinned bool
	// PassthroughArgs are handed to the plugin's hooks.
	PassthroughArgs []string
	// Strategy is StrategyBuild (build from source with the plugin's
	// build_instructions, proto's --build), StrategyPrebuilt (--no-build),
	// or "" for the plugin's default_install_strategy.
	Strategy string
	// Spec is what the user asked for, told to extensions.
	Spec string
	// ExpectChecksum, when set ("sha256:<hex>", from a lockfile), must be
	// the checksum of the download; anything else fails the install with a
	// checksum mismatch naming the URL, and nothing is installed. An
	// installed version must have recorded it too: "already installed" with
	// another checksum is a *launch.LockMismatchError.
	ExpectChecksum string
	// FromDir adopts an installed copy of the version (such as proto's
	// ~/.proto/tools/<id>/<version>) instead of installing it: the tree
	// is copied into place, then located and linked like any install.
	FromDir string
	// FromSource and FromChecksum are what the adopted copy was installed
	// from, when known (proto's manifest records them).
	FromSource, FromChecksum string

	// lockPath is the lockfile ExpectChecksum comes from, for messages,
	// and lockSource the upstream URL it records.
	lockPath, lockSource string
	// PinnedChecksum, when set ("sha256:<hex>" or "sha512:<hex>"), is what
	// the version file that chose this version pins for its download
	// (corepack's packageManager hash), and PinnedBy names that file. The
	// download must match it as well as the plugin's checksum.
	PinnedChecksum, PinnedBy string
}

// InstallResult says what an install did.
type InstallResult struct {
	Tool, Version string
	// Dir is the install directory.
	Dir string
	// Already is true when the version was installed before.
	Already bool
	// SourceURL and Checksum describe the download of a new install
	// (empty when Already).
	SourceURL, Checksum string
	// From is where the archive of a new install came from when it was
	// not upstream: "download cache" or a mirror's reference.
	From string
	// ShellProfile is what the plugin's sync_shell_profile asks to add to
	// the user's shell profile after a new install (nil: nothing).
	ShellProfile *ShellProfile
}

// Install resolves spec and installs that version of a tool.
func (m *Manager) Install(ctx context.Context, id, spec string, opts InstallOptions) (*InstallResult, error) {
	ver, err := m.Resolve(ctx, id, spec, ResolveOptions{Remote: opts.Force})
	if err != nil {
		return nil, err
	}
	if opts.Spec == "" {
		opts.Spec = spec
	}
	return m.InstallVersion(ctx, id, ver, opts)
}

// InstallVersion installs one resolved version, in the contract's order:
// native_install, or download_prebuilt → download → checksum → unpack; then
// locate_executables, links and post_install. The tree appears at
// tools/<id>/<version> only when complete, and a lock per tool+version makes
// concurrent installs of one version do the work once.
func (m *Manager) InstallVersion(ctx context.Context, id, ver string, opts InstallOptions) (res *InstallResult, err error) {
	// A version names the install directory (whoever chose it: a
	// plugin, a lockfile, a spec).
	if err := checkComponent(ver); err != nil {
		return nil, fmt.Errorf("install %s: version %s %w", id, quote(ver), err)
	}
	final := m.Store.VersionDir(id, ver)
	res = &InstallResult{Tool: id, Version: ver, Dir: final}
	unlock, err := m.Store.LockTool(ctx, id, ver)
	if err != nil {
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	defer unlock()
	if !opts.Force && m.isInstalled(id, ver) {
		if err := m.checkInstalledLocked(id, ver, opts.ExpectChecksum, opts.lockPath); err != nil {
			return nil, err
		}
		res.Already = true
		return res, nil
	}
	started := time.Now()
	ev := api.InstallEvent{Tool: id, Version: ver, Spec: opts.Spec, Forced: opts.Force}
	if err := m.fire(ctx, api.EventPreInstall, ev, &api.AccessResult{}); err != nil {
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return nil, err
	}
	if u := t.Info.Unstable; u.On {
		// proto warns before installing an unstable tool.
		msg := fmt.Sprintf("%s is currently unstable", t.Info.Name)
		if u.Message != "" {
			msg += ": " + plaintext.Line(u.Message, 200)
		}
		m.Logger.Warn(msg, "tool", id)
	}
	hook := api.InstallHook{Context: m.context(id, ver), Forced: opts.Force, Pinned: opts.Pinned, Quiet: opts.Quiet, PassthroughArgs: nonNil(opts.PassthroughArgs)}
	if t.Plugin.HasFunction(api.FuncPreInstall) {
		if err := t.Plugin.Call(ctx, api.FuncPreInstall, hook, nil); err != nil {
			return nil, err
		}
	}
	// inventory_options.override_dir (rust: ~/.rustup/toolchains): the
	// tool manages that directory itself (rustup installs there), so the
	// version lives at <override_dir>/<version><version_suffix>, installed
	// in place with native_install, never staged, renamed or removed by
	// tote; tote's manifest records its executables as for any install.
	managed, err := m.managedDir(t, ver)
	if err != nil {
		return nil, err
	}
	var staging string
	if managed != "" {
		if !t.Plugin.HasFunction(api.FuncNativeInstall) {
			return nil, fmt.Errorf("plugin %q: inventory_options.override_dir needs native_install (tote does not unpack into a directory the tool manages)", id)
		}
		final, staging, res.Dir = managed, managed, managed
		if err := os.MkdirAll(managed, 0o755); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
		}
	} else if staging, err = m.Store.InstallStaging(id, ver); err != nil {
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	committed := managed != ""
	defer func() {
		if !committed {
			os.RemoveAll(staging)
		}
	}()
	rec := store.InstalledVersion{InstalledAt: time.Now().UTC()}
	done := false
	if opts.FromDir != "" {
		if err := copyTree(opts.FromDir, staging); err != nil {
			return nil, fmt.Errorf("adopt %s %s from %s: %w", id, ver, opts.FromDir, err)
		}
		rec.SourceURL, rec.Checksum = opts.FromSource, opts.FromChecksum
		done = true
	} else if t.Plugin.HasFunction(api.FuncNativeInstall) {
		var out api.NativeInstallOutput
		in := api.NativeInstallInput{Context: m.context(id, ver), InstallDir: m.virtual(staging), Force: opts.Force}
		if err := t.Plugin.Call(runtime.WithWritable(ctx, staging), api.FuncNativeInstall, in, &out); err != nil {
			return nil, err
		}
		switch {
		case out.SkipInstall:
		case !out.Installed:
			msg := plaintext.Text(out.Error, 0)
			if msg == "" {
				msg = "native_install reported that nothing was installed"
			}
			return nil, fmt.Errorf("plugin %q function %s: %s", id, api.FuncNativeInstall, msg)
		default:
			done = true
			rec.Checksum = string(out.Checksum)
		}
	}
	if !done && buildsFromSource(t, opts.Strategy) {
		// proto's build-from-source flow (native_install, when the plugin
		// has one, took precedence as in proto).
		if err := m.buildFromSource(ctx, t, ver, staging, &rec, opts); err != nil {
			return nil, err
		}
	} else if !done {
		if res.From, err = m.downloadAndUnpack(ctx, t, ver, staging, managed == "", &rec, opts); err != nil {
			return nil, err
		}
	} else if err := checkExpected(opts.ExpectChecksum, rec, ""); err != nil {
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	if err := m.locate(ctx, t, ver, staging, final, &rec); err != nil {
		return nil, err
	}
	// A directory at final that the manifest does not record is not
	// installed: an install killed between the rename and the manifest
	// update left it (we hold the version's lock, so no live process is
	// mid-install). It is replaced like a forced reinstall replaces.
	replace := opts.Force || m.isOrphan(id, ver)
	if managed == "" {
		if err := store.Commit(staging, final, replace); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
		}
	} else {
		// tools/<id>/<version> still marks the version installed (the
		// store lists versions by directory); it says where the tool is.
		marker := m.Store.VersionDir(id, ver)
		if err := os.MkdirAll(marker, 0o755); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
		}
		if err := store.WriteFileAtomic(filepath.Join(marker, "MANAGED_BY_PLUGIN"), []byte(managed+"\n"), 0o644); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
		}
	}
	committed = true
	testStop("after-commit")
	if err := m.Store.UpdateManifest(ctx, id, func(man *store.Manifest) error {
		if man.InstalledVersions == nil {
			man.InstalledVersions = map[string]store.InstalledVersion{}
		}
		man.InstalledVersions[ver] = rec
		return nil
	}); err != nil {
		os.RemoveAll(final)
		return nil, fmt.Errorf("install %s %s: record it in the manifest: %w", id, ver, err)
	}
	if err := m.Link(ctx, id); err != nil {
		return nil, err
	}
	if t.Plugin.HasFunction(api.FuncPostInstall) {
		if err := t.Plugin.Call(runtime.WithWritable(ctx, final), api.FuncPostInstall, hook, nil); err != nil {
			return nil, err
		}
	}
	// proto updates the shell profile after post_install.
	if res.ShellProfile, err = m.syncShellProfile(ctx, t, ver, opts.PassthroughArgs); err != nil {
		m.Logger.Warn(fmt.Sprintf("%s %s is installed, but its shell profile setup was refused: %v", id, ver, err))
		res.ShellProfile, err = nil, nil
	}
	res.SourceURL, res.Checksum = rec.SourceURL, rec.Checksum
	ev.Dir, ev.Checksum, ev.DurationMS = final, rec.Checksum, time.Since(started).Milliseconds()
	m.fire(ctx, api.EventPostInstall, ev, nil) // observe-only: never fails
	m.syncAfter(ctx, id)
	return res, nil
}

// isOrphan reports whether tools/<id>/<ver> exists without a manifest
// entry.
func (m *Manager) isOrphan(id, ver string) bool {
	if fi, err := os.Stat(m.Store.VersionDir(id, ver)); err != nil || !fi.IsDir() {
		return false
	}
	man, err := m.Store.ReadManifest(id)
	if err != nil {
		return false // a corrupt manifest is the user's to fix, not ours to paper over
	}
	_, ok := man.InstalledVersions[ver]
	return !ok
}

func (m *Manager) isInstalled(id, ver string) bool {
	vs, err := m.Store.InstalledVersions(id)
	if err != nil {
		return false
	}
	for _, v := range vs {
		if v == ver {
			return true
		}
	}
	return false
}

// downloadAndUnpack gets the verified archive (see acquire: the download
// cache, the mirrors, upstream) and unpacks it into staging. The checksum
// the file must have is known before any byte arrives (the plugin's, the
// one in its checksum file, the lockfile's), so the file is hashed once,
// while it arrives, and a mismatch stops the install before anything is
// unpacked. A checksum the version file pins (opts.PinnedChecksum) is
// checked as well. It returns where the archive came from ("" for
// upstream).
//
// A tar archive from upstream or a mirror is unpacked while it arrives when staging is
// private (private: a staging directory, not a directory the tool
// manages) and the host unpacks: see acquireOptions.stream.
func (m *Manager) downloadAndUnpack(ctx context.Context, t *Tool, ver, staging string, private bool, rec *store.InstalledVersion, opts InstallOptions) (from string, err error) {
	id := t.ID
	dir := m.downloadDir(id, ver)
	defer func() {
		if err != nil {
			// A partial download that can be resumed is kept.
			removeDownloadDir(dir, true)
		}
	}()
	task := &install.Task{}
	defer func() { task.Done(err == nil) }()
	limits := m.Config.Settings().Unpack
	unpackOpts := install.UnpackOptions{MaxSize: limits.MaxSize, MaxEntries: limits.MaxEntries}
	a, err := m.acquire(ctx, t, ver, acquireOptions{
		installDir: staging, dir: dir, expect: opts.ExpectChecksum, lockSource: opts.lockSource, lockPath: opts.lockPath,
		pinned: opts.PinnedChecksum, pinnedBy: opts.PinnedBy, progress: !opts.Quiet, noCache: opts.Force, task: task,
		stream: private && !t.Plugin.HasFunction(api.FuncUnpackArchive), unpack: unpackOpts,
	})
	if err != nil {
		return "", err
	}
	defer os.Remove(a.file)
	// The lockfile and the manifest record where the tool comes from
	// upstream, not the mirror a url-rewrite, an extension or [settings]
	// mirrors chose.
	rec.SourceURL = a.source
	rec.Checksum = "sha256:" + a.sha256
	base := path.Base(a.name)
	task.Phase("unpacking")
	if a.unpacked {
		m.Logger.Debug("unpacked while downloading", "tool", id, "version", ver)
	} else if t.Plugin.HasFunction(api.FuncUnpackArchive) {
		in := api.UnpackArchiveInput{Context: m.context(id, ver), InputFile: m.virtual(a.file), OutputDir: m.virtual(staging)}
		if err := t.Plugin.Call(runtime.WithWritable(ctx, staging), api.FuncUnpackArchive, in, nil); err != nil {
			return "", err
		}
	} else if err := install.Unpack(ctx, a.file, staging, install.UnpackOptions{
		Prefix: a.prefix, Name: base, MaxSize: unpackOpts.MaxSize, MaxEntries: unpackOpts.MaxEntries,
	}); err != nil {
		return "", fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	m.linkBareBinary(staging, base, id)
	removeDownloadDir(dir, false)
	if a.dl != nil && a.dl.PostScript != "" {
		if err := m.runPostScript(ctx, t, ver, staging, *a.dl); err != nil {
			return "", err
		}
	}
	return a.from, nil
}

// removeDownloadDir removes a version's download directory, and its tool's
// directory when that is empty, except (keepPartial) when it holds a
// partial download the next install can resume.
func removeDownloadDir(dir string, keepPartial bool) {
	if keepPartial {
		resumable := false
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".part.json") {
				resumable = true
				return filepath.SkipAll
			}
			return nil
		})
		if resumable {
			return
		}
	}
	os.RemoveAll(dir)
	os.Remove(filepath.Dir(dir))
}

// unpackLimit is v, or def when v is unset.
func unpackLimit(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// downloadName checks a plugin's download_name: a relative, slash-separated
// path with no "." or ".." components, no backslash, colon or control
// character, at most 255 bytes; it returns it cleaned.
func downloadName(name string) (string, error) {
	switch {
	case name == "" || len(name) > 255:
		return "", fmt.Errorf("%q is empty or longer than 255 bytes", name)
	case strings.HasPrefix(name, "/"):
		return "", fmt.Errorf("%q is an absolute path", name)
	case strings.ContainsAny(name, `\:`):
		return "", fmt.Errorf("%q holds a backslash or a colon", name)
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return "", fmt.Errorf("%q holds a control character", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return "", fmt.Errorf("%q has an empty, \".\" or \"..\" component", name)
		}
	}
	return name, nil
}

// runPostScript runs download_prebuilt's post_script, a file of the
// unpacked tool, from the install directory, as proto does. It runs a
// program chosen by the plugin, so it needs the exec grant.
func (m *Manager) runPostScript(ctx context.Context, t *Tool, ver, staging string, dl api.DownloadPrebuiltOutput) error {
	id := t.ID
	rel, err := downloadName(dl.PostScript)
	if err != nil {
		return fmt.Errorf("plugin %q function %s: post_script: %w", id, api.FuncDownloadPrebuilt, err)
	}
	if !granted(t.Table, "exec") {
		return &hintErr{
			err:  fmt.Errorf("install %s %s: the plugin asks to run the post-install script %s, and exec is not granted to it", id, ver, rel),
			hint: m.execGrantHint(id),
		}
	}
	script := filepath.Join(staging, filepath.FromSlash(rel))
	fi, err := os.Stat(script)
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("install %s %s: post-install script %s is not a file in the unpacked tool", id, ver, rel)
	}
	cmd := exec.CommandContext(ctx, script, dl.PostScriptArgs...)
	cmd.Dir = staging
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install %s %s: post-install script %s: %w", id, ver, rel, err)
	}
	return nil
}

// downloadDir is where the download of one tool version is kept until it
// is unpacked (and, when interrupted, until it is resumed).
func (m *Manager) downloadDir(id, ver string) string {
	return filepath.Join(m.Store.TempDir(), "downloads", id, ver)
}

// downloader returns a Downloader with the Manager's client and the
// retries of [settings.http]; progress is drawn for the main download only.
func (m *Manager) downloader(progress bool) *install.Downloader {
	d := &install.Downloader{Client: m.HTTP}
	if progress {
		d.Progress, d.Bars, d.ReportEvery = m.Progress, m.Bars, m.ReportEvery
	}
	if r := m.Config.Settings().HTTPLimits.Retries; r != nil {
		d.Retries = *r
		if *r == 0 {
			d.Retries = -1
		}
	}
	return d
}

// checksumCheck is how a download is verified: against want while it
// arrives (sha256/sha512), or by after once it is complete (a plugin's
// verify_checksum, a minisign signature).
type checksumCheck struct {
	want    install.Checksum
	after   func(file string, got install.DownloadResult) error
	cleanup func()
}

// checksumFor finds out how the download must be verified: the plugin's
// checksum, else its checksum file (fetched first, small), else nothing
// (with a warning).
func (m *Manager) checksumFor(ctx context.Context, t *Tool, ver string, dl api.DownloadPrebuiltOutput, name, dir string) (checksumCheck, error) {
	id := t.ID
	none := checksumCheck{cleanup: func() {}}
	if dl.Checksum != "" && dl.ChecksumURL == "" {
		want, err := install.ParseChecksum(string(dl.Checksum))
		if err != nil {
			return none, fmt.Errorf("plugin %q function %s: checksum %q: %w", id, api.FuncDownloadPrebuilt, dl.Checksum, err)
		}
		if want.Algo == install.AlgoSHA256 || want.Algo == install.AlgoSHA512 {
			return checksumCheck{want: want, cleanup: func() {}}, nil
		}
		return checksumCheck{cleanup: func() {}, after: func(file string, _ install.DownloadResult) error {
			return install.Verify(file, want, "", "")
		}}, nil
	}
	if dl.ChecksumURL == "" {
		m.Logger.Warn("no checksum given by the plugin; the download was not verified", "tool", id, "version", ver, "url", dl.DownloadURL)
		return none, nil
	}
	sumURL := m.RewriteURL(dl.ChecksumURL)
	sumName := dl.ChecksumName
	if sumName == "" {
		sumName = urlBase(dl.ChecksumURL)
	}
	if checkComponent(sumName) != nil || sumName == name {
		// A name taken from the URL that cannot be a file name (such as
		// ".." from https://host/..) is replaced, as an empty one is.
		sumName = path.Base(name) + ".checksum"
	}
	sumURL, err := m.preDownload(ctx, id, ver, sumURL, sumName, "checksum")
	if err != nil {
		return none, err
	}
	sumFile := filepath.Join(dir, sumName)
	if _, err := m.downloader(false).Get(ctx, install.Request{URL: sumURL, Headers: dl.HTTPHeaders, Dest: sumFile, MaxSize: maxChecksumFile}); err != nil {
		return none, fmt.Errorf("install %s %s: checksum file: %w", id, ver, err)
	}
	c := checksumCheck{cleanup: func() { os.Remove(sumFile) }}
	switch {
	case t.Plugin.HasFunction(api.FuncVerifyChecksum):
		c.after = func(file string, got install.DownloadResult) error {
			var out api.VerifyChecksumOutput
			in := api.VerifyChecksumInput{Context: m.context(id, ver), ChecksumFile: m.virtual(sumFile), DownloadFile: m.virtual(file), DownloadChecksum: api.Checksum("sha256:" + got.SHA256)}
			if err := t.Plugin.Call(ctx, api.FuncVerifyChecksum, in, &out); err != nil {
				return err
			}
			if !out.Verified {
				return fmt.Errorf("checksum mismatch for %s: plugin %q function %s rejected the download (sha256:%s)", got.URL, id, api.FuncVerifyChecksum, got.SHA256)
			}
			return nil
		}
	case dl.ChecksumPublicKey != "":
		key := dl.ChecksumPublicKey
		c.after = func(file string, _ install.DownloadResult) error {
			return install.Verify(file, install.Checksum{Algo: install.AlgoMinisign, Value: key}, key, sumFile)
		}
	default:
		content, err := os.ReadFile(sumFile)
		if err != nil {
			c.cleanup()
			return none, err
		}
		want, err := install.FindInChecksumFile(content, name)
		if err != nil {
			c.cleanup()
			return none, fmt.Errorf("install %s %s: checksum file %s: %w", id, ver, sumURL, err)
		}
		c.want = want
	}
	return c, nil
}

// maxChecksumFile bounds a checksum or signature file.
const maxChecksumFile = 16 << 20

// preDownload fires pre-download and returns the URL to fetch (rewritten by
// an extension, or unchanged).
func (m *Manager) preDownload(ctx context.Context, id, ver, u, name, kind string) (string, error) {
	res := api.DownloadResult{URL: u}
	ev := api.DownloadEvent{Tool: id, Version: ver, URL: u, FileName: name, Kind: kind}
	if err := m.fire(ctx, api.EventPreDownload, ev, &res); err != nil {
		return "", fmt.Errorf("download %s for %s %s: %w", u, id, ver, err)
	}
	if res.URL == "" {
		return u, nil
	}
	return res.URL, nil
}

func withURL(err error, u string) error {
	var mm *install.ChecksumMismatchError
	if errors.As(err, &mm) && mm.URL == "" {
		mm.URL = u
	}
	return err
}

// locate runs locate_executables and records every executable's final path.
func (m *Manager) locate(ctx context.Context, t *Tool, ver, staging, final string, rec *store.InstalledVersion) error {
	id := t.ID
	var out api.LocateExecutablesOutput
	in := api.LocateExecutablesInput{Context: m.context(id, ver), InstallDir: m.virtual(final)}
	if err := t.Plugin.Call(ctx, api.FuncLocateExecutables, in, &out); err != nil {
		return err
	}
	out.Normalize(id)
	// rel turns a path of the plugin's (relative to the install directory,
	// or a virtual or real path inside it) into one relative to it, refusing
	// anything that leads out.
	rel := func(what, p string) (string, error) {
		if p == "" {
			return "", nil
		}
		if isVirtualAbs(p) || filepath.IsAbs(p) {
			if err := checkControl(p); err != nil {
				return "", badValue(id, api.FuncLocateExecutables, what, p, err)
			}
			r, err := m.real(id, p)
			if err != nil {
				return "", err
			}
			rp, err := filepath.Rel(final, r)
			if err != nil || !filepath.IsLocal(rp) {
				return "", badValue(id, api.FuncLocateExecutables, what, p, errors.New("is outside the install directory"))
			}
			return rp, nil
		}
		clean, err := localPath(filepath.ToSlash(p))
		if err != nil {
			return "", badValue(id, api.FuncLocateExecutables, what, p, err)
		}
		return clean, nil
	}
	// The staging tree may hold links a plugin made: look at it beneath its
	// root only, so that no link leads a stat or chmod out of it.
	root, err := os.OpenRoot(staging)
	if err != nil {
		return fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	defer root.Close()
	rec.Exes = map[string]store.Exe{}
	// check finds an executable in the unpacked tool and makes it
	// executable: always for one run directly, on update_perms otherwise.
	check := func(name, what, p string, e api.ExecutableConfig) (string, error) {
		r, err := rel(what, p)
		if err != nil {
			return "", err
		}
		fi, err := root.Stat(r)
		if err != nil {
			return "", fmt.Errorf("plugin %q function %s: executable %q at %s was not found in the unpacked tool: %w", id, api.FuncLocateExecutables, name, filepath.ToSlash(r), err)
		}
		if (e.ParentExeName == "" || e.UpdatePerms) && fi.Mode().IsRegular() && fi.Mode()&0o111 == 0 {
			root.Chmod(r, fi.Mode()|0o755)
		}
		return r, nil
	}
	names := make([]string, 0, len(out.Exes))
	for name := range out.Exes {
		names = append(names, name)
	}
	sort.Strings(names)
	var pathless []string
	for _, name := range names {
		e := out.Exes[name]
		// The name becomes bin/<name> and shims/<name>.
		if err := checkComponent(name); err != nil {
			return badValue(id, api.FuncLocateExecutables, "executable name", name, err)
		}
		envVars, err := m.shimEnvVars(id, final, e.ShimEnvVars)
		if err != nil {
			return err
		}
		x := store.Exe{
			Primary: e.Primary, NoBin: e.NoBin, NoShim: e.NoShim,
			ParentExeName: e.ParentExeName, ParentExeArgs: e.ParentExeArgs,
			ShimBeforeArgs: e.ShimBeforeArgs, ShimAfterArgs: e.ShimAfterArgs, ShimEnvVars: envVars,
		}
		if e.ExeLinkPath != "" {
			r, err := check(name, "exe_link_path", e.ExeLinkPath, e)
			if err != nil {
				return err
			}
			x.LinkPath = filepath.Join(final, r)
		}
		switch {
		case e.ExePath != "":
			r, err := check(name, "exe_path", e.ExePath, e)
			if err != nil {
				return err
			}
			x.Path = filepath.Join(final, r)
		case e.ParentExeName != "":
			// Run through its parent; the path is the executable's name.
			r, err := rel("executable name", name)
			if err != nil {
				return err
			}
			x.Path = filepath.Join(final, r)
		default:
			// No exe_path (as proto allows): the bin links exe_link_path and
			// the shim runs the tool's primary executable with the shim
			// arguments, like bunx = "bun x". Resolved once every exe is known.
			pathless = append(pathless, name)
		}
		rec.Exes[name] = x
	}
	for _, name := range pathless {
		x := rec.Exes[name]
		main := primaryOf(id, rec.Exes)
		switch {
		case main != "" && rec.Exes[main].Path != "":
			x.Path = rec.Exes[main].Path
		case x.LinkPath != "":
			x.Path = x.LinkPath
		default:
			return fmt.Errorf("plugin %q function %s: executable %q has neither exe_path nor exe_link_path, and the tool has no primary executable to run it with", id, api.FuncLocateExecutables, name)
		}
		if x.LinkPath == "" {
			// Nothing of its own to link: a shim only, as in proto.
			x.NoBin = true
		}
		rec.Exes[name] = x
	}
	for _, d := range out.ExesDirs {
		r, err := rel("exes_dirs entry", d)
		if err != nil {
			return err
		}
		rec.ExesDirs = append(rec.ExesDirs, filepath.Join(final, r))
	}
	for _, d := range out.GlobalsLookupDirs {
		if d == "" {
			return badValue(id, api.FuncLocateExecutables, "globals_lookup_dirs entry", d, errors.New("is empty"))
		}
		if err := checkControl(d); err != nil {
			return badValue(id, api.FuncLocateExecutables, "globals_lookup_dirs entry", d, err)
		}
	}
	if err := checkControl(out.GlobalsPrefix); err != nil || strings.ContainsAny(out.GlobalsPrefix, `/\`) {
		if err == nil {
			err = errors.New("holds a path separator")
		}
		return badValue(id, api.FuncLocateExecutables, "globals_prefix", out.GlobalsPrefix, err)
	}
	rec.GlobalsLookupDirs = out.GlobalsLookupDirs
	rec.GlobalsPrefix = out.GlobalsPrefix
	if len(rec.Exes) == 0 {
		return fmt.Errorf("plugin %q function %s: located no executables for %s %s", id, api.FuncLocateExecutables, id, ver)
	}
	return nil
}

// shimEnvVars translates the values of shim_env_vars that are virtual paths
// inside the version's install directory (such as JAVA_HOME or RUSTUP_HOME
// pointing into it) to real paths; a plugin knows only virtual paths, and a
// run needs real ones. Other values are kept as they are.
func (m *Manager) shimEnvVars(id, final string, vars map[string]string) (map[string]string, error) {
	if len(vars) == 0 {
		return vars, nil
	}
	dir := m.virtual(final).Path
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		out[k] = v
		if v != dir && !strings.HasPrefix(v, dir+"/") {
			continue
		}
		r, err := m.real(id, v)
		if err != nil {
			return nil, err
		}
		if rp, err := filepath.Rel(final, r); err != nil || strings.HasPrefix(rp, "..") {
			return nil, fmt.Errorf("plugin %q function %s: shim_env_vars %s=%q is outside the install directory", id, api.FuncLocateExecutables, k, v)
		}
		out[k] = r
	}
	return out, nil
}

// primaryOf names the primary executable: the one marked primary, else the
// one named like the tool.
func primaryOf(id string, exes map[string]store.Exe) string {
	for name, e := range exes {
		if e.Primary && e.Path != "" {
			return name
		}
	}
	if _, ok := exes[id]; ok {
		return id
	}
	return ""
}

func urlBase(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return path.Base(raw)
	}
	return path.Base(u.Path)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// IsInstalled reports whether a version of a tool is installed.
func (m *Manager) IsInstalled(id, ver string) bool { return m.isInstalled(id, ver) }

// InstalledTools lists the tools with a manifest in the store.
func (m *Manager) InstalledTools() ([]string, error) {
	entries, err := os.ReadDir(m.Store.ToolsDir())
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(m.Store.ManifestPath(e.Name())); err == nil {
				ids = append(ids, e.Name())
			}
		}
	}
	return ids, nil
}

// copyTree copies the regular files, directories and symbolic links of src
// into dst (which exists), keeping modes; anything else is refused.
// Symbolic links are copied as they are: locate_executables and the
// unpacker's rules decide what is used.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm())
		}
		return fmt.Errorf("%s is not a regular file, directory or symbolic link", p)
	})
}

// managedDir is where a version lives when the plugin's register_tool
// gives inventory_options.override_dir (a virtual path inside the user's
// home or tote's own directories), "" otherwise.
func (m *Manager) managedDir(t *Tool, ver string) (string, error) {
	inv := t.Info.InventoryOptions
	if inv.OverrideDir == nil || inv.OverrideDir.Path == "" {
		return "", nil
	}
	base, err := m.real(t.ID, inv.OverrideDir.Path)
	if err != nil {
		return "", fmt.Errorf("plugin %q function %s: inventory_options.override_dir: %w", t.ID, api.FuncRegisterTool, err)
	}
	name := ver + inv.VersionSuffix
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", fmt.Errorf("plugin %q function %s: inventory_options.version_suffix %q makes an invalid directory name", t.ID, api.FuncRegisterTool, inv.VersionSuffix)
	}
	return filepath.Join(base, name), nil
}
