package toolchain

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/dlcache"
	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/plugincache"
	"github.com/tote-dev/tote/internal/store"
)

// Where an archive comes from, in order (see acquire):
//
//  1. When the lockfile names the download's sha256: the download cache,
//     then each mirror, matched on that digest, without asking the plugin
//     (its download_prebuilt may need upstream metadata, such as Go's
//     release index: with a lockfile and a mirror an install needs no
//     upstream at all).
//  2. Otherwise, or on a miss: download_prebuilt, then the checksum the
//     plugin gives (its checksum, or its checksum file), then the
//     download cache, each mirror, and upstream (unless mirror-only).
//
// Every source is verified exactly as an upstream download is: against
// the plugin's checksum (in the second case), the lockfile's, and the one
// a version file pins. A miss, an unreachable mirror or a refused file
// (tampered, another checksum) falls through to the next source with a
// log line.

// archive is a verified tool archive, ready to unpack.
type archive struct {
	// file is the archive, in the download directory, under its name.
	file string
	// name is the download name (relative, slash-separated).
	name string
	// prefix is the archive_prefix.
	prefix string
	// source is the upstream URL, for the manifest and the lockfile.
	source string
	// sha256 is the file's digest (hex).
	sha256 string
	// size is its size.
	size int64
	// dl is download_prebuilt's answer; nil when it was not asked (the
	// lockfile named the file and a cache or mirror had it).
	dl *api.DownloadPrebuiltOutput
	// from is "" for upstream, else "download cache" or a mirror reference.
	from string
	// unpacked says the archive was unpacked into the install directory
	// while it downloaded (acquireOptions.stream), and verified since.
	unpacked bool
}

// acquireOptions say what acquire must check and where it works.
type acquireOptions struct {
	// installDir is the install_dir told to download_prebuilt.
	installDir string
	// dir is the download directory (removed by the caller).
	dir string
	// expect is the lockfile's checksum ("" when none), lockSource its
	// source and lockPath the file, for messages.
	expect, lockSource, lockPath string
	// pinned is the checksum a version file pins, pinnedBy that file.
	pinned, pinnedBy string
	// progress draws a progress bar for an upstream download.
	progress bool
	// noCache skips the download cache (a forced reinstall fetches the
	// archive again); what is fetched is still cached.
	noCache bool
	// task shows the install's progress on the download's bar (nil: none).
	task *install.Task
	// stream unpacks a tar archive from upstream or a mirror into
	// installDir while it arrives (see install.StreamUnpack); installDir
	// must be a private staging directory, committed only once the
	// archive is verified.
	stream bool
	// unpack are the options of that unpack (Name is set by acquire).
	unpack install.UnpackOptions
}

