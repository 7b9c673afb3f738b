// Package dlcache is tote's verified download cache: the original tool
// archives, kept in $TOTE_HOME/cache/downloads once they were verified
// (against the plugin's checksum and the lockfile), so that `tote mirror
// push` can upload them, `tote mirror export` can bundle them, and a
// reinstall need not download them again.
//
// Layout:
//
//	blobs/sha256/<hex>                        the archive, byte for byte
//	index/<tool>/<version>/<platform>.json    what it is (an [Entry])
//
// The cache is capped in size (DefaultMax unless configured): after each
// addition the least recently used archives are removed until the total
// fits. Writes are atomic, so concurrent tote processes share it safely;
// an index entry whose blob is gone is a miss.
package dlcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/ocimirror"
	"github.com/tote-dev/tote/internal/store"
)

// DefaultMax is the cache's size cap when none is configured.
const DefaultMax = 2 << 30

// Cache is a download cache directory.
type Cache struct {
	// Dir is $TOTE_HOME/cache/downloads.
	Dir string
	// Max caps the total size of the archives in bytes; 0 turns the cache
	// off (nothing is kept, every lookup misses).
	Max int64
}

// Entry is one cached archive.
type Entry struct {
	ocimirror.ToolFile
	// AddedAt is when it was cached.
	AddedAt time.Time `json:"added_at"`
	// Path is the archive's path in the cache.
	Path string `json:"-"`
}

func (c *Cache) blobPath(sha string) string {
	return filepath.Join(c.Dir, "blobs", "sha256", sha)
}

func (c *Cache) indexPath(tool, version, platform string) (string, error) {
	for _, n := range [][2]string{{"tool id", tool}, {"version", version}, {"platform", platform}} {
		if err := store.CheckName(n[0], n[1]); err != nil {
			return "", err
		}
	}
	return filepath.Join(c.Dir, "index", tool, version, platform+".json"), nil
}

