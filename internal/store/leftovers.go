package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kinds of [Leftover].
const (
	// LeftoverOrphan is tools/<id>/<version> without a manifest entry: an
	// install killed after its directory was renamed into place but before
	// the manifest recorded it. It is not installed; the next install of
	// the version replaces it.
	LeftoverOrphan = "orphan"
	// LeftoverStaging is a temp/install-* staging directory.
	LeftoverStaging = "staging"
	// LeftoverDownload is temp/downloads/<id>/<version>: a partial or
	// unverified download (which the next install resumes).
	LeftoverDownload = "download"
	// LeftoverAside is an old copy moved aside by a replacing install
	// (tools/<id>/.<version>.old-*) or by an uninstall
	// (tools/<id>/<version>.removing).
	LeftoverAside = "aside"
)

// Leftover is something an interrupted or killed tote process left in the
// store.
type Leftover struct {
	// Kind is one of the Leftover* constants.
	Kind string
	// Path is the file or directory.
	Path string
	// Tool and Version are the tool version it belongs to, when known
	// (a staging directory's name does not say it unambiguously).
	Tool, Version string
}

// removingSuffix marks a version directory being removed (renamed aside
// first, so that a crash never leaves half a version under its name).
const removingSuffix = ".removing"

// RemovingName returns the name a version directory is renamed to while it
// is removed.
func RemovingName(dir string) string { return dir + removingSuffix }

// Leftovers lists what interrupted installs, downloads and removals left:
// orphaned version directories, staging directories, partial downloads and
// moved-aside copies. It lists them whether or not a live process is using
// them; [Store.RemoveLeftover] checks that.
func (s Store) Leftovers() ([]Leftover, error) {
	var out []Leftover
	var errs []error
	readDir := func(dir string) []fs.DirEntry {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		return entries
	}
	for _, t := range readDir(s.ToolsDir()) {
		if !t.IsDir() || CheckName("tool id", t.Name()) != nil {
			continue
		}
		id := t.Name()
		man, err := s.ReadManifest(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range readDir(s.ToolDir(id)) {
			name := e.Name()
			if !e.IsDir() {
				continue
			}
			p := filepath.Join(s.ToolDir(id), name)
			switch {
			case strings.HasPrefix(name, ".") && strings.Contains(name, asideMarker):
				ver, _, _ := strings.Cut(name[1:], asideMarker)
				out = append(out, Leftover{Kind: LeftoverAside, Path: p, Tool: id, Version: ver})
			case strings.HasSuffix(name, removingSuffix):
				out = append(out, Leftover{Kind: LeftoverAside, Path: p, Tool: id, Version: strings.TrimSuffix(name, removingSuffix)})
			case name[0] == '.':
			default:
				if _, ok := man.InstalledVersions[name]; !ok {
					out = append(out, Leftover{Kind: LeftoverOrphan, Path: p, Tool: id, Version: name})
				}
			}
		}
	}
	for _, e := range readDir(s.TempDir()) {
		if e.IsDir() && strings.HasPrefix(e.Name(), stagingPrefix) {
			out = append(out, Leftover{Kind: LeftoverStaging, Path: filepath.Join(s.TempDir(), e.Name())})
		}
	}
	downloads := filepath.Join(s.TempDir(), "downloads")
	for _, t := range readDir(downloads) {
		if !t.IsDir() {
			continue
		}
		for _, v := range readDir(filepath.Join(downloads, t.Name())) {
			out = append(out, Leftover{Kind: LeftoverDownload, Path: filepath.Join(downloads, t.Name(), v.Name()), Tool: t.Name(), Version: v.Name()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, errors.Join(errs...)
}

// RemoveLeftover removes l unless a live process is using it: it takes the
// tool version's lock without waiting (for a staging directory, every lock
// whose tool version could have made it), and reports removed = false when
// someone holds it. For an orphan it checks again, under the lock, that
// the manifest still does not record the version.
func (s Store) RemoveLeftover(l Leftover) (removed bool, err error) {
	var locks []string
	if l.Kind == LeftoverStaging {
		base := filepath.Base(l.Path)
		entries, _ := os.ReadDir(s.LocksDir())
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".lock")
			id, ver, ok2 := strings.Cut(name, "@")
			if ok && ok2 && strings.HasPrefix(base, stagingPrefix+id+"-"+ver+"-") {
				locks = append(locks, filepath.Join(s.LocksDir(), e.Name()))
			}
		}
	} else {
		if CheckName("tool id", l.Tool) != nil || CheckName("version", l.Version) != nil {
			return false, fmt.Errorf("leftover %s: no tool version", l.Path)
		}
		if err := os.MkdirAll(s.LocksDir(), 0o755); err != nil {
			return false, err
		}
		locks = []string{filepath.Join(s.LocksDir(), l.Tool+"@"+l.Version+".lock")}
	}
	for _, p := range locks {
		unlock, ok, err := TryLockFile(p)
		if err != nil {
			return false, fmt.Errorf("leftover %s: %w", l.Path, err)
		}
		if !ok {
			return false, nil
		}
		defer unlock()
	}
	if l.Kind == LeftoverOrphan {
		man, err := s.ReadManifest(l.Tool)
		if err != nil {
			return false, err
		}
		if _, ok := man.InstalledVersions[l.Version]; ok {
			return false, nil // installed meanwhile
		}
	}
	if err := os.RemoveAll(l.Path); err != nil {
		return false, fmt.Errorf("remove %s: %w", l.Path, err)
	}
	if l.Kind == LeftoverDownload {
		_ = os.Remove(filepath.Dir(l.Path)) // the tool's directory, if now empty
	}
	return true, nil
}
