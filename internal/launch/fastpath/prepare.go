package fastpath

import (
	"errors"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/extension/extcache"
	"github.com/tote-dev/tote/internal/store"
)

// Request is a run to prepare on the fast path: what tote-shim and a
// plain `tote run TOOL[@SPEC]` are asked.
type Request struct {
	// Tool is the tool's id.
	Tool string
	// Spec is the version spec given on the command line (`tote run
	// node@20`); "" means the one detected for the directory.
	Spec string
	// Exe is the executable to run; "" means the tool's primary one.
	Exe string
	// Args are the tool's arguments.
	Args []string
	// Cwd is the working directory, UserHome the user's home directory.
	Cwd, UserHome string
}

// Prepare decides what a run of req starts from cfg, the store's
// manifests and caches alone, and marks the version used. It returns an
// error wrapping [ErrNeedsPlugin] whenever the answer needs what only
// `tote run` has: the tool's plugin (a version file to parse, a spec
// other than a plain version, a version that is not installed, a pre_run
// or activate_environment hook, no cached metadata), an extension that
// may listen to pre-run or post-run, or the refusal of a self-upgrade.
// Any other error is the run's own (a broken pin, a lockfile mismatch).
func Prepare(st *store.Store, cfg *config.Config, req Request) (*Plan, error) {
	// Extensions listening to pre-run or post-run need `tote run` (the
	// cache of their subscriptions answers without loading them).
	if extcache.MayListen(st.Home, cfg, extcache.RunEvents...) {
		return nil, ErrNeedsPlugin
	}
	meta, err := ReadMeta(st, req.Tool)
	// A self-upgrade (bun upgrade) is refused by `tote run`, which says why.
	if err != nil || meta == nil || meta.Has("pre_run") || meta.Has("activate_environment") ||
		(req.Exe == "" || req.Exe == req.Tool) && meta.SelfUpgrading(req.Args) {
		return nil, ErrNeedsPlugin
	}
	d := &Detector{Config: cfg, Store: st, Cwd: req.Cwd, UserHome: req.UserHome}
	spec := req.Spec
	if spec == "" {
		det, err := d.Detect(req.Tool, meta)
		if err != nil {
			return nil, err
		}
		if det.VersionFile != "" || det.Spec == "" {
			return nil, ErrNeedsPlugin
		}
		spec = det.Spec
	}
	// A lockfile, once present, is law: the spec runs the locked version,
	// and only if its install recorded the locked checksum.
	locked, err := FindLocked(cfg, req.Cwd, st.Home, req.Tool, spec)
	if err != nil {
		return nil, err
	}
	var ver string
	if locked != nil {
		ver = locked.Version
	} else {
		// Versions, partials and ranges resolve here against what is
		// installed; aliases and canary are left to `tote run`.
		if ver, err = ResolveInstalled(st, req.Tool, spec); err != nil {
			return nil, err
		}
	}
	opts := Options{Exe: req.Exe, Args: req.Args, Parent: ParentFromPins(d), Locked: locked}
	env, err := cfg.RunEnv(req.Tool)
	if err != nil {
		return nil, err
	}
	if len(env) > 0 {
		opts.Env = append(opts.Env, env)
	}
	plan, err := NewPlan(st, req.Tool, ver, opts)
	if locked != nil && errors.Is(err, ErrNotInstalled) {
		// `tote run` installs the locked version, or says how.
		return nil, ErrNeedsPlugin
	}
	if err != nil {
		return nil, err
	}
	TouchUsed(st, plan.Tool, plan.Version)
	return plan, nil
}
