package fastpath

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tote-dev/tote/internal/store"
)

// Plan is a process to start: the executable, its arguments and environment.
type Plan struct {
	// Tool and Version name what runs.
	Tool, Version string
	// Exe is the executable's name within the tool.
	Exe string
	// Path is the program to start (the parent executable when there is one).
	Path string
	// ExePath is the tool's executable itself (equal to Path unless a
	// parent runs it).
	ExePath string
	// Args are the arguments after the program name.
	Args []string
	// Env is the complete environment of the process.
	Env []string
}

// Options customise a Plan.
type Options struct {
	// Exe is the executable to run; "" means the tool's primary executable.
	Exe string
	// Args are the user's arguments.
	Args []string
	// Env are extra variables ([tools.<id>.env], pre_run output), applied in
	// order after the process environment. An empty value unsets.
	Env []map[string]string
	// Paths are prepended to PATH.
	Paths []string
	// BaseEnv is the starting environment (os.Environ() when nil).
	BaseEnv []string
	// Locked, when the project's lockfile records the run's spec, is the
	// entry: the installed version must have recorded its checksum, or
	// NewPlan fails with a *LockMismatchError.
	Locked *Locked
	// Parent finds the program a parent_exe_name names when the tool does
	// not ship it (npm's "node"): a tool tote manages, at the version
	// resolved for the directory. A zero Parent (and a nil func) means
	// "not managed here": the program is looked up on PATH, skipping
	// tote's own shims.
	Parent func(name string) (Parent, error)
}

// Parent is a resolved parent executable.
type Parent struct {
	// Path is the program.
	Path string
	// Tool and Version name the tool it belongs to; the child gets
	// TOTE_<TOOL>_VERSION and the program's directory first on PATH.
	Tool, Version string
}

// ErrNotInstalled is wrapped by NewPlan's error for a version that is not
// installed.
var ErrNotInstalled = errors.New("not installed")

// NewPlan builds the process for running an installed tool version, from the
// tool's manifest alone.
func NewPlan(st *store.Store, id, ver string, opts Options) (*Plan, error) {
	m, err := st.ReadManifest(id)
	if err != nil {
		return nil, err
	}
	iv, ok := m.InstalledVersions[ver]
	if !ok {
		return nil, fmt.Errorf("%s %s is %w", id, ver, ErrNotInstalled)
	}
	if err := checkLocked(id, ver, iv.Checksum, iv.SourceURL, opts.Locked); err != nil {
		return nil, err
	}
	name := opts.Exe
	if name == "" {
		name = primaryExe(id, iv.Exes)
		if name == "" {
			return nil, fmt.Errorf("%s %s has no primary executable; its plugin's locate_executables names none", id, ver)
		}
	}
	exe, ok := iv.Exes[name]
	if !ok {
		return nil, fmt.Errorf("%s %s has no executable %q (it has: %s)", id, ver, name, strings.Join(exeNames(iv.Exes), ", "))
	}
	if _, err := os.Stat(exe.Path); err != nil {
		return nil, fmt.Errorf("%s %s: executable %s is missing: %w", id, ver, exe.Path, err)
	}
	p := &Plan{Tool: id, Version: ver, Exe: name, Path: exe.Path, ExePath: exe.Path}
	args := append([]string{}, exe.ShimBeforeArgs...)
	args = append(args, opts.Args...)
	args = append(args, exe.ShimAfterArgs...)
	var parent Parent
	if exe.ParentExeName != "" {
		var err error
		parent, err = findParent(st, iv.Exes, exe.ParentExeName, opts.Parent)
		if errors.Is(err, ErrNeedsPlugin) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: executable %q runs through %q: %w", id, ver, name, exe.ParentExeName, err)
		}
		p.Path = parent.Path
		args = append(append(append([]string{}, exe.ParentExeArgs...), exe.Path), args...)
	}
	p.Args = args

	env := opts.BaseEnv
	if env == nil {
		env = os.Environ()
	}
	vars := envMap(env)
	vars[EnvVar(id)] = ver
	vars["TOTE_HOME"] = st.Home
	for k, v := range exe.ShimEnvVars {
		vars[k] = os.Expand(v, func(name string) string { return vars[name] })
	}
	for _, extra := range opts.Env {
		for k, v := range extra {
			if v == "" {
				delete(vars, k)
			} else {
				vars[k] = os.Expand(v, func(name string) string { return vars[name] })
			}
		}
	}
	if parent.Tool != "" {
		vars[EnvVar(parent.Tool)] = parent.Version
	}
	paths := append([]string{}, opts.Paths...)
	paths = append(paths, iv.ExesDirs...)
	if parent.Tool != "" {
		paths = append(paths, filepath.Dir(parent.Path))
	}
	if g := GlobalsBinDir(st, id); isDir(g) {
		paths = append(paths, g)
	}
	if len(paths) > 0 {
		vars["PATH"] = strings.Join(append(paths, vars["PATH"]), string(os.PathListSeparator))
	}
	p.Env = envList(vars)
	return p, nil
}

