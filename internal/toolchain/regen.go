package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/internal/store"
)

// RegenReport says what [Manager.Regen] changed.
type RegenReport struct {
	// Tools are the tools whose shims and bin links were rebuilt.
	Tools []string
	// Rebased counts manifest paths moved from an old $TOTE_HOME.
	Rebased int
	// Removed are dangling bin links of tote's that were removed.
	Removed []string
}

// Regen rebuilds every installed tool's shims, bin links and the shim
// registry (which records this tote). When $TOTE_HOME moved, the absolute
// paths the manifests recorded under the old home are rebased onto the
// new one first, and bin links left pointing into the old home are
// removed.
func (m *Manager) Regen(ctx context.Context) (*RegenReport, error) {
	rep := &RegenReport{}
	ids, err := m.InstalledTools()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		n := 0
		if err := m.Store.UpdateManifest(ctx, id, func(man *store.Manifest) error {
			for ver, iv := range man.InstalledVersions {
				dir := m.Store.VersionDir(id, ver)
				rebase := func(p string) string {
					if q, ok := rebasePath(p, id, ver, dir); ok && q != p {
						n++
						return q
					}
					return p
				}
				for name, e := range iv.Exes {
					e.Path = rebase(e.Path)
					if e.LinkPath != "" {
						e.LinkPath = rebase(e.LinkPath)
					}
					iv.Exes[name] = e
				}
				for i, d := range iv.ExesDirs {
					iv.ExesDirs[i] = rebase(d)
				}
				man.InstalledVersions[ver] = iv
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("regen %s: %w", id, err)
		}
		rep.Rebased += n
	}
	// Links of tote's that point nowhere (into an old home) go first, so
	// Link can place fresh ones.
	links, _ := filepath.Glob(filepath.Join(m.Store.BinDir(), "*"))
	for _, l := range links {
		t, ok := m.binTarget(l)
		if !ok || !strings.Contains(t, string(filepath.Separator)+"tools"+string(filepath.Separator)) {
			continue
		}
		if _, err := os.Stat(l); os.IsNotExist(err) {
			if os.Remove(l) == nil {
				rep.Removed = append(rep.Removed, l)
			}
		}
	}
	for _, id := range ids {
		if err := m.Link(ctx, id); err != nil {
			return nil, fmt.Errorf("regen %s: %w", id, err)
		}
		rep.Tools = append(rep.Tools, id)
	}
	return rep, nil
}

// rebasePath moves p, recorded under some .../tools/<id>/<ver>/, under dir
// (the version's directory now). ok is false when p has no such part.
func rebasePath(p, id, ver, dir string) (string, bool) {
	marker := string(filepath.Separator) + filepath.Join("tools", id, ver)
	i := strings.LastIndex(p, marker+string(filepath.Separator))
	if i < 0 {
		if strings.HasSuffix(p, marker) {
			return dir, true
		}
		return p, false
	}
	return filepath.Join(dir, p[i+len(marker)+1:]), true
}
