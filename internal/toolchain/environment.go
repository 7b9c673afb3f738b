package toolchain

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/launch/fastpath"
)

// Environment is what a shell needs to run the tools pinned for the
// working directory directly, without shims: the bin directories of the
// resolved installed versions and the [env] variables.
type Environment struct {
	// Tools are the resolutions, in tool order; Dirs[i] belong to the
	// installed ones.
	Tools []Resolution
	// Dirs are the directories to put in front of PATH, in tool order.
	Dirs []string
	// Vars are [env] and the detected tools' [tools.<id>.env] variables.
	Vars map[string]string
	// Watch are the files and directories whose change can change the
	// environment: the directories walked, the config and version files in
	// them, the global config and the tools' install directories.
	Watch []string
}

// Missing are the detected tools whose version is not installed (or
// cannot be resolved without the network).
func (e *Environment) Missing() []Resolution {
	var out []Resolution
	for _, r := range e.Tools {
		if !r.Installed {
			out = append(out, r)
		}
	}
	return out
}

// Environment resolves every tool detected here against the installed
// versions only — it never downloads, and only loads a plugin to parse a
// version file it has not parsed before — and collects their bin
// directories and variables.
func (m *Manager) Environment(ctx context.Context) *Environment {
	env := &Environment{Vars: map[string]string{}}
	for k, v := range m.Config.Env() {
		env.Vars[k] = v
	}
	for _, id := range m.DetectedTools(ctx) {
		r := Resolution{Tool: id}
		r.Detection, r.Err = m.Detect(ctx, id)
		if r.Err == nil && r.Spec != "" {
			v, err := launch.ResolveInstalled(m.Store, id, r.Spec, m.Config.Tool(id).Aliases)
			switch {
			case err == nil:
				r.Version, r.Installed = v, true
			case !errors.Is(err, launch.ErrNeedsPlugin):
				r.Err = err
			}
		}
		env.Tools = append(env.Tools, r)
		if !r.Installed {
			continue
		}
		env.Dirs = append(env.Dirs, m.binDirs(id, r.Version)...)
		for k, v := range m.Config.Tool(id).Env {
			env.Vars[k] = v
		}
	}
	env.Dirs = uniq(env.Dirs)
	env.Watch = m.watchList(env.Tools)
	return env
}

// binDirs are the directories holding a version's executables: the
// plugin's exes_dirs, else the directories of its executables (those run
// through a parent executable excluded).
func (m *Manager) binDirs(id, ver string) []string {
	man, err := m.Store.ReadManifest(id)
	if err != nil {
		return nil
	}
	iv, ok := man.InstalledVersions[ver]
	if !ok {
		return nil
	}
	if len(iv.ExesDirs) > 0 {
		return append([]string(nil), iv.ExesDirs...)
	}
	names := make([]string, 0, len(iv.Exes))
	for n := range iv.Exes {
		names = append(names, n)
	}
	sort.Strings(names)
	var dirs []string
	for _, n := range names {
		e := iv.Exes[n]
		if e.ParentExeName != "" || e.Path == "" {
			continue
		}
		dirs = append(dirs, filepath.Dir(e.Path))
	}
	return uniq(dirs)
}

// watchList lists what activation watches for changes.
func (m *Manager) watchList(tools []Resolution) []string {
	names := map[string]bool{config.FileName: true, fastpath.ToolVersionsFile: true}
	for _, id := range m.KnownTools() {
		if meta, _ := launch.ReadMeta(m.Store, id); meta != nil {
			for _, n := range meta.VersionFiles {
				names[n] = true
			}
		}
	}
	var out []string
	for _, dir := range fastpath.WalkDirs(m.Cwd, m.UserHome) {
		out = append(out, dir)
		for n := range names {
			p := filepath.Join(dir, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				out = append(out, p)
			}
		}
	}
	out = append(out, config.GlobalFile(m.Store.Home), m.Store.ToolsDir())
	for _, r := range tools {
		out = append(out, m.Store.ToolDir(r.Tool))
	}
	sort.Strings(out)
	return uniq(out)
}

// IsToolPath reports whether dir is inside $TOTE_HOME/tools: a directory
// activation put on PATH (and may take off again).
func (m *Manager) IsToolPath(dir string) bool {
	tools := m.Store.ToolsDir() + string(filepath.Separator)
	return strings.HasPrefix(filepath.Clean(dir)+string(filepath.Separator), tools)
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
