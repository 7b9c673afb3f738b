package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/shellquote"
)

// Resolution is the one answer to "which version of this tool, here?",
// shared by status, outdated, install, clean and uninstall (and, through
// [Manager.Detect] and the fast path, by run and shims).
type Resolution struct {
	// Tool is the tool id.
	Tool string
	// Detection says which spec applies and where it came from.
	launch.Detection
	// Version is the version Spec resolves to ("" when Err is set).
	Version string
	// Installed reports whether Version is installed.
	Installed bool
	// Err is why the spec could not be detected or resolved.
	Err error
}

// KnownTools lists every tool id tote has a plugin for here: built-ins and
// the ids declared under [plugins], sorted.
func (m *Manager) KnownTools() []string {
	set := map[string]bool{}
	for id := range m.Builtins {
		set[id] = true
	}
	for _, id := range m.Config.PluginIDs() {
		set[id] = true
	}
	return sortedSet(set)
}

// DetectedTools lists, sorted, every tool something pins for the working
// directory: a .prototools pin (here, up the tree or global), a
// TOTE_<ID>_VERSION variable, a .tool-versions entry, or one of the
// plugin's version files (.nvmrc, go.mod, …) on the way up to the user's
// home. A version file that turns out to pin nothing does not count, nor
// does a plugin's default version.
func (m *Manager) DetectedTools(ctx context.Context) []string {
	set := map[string]bool{}
	for _, id := range m.Config.PinnedTools() {
		set[id] = true
	}
	known := m.KnownTools()
	knownSet := map[string]bool{}
	for _, id := range known {
		knownSet[id] = true
		if os.Getenv(launch.EnvVar(id)) != "" || os.Getenv(fastpath.ProtoEnvVar(id)) != "" {
			set[id] = true
		}
	}
	if m.Config.Settings().DetectStrategy == config.DetectOnlyPrototools {
		return sortedSet(set)
	}
	dirs := fastpath.WalkDirs(m.Cwd, m.UserHome)
	for _, dir := range dirs {
		for _, e := range fastpath.ReadToolVersions(dir) {
			if knownSet[e.Tool] {
				set[e.Tool] = true
			} else {
				m.Logger.Debug("no plugin for a .tool-versions entry; ignored", "file", filepath.Join(dir, fastpath.ToolVersionsFile), "line", e.Line, "name", e.Name)
			}
		}
	}
	for _, id := range known {
		if set[id] {
			continue
		}
		meta, _ := launch.ReadMeta(m.Store, id)
		if meta == nil {
			t, err := m.Tool(ctx, id)
			if err != nil {
				m.Logger.Debug("cannot load the plugin to look for its version files", "tool", id, "err", err)
				continue
			}
			meta = t.Meta
		}
		if hasVersionFile(dirs, meta) {
			if det, err := m.Detect(ctx, id); err != nil || (det.Spec != "" && det.Kind != launch.FromDefault) {
				set[id] = true
			}
		}
	}
	return sortedSet(set)
}

func hasVersionFile(dirs []string, meta *launch.Meta) bool {
	for _, dir := range dirs {
		for _, name := range meta.VersionFiles {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
				return true
			}
		}
	}
	return false
}

// ResolveHere detects the spec of a tool for the working directory and
// resolves it (preferring installed versions, as [Manager.Resolve] does).
// Problems are in Resolution.Err.
func (m *Manager) ResolveHere(ctx context.Context, id string, opts ResolveOptions) Resolution {
	r := Resolution{Tool: id}
	r.Detection, r.Err = m.Detect(ctx, id)
	if r.Err != nil {
		return r
	}
	if r.Spec == "" {
		r.Err = &hintErr{
			err:  fmt.Errorf("no version of %s is pinned for %s", id, m.Cwd),
			hint: "pin one with `" + shellquote.Join("tote", "pin", id) + " <version>`",
		}
		return r
	}
	r.Version, r.Err = m.Resolve(ctx, id, r.Spec, opts)
	if r.Err == nil {
		r.Installed = m.isInstalled(id, r.Version)
	}
	return r
}

// ResolveAll resolves every tool of [Manager.DetectedTools].
func (m *Manager) ResolveAll(ctx context.Context, opts ResolveOptions) []Resolution {
	ids := m.DetectedTools(ctx)
	out := make([]Resolution, 0, len(ids))
	for _, id := range ids {
		out = append(out, m.ResolveHere(ctx, id, opts))
	}
	return out
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