// acquire gets the verified archive of tool t at ver for the Manager's
// platform, from the first source that has it (see the order above).
func (m *Manager) acquire(ctx context.Context, t *Tool, ver string, o acquireOptions) (*archive, error) {
	id := t.ID
	plat := ocimirror.Platform(m.HostEnv())
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return nil, err
	}
	locked := ""
	if c, err := install.ParseChecksum(o.expect); err == nil && c.Algo == install.AlgoSHA256 {
		locked = c.Value
	}
	var misses []string
	lockedPass := false // the mirrors were asked for the locked digest
	if locked != "" {
		if !o.noCache {
			if a := m.lockedFromCache(id, ver, plat, locked, o); a != nil {
				return a, nil
			}
		}
		a, tried, needPlugin, err := m.lockedFromMirrors(ctx, id, ver, plat, locked, o)
		if a != nil || err != nil {
			return a, err
		}
		misses, lockedPass = tried, !needPlugin
		if m.Config.Settings().MirrorOnlyOn() && !needPlugin {
			// Nothing upstream could help: not even the plugin's
			// metadata requests are made.
			return nil, m.mirrorOnlyErr(id, ver, plat, misses)
		}
	}

	var dl api.DownloadPrebuiltOutput
	in := api.DownloadPrebuiltInput{Context: m.context(id, ver), InstallDir: m.virtual(o.installDir)}
	if err := t.Plugin.Call(runtime.WithWritable(ctx, o.installDir), api.FuncDownloadPrebuilt, in, &dl); err != nil {
		return nil, err
	}
	if dl.DownloadURL == "" {
		return nil, fmt.Errorf("plugin %q function %s: returned no download_url for %s", id, api.FuncDownloadPrebuilt, ver)
	}
	name := dl.DownloadName
	if name == "" {
		name = urlBase(dl.DownloadURL)
	}
	// A download_name may hold directories (proto creates them): it must
	// stay a relative path inside the download directory.
	name, err := downloadName(name)
	if err != nil {
		return nil, fmt.Errorf("plugin %q function %s: download_name for %s: %w", id, api.FuncDownloadPrebuilt, dl.DownloadURL, err)
	}
	if dl.ArchivePrefix != "" {
		if _, err := localPath(dl.ArchivePrefix); err != nil {
			return nil, badValue(id, api.FuncDownloadPrebuilt, "archive_prefix", dl.ArchivePrefix, err)
		}
	}
	if dl.ChecksumName != "" {
		if err := checkComponent(dl.ChecksumName); err != nil {
			return nil, badValue(id, api.FuncDownloadPrebuilt, "checksum_name", dl.ChecksumName, err)
		}
	}
	base := path.Base(name)
	mirrors := m.mirrors()
	offline := m.Offline()
	if lockedPass {
		// Each mirror was asked already: a miss then is a miss now, and
		// any other file would not have the locked checksum.
		mirrors = nil
	}
	if offline && len(m.mirrors()) == 0 {
		return nil, &hintErr{
			err:  fmt.Errorf("install %s %s: offline, and it is not installed", id, ver),
			hint: "unset TOTE_OFFLINE (or [settings] offline) to download it, or point [settings] mirrors at an oci-layout:// bundle (see docs/mirrors.md)",
		}
	}
	check, err := m.checksumFor(ctx, t, ver, dl, base, o.dir)
	if err != nil {
		return nil, err
	}
	defer check.cleanup()
	want := check.want
	if want.IsZero() && o.expect != "" {
		// No checksum from upstream: the lockfile's is checked in flight.
		if c, err := install.ParseChecksum(o.expect); err == nil && c.Algo == install.AlgoSHA256 {
			want = c
		}
	}
	file := filepath.Join(o.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	a := &archive{file: file, name: name, prefix: dl.ArchivePrefix, source: dl.DownloadURL, dl: &dl}
	// verify checks a complete file from any source.
	verify := func(res install.DownloadResult, fetched string) error {
		if want.Algo == install.AlgoSHA256 || want.Algo == install.AlgoSHA512 {
			if err := install.VerifyDownload(res, want); err != nil {
				return withURL(err, fetched)
			}
		}
		if err := checkExpectedSHA(o.expect, res.SHA256, fetched); err != nil {
			return err
		}
		if check.after != nil {
			if err := check.after(file, res); err != nil {
				return withURL(err, fetched)
			}
		}
		return m.checkPinned(res, o, fetched)
	}

	// The download cache.
	if e, ok := m.downloadCache().Get(id, ver, plat); ok && !o.noCache {
		if res, err := m.useCached(e, file, want); err == nil {
			if err := verify(res, "the download cache ("+e.Path+")"); err == nil {
				m.Logger.Info("using the cached archive", "tool", id, "version", ver, "file", e.Path)
				a.sha256, a.size, a.from = res.SHA256, res.Size, "download cache"
				return a, nil
			} else {
				m.Logger.Warn("the cached archive is refused; trying the next source", "tool", id, "version", ver, "err", err)
				os.Remove(file)
			}
		}
	}
	// The mirrors.
	client := m.mirrorClient()
	for _, mr := range mirrors {
		m.logLookup(mr, id, ver, plat)
		hit, err := client.LookupTool(ctx, mr, id, ver, plat)
		if err != nil {
			misses = append(misses, m.logMiss(id, ver, plat, mr, err))
			continue
		}
		res, unpacked, err := m.fetchHitStreamed(ctx, hit, file, want.Algo == install.AlgoSHA512, o, name, dl.ArchivePrefix,
			func(res install.DownloadResult) error { return verify(res, hit.Ref) })
		if err != nil {
			os.Remove(file)
			misses = append(misses, m.logMiss(id, ver, plat, mr, err))
			continue
		}
		m.Logger.Info("fetched from a mirror", "tool", id, "version", ver, "ref", hit.Ref)
		a.sha256, a.size, a.from, a.unpacked = res.SHA256, res.Size, hit.Ref, unpacked
		m.cacheArchive(a, id, ver, plat)
		return a, nil
	}
	if m.Config.Settings().MirrorOnlyOn() {
		return nil, m.mirrorOnlyErr(id, ver, plat, misses)
	}
	if offline {
		return nil, &hintErr{
			err:  fmt.Errorf("install %s %s: offline, and neither the download cache nor a mirror has it for %s", id, ver, plat),
			hint: "unset TOTE_OFFLINE (or [settings] offline) to download it",
		}
	}

	// Upstream.
	dlURL := m.RewriteURL(dl.DownloadURL)
	dlURL, err = m.preDownload(ctx, id, ver, dlURL, base, "archive")
	if err != nil {
		return nil, err
	}
	limits := m.Config.Settings().Unpack
	d := m.downloader(o.progress)
	d.Label, d.Task = id+" "+ver, o.task
	req := install.Request{
		URL: dlURL, Headers: dl.HTTPHeaders, Dest: file, Want: want,
		MaxSize: unpackLimit(limits.MaxSize, install.DefaultMaxUnpackSize), MaxSizeSetting: "settings.unpack.max-size",
	}
	// One pass over the bytes: the download writes the file, hashes it
	// and feeds the unpacker, which fills the staging directory alongside.
	// Nothing there is used before the checks below pass (a failed
	// install removes the staging directory).
	var stream *install.StreamUnpack
	if o.stream && install.StreamFormat(name) && isEmptyDir(o.installDir) {
		uo := o.unpack
		uo.Prefix, uo.Name = dl.ArchivePrefix, base
		if stream, err = install.StartStreamUnpack(ctx, o.installDir, uo); err != nil {
			stream = nil
		} else {
			req.Tee = stream
		}
	}
	result, err := d.Get(ctx, req)
	var streamErr error
	if stream != nil {
		streamErr = stream.Wait()
	}
	if err != nil {
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	o.task.Phase("verifying")
	if err := verify(result, dlURL); err != nil {
		os.Remove(file)
		return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
	}
	if stream != nil {
		if streamErr == nil {
			a.unpacked = true
		} else {
			// The verified file is unpacked again from disk, which
			// gives the definitive error if the archive is bad.
			m.Logger.Debug("unpacking from the file: the streamed unpack stopped", "tool", id, "version", ver, "err", streamErr)
			if err := emptyDir(o.installDir); err != nil {
				return nil, fmt.Errorf("install %s %s: %w", id, ver, err)
			}
		}
	}
	a.sha256, a.size = result.SHA256, result.Size
	m.cacheArchive(a, id, ver, plat)
	m.pushThrough(ctx, a, id, ver, plat)
	return a, nil
}

// isEmptyDir reports whether dir holds nothing (download_prebuilt may
// write its install directory: what it wrote is not unpacked over while
// the bytes arrive).
func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// emptyDir removes what dir holds, keeping dir.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// mirrorOnlyErr says that mirror-only forbids upstream and no mirror had
// the archive, and why each did not.
func (m *Manager) mirrorOnlyErr(id, ver, plat string, misses []string) error {
	why := strings.Join(misses, "; ")
	if why == "" {
		why = "no mirror is configured"
	}
	return &hintErr{
		err:  fmt.Errorf("install %s %s: mirror-only is set and no mirror has it for %s (%s)", id, ver, plat, why),
		hint: "push it from a connected machine with `tote mirror push REGISTRY " + id + "@" + ver + "` (or bundle it with tote mirror export), or unset mirror-only to download it from upstream",
	}
}

// lockedFromCache serves a locked sha256 from the download cache.
func (m *Manager) lockedFromCache(id, ver, plat, sha string, o acquireOptions) *archive {
	e, ok := m.downloadCache().Get(id, ver, plat)
	if !ok || e.SHA256 != sha || e.PostScript != "" {
		return nil
	}
	name, prefix, err := checkAnnotated(e.Name, e.ArchivePrefix)
	if err != nil {
		return nil
	}
	file := filepath.Join(o.dir, filepath.FromSlash(name))
	res, err := m.useCached(e, file, install.Checksum{Algo: install.AlgoSHA256, Value: sha})
	if err == nil {
		err = m.checkPinned(res, o, "the download cache")
	}
	if err != nil {
		m.Logger.Warn("the cached archive is refused", "tool", id, "version", ver, "err", err)
		os.Remove(file)
		return nil
	}
	m.Logger.Info("using the cached archive the lockfile names", "tool", id, "version", ver, "file", e.Path)
	return &archive{file: file, name: name, prefix: prefix, source: firstNonEmpty(o.lockSource, e.Source), sha256: sha, size: res.Size, from: "download cache"}
}

// lockedFromMirrors serves a locked sha256 from the first mirror whose
// artifact has it, without asking the plugin. It returns the mirrors'
// misses when none has it, and needPlugin when a mirror has it but the
// plugin must be asked first (its post_script).
func (m *Manager) lockedFromMirrors(ctx context.Context, id, ver, plat, sha string, o acquireOptions) (a *archive, misses []string, needPlugin bool, err error) {
	client := m.mirrorClient()
	for _, mr := range m.mirrors() {
		m.logLookup(mr, id, ver, plat)
		hit, err := client.LookupTool(ctx, mr, id, ver, plat)
		if err == nil && hit.File.SHA256 != sha {
			err = fmt.Errorf("%s is sha256:%s, and %s locks sha256:%s", hit.Ref, hit.File.SHA256, filepath.Base(o.lockPath), sha)
		}
		if err == nil && hit.File.PostScript != "" {
			// The plugin runs a post-install script: ask it, then
			// take the archive from this mirror in the second pass.
			misses = append(misses, hit.Ref+": the plugin's post_script needs download_prebuilt")
			return nil, misses, true, nil
		}
		var name, prefix string
		if err == nil {
			name, prefix, err = checkAnnotated(hit.File.Name, hit.File.ArchivePrefix)
			if err != nil {
				err = fmt.Errorf("%s: %w", hit.Ref, err)
			}
		}
		if err != nil {
			misses = append(misses, m.logMiss(id, ver, plat, mr, err))
			continue
		}
		file := filepath.Join(o.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return nil, nil, false, err
		}
		res, unpacked, err := m.fetchHitStreamed(ctx, hit, file, false, o, name, prefix, func(res install.DownloadResult) error {
			// The layer's digest was checked in flight; the lockfile's
			// checksum is that digest.
			if err := checkExpectedSHA(o.expect, res.SHA256, hit.Ref); err != nil {
				return err
			}
			return m.checkPinned(res, o, hit.Ref)
		})
		if err != nil {
			os.Remove(file)
			misses = append(misses, m.logMiss(id, ver, plat, mr, err))
			continue
		}
		m.Logger.Info("fetched the locked archive from a mirror", "tool", id, "version", ver, "ref", hit.Ref)
		a := &archive{file: file, name: name, prefix: prefix, source: firstNonEmpty(o.lockSource, hit.File.Source), sha256: res.SHA256, size: res.Size, from: hit.Ref, unpacked: unpacked}
		m.cacheArchive(a, id, ver, plat)
		return a, nil, false, nil
	}
	return nil, misses, false, nil
}

// checkAnnotated checks a download name and archive prefix that come from
// a mirror's annotations or the cache: a relative path inside the
// download directory, and a prefix that cannot climb out of the archive.
func checkAnnotated(name, prefix string) (string, string, error) {
	n, err := downloadName(name)
	if err != nil {
		return "", "", fmt.Errorf("file name: %w", err)
	}
	if prefix != "" {
		p := strings.Trim(prefix, "/")
		for _, part := range strings.Split(p, "/") {
			if part == "" || part == "." || part == ".." || strings.ContainsAny(part, `\:`) {
				return "", "", fmt.Errorf("archive prefix %q is not a relative path inside the archive", prefix)
			}
		}
	}
	return n, prefix, nil
}

// logLookup says, at debug level, which reference an archive is looked up
// under (with --log debug, every place tote asks is shown, as every URL is).
func (m *Manager) logLookup(mr config.Mirror, id, ver, plat string) {
	m.Logger.Debug("mirror lookup", "tool", id, "version", ver, "ref", ocimirror.Reference(mr, ocimirror.ToolRepository(id), ocimirror.ToolTag(ver, plat)))
}

// logMiss logs why a mirror did not serve an archive and returns the
// reason for a summary. A plain miss is information (the first runner of
// a pull-through mirror misses); anything else is a warning.
func (m *Manager) logMiss(id, ver, plat string, mr config.Mirror, err error) string {
	if errors.Is(err, ocimirror.ErrNotFound) {
		m.Logger.Info("mirror miss; trying the next source", "mirror", mr.String(), "tool", id, "version", ver, "platform", plat,
			"ref", ocimirror.Reference(mr, ocimirror.ToolRepository(id), ocimirror.ToolTag(ver, plat)))
		return mr.String() + ": not there"
	}
	m.Logger.Warn("mirror refused or unreachable; trying the next source", "mirror", mr.String(), "tool", id, "version", ver, "platform", plat, "err", err)
	return mr.String() + ": " + err.Error()
}

// fetchHit fetches a mirror's archive into file (through a .part file),
// hashing it: sha256 always, sha512 when asked. The layer's digest is
// checked while it arrives.
func (m *Manager) fetchHit(ctx context.Context, hit *ocimirror.ToolHit, file string, want512 bool) (install.DownloadResult, error) {
	return m.fetchHitTee(ctx, hit, file, want512, nil)
}

// fetchHitTee is fetchHit that also writes the bytes to tee as they
// arrive (an unpacker); a tee that fails is written no more, and the
// fetch goes on.
func (m *Manager) fetchHitTee(ctx context.Context, hit *ocimirror.ToolHit, file string, want512 bool, tee io.Writer) (install.DownloadResult, error) {
	max := unpackLimit(m.Config.Settings().Unpack.MaxSize, install.DefaultMaxUnpackSize)
	if hit.File.Size > max {
		return install.DownloadResult{}, &install.TooLargeError{Size: hit.File.Size, Max: max, Setting: "settings.unpack.max-size"}
	}
	part := file + ".mirror-part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return install.DownloadResult{}, err
	}
	defer os.Remove(part)
	h256 := sha256.New()
	var h512 hash.Hash
	ws := []io.Writer{f, h256}
	if want512 {
		h512 = sha512.New()
		ws = append(ws, h512)
	}
	if tee != nil {
		ws = append(ws, &bestEffort{w: tee})
	}
	err = m.mirrorClient().Fetch(ctx, hit, io.MultiWriter(ws...))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return install.DownloadResult{}, err
	}
	if err := os.Rename(part, file); err != nil {
		return install.DownloadResult{}, err
	}
	res := install.DownloadResult{URL: hit.Ref, Path: file, Size: hit.File.Size, SHA256: hex.EncodeToString(h256.Sum(nil))}
	if h512 != nil {
		res.SHA512 = hex.EncodeToString(h512.Sum(nil))
	}
	return res, nil
}

