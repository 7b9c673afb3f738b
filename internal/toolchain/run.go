package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/shellquote"
)

// RunOptions describe a run.
type RunOptions struct {
	// Spec overrides the detected version spec.
	Spec string
	// Exe is the executable to run ("" = the primary one).
	Exe string
	// Args are the tool's arguments.
	Args []string
	// AutoInstall installs a missing version (also [settings] auto-install).
	AutoInstall bool
}

// NotInstalledError says a resolved version is missing and how to get it.
type NotInstalledError struct {
	Tool, Version, Spec, Source string
}

func (e *NotInstalledError) Error() string {
	from := ""
	if e.Source != "" {
		from = " (from " + e.Source + ")"
	}
	return fmt.Sprintf("%s %s is not installed%s", e.Tool, e.Version, from)
}

// Hint says how to install it.
func (e *NotInstalledError) Hint() string {
	return fmt.Sprintf("run `%s`, or set auto-install = true under [settings]", shellquote.Join("tote", "install", e.Tool, e.Spec))
}

// PrepareRun decides what `tote run` starts: it detects the spec, resolves it
// against installed versions without loading the plugin when it can, installs
// when allowed, and applies [tools.<id>.env] and the plugin's pre_run.
func (m *Manager) PrepareRun(ctx context.Context, id string, opts RunOptions) (*launch.Plan, error) {
	spec, source, pinned := opts.Spec, "the command line", ""
	if spec == "" {
		det, err := m.Detect(ctx, id)
		if err != nil {
			return nil, err
		}
		spec, source, pinned = det.Spec, det.Where(), det.Checksum
	}
	if spec == "" {
		return nil, &hintErr{
			err:  fmt.Errorf("no version of %s is pinned for %s", id, m.Cwd),
			hint: fmt.Sprintf("pin one with `%s <version>`, or name one: `%s <version>`", shellquote.Join("tote", "pin", id), shellquote.Join("tote", "run", id)),
		}
	}
	table := m.Config.Tool(id)
	// proto refuses a tool's own self-upgrade (bun upgrade): it would
	// replace the version tote manages behind its back.
	if opts.Exe == "" || opts.Exe == id {
		if meta, _ := launch.ReadMeta(m.Store, id); meta.SelfUpgrading(opts.Args) {
			return nil, &hintErr{
				err:  fmt.Errorf("%s would upgrade itself (%q is its plugin's self-upgrade command), replacing the version tote manages", id, strings.Join(opts.Args, " ")),
				hint: fmt.Sprintf("install the new version with tote instead: %s", shellquote.Join("tote", "install", id, "latest", "--pin")),
			}
		}
	}
	// A lockfile, once present, is law: a spec it records runs the locked
	// version, installed from the locked bytes.
	locked, err := m.lockedFor(id, spec)
	if err != nil {
		return nil, err
	}
	var ver string
	if locked != nil {
		ver = locked.Version
		if err := m.checkLockedPluginFor(ctx, id, locked); err != nil {
			return nil, err
		}
	} else {
		ver, err = launch.ResolveInstalled(m.Store, id, spec, table.Aliases)
		if errors.Is(err, launch.ErrNeedsPlugin) {
			ver, err = m.Resolve(ctx, id, spec, ResolveOptions{})
		}
		if err != nil {
			return nil, err
		}
	}
	if !m.isInstalled(id, ver) {
		s := m.Config.Settings()
		if !opts.AutoInstall && (s.AutoInstall == nil || !*s.AutoInstall) {
			return nil, &NotInstalledError{Tool: id, Version: ver, Spec: spec, Source: source}
		}
		io := InstallOptions{Quiet: true, Spec: spec, PinnedChecksum: pinned, PinnedBy: source}
		if locked != nil {
			io.ExpectChecksum, io.lockPath = locked.Checksum, locked.Lockfile
		}
		if _, err := m.InstallVersion(ctx, id, ver, io); err != nil {
			if locked != nil {
				err = withLockHint(err, locked.Lockfile)
			}
			return nil, err
		}
	}
	lo := launch.Options{Exe: opts.Exe, Args: opts.Args, Locked: locked, Parent: m.parentResolver(ctx, id, opts)}
	env, err := m.Config.RunEnv(id)
	if err != nil {
		return nil, err
	}
	if len(env) > 0 {
		lo.Env = append(lo.Env, env)
	}
	meta, _ := launch.ReadMeta(m.Store, id)
	if meta.Has(api.FuncActivateEnvironment) {
		// proto calls activate_environment before every run: its
		// variables and PATH entries reach the tool.
		t, err := m.Tool(ctx, id)
		if err != nil {
			return nil, err
		}
		var out api.ActivateEnvironmentOutput
		if err := t.Plugin.Call(ctx, api.FuncActivateEnvironment, api.ActivateEnvironmentInput{Context: m.context(id, ver)}, &out); err != nil {
			return nil, err
		}
		if len(out.Env) > 0 {
			lo.Env = append(lo.Env, out.Env)
		}
		for _, p := range out.Paths {
			r, err := m.real(id, p)
			if err != nil {
				return nil, err
			}
			lo.Paths = append(lo.Paths, r)
		}
	}
	if meta.Has(api.FuncPreRun) {
		t, err := m.Tool(ctx, id)
		if err != nil {
			return nil, err
		}
		var out api.RunHookResult
		in := api.RunHook{Context: m.context(id, ver), PassthroughArgs: nonNil(opts.Args)}
		if err := t.Plugin.Call(ctx, api.FuncPreRun, in, &out); err != nil {
			return nil, err
		}
		// proto appends pre_run's args to the user's.
		lo.Args = append(append([]string{}, lo.Args...), out.Args...)
		if len(out.Env) > 0 {
			lo.Env = append(lo.Env, out.Env)
		}
		for _, p := range out.Paths {
			r, err := m.real(id, p)
			if err != nil {
				return nil, err
			}
			lo.Paths = append(lo.Paths, r)
		}
		// What the plugin set with set_env_var reaches the tool, as the
		// process environment does in proto (PATH entries appended).
		if o, ok := t.Plugin.(interface{ EnvOverlay() map[string]string }); ok {
			if overlay := o.EnvOverlay(); len(overlay) > 0 {
				if p, ok := overlay["PATH"]; ok {
					overlay["PATH"] = "${PATH}" + string(os.PathListSeparator) + p
				}
				lo.Env = append(lo.Env, overlay)
			}
		}
	}
	plan, err := launch.NewPlan(m.Store, id, ver, lo)
	if err != nil {
		return nil, err
	}
	if m.Events != nil {
		res := api.RunResult{Args: nonNil(lo.Args)}
		ev := api.RunEvent{Tool: id, Version: ver, Exe: plan.Exe, Args: nonNil(lo.Args)}
		if err := m.fire(ctx, api.EventPreRun, ev, &res); err != nil {
			return nil, fmt.Errorf("run %s %s: %w", id, ver, err)
		}
		if res.Args != nil || len(res.Env) > 0 || len(res.Paths) > 0 {
			if res.Args != nil {
				lo.Args = res.Args
			}
			if len(res.Env) > 0 {
				lo.Env = append(lo.Env, res.Env)
			}
			lo.Paths = append(append([]string{}, res.Paths...), lo.Paths...)
			lo.Exe = plan.Exe
			if plan, err = launch.NewPlan(m.Store, id, ver, lo); err != nil {
				return nil, err
			}
		}
	}
	launch.TouchUsed(m.Store, id, ver)
	return plan, nil
}

