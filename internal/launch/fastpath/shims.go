package fastpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tote-dev/tote/internal/store"
)

// ShimRegistry maps shim names to the tool and executable they start. It is
// stored as shims/registry.json and read by every shim invocation.
type ShimRegistry struct {
	// Tote is the absolute path of the tote binary, for the slow path.
	Tote string `json:"tote"`
	// Shims maps an executable name to its target.
	Shims map[string]ShimTarget `json:"shims"`
}

// ShimTarget is what one shim runs.
type ShimTarget struct {
	// Tool is the tool id.
	Tool string `json:"tool"`
	// Exe is the executable's name within the tool.
	Exe string `json:"exe"`
}

// RegistryPath is where the shim registry lives.
func RegistryPath(st *store.Store) string { return filepath.Join(st.ShimsDir(), "registry.json") }

// ReadRegistry reads the shim registry; a missing file is an empty registry.
func ReadRegistry(st *store.Store) (*ShimRegistry, error) {
	r := &ShimRegistry{Shims: map[string]ShimTarget{}}
	b, err := os.ReadFile(RegistryPath(st))
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("read %s: %w", RegistryPath(st), err)
	}
	if r.Shims == nil {
		r.Shims = map[string]ShimTarget{}
	}
	return r, nil
}

// WriteRegistry stores the shim registry atomically.
func WriteRegistry(st *store.Store, r *ShimRegistry) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(st.ShimsDir(), 0o755); err != nil {
		return err
	}
	return store.WriteFileAtomic(RegistryPath(st), append(b, '\n'), 0o644)
}