// bestEffort writes to w until w fails once, then drops the bytes: the
// unpacker of a streamed install stops on a bad archive, and the archive
// is unpacked from the verified file instead.
type bestEffort struct {
	w      io.Writer
	failed bool
}

func (b *bestEffort) Write(p []byte) (int, error) {
	if !b.failed {
		if _, err := b.w.Write(p); err != nil {
			b.failed = true
		}
	}
	return len(p), nil
}

// fetchHitStreamed fetches a mirror's archive into file as fetchHit does
// and, when o allows it (o.stream, a tar archive by its name, an empty
// install directory), unpacks it into o.installDir while it arrives, as an
// upstream download is. check verifies the fetched file; only then does
// unpacked report that the install directory holds the archive. On any
// failure the install directory is emptied again for the next source.
func (m *Manager) fetchHitStreamed(ctx context.Context, hit *ocimirror.ToolHit, file string, want512 bool, o acquireOptions, name, prefix string, check func(install.DownloadResult) error) (res install.DownloadResult, unpacked bool, err error) {
	var stream *install.StreamUnpack
	if o.stream && install.StreamFormat(name) && isEmptyDir(o.installDir) {
		uo := o.unpack
		uo.Prefix, uo.Name = prefix, path.Base(name)
		if s, err := install.StartStreamUnpack(ctx, o.installDir, uo); err == nil {
			stream = s
		}
	}
	if stream == nil {
		res, err = m.fetchHit(ctx, hit, file, want512)
		if err == nil {
			err = check(res)
		}
		return res, false, err
	}
	res, err = m.fetchHitTee(ctx, hit, file, want512, stream)
	stream.Close(err) // nil: the whole archive was given
	streamErr := stream.Wait()
	if err == nil {
		err = check(res)
	}
	if err == nil && streamErr == nil {
		return res, true, nil
	}
	if streamErr != nil && err == nil {
		m.Logger.Debug("unpacking from the file: the streamed unpack stopped", "tool", hit.File.Tool, "version", hit.File.Version, "err", streamErr)
	}
	if eerr := emptyDir(o.installDir); eerr != nil && err == nil {
		err = eerr
	}
	return res, false, err
}

