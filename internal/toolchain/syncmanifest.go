package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/store"
)

// maxSyncedVersions bounds the versions one sync_manifest may list.
const maxSyncedVersions = 10000

// SyncManifest calls the plugin's sync_manifest where proto does (after an
// install, an uninstall and a clean) and honours its answer as far as the
// file system confirms it. proto replaces the manifest's versions with the
// plugin's list; tote records only what it can run and removes only what
// is gone:
//
//   - a listed version tote has not installed is adopted when the plugin
//     manages its versions in a directory of its own
//     (inventory_options.override_dir, such as rustup's toolchains) and that
//     version's directory exists: its executables are located there and
//     linked as for an install. For any other tool tote installs versions
//     itself, and the claim is ignored.
//   - an installed version the list leaves out is dropped when it lives in
//     such a directory and that directory is gone (removed by the tool's
//     own manager); tote's own trees are never removed by a plugin's word.
//
// Names are checked like any version; skip_sync or no list changes nothing.
// A tool whose cached metadata (written when its plugin loads) does not
// list sync_manifest is not loaded.
func (m *Manager) SyncManifest(ctx context.Context, id string) error {
	if meta, _ := launch.ReadMeta(m.Store, id); !meta.Has(api.FuncSyncManifest) {
		return nil
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return err
	}
	if !t.Plugin.HasFunction(api.FuncSyncManifest) {
		return nil
	}
	var out api.SyncManifestOutput
	// proto passes an unresolved context; PDKs before proto 0.46 read a
	// version in it, which was then the default spec, "latest".
	c := m.context(id, "")
	c.Version = "latest"
	if err := t.Plugin.Call(ctx, api.FuncSyncManifest, api.SyncManifestInput{Context: c}, &out); err != nil {
		return err
	}
	if out.SkipSync || out.Versions == nil {
		return nil
	}
	if len(out.Versions) > maxSyncedVersions {
		return fmt.Errorf("plugin %q function %s: lists %d versions (at most %d)", id, api.FuncSyncManifest, len(out.Versions), maxSyncedVersions)
	}
	var listed []string
	for _, v := range out.Versions {
		if err := checkComponent(v); err != nil {
			m.Logger.Warn(fmt.Sprintf("plugin %q function %s: ignoring version %s: %v", id, api.FuncSyncManifest, quote(v), err))
			continue
		}
		if !slices.Contains(listed, v) {
			listed = append(listed, v)
		}
	}
	installed, err := m.Store.InstalledVersions(id)
	if err != nil {
		return err
	}
	managed := t.Info.InventoryOptions.OverrideDir != nil && t.Info.InventoryOptions.OverrideDir.Path != ""
	changed := false
	for _, v := range listed {
		if slices.Contains(installed, v) {
			continue
		}
		if !managed {
			m.Logger.Debug("sync_manifest lists a version tote did not install; ignored", "tool", id, "version", v)
			continue
		}
		ok, err := m.adoptManaged(ctx, t, v)
		if err != nil {
			m.Logger.Warn(fmt.Sprintf("not adopting %s %s, which the plugin's sync_manifest lists: %v", id, v, err))
			continue
		}
		changed = changed || ok
	}
	if managed {
		for _, v := range installed {
			if slices.Contains(listed, v) {
				continue
			}
			dir, err := m.managedDir(t, v)
			if err != nil {
				return err
			}
			if _, err := os.Stat(dir); err == nil {
				continue // still there: the plugin's list leaves out channels such as "stable"
			}
			if err := m.dropManaged(ctx, id, v); err != nil {
				return err
			}
			changed = true
		}
	}
	if changed {
		return m.Link(ctx, id)
	}
	return nil
}

// syncAfter runs SyncManifest after an install or an uninstall that
// succeeded; a failure is a warning (what was asked is done).
func (m *Manager) syncAfter(ctx context.Context, id string) {
	if err := m.SyncManifest(ctx, id); err != nil {
		m.Logger.Warn(fmt.Sprintf("cannot sync the manifest of %s with its plugin: %v", id, err))
	}
}

// adoptManaged records version v of a tool whose versions live in the
// plugin's own directory, when v's directory exists there.
func (m *Manager) adoptManaged(ctx context.Context, t *Tool, v string) (bool, error) {
	id := t.ID
	dir, err := m.managedDir(t, v)
	if err != nil {
		return false, err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false, nil
	}
	unlock, err := m.Store.LockTool(ctx, id, v)
	if err != nil {
		return false, err
	}
	defer unlock()
	rec := store.InstalledVersion{InstalledAt: time.Now().UTC()}
	if err := m.locate(ctx, t, v, dir, dir, &rec); err != nil {
		return false, fmt.Errorf("sync %s %s from %s: %w", id, v, dir, err)
	}
	marker := m.Store.VersionDir(id, v)
	if err := os.MkdirAll(marker, 0o755); err != nil {
		return false, err
	}
	if err := store.WriteFileAtomic(filepath.Join(marker, "MANAGED_BY_PLUGIN"), []byte(dir+"\n"), 0o644); err != nil {
		return false, err
	}
	if err := m.Store.UpdateManifest(ctx, id, func(man *store.Manifest) error {
		if man.InstalledVersions == nil {
			man.InstalledVersions = map[string]store.InstalledVersion{}
		}
		man.InstalledVersions[v] = rec
		return nil
	}); err != nil {
		return false, err
	}
	m.Logger.Info(fmt.Sprintf("%s %s is installed in %s (found by the plugin's sync_manifest)", id, v, dir))
	return true, nil
}

// dropManaged forgets version v, whose directory in the plugin's own
// directory is gone: its manifest entry and tote's marker directory.
func (m *Manager) dropManaged(ctx context.Context, id, v string) error {
	unlock, err := m.Store.LockTool(ctx, id, v)
	if err != nil {
		return err
	}
	defer unlock()
	if err := m.Store.UpdateManifest(ctx, id, func(man *store.Manifest) error {
		delete(man.InstalledVersions, v)
		return nil
	}); err != nil {
		return err
	}
	m.Logger.Info(fmt.Sprintf("%s %s is no longer installed (its directory is gone; the plugin's sync_manifest no longer lists it)", id, v))
	return removeTree(m.Store.VersionDir(id, v))
}
