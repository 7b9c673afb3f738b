// Package trust records which project configuration files the user trusts.
//
// A project .prototools may set things that decide where bytes come from or
// what runs (url-rewrites, plugin locators, permissions, extensions,
// environment variables). tote applies those only from files the user
// trusted with `tote trust DIR`, from directories listed in
// TOTE_TRUSTED_PATHS, from the global $TOTE_HOME/.prototools and from
// $HOME/.prototools. This package keeps the record of `tote trust`:
// $TOTE_HOME/trust.json, one entry per canonical (symlink-resolved)
// directory, holding the digest of the trusted settings as they were when
// the user trusted them. A change to those settings (a `git pull` adding a
// url-rewrite) therefore needs a new `tote trust`; a change to pins does not.
//
// Reads are lock-free (the file is replaced atomically); every change takes
// a cross-process file lock and writes with temp + fsync + rename.
package trust

import (
	"context"
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

	"github.com/gofrs/flock"

	"github.com/tote-dev/tote/internal/store"
)

// FileName is the name of the trust record in $TOTE_HOME.
const FileName = "trust.json"

// EnvVar lists directories whose .prototools files are trusted, with their
// subdirectories, separated like PATH (os.PathListSeparator). It is meant
// for CI and tests; TOTE_* variables are trusted like the global config.
const EnvVar = "TOTE_TRUSTED_PATHS"

// MaxFileSize bounds the trust record read from disk (1 MiB holds about
// 5,000 entries); a larger file is refused rather than read.
const MaxFileSize = 1 << 20

// formatVersion is the version of the trust.json layout.
const formatVersion = 1

// Entry is one trusted directory.
type Entry struct {
	// Dir is the canonical, absolute directory whose .prototools is trusted.
	Dir string `json:"dir"`
	// Digest is "sha256:<hex>" of the file's trust-relevant settings when
	// the user trusted it (see config.File.TrustDigest).
	Digest string `json:"digest"`
	// TrustedAt is when the user trusted it.
	TrustedAt time.Time `json:"trusted_at"`
}

// DB is the trust record.
type DB struct {
	entries map[string]Entry
}

type fileFormat struct {
	Version int     `json:"version"`
	Trusted []Entry `json:"trusted"`
}

// Path returns the trust record's path in home ($TOTE_HOME).
func Path(home string) string { return filepath.Join(home, FileName) }

// Read reads the trust record of home. A missing file is an empty record.
// A file larger than [MaxFileSize] or not in the expected format is an
// error naming the file.
func Read(home string) (*DB, error) {
	p := Path(home)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &DB{entries: map[string]Entry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read trust record: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read trust record %s: %w", p, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("trust record %s is larger than %d bytes; remove it and trust your projects again", p, MaxFileSize)
	}
	var ff fileFormat
	if err := json.Unmarshal(data, &ff); err != nil {
		return nil, fmt.Errorf("trust record %s is corrupt (%v); remove it and trust your projects again", p, err)
	}
	if ff.Version != formatVersion {
		return nil, fmt.Errorf("trust record %s has version %d, want %d", p, ff.Version, formatVersion)
	}
	db := &DB{entries: make(map[string]Entry, len(ff.Trusted))}
	for _, e := range ff.Trusted {
		if e.Dir != "" {
			db.entries[e.Dir] = e
		}
	}
	return db, nil
}

// Lookup returns the entry of canonical directory dir.
func (db *DB) Lookup(dir string) (Entry, bool) {
	e, ok := db.entries[dir]
	return e, ok
}

// Set records e, replacing any entry for e.Dir.
func (db *DB) Set(e Entry) { db.entries[e.Dir] = e }

// Remove forgets dir and reports whether it was there.
func (db *DB) Remove(dir string) bool {
	_, ok := db.entries[dir]
	delete(db.entries, dir)
	return ok
}

// Entries returns every entry, sorted by directory.
func (db *DB) Entries() []Entry {
	out := make([]Entry, 0, len(db.entries))
	for _, e := range db.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}

// Update changes the trust record of home under a cross-process lock: it
// reads the current record, calls fn, and writes the result atomically when
// fn returns nil. A record that cannot be read is an error (never silently
// replaced).
func Update(ctx context.Context, home string, fn func(*DB) error) error {
	locks := (&store.Store{Home: home}).LocksDir()
	if err := os.MkdirAll(locks, 0o755); err != nil {
		return fmt.Errorf("lock trust record: %w", err)
	}
	fl := flock.New(filepath.Join(locks, "trust.lock"))
	ok, err := fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		_ = fl.Close()
		if err == nil {
			err = ctx.Err()
		}
		return fmt.Errorf("lock trust record: %w", err)
	}
	defer func() {
		_ = fl.Unlock()
		_ = fl.Close()
	}()
	db, err := Read(home)
	if err != nil {
		return err
	}
	if err := fn(db); err != nil {
		return err
	}
	data, err := json.MarshalIndent(fileFormat{Version: formatVersion, Trusted: db.Entries()}, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteFileAtomic(Path(home), append(data, '\n'), 0o644)
}

// Canonical returns dir made absolute with every symlink resolved, so that
// one directory reached through two paths has one trust entry. A directory
// that does not exist is an error.
func Canonical(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// EnvPaths returns the canonical directories listed in value (the content
// of [EnvVar]); entries that are empty or relative are skipped, entries
// that do not exist are kept as written (cleaned).
func EnvPaths(value string) []string {
	var out []string
	for _, p := range filepath.SplitList(value) {
		if p == "" || !filepath.IsAbs(p) {
			continue
		}
		if c, err := filepath.EvalSymlinks(p); err == nil {
			p = c
		}
		out = append(out, filepath.Clean(p))
	}
	return out
}

// Under reports whether dir is one of roots or inside one of them.
func Under(dir string, roots []string) bool {
	for _, r := range roots {
		if dir == r {
			return true
		}
		prefix := r
		if !strings.HasSuffix(prefix, string(filepath.Separator)) {
			prefix += string(filepath.Separator)
		}
		if strings.HasPrefix(dir, prefix) {
			return true
		}
	}
	return false
}
