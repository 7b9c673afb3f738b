package version

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tote-dev/tote/internal/store"
)

// DefaultCacheTTL is how long a cached remote version list stays fresh.
const DefaultCacheTTL = 12 * time.Hour

// CachedList is a tool's remote version list as stored on disk
// (one JSON file per tool).
type CachedList struct {
	// Versions are the remote versions (JSON: "versions").
	Versions []string `json:"versions"`
	// Latest is the plugin's latest version (JSON: "latest").
	Latest string `json:"latest,omitempty"`
	// Canary is the plugin's canary version (JSON: "canary").
	Canary string `json:"canary,omitempty"`
	// Aliases are the plugin's aliases (JSON: "aliases").
	Aliases map[string]string `json:"aliases,omitempty"`
	// FetchedAt is when the list was fetched (JSON: "fetched_at", RFC 3339).
	FetchedAt time.Time `json:"fetched_at"`
}

// Cache stores remote version lists in Dir, one <tool>.json per tool.
type Cache struct {
	// Dir holds the files, e.g. $TOTE_HOME/cache/versions.
	Dir string
	// TTL is how long an entry is fresh; 0 means DefaultCacheTTL.
	TTL time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

func (c Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Cache) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultCacheTTL
}

func (c Cache) path(tool string) (string, error) {
	if tool == "" || tool == "." || tool == ".." || strings.ContainsAny(tool, `/\`+"\x00") {
		return "", fmt.Errorf("version cache: invalid tool id %q", tool)
	}
	return filepath.Join(c.Dir, tool+".json"), nil
}

// Load returns the cached list for tool and whether it is fresh (fetched
// less than TTL ago, and not in the future). A missing entry returns
// (nil, false, nil); a stale one is returned with fresh == false so that
// an offline caller may still use it. A corrupt entry is an error naming
// the file; the caller should fetch again and Store over it.
func (c Cache) Load(tool string) (*CachedList, bool, error) {
	l, err := c.LoadAny(tool)
	if l == nil || err != nil {
		return nil, false, err
	}
	age := c.now().Sub(l.FetchedAt)
	return l, age >= 0 && age < c.ttl(), nil
}

// LoadAny returns the cached list for tool whatever its age, or nil when
// there is none.
func (c Cache) LoadAny(tool string) (*CachedList, error) {
	p, err := c.path(tool)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("version cache: %w", err)
	}
	var l CachedList
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("version cache: corrupt entry %s: %w", p, err)
	}
	return &l, nil
}

// Store writes list for tool atomically (temporary file, fsync, rename).
// A zero FetchedAt is set to Now.
func (c Cache) Store(tool string, list CachedList) error {
	p, err := c.path(tool)
	if err != nil {
		return err
	}
	if list.FetchedAt.IsZero() {
		list.FetchedAt = c.now()
	}
	if list.Versions == nil {
		list.Versions = []string{}
	}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return fmt.Errorf("version cache: encode %s: %w", tool, err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("version cache: %w", err)
	}
	if err := store.WriteFileAtomic(p, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("version cache: %w", err)
	}
	return nil
}
