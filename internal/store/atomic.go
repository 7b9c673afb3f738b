package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic writes data to path so that readers see either the old
// content or the new, never a mix: it writes a temp file in the same
// directory, fsyncs it, sets perm and renames it over path, then fsyncs the
// directory where the platform allows. On any failure the old file is left
// intact and the temp file is removed.
//
// It is tote's one atomic file write: every file tote replaces goes through
// it or through [WriteAtomic] (a tool version's directory goes through
// [Commit] instead).
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return writeFileAtomic(path, data, perm, os.CreateTemp)
}

// WriteAtomic is [WriteFileAtomic] for content that is streamed: write
// receives the temp file and the file is renamed over path only when write
// returns nil (a download, a tar being built).
func WriteAtomic(path string, perm fs.FileMode, write func(w io.Writer) error) error {
	return writeAtomic(path, perm, write, os.CreateTemp)
}

// writeFileAtomic is WriteFileAtomic with the temp-file creation injected,
// so that tests can make the write fail part way.
func writeFileAtomic(path string, data []byte, perm fs.FileMode, createTemp func(dir, pattern string) (*os.File, error)) error {
	return writeAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, createTemp)
}

func writeAtomic(path string, perm fs.FileMode, write func(w io.Writer) error, createTemp func(dir, pattern string) (*os.File, error)) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: set permissions: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir flushes a directory entry change to disk where that is possible.
// It is best effort: a crash may then lose the rename but never leaves a
// partial file.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// stagingPrefix starts the name of every staging directory in temp/.
const stagingPrefix = "install-"

// asideMarker is in the name of a directory moved aside by a replacing
// [Commit]; such a name starts with a dot so it never looks like a version.
const asideMarker = ".old-"

// InstallStaging creates a new, empty and uniquely named staging directory
// temp/install-<id>-<version>-<random> for unpacking one tool version. Move it
// into place with [Commit]; on failure remove it with os.RemoveAll. Staging
// directories left by killed processes are removed by
// [Store.CleanStaleStaging].
func (s Store) InstallStaging(id, version string) (string, error) {
	if err := CheckName("tool id", id); err != nil {
		return "", err
	}
	if err := CheckName("version", version); err != nil {
		return "", err
	}
	if err := os.MkdirAll(s.TempDir(), 0o755); err != nil {
		return "", fmt.Errorf("create staging directory for %s@%s: %w", id, version, err)
	}
	dir, err := os.MkdirTemp(s.TempDir(), stagingPrefix+id+"-"+version+"-")
	if err != nil {
		return "", fmt.Errorf("create staging directory for %s@%s: %w", id, version, err)
	}
	// MkdirTemp makes 0700; an install directory is readable by all like
	// any other installed program.
	if err := os.Chmod(dir, 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("create staging directory for %s@%s: %w", id, version, err)
	}
	return dir, nil
}

// ErrExists is wrapped by [Commit] when the final directory already exists
// and replace is false.
var ErrExists = errors.New("already exists")

// Commit moves the complete staging directory to final with one rename, so
// final only ever appears complete. staging and final must be on the same
// file system (temp/ and tools/ of one Store are). The parent of final is
// created if missing.
//
// If final exists, Commit fails with an error wrapping [ErrExists] unless
// replace is true (tote install --force); then the old final is first renamed
// aside to a hidden sibling, the staging directory is renamed into place, and
// only then is the old copy removed. If the second rename fails the old copy
// is renamed back, so final is never missing or partial. Callers hold
// [Store.LockTool] for the version.
func Commit(staging, final string, replace bool) error {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return fmt.Errorf("install into %s: %w", final, err)
	}
	err := renameNoReplace(staging, final)
	if err == nil {
		syncDir(filepath.Dir(final))
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("install into %s: %w", final, err)
	}
	if !replace {
		return fmt.Errorf("install into %s: %w (use --force to replace it)", final, ErrExists)
	}
	aside, err := asideName(final)
	if err != nil {
		return fmt.Errorf("install into %s: %w", final, err)
	}
	if err := os.Rename(final, aside); err != nil {
		return fmt.Errorf("install into %s: move old copy aside: %w", final, err)
	}
	if err := renameNoReplace(staging, final); err != nil {
		if rerr := os.Rename(aside, final); rerr != nil {
			return fmt.Errorf("install into %s: %w (and restoring the old copy from %s failed: %v)", final, err, aside, rerr)
		}
		return fmt.Errorf("install into %s: %w", final, err)
	}
	syncDir(filepath.Dir(final))
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("installed %s but could not remove the old copy %s: %w", final, aside, err)
	}
	return nil
}

// asideName returns an unused hidden sibling name for final.
func asideName(final string) (string, error) {
	d, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+asideMarker)
	if err != nil {
		return "", err
	}
	// Only the unique name is wanted: rename onto an empty directory
	// works on Unix but not on Windows, so remove it first.
	if err := os.Remove(d); err != nil {
		return "", err
	}
	return d, nil
}
