package toolchain

import (
	"context"
	"sync"
	"testing"
)

// TestManagerConcurrentTool loads and installs tools from many goroutines at
// once, as parallel `tote install` does when a lockfile entry skips Resolve:
// under -race this caught Manager.tools being read and written without a
// lock, and each plugin must still be loaded exactly once.
func TestManagerConcurrentTool(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}, "beta": {"2.0.0"}, "gamma": {"3.0.0"}})
	m := e.manager()
	ctx := context.Background()
	want := map[string]string{"alpha": "1.0.0", "beta": "2.0.0", "gamma": "3.0.0"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		for id, v := range want {
			wg.Go(func() {
				if _, err := m.Tool(ctx, id); err != nil {
					errs <- err
				}
				if _, err := m.InstallVersion(ctx, id, v, InstallOptions{Quiet: true}); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for id, v := range want {
		if n := e.callCount(id, "register_tool"); n != 1 {
			t.Errorf("%s: register_tool ran %d times, want once (one plugin per tool)", id, n)
		}
		if !m.IsInstalled(id, v) {
			t.Errorf("%s %s is not installed", id, v)
		}
		if n := e.callCount(id, "download_prebuilt"); n != 1 {
			t.Errorf("%s: downloaded %d times, want once", id, n)
		}
	}
}

// TestManagerToolRetriesAfterFailure: a failed load is not remembered, so
// the next call tries again (here: once the plugin exists).
func TestManagerToolRetriesAfterFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	m := e.manager()
	if _, err := m.Tool(context.Background(), "nope"); err == nil {
		t.Fatal("want an error for an unknown tool")
	}
	m.Builtins["nope"] = e.builtins["alpha"]
	e.calls["nope/register_tool"] = e.calls["alpha/register_tool"]
	if _, err := m.Tool(context.Background(), "nope"); err != nil {
		t.Fatalf("second load: %v", err)
	}
}

// TestRaceParallelInstallLockfile installs several tools at once from a
// lockfile, whose entries skip resolve_version: the path on which parallel
// installs once read and wrote Manager.tools unguarded ("concurrent map
// writes"). scripts/test.sh runs the tests named TestRace* under -race.
func TestRaceParallelInstallLockfile(t *testing.T) {
	t.Parallel()
	tools := map[string][]string{}
	pins := ""
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5", "r6"} {
		tools[id] = []string{"1.0.0", "1.1.0"}
		pins += id + " = \"1\"\n"
	}
	e := newEnv(t, tools)
	e.writeProject(pins)
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true, Workers: 4})
	// A new process (a fresh Manager) with every entry locked: the tools
	// load in parallel, straight from the lockfile, and reinstall.
	out := mustInstall(t, e.manager(), InstallRequest{Workers: 6, Options: InstallOptions{Force: true, Quiet: true}})
	if len(out) != len(tools) {
		t.Fatalf("%d outcomes, want %d", len(out), len(tools))
	}
	for id := range tools {
		if n := e.callCount(id, "register_tool"); n != 2 {
			t.Errorf("%s: register_tool ran %d times, want once per manager", id, n)
		}
		if n := e.callCount(id, "download_prebuilt"); n != 2 {
			t.Errorf("%s: downloaded %d times, want 2 (install, forced reinstall)", id, n)
		}
	}
}