// useCached puts a cached archive at file (a hard link) and checks it
// still has its sha256 (and the sha512 asked for).
func (m *Manager) useCached(e *dlcache.Entry, file string, want install.Checksum) (install.DownloadResult, error) {
	if err := dlcache.Verify(e); err != nil {
		return install.DownloadResult{}, err
	}
	os.Remove(file)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return install.DownloadResult{}, err
	}
	if err := os.Link(e.Path, file); err != nil {
		if err := copyFile(e.Path, file, 0o644); err != nil {
			return install.DownloadResult{}, err
		}
	}
	res := install.DownloadResult{URL: e.Path, Path: file, Size: e.Size, SHA256: e.SHA256}
	if want.Algo == install.AlgoSHA512 {
		v, err := install.HashFile(file, install.AlgoSHA512)
		if err != nil {
			return res, err
		}
		res.SHA512 = v
	}
	return res, nil
}

// checkPinned checks the checksum a version file pins.
func (m *Manager) checkPinned(res install.DownloadResult, o acquireOptions, fetched string) error {
	if o.pinned == "" {
		return nil
	}
	want, err := install.ParseChecksum(o.pinned)
	if err == nil {
		if want.Algo == install.AlgoSHA512 && res.SHA512 == "" {
			if res.SHA512, err = install.HashFile(res.Path, install.AlgoSHA512); err != nil {
				return err
			}
		}
		err = install.VerifyDownload(res, want)
	}
	if err != nil {
		return fmt.Errorf("%s pins the checksum of the download: %w", o.pinnedBy, withURL(err, fetched))
	}
	return nil
}

