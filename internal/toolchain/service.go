package toolchain

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/version"
)

// DefaultWorkers is how many tools InstallTools and OutdatedTools work on
// at once when the request does not say: downloads overlap, and a machine
// is not flooded with unpacking.
const DefaultWorkers = 4

// Job is one tool to install: Spec is the version spec, or "" for the one
// detected for the working directory.
type Job struct {
	Tool, Spec string
}

// InstallRequest is one `tote install`.
type InstallRequest struct {
	// Jobs are the tools to install. Empty means every tool pinned here
	// ([Manager.DetectedTools]), each at its detected spec.
	Jobs []Job
	// Options apply to every install (Force, Quiet, PassthroughArgs).
	Options InstallOptions
	// UpdateLock resolves every spec afresh and records the results in the
	// lockfile, creating it; without it, existing entries are law.
	UpdateLock bool
	// PinLocal says that the specs are being pinned in the working
	// directory's .prototools (install --pin), so they count as the
	// project's pins for the lockfile.
	PinLocal bool
	// Workers bounds the tools worked on at once (0: DefaultWorkers).
	Workers int
}

// Outcome is what happened to one Job.
type Outcome struct {
	Job
	// Spec is the spec installed (the detected one when Job.Spec was "").
	Spec string
	// Result is the install's result when Err is nil.
	Result *InstallResult
	// Err is why the tool was not installed.
	Err error
}

// InstallTools installs the requested tools in parallel, at most
// req.Workers at a time, under the project's lockfile policy (see
// lock.go), then writes the lockfile once. Outcomes are in the order of
// req.Jobs (sorted by tool for a bare install). The error is for the
// request as a whole (the lockfile cannot be read or written); each tool's
// failure is in its Outcome, and does not stop the others.
func (m *Manager) InstallTools(ctx context.Context, req InstallRequest) ([]Outcome, error) {
	if _, err := m.Lockfile(); err != nil {
		return nil, err
	}
	bare := len(req.Jobs) == 0
	jobs := req.Jobs
	if bare {
		for _, id := range m.DetectedTools(ctx) {
			jobs = append(jobs, Job{Tool: id})
		}
		jobs = m.byStrategy(ctx, jobs, req.Options.Strategy)
	}
	out := make([]Outcome, len(jobs))
	if bare {
		// The first command to use a plugin declared here but not
		// installed now (`tote versions X` after a clone) finds it
		// compiled; the tools installed load theirs below anyway
		// (byRequires).
		installing := map[string]bool{}
		for _, j := range jobs {
			installing[j.Tool] = true
		}
		var others []string
		for _, id := range m.Config.PluginIDs() {
			if !installing[id] {
				others = append(others, id)
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			m.Precompile(ctx, others)
		}()
		defer func() { <-done }()
	}
	// A tool whose plugin requires another tool of this install (poetry
	// requires python, npm requires node) waits for it: its install may run
	// the other tool.
	first, then := m.byRequires(ctx, jobs)
	for _, phase := range [][]int{first, then} {
		runPool(ctx, len(phase), req.Workers, func(k int) {
			i := phase[k]
			out[i] = m.installJob(ctx, jobs[i], req, bare)
		})
	}
	if req.UpdateLock && bare {
		keep := map[string]map[string]bool{}
		for _, o := range out {
			if o.Err == nil {
				if keep[o.Tool] == nil {
					keep[o.Tool] = map[string]bool{}
				}
				keep[o.Tool][o.Spec] = true
			}
		}
		m.pruneLock(keep)
	}
	// proto's settings.lockfile = true creates the lockfile on install.
	if err := m.SaveLockfile(req.UpdateLock || m.lockfileSetting()); err != nil {
		return out, err
	}
	return out, nil
}

// Precompile compiles the WASM plugins of ids into the compiled-code
// cache, one after another (each compile uses every core), so that the
// first command to call one does not wait for the compiler. Built-in and
// schema plugins need no compiling and are skipped; a plugin that cannot
// be found or compiled is logged and skipped: the command that uses it
// reports the error.
func (m *Manager) Precompile(ctx context.Context, ids []string) {
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		src, err := m.findPlugin(ctx, id)
		if err == nil && src.kind == "file" {
			err = m.compile(ctx, src.path)
		}
		if err != nil {
			m.Logger.Debug("precompile skipped", "tool", id, "error", err)
		}
	}
}

// compile compiles one plugin file into the cache.
func (m *Manager) compile(ctx context.Context, path string) error {
	wasm, err := readPluginFile(path)
	if err != nil {
		return err
	}
	rt, err := m.runtime(ctx)
	if err != nil {
		return err
	}
	return rt.Compile(ctx, wasm)
}

func (m *Manager) installJob(ctx context.Context, j Job, req InstallRequest, bare bool) Outcome {
	o := Outcome{Job: j, Spec: j.Spec}
	det, err := m.Detect(ctx, j.Tool)
	if err != nil && o.Spec == "" {
		o.Err = err
		return o
	}
	opts := req.Options
	if o.Spec == "" {
		o.Spec = det.Spec
		// The version file that chose the version may pin its download
		// (corepack's packageManager hash).
		opts.PinnedChecksum, opts.PinnedBy = det.Checksum, det.Where()
	}
	if o.Spec == "" {
		if bare {
			o.Err = fmt.Errorf("%s: no version pinned", j.Tool)
			return o
		}
		o.Spec = "latest"
	}
	o.Result, _, o.Err = m.installSpec(ctx, j.Tool, o.Spec, det, opts, req.UpdateLock, req.PinLocal)
	return o
}

