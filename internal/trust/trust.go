// Package trust records which project configuration files the user trusts.
//
// A project .prototools may set things that decide where bytes come from or
// what runs (url-rewrites, plugin locators, permissions, extensions,
// environment variables). tote applies those only from files the user
// trusted with `tote trust DIR`, from directories listed in
// TOTE_TRUSTED_PATHS, from the global $TOTE_HOME/.prototools and from
// $HOME/.prototools. This package keeps the record of `tote trust`: one
// small file per trusted canonical (symlink-resolved) directory in
// $TOTE_HOME/trust/, named after the sha256 of the directory, holding the
// digest of the trusted settings as they were when the user trusted them. A
// change to those settings (a `git pull` adding a url-rewrite) therefore
// needs a new `tote trust`; a change to pins does not.
//
// One file per directory keeps the check the shim makes cheap whatever the
// number of trusted projects: resolve the directory, read one file of a few
// hundred bytes, compare two strings. Reads take no lock (files are
// replaced atomically); every change takes a cross-process file lock.
package trust

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/store"
)

// DirName is the directory of the trust records in $TOTE_HOME.
const DirName = "trust"

// EnvVar lists directories whose .prototools files are trusted, with their
// subdirectories, separated like PATH (os.PathListSeparator). It is meant
// for CI and tests; TOTE_* variables are trusted like the global config.
const EnvVar = "TOTE_TRUSTED_PATHS"

// MaxRecordSize bounds one trust record read from disk.
const MaxRecordSize = 16 << 10

// MaxRecords bounds how many records --list reads.
const MaxRecords = 100_000

// header is the first line of every record.
const header = "tote-trust 1"

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

// Dir returns the directory of the trust records of home ($TOTE_HOME).
func Dir(home string) string { return filepath.Join(home, DirName) }

// recordPath is the record of canonical directory dir.
func recordPath(home, dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(Dir(home), hex.EncodeToString(sum[:20]))
}

// Lookup returns the record of canonical directory dir. A missing record
// is (zero, false, nil); one that cannot be read or is not a record is an
// error naming the file.
func Lookup(home, dir string) (Entry, bool, error) {
	p := recordPath(home, dir)
	data, err := readlimit.File(p, MaxRecordSize, "trust record")
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("read trust record: %w", err)
	}
	e, err := decode(data)
	if err != nil {
		return Entry{}, false, fmt.Errorf("trust record %s is corrupt (%v); trust the project again", p, err)
	}
	if e.Dir != dir {
		return Entry{}, false, nil // another directory with the same name hash
	}
	return e, true, nil
}

// Set records e (e.Dir must be canonical), replacing any record for e.Dir,
// under the cross-process lock, atomically.
func Set(ctx context.Context, home string, e Entry) error {
	if e.Dir == "" || strings.ContainsAny(e.Dir, "\n\r") || strings.ContainsAny(e.Digest, "\n\r") {
		return fmt.Errorf("cannot record trust for %q", e.Dir)
	}
	return locked(ctx, home, func() error {
		if err := os.MkdirAll(Dir(home), 0o755); err != nil {
			return err
		}
		return store.WriteFileAtomic(recordPath(home, e.Dir), encode(e), 0o644)
	})
}

// Remove forgets canonical directory dir and reports whether it was
// trusted.
func Remove(ctx context.Context, home, dir string) (bool, error) {
	var removed bool
	err := locked(ctx, home, func() error {
		if _, ok, _ := Lookup(home, dir); !ok {
			return nil
		}
		err := os.Remove(recordPath(home, dir))
		removed = err == nil
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		return err
	})
	return removed, err
}

// List returns every record, sorted by directory. Unreadable records are
// reported in the error and skipped.
func List(home string) ([]Entry, error) {
	ents, err := os.ReadDir(Dir(home))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(ents) > MaxRecords {
		return nil, fmt.Errorf("%s holds more than %d records", Dir(home), MaxRecords)
	}
	var out []Entry
	var errs []error
	for _, de := range ents {
		if !de.Type().IsRegular() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		p := filepath.Join(Dir(home), de.Name())
		data, err := readlimit.File(p, MaxRecordSize, "trust record")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e, err := decode(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("trust record %s: %w", p, err))
			continue
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out, errors.Join(errs...)
}

// locked runs fn under the trust lock of home.
func locked(ctx context.Context, home string, fn func() error) error {
	locks := (&store.Store{Home: home}).LocksDir()
	if err := os.MkdirAll(locks, 0o755); err != nil {
		return fmt.Errorf("lock trust records: %w", err)
	}
	unlock, err := store.LockFile(ctx, filepath.Join(locks, "trust.lock"))
	if err != nil {
		return fmt.Errorf("lock trust records: %w", err)
	}
	defer unlock()
	return fn()
}

// encode writes e as the record format: a header line, then "key value"
// lines. It is line-based so that reading one costs next to nothing.
func encode(e Entry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\ndir %s\ndigest %s\ntrusted-at %s\n", header, e.Dir, e.Digest, e.TrustedAt.UTC().Format(time.RFC3339))
	return b.Bytes()
}

func decode(data []byte) (Entry, error) {
	var e Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 512), MaxRecordSize)
	if !sc.Scan() || sc.Text() != header {
		return e, errors.New("not a trust record")
	}
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "dir":
			e.Dir = v
		case "digest":
			e.Digest = v
		case "trusted-at":
			e.TrustedAt, _ = time.Parse(time.RFC3339, v)
		}
	}
	if e.Dir == "" || e.Digest == "" {
		return e, errors.New("no dir or digest")
	}
	return e, sc.Err()
}

// Canonical returns dir made absolute with every symlink resolved, so that
// one directory reached through two paths has one record. A directory that
// does not exist is an error.
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
