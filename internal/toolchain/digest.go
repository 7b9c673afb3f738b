package toolchain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tote-dev/tote/internal/store"
)

// builtinDigest identifies the code of the built-in plugins: the sha256 of
// tote's own executable, which contains them. It keys what is cached about
// a built-in (launch.Meta: version files, exports), so that any change of
// a built-in's core — or of anything it is linked with — invalidates the
// cache, with no version to bump by hand. Hashing the executable costs tens
// of milliseconds, so the result is cached in $TOTE_HOME/cache/self.json,
// keyed by the executable's path, size and modification time. When the
// executable cannot be read, the digest is unique to this process, so the
// cache is simply never reused.
func (m *Manager) builtinDigest() string {
	m.digestOnce.Do(func() {
		d, err := executableDigest(os.Executable, m.Store.CacheDir())
		if err != nil {
			m.Logger.Debug("cannot hash tote's executable; built-in plugin metadata will not be reused", "err", err)
			var nonce [16]byte
			rand.Read(nonce[:])
			d = "uncached-" + hex.EncodeToString(nonce[:])
		}
		m.digest = "builtin:sha256:" + d
	})
	return m.digest
}

// SelfDigest returns the hex sha256 of tote's running executable, cached
// in cacheDir/self.json (keyed by path, size and modification time). It
// keys what is cached about code compiled into tote — built-in tools and
// native extensions — on content, with no version to bump by hand.
func SelfDigest(cacheDir string) (string, error) {
	return executableDigest(os.Executable, cacheDir)
}

// selfDigest is the cache record of executableDigest.
type selfDigest struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mod_time_ns"`
	SHA256  string `json:"sha256"`
}

// executableDigest returns the hex sha256 of the running executable,
// reusing the record in cacheDir/self.json when path, size and mtime match.
func executableDigest(executable func() (string, error), cacheDir string) (string, error) {
	exe, err := executable()
	if err != nil {
		return "", fmt.Errorf("find the executable: %w", err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", fmt.Errorf("stat the executable: %w", err)
	}
	rec := selfDigest{Path: exe, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
	cachePath := filepath.Join(cacheDir, "self.json")
	if b, err := os.ReadFile(cachePath); err == nil {
		var old selfDigest
		if json.Unmarshal(b, &old) == nil && old.Path == rec.Path && old.Size == rec.Size && old.ModTime == rec.ModTime && len(old.SHA256) == 64 {
			if _, err := hex.DecodeString(old.SHA256); err == nil {
				return old.SHA256, nil
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("read the executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read the executable: %w", err)
	}
	rec.SHA256 = hex.EncodeToString(h.Sum(nil))
	if b, err := json.Marshal(rec); err == nil {
		if os.MkdirAll(cacheDir, 0o755) == nil {
			_ = store.WriteFileAtomic(cachePath, append(b, '\n'), 0o644) // a cache: failing to write it costs a re-hash
		}
	}
	return rec.SHA256, nil
}