func primaryExe(id string, exes map[string]store.Exe) string {
	for name, e := range exes {
		if e.Primary {
			return name
		}
	}
	if _, ok := exes[id]; ok {
		return id
	}
	return ""
}

func exeNames(exes map[string]store.Exe) []string {
	var names []string
	for n := range exes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// findParent finds a parent executable: the tool's own, then the one
// resolve finds (a managed tool), then the first on PATH that is not one
// of tote's shims (a shim would resolve the parent again, and fail where
// nothing pins it).
func findParent(st *store.Store, exes map[string]store.Exe, name string, resolve func(string) (Parent, error)) (Parent, error) {
	if e, ok := exes[name]; ok {
		return Parent{Path: e.Path}, nil
	}
	if resolve != nil {
		p, err := resolve(name)
		if err != nil || p.Path != "" {
			return p, err
		}
	}
	shims := filepath.Join(st.Home, "shims")
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" || filepath.Clean(dir) == shims {
			continue
		}
		if p, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return Parent{Path: p}, nil
		}
	}
	return Parent{}, fmt.Errorf("%s is not installed: pin a version of it with tote, or put it on PATH", name)
}

// GlobalsDir is where a tool's global packages live ($TOTE_HOME/tools/<id>/globals),
// outside every version directory, so they survive version switches.
func GlobalsDir(st *store.Store, id string) string {
	return filepath.Join(st.ToolDir(id), "globals")
}

// GlobalsBinDir is the directory of the globals' executables, which every
// run of the tool has on PATH.
func GlobalsBinDir(st *store.Store, id string) string {
	if goruntime.GOOS == "windows" {
		return GlobalsDir(st, id)
	}
	return filepath.Join(GlobalsDir(st, id), "bin")
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// Exec replaces the current process with the plan's program. It returns only
// on failure.
func (p *Plan) Exec() error {
	argv := append([]string{p.Path}, p.Args...)
	err := syscall.Exec(p.Path, argv, p.Env)
	if errors.Is(err, syscall.ENOEXEC) {
		return fmt.Errorf("run %s: %s is not an executable for this machine: %w", p.Tool, filepath.Base(p.Path), err)
	}
	return fmt.Errorf("run %s %s (%s): %w", p.Tool, p.Version, p.Path, err)
}

// UsedMarker is the file whose modification time records when a tool
// version was last run.
func UsedMarker(st *store.Store, id, ver string) string {
	return filepath.Join(st.VersionDir(id, ver), ".last-used")
}

// TouchUsed records that a tool version runs now. Errors are ignored: a
// read-only store must not stop a run.
func TouchUsed(st *store.Store, id, ver string) {
	p := UsedMarker(st, id, ver)
	now := time.Now()
	if err := os.Chtimes(p, now, now); err != nil {
		if f, err := os.Create(p); err == nil {
			f.Close()
		}
	}
}

// ParentFromPins resolves parent executables for the fast path: a parent
// pinned for the directory (a .prototools pin or a version file whose
// parse is cached) runs at the installed version it names, through its
// primary executable. Nothing pinned means the parent is not managed
// here (PATH decides). A pin the fast path cannot resolve (a range, an
// uncached version file, a version not installed) is ErrNeedsPlugin.
func ParentFromPins(d *Detector) func(name string) (Parent, error) {
	return func(name string) (Parent, error) {
		meta, _ := ReadMeta(d.Store, name)
		det, err := d.Detect(name, meta)
		if err != nil {
			return Parent{}, err
		}
		if det.VersionFile != "" {
			return Parent{}, ErrNeedsPlugin
		}
		if det.Spec == "" {
			return Parent{}, nil
		}
		ver, err := ResolveInstalled(d.Store, name, det.Spec)
		if err != nil {
			return Parent{}, err
		}
		return InstalledPrimary(d.Store, name, ver)
	}
}

// InstalledPrimary is the primary executable of an installed version, as
// a Parent.
func InstalledPrimary(st *store.Store, id, ver string) (Parent, error) {
	m, err := st.ReadManifest(id)
	if err != nil {
		return Parent{}, err
	}
	iv, ok := m.InstalledVersions[ver]
	if !ok {
		return Parent{}, ErrNeedsPlugin
	}
	name := primaryExe(id, iv.Exes)
	e, ok := iv.Exes[name]
	if name == "" || !ok || e.ParentExeName != "" {
		return Parent{}, fmt.Errorf("%s %s has no primary executable to run others with", id, ver)
	}
	return Parent{Path: e.Path, Tool: id, Version: ver}, nil
}