// checkExpectedSHA compares a file's sha256 with the lockfile's checksum.
func checkExpectedSHA(expect, sha, fetched string) error {
	return checkExpected(expect, store.InstalledVersion{Checksum: "sha256:" + sha}, fetched)
}

// cacheArchive keeps a verified archive in the download cache.
func (m *Manager) cacheArchive(a *archive, id, ver, plat string) {
	f := a.toolFile(id, ver, plat)
	if _, err := m.downloadCache().Put(a.file, f); err != nil {
		m.Logger.Warn("cannot keep the archive in the download cache", "tool", id, "version", ver, "err", err)
	}
}

// toolFile describes the archive for a mirror or the cache.
func (a *archive) toolFile(id, ver, plat string) ocimirror.ToolFile {
	f := ocimirror.ToolFile{Tool: id, Version: ver, Platform: plat, Source: a.source, Name: a.name, SHA256: a.sha256, Size: a.size, ArchivePrefix: a.prefix}
	if a.dl != nil {
		if c, err := install.ParseChecksum(string(a.dl.Checksum)); err == nil && c.Algo != install.AlgoSHA256 {
			f.Checksum = c.String()
		}
		f.PostScript = a.dl.PostScript
	}
	return f
}

// pushThrough pushes an archive just downloaded from upstream to the first
// registry mirror when mirror-push is set (the first runner populates a
// pull-through mirror). A failed push is a warning: the install goes on.
func (m *Manager) pushThrough(ctx context.Context, a *archive, id, ver, plat string) {
	s := m.Config.Settings()
	if !s.MirrorPushOn() || m.Offline() {
		return
	}
	for _, mr := range s.Mirrors {
		if mr.Kind != config.MirrorRegistry {
			continue
		}
		ref, err := m.mirrorClient().PushTool(ctx, mr, a.toolFile(id, ver, plat), a.file)
		if err != nil {
			m.Logger.Warn("mirror-push: cannot push the archive; the install goes on", "mirror", mr.String(), "tool", id, "version", ver, "err", err)
		} else {
			m.Logger.Info("mirror-push: pushed the archive", "ref", ref)
		}
		return
	}
	m.Logger.Warn("mirror-push is set but no registry:// mirror is configured", "tool", id)
}