// Get returns the cached archive of tool at version for platform, when
// the cache has it whole (its blob present with the recorded size).
// Using an entry marks it as recently used.
func (c *Cache) Get(tool, version, platform string) (*Entry, bool) {
	if c == nil || c.Max <= 0 {
		return nil, false
	}
	p, err := c.indexPath(tool, version, platform)
	if err != nil {
		return nil, false
	}
	e, err := readEntry(p)
	if err != nil || e.Tool != tool || e.Version != version || e.Platform != platform || !isHex64(e.SHA256) {
		return nil, false
	}
	e.Path = c.blobPath(e.SHA256)
	fi, err := os.Stat(e.Path)
	if err != nil || fi.Size() != e.Size {
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(e.Path, now, now)
	return e, true
}

func readEntry(p string) (*Entry, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Put adds the verified archive at file, described by f (its SHA256 and
// Size must be file's: Put checks the size, the caller verified the
// bytes), and then trims the cache to its cap. file is left where it is
// (the cache holds a hard link to it, or a copy). An archive larger than
// the whole cap is not kept. With the cache off, Put does nothing.
func (c *Cache) Put(file string, f ocimirror.ToolFile) (*Entry, error) {
	if c == nil || c.Max <= 0 {
		return nil, nil
	}
	if !isHex64(f.SHA256) {
		return nil, fmt.Errorf("download cache: invalid sha256 %q", f.SHA256)
	}
	idx, err := c.indexPath(f.Tool, f.Version, f.Platform)
	if err != nil {
		return nil, fmt.Errorf("download cache: %w", err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("download cache: %w", err)
	}
	if fi.Size() != f.Size {
		return nil, fmt.Errorf("download cache: %s is %d bytes, not %d", file, fi.Size(), f.Size)
	}
	if f.Size > c.Max {
		return nil, nil
	}
	blob := c.blobPath(f.SHA256)
	for _, d := range []string{filepath.Dir(blob), filepath.Dir(idx)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("download cache: %w", err)
		}
	}
	if bi, err := os.Stat(blob); err != nil || bi.Size() != f.Size {
		if err := linkOrCopy(file, blob); err != nil {
			return nil, fmt.Errorf("download cache: %w", err)
		}
	}
	e := &Entry{ToolFile: f, AddedAt: time.Now().UTC(), Path: blob}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := store.WriteFileAtomic(idx, b, 0o644); err != nil {
		return nil, fmt.Errorf("download cache: %w", err)
	}
	now := time.Now()
	_ = os.Chtimes(blob, now, now)
	c.Trim()
	return e, nil
}

// linkOrCopy puts src's bytes at dst atomically: a hard link (same file
// system, no copy) or a copy, through a temporary name.
func linkOrCopy(src, dst string) error {
	tmp := fmt.Sprintf("%s.tmp-%d-%d", dst, os.Getpid(), time.Now().UnixNano())
	if err := os.Link(src, tmp); err != nil {
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			os.Remove(tmp)
			return err
		}
		if err := out.Close(); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// List returns every entry whose archive is in the cache, sorted by tool,
// version and platform.
func (c *Cache) List() ([]*Entry, error) {
	if c == nil {
		return nil, nil
	}
	var out []*Entry
	root := filepath.Join(c.Dir, "index")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		e, err := readEntry(p)
		if err != nil || !isHex64(e.SHA256) {
			return nil
		}
		if want, err := c.indexPath(e.Tool, e.Version, e.Platform); err != nil || want != p {
			return nil
		}
		e.Path = c.blobPath(e.SHA256)
		if fi, err := os.Stat(e.Path); err == nil && fi.Size() == e.Size {
			out = append(out, e)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Tool != b.Tool {
			return a.Tool < b.Tool
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Platform < b.Platform
	})
	return out, err
}

// Trim removes the least recently used archives (and their index entries)
// until the cache fits its cap. One process trims at a time; another that
// finds the lock taken leaves the work to it.
func (c *Cache) Trim() {
	if c == nil || c.Max <= 0 {
		return
	}
	unlock, ok, err := store.TryLockFile(filepath.Join(c.Dir, ".trim.lock"))
	if err != nil || !ok {
		return // another process trims, or the cache directory is gone
	}
	defer unlock()
	dir := filepath.Join(c.Dir, "blobs", "sha256")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type blob struct {
		name string
		size int64
		used time.Time
	}
	var blobs []blob
	var total int64
	for _, de := range ents {
		fi, err := de.Info()
		if err != nil || !fi.Mode().IsRegular() || !isHex64(de.Name()) {
			continue
		}
		blobs = append(blobs, blob{de.Name(), fi.Size(), fi.ModTime()})
		total += fi.Size()
	}
	if total <= c.Max {
		return
	}
	sort.Slice(blobs, func(i, j int) bool { return blobs[i].used.Before(blobs[j].used) })
	gone := map[string]bool{}
	for _, b := range blobs {
		if total <= c.Max {
			break
		}
		if os.Remove(filepath.Join(dir, b.name)) == nil {
			total -= b.size
			gone[b.name] = true
		}
	}
	// Drop the index entries of removed archives, and the version and
	// tool directories they leave empty (os.Remove keeps a directory that
	// is not).
	filepath.WalkDir(filepath.Join(c.Dir, "index"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if e, err := readEntry(p); err == nil && gone[e.SHA256] {
			if os.Remove(p) == nil {
				if os.Remove(filepath.Dir(p)) == nil {
					os.Remove(filepath.Dir(filepath.Dir(p)))
				}
			}
		}
		return nil
	})
}

// Verify hashes the cached archive and checks it still has its sha256
// (the cache is on disk, and disks and people change files).
func Verify(e *Entry) error {
	f, err := os.Open(e.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		os.Remove(e.Path)
		return fmt.Errorf("cached archive %s has sha256 %s, not %s; it was removed", e.Path, got, e.SHA256)
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}
