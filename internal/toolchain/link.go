package toolchain

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/version"
)

// ShimBinary returns the tote-shim launcher to copy into $TOTE_HOME/shims:
// $TOTE_SHIM_BINARY, else tote-shim beside the running tote. "" means none
// was found and shims are written as small shell scripts calling `tote run`.
func ShimBinary() string {
	if p := os.Getenv("TOTE_SHIM_BINARY"); p != "" {
		return p
	}
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	p := filepath.Join(filepath.Dir(self), "tote-shim")
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}

// Link refreshes a tool's links: bin/<exe> points at the executables of the
// highest installed version, and shims/<exe> exists for every executable of
// every installed version. Links of versions that are gone are removed.
func (m *Manager) Link(ctx context.Context, id string) error {
	unlock, err := m.Store.LockManifest(ctx, "_links")
	if err != nil {
		return err
	}
	defer unlock()
	man, err := m.Store.ReadManifest(id)
	if err != nil {
		return err
	}
	reg, err := launch.ReadRegistry(m.Store)
	if err != nil {
		return err
	}
	self, _ := os.Executable()
	if self != "" {
		reg.Tote = self
	}
	// Shims for every executable of every version.
	want := map[string]string{}
	versions := make([]string, 0, len(man.InstalledVersions))
	for v, iv := range man.InstalledVersions {
		versions = append(versions, v)
		for name, e := range iv.Exes {
			if !e.NoShim {
				want[name] = id
			}
		}
	}
	version.Sort(versions)
	for name, target := range reg.Shims {
		if target.Tool == id {
			if _, ok := want[name]; !ok {
				os.Remove(filepath.Join(m.Store.ShimsDir(), name))
				delete(reg.Shims, name)
			}
		}
	}
	if err := os.MkdirAll(m.Store.ShimsDir(), 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if other, ok := reg.Shims[name]; ok && other.Tool != id {
			if m.shimRank(id, name) <= m.shimRank(other.Tool, name) {
				m.Logger.Debug("shim name already belongs to another tool; keeping it", "shim", name, "tool", other.Tool)
				continue
			}
			m.Logger.Debug("shim name taken over from another tool", "shim", name, "from", other.Tool, "to", id)
		}
		if err := m.writeShim(name, id, reg.Tote); err != nil {
			return err
		}
		reg.Shims[name] = launch.ShimTarget{Tool: id, Exe: name}
	}
	if err := launch.WriteRegistry(m.Store, reg); err != nil {
		return err
	}
	// Bins for the highest installed version.
	if err := os.MkdirAll(m.Store.BinDir(), 0o755); err != nil {
		return err
	}
	owned, _ := filepath.Glob(filepath.Join(m.Store.BinDir(), "*"))
	for _, p := range owned {
		if target, ok := m.binTarget(p); ok && strings.HasPrefix(target, m.Store.ToolDir(id)+string(filepath.Separator)) {
			os.Remove(p)
		}
	}
	if len(versions) == 0 {
		return nil
	}
	top := man.InstalledVersions[versions[len(versions)-1]]
	for name, e := range top.Exes {
		if e.NoBin || e.ParentExeName != "" {
			continue
		}
		target := e.Path
		if e.LinkPath != "" {
			target = e.LinkPath
		}
		link := filepath.Join(m.Store.BinDir(), name)
		if _, err := os.Lstat(link); err == nil {
			if t, ok := m.binTarget(link); !ok || !strings.HasPrefix(t, m.Store.ToolsDir()) {
				m.Logger.Warn("bin already exists and is not tote's; leaving it", "path", link)
				continue
			}
			os.Remove(link)
		}
		// Relative, so that the links survive $TOTE_HOME moving.
		if rel, err := filepath.Rel(m.Store.BinDir(), target); err == nil {
			target = rel
		}
		if err := os.Symlink(target, link); err != nil {
			return fmt.Errorf("link %s: %w", link, err)
		}
	}
	return nil
}

// writeShim places one shim: a copy of the tote-shim launcher, or a shell
// script when the launcher is not available.
func (m *Manager) writeShim(name, id, tote string) error {
	dst := filepath.Join(m.Store.ShimsDir(), name)
	if bin := m.shimBinary(); bin != "" {
		if same(bin, dst) {
			return nil
		}
		tmp := dst + ".tmp"
		os.Remove(tmp)
		if err := os.Link(bin, tmp); err != nil {
			if err := copyFile(bin, tmp, 0o755); err != nil {
				return fmt.Errorf("write shim %s: %w", dst, err)
			}
		}
		return os.Rename(tmp, dst)
	}
	if tote == "" {
		tote = "tote"
	}
	script := fmt.Sprintf("#!/bin/sh\n# tote shim for %s (tool %s)\nexec %q run --exe %q %q -- \"$@\"\n", name, id, tote, name, id)
	return store.WriteFileAtomic(dst, []byte(script), 0o755)
}