// mirrors are the configured mirrors that can be used now: offline, only
// OCI layouts (local files).
func (m *Manager) mirrors() []config.Mirror {
	all := m.Config.Settings().Mirrors
	if !m.Offline() {
		return all
	}
	var out []config.Mirror
	for _, mr := range all {
		if mr.Kind == config.MirrorLayout {
			out = append(out, mr)
		}
	}
	return out
}

// mirrorClient is the Manager's OCI client: its HTTP client, and
// credentials from the docker configuration, with TOTE_REGISTRY_* for the
// configured mirrors' hosts.
func (m *Manager) mirrorClient() *ocimirror.Client {
	m.mirrorOnce.Do(func() {
		var hosts []string
		for _, mr := range m.Config.Settings().Mirrors {
			if mr.Kind == config.MirrorRegistry {
				hosts = append(hosts, mr.Host)
			}
		}
		hosts = append(hosts, m.RegistryHosts...)
		m.mirror = &ocimirror.Client{HTTP: m.HTTP, Credential: ocimirror.Credentials(hosts, func(msg string, err error) {
			m.Logger.Warn(msg, "err", err)
		})}
	})
	return m.mirror
}

// MirrorClient returns the OCI client the Manager uses for mirrors.
func (m *Manager) MirrorClient() *ocimirror.Client { return m.mirrorClient() }