// pruneLock drops the lockfile's tool entries that keep does not list (a
// bare install --update-lock rebuilds the file from the pins).
func (m *Manager) pruneLock(keep map[string]map[string]bool) {
	lk, err := m.Lockfile()
	if err != nil {
		return
	}
	m.lock.mu.Lock()
	defer m.lock.mu.Unlock()
	for id, specs := range lk.Tools {
		for spec := range specs {
			if !keep[id][spec] {
				delete(specs, spec)
			}
		}
		if len(specs) == 0 {
			delete(lk.Tools, id)
			delete(lk.Plugins, id)
		}
	}
}

// runPool calls fn(0) … fn(n-1), at most workers (0: DefaultWorkers) at
// a time, and returns when every call has returned. Calls not started when
// ctx ends are still made (each then fails fast on ctx), so every index
// gets its outcome.
func runPool(ctx context.Context, n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = DefaultWorkers
	}
	workers = min(workers, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Outdated is one tool in `tote outdated` (and its --json output).
type Outdated struct {
	Tool   string `json:"tool"`
	Spec   string `json:"spec"`
	Source string `json:"source"`
	// Current is the installed version the spec resolves to.
	Current string `json:"current,omitempty"`
	// NewestMatching is the newest version the spec allows.
	NewestMatching string `json:"newest_matching,omitempty"`
	// Latest is the newest version there is.
	Latest          string `json:"latest,omitempty"`
	UpdateAvailable bool   `json:"update_available"`
	// Error is why the tool could not be checked (also in Err).
	Error string `json:"error,omitempty"`
	// Err is the error itself.
	Err error `json:"-"`
}

// OutdatedTool compares the version of id installed for its spec here
// with the newest the spec allows and the newest there is.
func (m *Manager) OutdatedTool(ctx context.Context, id string, refresh bool) Outdated {
	row := Outdated{Tool: id}
	fail := func(err error) Outdated {
		row.Err, row.Error = err, err.Error()
		return row
	}
	det, err := m.Detect(ctx, id)
	if err != nil {
		return fail(err)
	}
	row.Spec, row.Source = det.Spec, det.Source
	if det.Spec == "" {
		return fail(fmt.Errorf("no version of %s is pinned for %s", id, m.Cwd))
	}
	if v, err := m.Resolve(ctx, id, det.Spec, ResolveOptions{}); err == nil && m.IsInstalled(id, v) {
		row.Current = v
	}
	newest, err := m.Resolve(ctx, id, det.Spec, ResolveOptions{Remote: true, Refresh: refresh})
	if err != nil {
		return fail(err)
	}
	row.NewestMatching = newest
	if latest, err := m.Resolve(ctx, id, "latest", ResolveOptions{Remote: true}); err == nil {
		row.Latest = latest
	}
	row.UpdateAvailable = row.Current == "" || version.Compare(row.NewestMatching, row.Current) > 0
	return row
}

// OutdatedTools runs OutdatedTool for ids (every tool pinned here when
// empty) in parallel, at most workers at a time; rows are sorted by tool.
func (m *Manager) OutdatedTools(ctx context.Context, ids []string, refresh bool, workers int) []Outdated {
	if len(ids) == 0 {
		ids = m.DetectedTools(ctx)
	}
	ids = append([]string(nil), ids...)
	sort.Strings(ids)
	rows := make([]Outdated, len(ids))
	runPool(ctx, len(ids), workers, func(i int) { rows[i] = m.OutdatedTool(ctx, ids[i], refresh) })
	return rows
}

// byStrategy keeps, for a bare install with --build (or --no-build), the
// tools whose plugins can build from source (or download a prebuilt), as
// proto does; the others are skipped with a note.
func (m *Manager) byStrategy(ctx context.Context, jobs []Job, strategy string) []Job {
	fn := map[string]string{StrategyBuild: api.FuncBuildInstructions, StrategyPrebuilt: api.FuncDownloadPrebuilt}[strategy]
	if fn == "" {
		return jobs
	}
	var keep []Job
	for _, j := range jobs {
		if t, err := m.Tool(ctx, j.Tool); err == nil && !t.Plugin.HasFunction(fn) {
			m.Logger.Warn(fmt.Sprintf("skipping %s: its plugin does not export %s", j.Tool, fn))
			continue
		}
		keep = append(keep, j)
	}
	return keep
}

// byRequires splits jobs (by index) into those that require no other tool
// of the list (register_tool's requires) and those that do.
func (m *Manager) byRequires(ctx context.Context, jobs []Job) (first, then []int) {
	tools := map[string]bool{}
	for _, j := range jobs {
		tools[j.Tool] = true
	}
	for i, j := range jobs {
		waits := false
		if t, err := m.Tool(ctx, j.Tool); err == nil {
			for _, r := range t.Info.Requires {
				waits = waits || (r != j.Tool && tools[r])
			}
		}
		if waits {
			then = append(then, i)
		} else {
			first = append(first, i)
		}
	}
	return first, then
}