func (m *Manager) shimBinary() string {
	if m.ShimBin != "" {
		return m.ShimBin
	}
	return ShimBinary()
}

func same(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Uninstall removes one installed version (or every version when ver is
// ""), then refreshes the links.
func (m *Manager) Uninstall(ctx context.Context, id, ver string) ([]string, error) {
	installed, err := m.Store.InstalledVersions(id)
	if err != nil {
		return nil, err
	}
	if ver != "" && !slices.Contains(installed, ver) && m.isOrphan(id, ver) {
		// Not installed, only left behind by a killed install: remove it.
		removed, err := m.Store.RemoveLeftover(store.Leftover{Kind: store.LeftoverOrphan, Path: m.Store.VersionDir(id, ver), Tool: id, Version: ver})
		if err != nil {
			return nil, err
		}
		if !removed {
			return nil, fmt.Errorf("%s %s is being installed by another tote process", id, ver)
		}
		return []string{ver}, nil
	}
	targets, err := m.uninstallTargets(id, ver, installed)
	if err != nil {
		return nil, err
	}
	meta, _ := launch.ReadMeta(m.Store, id)
	for _, v := range targets {
		ev := api.UninstallEvent{Tool: id, Version: v}
		if err := m.fire(ctx, api.EventPreUninstall, ev, &api.AccessResult{}); err != nil {
			return nil, fmt.Errorf("uninstall %s %s: %w", id, v, err)
		}
		if err := m.uninstallOne(ctx, id, v, meta); err != nil {
			return nil, err
		}
		m.fire(ctx, api.EventPostUninstall, ev, nil) // observe-only
	}
	if err := m.Link(ctx, id); err != nil {
		return targets, err
	}
	m.syncAfter(ctx, id)
	return targets, nil
}

func (m *Manager) uninstallOne(ctx context.Context, id, ver string, meta *launch.Meta) error {
	unlock, err := m.Store.LockTool(ctx, id, ver)
	if err != nil {
		return err
	}
	defer unlock()
	if meta.Has("native_uninstall") {
		t, err := m.Tool(ctx, id)
		if err != nil {
			return err
		}
		var out struct {
			Uninstalled   bool   `json:"uninstalled"`
			SkipUninstall bool   `json:"skip_uninstall"`
			Error         string `json:"error"`
		}
		in := map[string]any{"context": m.context(id, ver), "uninstall_dir": m.virtual(m.Store.VersionDir(id, ver))}
		if err := t.Plugin.Call(runtime.WithWritable(ctx, m.Store.VersionDir(id, ver)), "native_uninstall", in, &out); err != nil {
			return err
		}
		if !out.Uninstalled && !out.SkipUninstall && out.Error != "" {
			return fmt.Errorf("plugin %q function native_uninstall: %s", id, plaintext.Text(out.Error, 0))
		}
	}
	if err := m.Store.UpdateManifest(ctx, id, func(man *store.Manifest) error {
		delete(man.InstalledVersions, ver)
		return nil
	}); err != nil {
		return err
	}
	return removeTree(m.Store.VersionDir(id, ver))
}

// removeTree removes dir by first renaming it aside, so that a crash midway
// never leaves a half-deleted version under its real name.
func removeTree(dir string) error {
	aside := store.RemovingName(dir)
	os.RemoveAll(aside)
	if err := os.Rename(dir, aside); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	return os.RemoveAll(aside)
}

// shimRank orders the tools that want the same shim name: the tool named
// after it first (the npm tool owns "npm"), then package managers (the
// npm tool's npx over the npx that Node.js bundles), then the first that
// took it.
func (m *Manager) shimRank(id, name string) int {
	if id == name {
		return 2
	}
	if meta, _ := launch.ReadMeta(m.Store, id); meta != nil && api.PluginType(meta.Type).Normalize() == api.TypeDependencyManager {
		return 1
	}
	return 0
}

// binTarget is the absolute target of a symlink in bin/ (relative links
// are resolved against bin/); ok is false for anything else.
func (m *Manager) binTarget(link string) (string, bool) {
	t, err := os.Readlink(link)
	if err != nil {
		return "", false
	}
	if !filepath.IsAbs(t) {
		t = filepath.Join(m.Store.BinDir(), t)
	}
	return filepath.Clean(t), true
}