// downloadCache is $TOTE_HOME/cache/downloads with the configured cap.
func (m *Manager) downloadCache() *dlcache.Cache {
	max := int64(dlcache.DefaultMax)
	if n := m.Config.Settings().DownloadCacheSize; n != nil {
		max = *n
	}
	return &dlcache.Cache{Dir: m.Store.CacheDir("downloads"), Max: max}
}

// DownloadCache returns the verified download cache.
func (m *Manager) DownloadCache() *dlcache.Cache { return m.downloadCache() }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// mirrorPlugins makes the plugin cache look remote plugins up in the
// mirrors first, honour mirror-only, and push what it fetches from a
// locator when mirror-push is set.
func (m *Manager) mirrorPlugins(c *plugincache.Cache) {
	s := m.Config.Settings()
	c.MirrorOnly = s.MirrorOnlyOn()
	if len(s.Mirrors) == 0 {
		return
	}
	c.Mirror = func(ctx context.Context, locator string) (string, []byte, string, error) {
		var reasons []string
		for _, mr := range m.mirrors() {
			p, err := m.mirrorClient().FetchPlugin(ctx, mr, locator, plugincache.MaxSize)
			if err == nil {
				return p.Name, p.Data, p.Ref, nil
			}
			if errors.Is(err, ocimirror.ErrNotFound) {
				m.Logger.Info("mirror miss for a plugin; trying the next source", "mirror", mr.String(), "locator", locator)
				reasons = append(reasons, mr.String()+": not there")
			} else {
				m.Logger.Warn("mirror refused or unreachable for a plugin; trying the next source", "mirror", mr.String(), "locator", locator, "err", err)
				reasons = append(reasons, mr.String()+": "+err.Error())
			}
		}
		if len(reasons) == 0 {
			return "", nil, "", errors.New("no mirror can be used offline")
		}
		return "", nil, "", errors.New(strings.Join(reasons, "; "))
	}
	if s.MirrorPushOn() {
		c.Fetched = func(ctx context.Context, locator, name string, data []byte) {
			for _, mr := range s.Mirrors {
				if mr.Kind != config.MirrorRegistry {
					continue
				}
				if ref, err := m.mirrorClient().PushPlugin(ctx, mr, locator, name, data); err != nil {
					m.Logger.Warn("mirror-push: cannot push the plugin", "mirror", mr.String(), "locator", locator, "err", err)
				} else {
					m.Logger.Info("mirror-push: pushed the plugin", "ref", ref)
				}
				return
			}
		}
	}
}
