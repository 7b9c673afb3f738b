// Package extcache reads and writes the extension subscription cache,
// $TOTE_HOME/cache/extensions.json: for each extension, what its file and
// configuration looked like when it was last enabled, its metadata, its
// subscriptions and its commands. It lets tote answer "does any extension
// listen to pre-run or post-run?" and "which commands do extensions add?"
// without instantiating WebAssembly.
//
// The package is deliberately light (no WebAssembly runtime, no CLI
// framework): tote-shim imports it.
package extcache

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

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/store"
)

// FormatVersion is the version of the cache file format; a file with
// another version is ignored (and rewritten).
const FormatVersion = 1

// Kinds of extensions.
const (
	KindWASM   = "wasm"
	KindNative = "native"
)

// File is the whole cache.
type File struct {
	// Version is FormatVersion.
	Version int `json:"version"`
	// Entries are keyed by extension id.
	Entries map[string]Entry `json:"entries"`
}

// Entry describes one extension as it was when last enabled.
type Entry struct {
	// ID is the extension id.
	ID string `json:"id"`
	// Kind is KindWASM or KindNative.
	Kind string `json:"kind"`
	// Path is the .wasm file (wasm only).
	Path string `json:"path,omitempty"`
	// Size and ModTime (Unix nanoseconds) are the file's, for a quick
	// freshness check.
	Size    int64 `json:"size,omitempty"`
	ModTime int64 `json:"mod_time,omitempty"`
	// Digest is "sha256:<hex>" of the file (wasm), or the native build's
	// fingerprint.
	Digest string `json:"digest"`
	// ConfigHash is ConfigHash of the [extensions.<id>] table in force.
	ConfigHash string `json:"config_hash"`
	// Metadata is the plugin's metadata.
	Metadata api.ExtensionMetadata `json:"metadata"`
	// Subscriptions are the plugin's subscriptions in order.
	Subscriptions []api.SubscribeInput `json:"subscriptions,omitempty"`
	// Commands are the commands it registered.
	Commands []api.CommandSpec `json:"commands,omitempty"`
}

// Subscribes reports whether the entry listens to any of kinds.
func (e Entry) Subscribes(kinds ...api.EventKind) bool {
	for _, s := range e.Subscriptions {
		for _, k := range kinds {
			if s.Event == k {
				return true
			}
		}
	}
	return false
}

// Path returns the cache file of a tote home.
func Path(home string) string {
	return filepath.Join(store.Store{Home: home}.CacheDir(), "extensions.json")
}

// MaxSize bounds the cache file read from disk; a larger one is ignored
// (and rewritten) like a corrupt one.
const MaxSize = 4 << 20

// Read reads the cache. A missing, unreadable or outdated file yields an
// empty cache (never an error: the cache is only an optimisation).
func Read(home string) *File {
	f := &File{Version: FormatVersion, Entries: map[string]Entry{}}
	data, err := readlimit.File(Path(home), MaxSize, "extension cache")
	if err != nil {
		return f
	}
	var got File
	if json.Unmarshal(data, &got) != nil || got.Version != FormatVersion || got.Entries == nil {
		return f
	}
	return &got
}

// Write replaces the cache file atomically.
func Write(home string, f *File) error {
	f.Version = FormatVersion
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode extension cache: %w", err)
	}
	p := Path(home)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write extension cache: %w", err)
	}
	if err := store.WriteFileAtomic(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write extension cache %s: %w", p, err)
	}
	return nil
}

// ConfigHash fingerprints an [extensions.<id>] table: a change of any of
// its fields (enabled aside, which decides whether the plugin loads at all)
// may change what the plugin subscribes to.
func ConfigHash(t config.ExtensionTable) string {
	v := struct {
		Permissions []string       `json:"p"`
		Deny        []string       `json:"d"`
		Config      map[string]any `json:"c"`
		Memory      int64          `json:"m"`
		Timeout     int64          `json:"t"`
		RunTimeout  int64          `json:"rt,omitempty"`
		Restarts    *int           `json:"r"`
	}{t.Permissions, t.Deny, t.Config, t.Limits.Memory, int64(t.Limits.CallTimeout), int64(t.Limits.RunTimeout), t.Limits.MaxRestarts}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// FileDigest returns "sha256:<hex>" of a file.
func FileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// StatMatches reports whether a file still has the size and modification
// time recorded in e.
func (e Entry) StatMatches(fi fs.FileInfo) bool {
	return fi.Size() == e.Size && fi.ModTime().UnixNano() == e.ModTime
}

// EnabledWASM reports whether a .wasm extension is enabled by its table:
// extensions in $TOTE_HOME/extensions load unless enabled = false.
func EnabledWASM(t config.ExtensionTable) bool { return t.Enabled == nil || *t.Enabled }

// EnabledNative reports whether a compiled-in extension is enabled: only
// with enabled = true.
func EnabledNative(t config.ExtensionTable) bool { return t.Enabled != nil && *t.Enabled }

// WASMFiles lists the *.wasm files of dir, sorted by name, as id → path
// (the id is the file name without .wasm). A missing dir is empty.
func WASMFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list extensions in %s: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".wasm") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// IDOfFile returns the extension id a .wasm file name declares.
func IDOfFile(path string) string { return strings.TrimSuffix(filepath.Base(path), ".wasm") }

// RunEvents are the events fired around running a tool.
var RunEvents = []api.EventKind{api.EventPreRun, api.EventPostRun}

// MayListen reports, from the cache alone, whether an enabled extension may
// listen to any of kinds under cfg: true when the cache says so, and also
// (conservatively) when an enabled extension has no fresh entry. It reads
// one file and one directory; tote-shim uses it to decide whether a run
// must go through `tote run`.
func MayListen(home string, cfg *config.Config, kinds ...api.EventKind) bool {
	cache := Read(home)
	tables := map[string]config.ExtensionTable{}
	if cfg != nil {
		tables = cfg.Extensions()
	}
	files, _ := WASMFiles(store.Store{Home: home}.ExtensionsDir())
	paths := map[string]string{}
	for _, p := range files {
		paths[IDOfFile(p)] = p
	}
	if cfg != nil {
		for id := range tables {
			if l, ok := cfg.ExtensionLocator(id); ok && l.Kind == config.LocatorFile {
				paths[id] = l.Value
			}
		}
	}
	for id, p := range paths {
		t := tables[id]
		if !EnabledWASM(t) {
			continue
		}
		e, ok := cache.Entries[id]
		if !ok || e.Kind != KindWASM || e.Path != p || e.ConfigHash != ConfigHash(t) {
			return true
		}
		fi, err := os.Stat(p)
		if err != nil || !e.StatMatches(fi) || e.Subscribes(kinds...) {
			return true
		}
	}
	for id, t := range tables {
		if _, isFile := paths[id]; isFile || !EnabledNative(t) {
			continue
		}
		e, ok := cache.Entries[id]
		if !ok || e.Kind != KindNative || e.ConfigHash != ConfigHash(t) || e.Subscribes(kinds...) {
			return true
		}
	}
	return false
}
