// Package lockfile reads and writes .prototools.lock, which pins what a
// project's tools resolved to: for every tool and version spec, the
// resolved version, the URL it was downloaded from and the sha256 of the
// download; for every tool whose plugin comes from a [plugins] locator, the
// locator and the sha256 of the plugin file.
//
// The file sits next to the nearest .prototools (the name pairs it with
// that file). It is JSON with sorted keys and a trailing newline, so it
// diffs well and two writes of the same content are byte-identical:
//
//	{
//	  "version": 1,
//	  "tools": {
//	    "jq": {
//	      "1.7": {"version": "1.7.1", "source": "https://…/jq-linux-amd64", "checksum": "sha256:…"}
//	    }
//	  },
//	  "plugins": {
//	    "jq": {"locator": "https://…/jq.toml", "digest": "sha256:…"}
//	  }
//	}
package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tote-dev/tote/internal/readlimit"
	"github.com/tote-dev/tote/internal/store"
)

// FileName is the lockfile's name.
const FileName = ".prototools.lock"

// FormatVersion is the version of the file format written.
const FormatVersion = 1

// Tool is the locked result of one tool spec.
type Tool struct {
	// Version is the resolved version.
	Version string `json:"version"`
	// Source is the URL the download came from (after url-rewrites).
	Source string `json:"source,omitempty"`
	// Checksum is "sha256:<hex>" of the download.
	Checksum string `json:"checksum,omitempty"`
}

// Plugin is the locked plugin of one tool.
type Plugin struct {
	// Locator is the [plugins] locator as written.
	Locator string `json:"locator"`
	// Digest is "sha256:<hex>" of the plugin file.
	Digest string `json:"digest"`
}

// File is a lockfile.
type File struct {
	// Version is the format version.
	Version int `json:"version"`
	// Tools maps tool id → version spec → locked result.
	Tools map[string]map[string]Tool `json:"tools"`
	// Plugins maps tool id → locked plugin.
	Plugins map[string]Plugin `json:"plugins"`

	path   string
	exists bool
}

// New returns an empty lockfile to be written at path.
func New(path string) *File {
	return &File{Version: FormatVersion, Tools: map[string]map[string]Tool{}, Plugins: map[string]Plugin{}, path: path}
}

// MaxSize bounds a lockfile read from disk (a real one is a few kilobytes).
const MaxSize = 16 << 20

// Read reads the lockfile at path. A missing file gives an empty File whose
// Exists is false.
func Read(path string) (*File, error) {
	f := New(path)
	data, err := readlimit.File(path, MaxSize, "lockfile")
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lockfile: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("lockfile %s is invalid: %w (fix it, or delete it and run tote install --update-lock)", path, err)
	}
	if f.Version != FormatVersion {
		return nil, fmt.Errorf("lockfile %s has format version %d; this tote reads version %d", path, f.Version, FormatVersion)
	}
	if f.Tools == nil {
		f.Tools = map[string]map[string]Tool{}
	}
	if f.Plugins == nil {
		f.Plugins = map[string]Plugin{}
	}
	f.path, f.exists = path, true
	return f, nil
}

// Path is where the file is read from and written to.
func (f *File) Path() string { return f.path }

// Exists reports whether the file was read from disk (or has been written).
func (f *File) Exists() bool { return f.exists }

// Tool returns the locked result of id at spec.
func (f *File) Tool(id, spec string) (Tool, bool) {
	t, ok := f.Tools[id][spec]
	return t, ok
}

// SetTool records the result of id at spec.
func (f *File) SetTool(id, spec string, t Tool) {
	if f.Tools[id] == nil {
		f.Tools[id] = map[string]Tool{}
	}
	f.Tools[id][spec] = t
}

// Plugin returns the locked plugin of id.
func (f *File) Plugin(id string) (Plugin, bool) {
	p, ok := f.Plugins[id]
	return p, ok
}

// SetPlugin records the plugin of id.
func (f *File) SetPlugin(id string, p Plugin) { f.Plugins[id] = p }

// Marshal returns the file's bytes.
func (f *File) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Write writes the file atomically; it is left alone when its bytes would
// not change.
func (f *File) Write() error {
	b, err := f.Marshal()
	if err != nil {
		return fmt.Errorf("write lockfile %s: %w", f.path, err)
	}
	if old, err := os.ReadFile(f.path); err == nil && bytes.Equal(old, b) {
		f.exists = true
		return nil
	}
	if err := store.WriteFileAtomic(f.path, b, 0o644); err != nil {
		return fmt.Errorf("write lockfile: %w", err)
	}
	f.exists = true
	return nil
}

// Locate returns the lockfile path for a project: next to nearestConfig
// (the nearest .prototools) when there is one, else in dir.
func Locate(dir, nearestConfig string) string {
	if nearestConfig != "" {
		return filepath.Join(filepath.Dir(nearestConfig), FileName)
	}
	return filepath.Join(dir, FileName)
}

// PluginChangedError reports a plugin whose bytes differ from the locked
// digest.
type PluginChangedError struct {
	Tool, Locator, Expected, Actual, Lockfile string
}

func (e *PluginChangedError) Error() string {
	return fmt.Sprintf("plugin of %s (%s) changed: %s locks digest %s, got %s", e.Tool, e.Locator, e.Lockfile, e.Expected, e.Actual)
}

// Hint says how to accept the change, and when not to.
func (e *PluginChangedError) Hint() string {
	return "if the plugin's author published a new one at this locator and you expect it, run `tote install --update-lock` to record it; otherwise (and when a mirror served it: `--log info` says) do not: it is not the plugin this project locked"
}