type hintErr struct {
	err  error
	hint string
}

func (e *hintErr) Error() string { return e.err.Error() }
func (e *hintErr) Unwrap() error { return e.err }

// Hint returns the hint.
func (e *hintErr) Hint() string { return e.hint }

// LastUsed returns when a version was last run, or installed if it never ran.
func (m *Manager) LastUsed(id, ver string) time.Time {
	if fi, err := os.Stat(launch.UsedMarker(m.Store, id, ver)); err == nil {
		return fi.ModTime()
	}
	man, err := m.Store.ReadManifest(id)
	if err == nil {
		if iv, ok := man.InstalledVersions[ver]; ok {
			return iv.InstalledAt
		}
	}
	return time.Time{}
}

// parentResolver resolves a parent executable (npm's "node") that is a
// tool tote knows and that something pins for the directory: its version
// is detected and resolved like `tote run <parent>` would (installing it
// under the same auto-install rules). Nothing pinned, or a parent that is
// no tool, leaves PATH to decide.
func (m *Manager) parentResolver(ctx context.Context, child string, opts RunOptions) func(string) (launch.Parent, error) {
	return func(name string) (launch.Parent, error) {
		if name == child {
			return launch.Parent{}, nil
		}
		det, err := m.Detect(ctx, name)
		var unknown *UnknownToolError
		if errors.As(err, &unknown) {
			return launch.Parent{}, nil
		}
		if err != nil {
			return launch.Parent{}, err
		}
		if det.Spec == "" {
			return launch.Parent{}, nil
		}
		plan, err := m.PrepareRun(ctx, name, RunOptions{Spec: det.Spec, AutoInstall: opts.AutoInstall})
		if err != nil {
			return launch.Parent{}, fmt.Errorf("%s (pinned by %s): %w", name, det.Source, err)
		}
		return launch.Parent{Path: plan.ExePath, Tool: name, Version: plan.Version}, nil
	}
}
