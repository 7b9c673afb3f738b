package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"
)

// Manifest is the record of one tool's installed versions, stored at
// tools/<id>/manifest.json. It is read and written only through
// [Store.ReadManifest] and [Store.UpdateManifest].
type Manifest struct {
	// InstalledVersions maps each installed version to what was installed
	// (JSON: "installed_versions").
	InstalledVersions map[string]InstalledVersion `json:"installed_versions"`
	// DefaultVersion is the version used when nothing pins one
	// (JSON: "default_version").
	DefaultVersion string `json:"default_version,omitempty"`
}

// InstalledVersion records one installed version of a tool. It holds what
// `tote run`, shims and `tote which` need, so they never load a plugin.
type InstalledVersion struct {
	// InstalledAt is when the install finished (JSON: "installed_at").
	InstalledAt time.Time `json:"installed_at"`
	// Checksum is the verified checksum of the download, such as
	// "sha256:<hex>" (JSON: "checksum").
	Checksum string `json:"checksum,omitempty"`
	// SourceURL is where the tool was downloaded from (JSON: "source_url").
	SourceURL string `json:"source_url,omitempty"`
	// Exes maps executable names to where they are (JSON: "exes").
	Exes map[string]Exe `json:"exes,omitempty"`
	// ExesDirs are absolute directories added to PATH (JSON: "exes_dirs").
	ExesDirs []string `json:"exes_dirs,omitempty"`
	// GlobalsLookupDirs are absolute directories where globally installed
	// packages' executables are looked up (JSON: "globals_lookup_dirs").
	GlobalsLookupDirs []string `json:"globals_lookup_dirs,omitempty"`
	// GlobalsPrefix is the prefix of globally installed package names
	// (JSON: "globals_prefix").
	GlobalsPrefix string `json:"globals_prefix,omitempty"`
}

// Exe is one located executable of an installed version.
type Exe struct {
	// Path is the absolute path of the executable (JSON: "path").
	Path string `json:"path"`
	// LinkPath, when set, is what bin/<name> links to instead of Path:
	// the plugin's exe_link_path (JSON: "link_path").
	LinkPath string `json:"link_path,omitempty"`
	// Primary marks the tool's main executable (JSON: "primary").
	Primary bool `json:"primary,omitempty"`
	// NoBin skips the bin/ link (JSON: "no_bin").
	NoBin bool `json:"no_bin,omitempty"`
	// NoShim skips the shim (JSON: "no_shim").
	NoShim bool `json:"no_shim,omitempty"`
	// ParentExeName runs the executable through another, such as "node"
	// (JSON: "parent_exe_name").
	ParentExeName string `json:"parent_exe_name,omitempty"`
	// ParentExeArgs go before the executable when a parent runs it
	// (JSON: "parent_exe_args").
	ParentExeArgs []string `json:"parent_exe_args,omitempty"`
	// ShimBeforeArgs are inserted before the user's arguments
	// (JSON: "shim_before_args").
	ShimBeforeArgs []string `json:"shim_before_args,omitempty"`
	// ShimAfterArgs are appended after the user's arguments
	// (JSON: "shim_after_args").
	ShimAfterArgs []string `json:"shim_after_args,omitempty"`
	// ShimEnvVars are set when the shim runs (JSON: "shim_env_vars").
	ShimEnvVars map[string]string `json:"shim_env_vars,omitempty"`
}

// CorruptManifestError reports a manifest.json that exists but cannot be
// decoded. tote never resets such a file by itself: the user decides.
type CorruptManifestError struct {
	// Path is the manifest's path.
	Path string
	// Err is the decoding error.
	Err error
}

// Error returns the message.
func (e *CorruptManifestError) Error() string {
	return fmt.Sprintf("tool manifest %s is corrupt: %v (hint: fix it, or delete it and reinstall the tool)", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *CorruptManifestError) Unwrap() error { return e.Err }

// ReadManifest reads tools/<id>/manifest.json. A missing file is an empty
// manifest; a file that cannot be decoded is a *[CorruptManifestError].
// It takes no lock: the file is replaced atomically, so a reader always sees
// a whole manifest.
func (s Store) ReadManifest(id string) (*Manifest, error) {
	if err := CheckName("tool id", id); err != nil {
		return nil, err
	}
	path := s.ManifestPath(id)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Manifest{InstalledVersions: map[string]InstalledVersion{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read tool manifest: %w", err)
	}
	m, err := decodeManifest(data)
	if err != nil {
		return nil, &CorruptManifestError{Path: path, Err: err}
	}
	return m, nil
}

func decodeManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	if err := json.Unmarshal(data, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return nil, fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		return nil, err
	}
	for v := range m.InstalledVersions {
		if err := CheckName("version", v); err != nil {
			return nil, fmt.Errorf("installed_versions: %w", err)
		}
	}
	if m.InstalledVersions == nil {
		m.InstalledVersions = map[string]InstalledVersion{}
	}
	return &m, nil
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// UpdateManifest changes tools/<id>/manifest.json under the tool's manifest
// lock: it reads the manifest, calls fn, and writes the result atomically.
// If fn returns an error nothing is written and that error is returned.
// A corrupt manifest is reported, never overwritten.
func (s Store) UpdateManifest(ctx context.Context, id string, fn func(*Manifest) error) error {
	unlock, err := s.LockManifest(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.ReadManifest(id)
	if err != nil {
		return err
	}
	if err := fn(m); err != nil {
		return err
	}
	for v := range m.InstalledVersions {
		if err := CheckName("version", v); err != nil {
			return fmt.Errorf("update tool manifest of %s: %w", id, err)
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("update tool manifest of %s: %w", id, err)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(s.ToolDir(id), 0o755); err != nil {
		return fmt.Errorf("update tool manifest of %s: %w", id, err)
	}
	return WriteFileAtomic(s.ManifestPath(id), data, 0o644)
}

// InstalledVersions lists the versions of tool id that are installed: those
// with both a directory tools/<id>/<version> and an entry in the manifest.
// A directory without an entry (an install that did not finish recording)
// and an entry without a directory (removed by hand) are both left out.
// The result is sorted by name; version ordering is the caller's concern.
func (s Store) InstalledVersions(id string) ([]string, error) {
	m, err := s.ReadManifest(id)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.ToolDir(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list installed versions of %s: %w", id, err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || name[0] == '.' {
			continue
		}
		if _, ok := m.InstalledVersions[name]; ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}
