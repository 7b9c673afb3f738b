package fastpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tote-dev/tote/internal/store"
)

// ErrNeedsPlugin means the fast path cannot decide without the tool's plugin.
var ErrNeedsPlugin = errors.New("needs the tool's plugin")

// Meta is what tote remembers about a tool's plugin between runs, written
// whenever the plugin is loaded. It lets the fast path know the plugin's
// version files and hooks without loading it.
type Meta struct {
	// ID is the tool id.
	ID string `json:"id"`
	// Name is the tool's display name from register_tool.
	Name string `json:"name"`
	// Type is the plugin type from register_tool.
	Type string `json:"type,omitempty"`
	// Source is where the plugin came from (a locator or "builtin:<id>").
	Source string `json:"source"`
	// Digest identifies the plugin build (sha256 of the wasm, or the built-in's version).
	Digest string `json:"digest"`
	// Exports are the plugin's exported contract functions.
	Exports []string `json:"exports"`
	// VersionFiles are the plugin's version files, in precedence order.
	VersionFiles []string `json:"version_files,omitempty"`
	// VersionIgnore are path fragments where version files are not looked for.
	VersionIgnore []string `json:"version_ignore,omitempty"`
	// DefaultVersion is the plugin's default version spec.
	DefaultVersion string `json:"default_version,omitempty"`
	// SelfUpgradeCommands are register_tool's self_upgrade_commands: the
	// arguments (such as "upgrade" for bun) with which the tool would
	// replace itself, which tote refuses as proto does.
	SelfUpgradeCommands []string `json:"self_upgrade_commands,omitempty"`
}

// SelfUpgrading reports whether args start with one of the plugin's
// self-upgrade commands (each a space-separated list of arguments, such as
// "self update").
func (m *Meta) SelfUpgrading(args []string) bool {
	if m == nil {
		return false
	}
	for _, c := range m.SelfUpgradeCommands {
		words := strings.Fields(c)
		if len(words) == 0 || len(args) < len(words) {
			continue
		}
		if slices.Equal(words, args[:len(words)]) {
			return true
		}
	}
	return false
}

// Has reports whether the plugin exports fn.
func (m *Meta) Has(fn string) bool { return m != nil && slices.Contains(m.Exports, fn) }

func metaPath(st *store.Store, id string) string {
	return filepath.Join(st.CacheDir("meta"), id+".json")
}

// ReadMeta returns the cached plugin metadata of a tool, or nil if there is none.
func ReadMeta(st *store.Store, id string) (*Meta, error) {
	b, err := os.ReadFile(metaPath(st, id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", metaPath(st, id), err)
	}
	return &m, nil
}

// WriteMeta stores the plugin metadata of a tool.
func WriteMeta(st *store.Store, m *Meta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	p := metaPath(st, m.ID)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return store.WriteFileAtomic(p, append(b, '\n'), 0o644)
}
