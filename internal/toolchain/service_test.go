package toolchain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tote-dev/tote/internal/install"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

func mustInstall(t *testing.T, m *Manager, req InstallRequest) []Outcome {
	t.Helper()
	out, err := m.InstallTools(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Err != nil {
			t.Fatalf("%s: %v", o.Tool, o.Err)
		}
	}
	return out
}

func readLock(t *testing.T, path string) *lockfile.File {
	t.Helper()
	lk, err := lockfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return lk
}

// TestInstallToolsBare installs every pinned tool, in id order, each in
// the contract's order of calls.
func TestInstallToolsBare(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "1.1.0"}, "beta": {"2.0.0"}, "gamma": {"3.0.0"}})
	e.writeProject("beta = \"2\"\nalpha = \"1.0\"\n")
	out := mustInstall(t, e.manager(), InstallRequest{})
	var got []string
	for _, o := range out {
		got = append(got, o.Tool+"@"+o.Result.Version+"/"+o.Spec)
	}
	if want := []string{"alpha@1.0.0/1.0", "beta@2.0.0/2"}; !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	want := []string{"register_tool", "load_versions", "pre_install", "download_prebuilt", "locate_executables", "post_install"}
	if got := e.callLog("alpha"); !slices.Equal(got, want) {
		t.Errorf("alpha's calls %v, want %v", got, want)
	}
	if e.callCount("gamma", "download_prebuilt") != 0 {
		t.Error("an unpinned tool was installed")
	}
	// Nothing is left in temp/ but the locks.
	entries, _ := os.ReadDir(filepath.Join(e.home, "temp"))
	for _, en := range entries {
		if en.Name() != "locks" && en.Name() != "downloads" {
			t.Errorf("temp/%s left behind", en.Name())
		}
	}
}

// TestInstallToolsErrors: one tool's failure is its outcome; the others
// install.
func TestInstallToolsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}, "beta": {"2.0.0"}})
	e.writeProject("alpha = \"1\"\nbeta = \"9\"\nnope = \"1\"\n")
	out, err := e.manager().InstallTools(context.Background(), InstallRequest{})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}
	for _, o := range out {
		errs[o.Tool] = o.Err
	}
	if errs["alpha"] != nil {
		t.Errorf("alpha: %v", errs["alpha"])
	}
	if errs["beta"] == nil || !strings.Contains(errs["beta"].Error(), "9") {
		t.Errorf("beta: %v", errs["beta"])
	}
	var unknown *UnknownToolError
	if !errors.As(errs["nope"], &unknown) {
		t.Errorf("nope: %v", errs["nope"])
	}
}

// TestInstallToolsWorkerBound: with Workers = 2, never more than two
// downloads run at once.
func TestInstallToolsWorkerBound(t *testing.T) {
	t.Parallel()
	tools := map[string][]string{}
	pins := ""
	for _, id := range []string{"t1", "t2", "t3", "t4", "t5", "t6"} {
		tools[id] = []string{"1.0.0"}
		pins += id + " = \"1.0.0\"\n"
	}
	e := newEnv(t, tools)
	e.writeProject(pins)
	var active, peak atomic.Int64
	e.hook = func(string) {
		n := active.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
	}
	m := e.manager()
	// The download_prebuilt hook counts a tool as active until its
	// install finishes (post_install is the last call).
	for id := range tools {
		tbl := m.Builtins[id].Table
		post := tbl["post_install"]
		tbl["post_install"] = func(ctx context.Context, h pluginhost.Host, in []byte) ([]byte, error) {
			active.Add(-1)
			return post(ctx, h, in)
		}
	}
	mustInstall(t, m, InstallRequest{Workers: 2})
	if p := peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrency %d, want 1..2", p)
	}
}

func TestRunPoolBounds(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 3, 0} {
		var active, peak, calls atomic.Int64
		seen := make([]bool, 50)
		runPool(context.Background(), 50, workers, func(i int) {
			n := active.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			seen[i] = true
			calls.Add(1)
			active.Add(-1)
		})
		limit := int64(workers)
		if workers == 0 {
			limit = DefaultWorkers
		}
		if peak.Load() > limit || calls.Load() != 50 || slices.Contains(seen, false) {
			t.Errorf("workers=%d: peak %d, calls %d", workers, peak.Load(), calls.Load())
		}
	}
	runPool(context.Background(), 0, 4, func(int) { t.Error("called for n = 0") })
}

// TestLockfilePolicy: --update-lock records the project's pins with the
// upstream URL; a plain install adds new pins, never changes an entry, and
// ignores ad-hoc specs; a newer upstream does not move a locked spec.
func TestLockfilePolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}, "beta": {"2.0.0"}})
	e.writeProject("alpha = \"1\"\n")
	lockPath := filepath.Join(e.project, lockfile.FileName)

	// Without a lockfile and without --update-lock, none is created.
	mustInstall(t, e.manager(), InstallRequest{})
	if _, err := os.Stat(lockPath); err == nil {
		t.Fatal("a lockfile was created without --update-lock")
	}
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	lk := readLock(t, lockPath)
	a, ok := lk.Tool("alpha", "1")
	if !ok || a.Version != "1.0.0" || !strings.HasPrefix(a.Checksum, "sha256:") {
		t.Fatalf("alpha entry %+v", a)
	}
	if a.Source != fixtureBase+"/alpha/1.0.0/alpha-1.0.0.tar.gz" {
		t.Errorf("source %q: want the upstream URL, not the mirror's", a.Source)
	}

	// Upstream publishes 1.1.0: the locked spec stays at 1.0.0.
	e.republish("alpha", "1.1.0", "")
	mustInstall(t, e.manager(), InstallRequest{Jobs: []Job{{Tool: "alpha", Spec: "1"}}})
	if a2, _ := readLock(t, lockPath).Tool("alpha", "1"); a2 != a {
		t.Errorf("entry changed without --update-lock: %+v", a2)
	}

	// An ad-hoc spec is installed but not recorded; a new pin is.
	mustInstall(t, e.manager(), InstallRequest{Jobs: []Job{{Tool: "beta", Spec: "2.0.0"}}})
	if _, ok := readLock(t, lockPath).Tool("beta", "2.0.0"); ok {
		t.Error("an ad-hoc spec was recorded")
	}
	e.writeProject("alpha = \"1\"\nbeta = \"2\"\n")
	mustInstall(t, e.manager(), InstallRequest{})
	if b, ok := readLock(t, lockPath).Tool("beta", "2"); !ok || b.Version != "2.0.0" {
		t.Errorf("the new pin was not recorded: %+v", b)
	}

	// A global pin is not the project's.
	e.writeGlobal("gamma = \"1\"\n")

	// --update-lock moves alpha to 1.1.0 and drops specs no longer pinned.
	e.writeProject("alpha = \"1\"\n")
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	lk = readLock(t, lockPath)
	if a3, _ := lk.Tool("alpha", "1"); a3.Version != "1.1.0" {
		t.Errorf("--update-lock: alpha %+v", a3)
	}
	if _, ok := lk.Tool("beta", "2"); ok {
		t.Error("--update-lock kept an entry no longer pinned")
	}
}

// TestAttackPoisonedInstall: another project (with a url-rewrite to a
// hostile mirror, say) installed alpha 1.0.0 from other bytes into the
// shared $TOTE_HOME. In the project whose lockfile locks 1.0.0, a bare
// install, an install of the tool and `tote run`'s preparation all refuse
// it — and the lockfile is not rewritten with the poisoned checksum. A
// forced reinstall fetches the locked bytes and all is well again.
func TestAttackPoisonedInstall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.writeProject("alpha = \"1.0.0\"\n")
	lockPath := filepath.Join(e.project, lockfile.FileName)
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	good, _ := os.ReadFile(lockPath)

	// The poisoning: elsewhere, the same version from other bytes.
	m := e.manager()
	if _, err := m.Uninstall(context.Background(), "alpha", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	e.republish("alpha", "1.0.0", "evil")
	other := filepath.Join(e.userHome, "other")
	os.MkdirAll(other, 0o755)
	if _, err := e.managerIn(other).Install(context.Background(), "alpha", "1.0.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	e.republish("alpha", "1.0.0", "") // upstream is fine again

	var mm *launch.LockMismatchError
	out, err := e.manager().InstallTools(context.Background(), InstallRequest{})
	if err != nil || len(out) != 1 || !errors.As(out[0].Err, &mm) {
		t.Fatalf("bare install: %v %+v", err, out)
	}
	if mm.Lockfile != lockPath || mm.Installed == mm.Locked || !strings.Contains(mm.Hint(), "tote install --force alpha 1.0.0") {
		t.Errorf("mismatch %+v, hint %q", mm, mm.Hint())
	}
	out, _ = e.manager().InstallTools(context.Background(), InstallRequest{Jobs: []Job{{Tool: "alpha"}}})
	if !errors.As(out[0].Err, &mm) {
		t.Errorf("install alpha: %v", out[0].Err)
	}
	if _, err := e.manager().PrepareRun(context.Background(), "alpha", RunOptions{}); !errors.As(err, &mm) {
		t.Errorf("run: %v", err)
	}
	if now, _ := os.ReadFile(lockPath); string(now) != string(good) {
		t.Errorf("the lockfile changed:\n%s\nwas:\n%s", now, good)
	}

	mustInstall(t, e.manager(), InstallRequest{Jobs: []Job{{Tool: "alpha"}}, Options: InstallOptions{Force: true}})
	plan, err := e.manager().PrepareRun(context.Background(), "alpha", RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(plan.Path); strings.Contains(string(b), "evil") {
		t.Error("the forced reinstall kept the poisoned bytes")
	}
}

// TestLockedDownloadMismatch: a clean home installing a locked spec whose
// upstream bytes changed fails with the URL, both checksums and the
// lockfile, before anything is unpacked; nothing is installed.
func TestLockedDownloadMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.writeProject("alpha = \"1.0.0\"\n")
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	m := e.manager()
	if _, err := m.Uninstall(context.Background(), "alpha", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	e.republish("alpha", "1.0.0", "changed upstream")
	// The download cache holds the locked bytes and would serve them (as
	// it should); this test is about what comes from upstream.
	os.RemoveAll(filepath.Join(e.home, "cache", "downloads"))
	out, _ := e.manager().InstallTools(context.Background(), InstallRequest{})
	var mm *install.ChecksumMismatchError
	var le *LockError
	if !errors.As(out[0].Err, &mm) || !errors.As(out[0].Err, &le) || !strings.Contains(mm.URL, e.mirror.URL) {
		t.Fatalf("want a checksum mismatch naming the mirror URL and the lockfile, got %v", out[0].Err)
	}
	if e.manager().IsInstalled("alpha", "1.0.0") {
		t.Error("installed anyway")
	}
	if _, err := os.Stat(filepath.Join(e.home, "tools", "alpha", "1.0.0")); err == nil {
		t.Error("a version directory was left")
	}
}

// TestRunUsesLockedVersion: with 1.0.0 locked for spec "1" and 1.1.0
// installed too, `tote run` runs 1.0.0; auto-install of a locked version
// checks the locked checksum.
func TestRunUsesLockedVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "1.1.0"}})
	e.writeProject("alpha = \"1.0\"\n")
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	// Re-key the entry to spec "1" by hand, as if 1.0.0 was newest then.
	lockPath := filepath.Join(e.project, lockfile.FileName)
	lk := readLock(t, lockPath)
	entry, _ := lk.Tool("alpha", "1.0")
	lk.SetTool("alpha", "1", entry)
	if err := lk.Write(); err != nil {
		t.Fatal(err)
	}
	e.writeProject("alpha = \"1\"\n")
	if _, err := e.manager().Install(context.Background(), "alpha", "1.1.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	plan, err := e.manager().PrepareRun(context.Background(), "alpha", RunOptions{})
	if err != nil || plan.Version != "1.0.0" {
		t.Fatalf("run: %v %+v", err, plan)
	}

	// Locked but not installed: auto-install fetches it, checked.
	if _, err := e.manager().Uninstall(context.Background(), "alpha", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	e.republish("alpha", "1.0.0", "tampered")
	os.RemoveAll(filepath.Join(e.home, "cache", "downloads")) // else the cache serves the locked bytes
	_, err = e.manager().PrepareRun(context.Background(), "alpha", RunOptions{AutoInstall: true})
	var mm *install.ChecksumMismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("auto-install of a tampered locked version: %v", err)
	}
}

// TestOutdatedTools reports, per pinned tool, the installed version, the
// newest the spec allows and the newest there is.
func TestOutdatedTools(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "1.1.0", "2.0.0"}, "beta": {"1.0.0"}})
	e.writeProject("alpha = \"1\"\nbeta = \"7\"\n")
	m := e.manager()
	if _, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := m.OutdatedTools(context.Background(), nil, false, 2)
	if len(rows) != 2 || rows[0].Tool != "alpha" || rows[1].Tool != "beta" {
		t.Fatalf("rows %+v", rows)
	}
	a := rows[0]
	if a.Current != "1.0.0" || a.NewestMatching != "1.1.0" || a.Latest != "2.0.0" || !a.UpdateAvailable || a.Err != nil {
		t.Errorf("alpha %+v", a)
	}
	if rows[1].Err == nil || rows[1].Error == "" {
		t.Errorf("beta (no 7.x) %+v", rows[1])
	}
}

// TestOrphanIsReplaced: a version directory without a manifest entry (what
// a kill between the commit and the manifest update leaves) is not
// installed; InstallVersion replaces it and Uninstall removes it.
func TestOrphanIsReplaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0", "2.0.0"}})
	m := e.manager()
	for _, v := range []string{"1.0.0", "2.0.0"} {
		orphan := filepath.Join(e.home, "tools", "alpha", v, "bin")
		if err := os.MkdirAll(orphan, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(orphan, "alpha"), []byte("half"), 0o755)
	}
	if m.IsInstalled("alpha", "1.0.0") {
		t.Fatal("an orphan counts as installed")
	}
	res, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{})
	if err != nil || res.Already {
		t.Fatalf("install over the orphan: %+v %v", res, err)
	}
	if b, _ := os.ReadFile(filepath.Join(e.home, "tools", "alpha", "1.0.0", "bin", "alpha")); string(b) == "half" {
		t.Error("the orphan's files were kept")
	}
	removed, err := m.Uninstall(context.Background(), "alpha", "2.0.0")
	if err != nil || len(removed) != 1 {
		t.Fatalf("uninstall of the orphan: %v %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(e.home, "tools", "alpha", "2.0.0")); err == nil {
		t.Error("uninstall left the orphan")
	}
	if !m.IsInstalled("alpha", "1.0.0") {
		t.Error("1.0.0 is not installed")
	}
}

// TestUpdateLockDoesNotBlessPoison: --update-lock over a version another
// project installed from other bytes records what upstream serves (and
// reinstalls it), never the installed copy's checksum; a copy the file
// already locks with its recorded checksum is not downloaded again.
func TestUpdateLockDoesNotBlessPoison(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.writeProject("alpha = \"1.0.0\"\n")
	e.republish("alpha", "1.0.0", "evil")
	other := filepath.Join(e.userHome, "other")
	os.MkdirAll(other, 0o755)
	if _, err := e.managerIn(other).Install(context.Background(), "alpha", "1.0.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	e.republish("alpha", "1.0.0", "")
	good, err := mirror.SHA256File(filepath.Join(e.mirror.Root, "dl", "alpha", "1.0.0", "alpha-1.0.0.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	before := e.callCount("alpha", "download_prebuilt")
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	entry, _ := readLock(t, filepath.Join(e.project, lockfile.FileName)).Tool("alpha", "1.0.0")
	if entry.Checksum != "sha256:"+good {
		t.Errorf("locked %s, want upstream's sha256:%s", entry.Checksum, good)
	}
	if rec, _ := e.manager().InstalledRecord("alpha", "1.0.0"); rec.Checksum != entry.Checksum {
		t.Errorf("the installed copy (%s) was not replaced", rec.Checksum)
	}
	if e.callCount("alpha", "download_prebuilt") != before+1 {
		t.Error("the installed copy was not downloaded again")
	}
	// Locked and matching: nothing is downloaded.
	mustInstall(t, e.manager(), InstallRequest{UpdateLock: true})
	if e.callCount("alpha", "download_prebuilt") != before+1 {
		t.Error("a locked, matching copy was downloaded again")
	}
}

// TestInstallPrecompiles: a bare install compiles the WASM plugins the
// configuration declares for tools it does not install, so that the first
// command to use one finds its code compiled; a declared plugin that cannot
// be read fails nothing.
func TestInstallPrecompiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	hello := wasmbuild.Build(t, wasmbuild.Fixture("hello"))
	// The user's own file: a project's [plugins] need `tote trust`.
	e.writeGlobal(fmt.Sprintf("[plugins]\nhello = \"file://%s\"\nbroken = \"file://%s\"\n", hello, filepath.Join(e.project, "missing.wasm")))
	e.writeProject("alpha = \"1\"\n")
	out := mustInstall(t, e.manager(), InstallRequest{})
	if len(out) != 1 || out[0].Tool != "alpha" {
		t.Fatalf("outcomes %+v, want alpha's only", out)
	}
	cache := filepath.Join(e.home, "cache", "wasm")
	entries := func() map[string]int64 {
		files := map[string]int64{}
		filepath.WalkDir(cache, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					files[path] = info.Size()
				}
			}
			return nil
		})
		return files
	}
	before := entries()
	var module int64
	for _, size := range before {
		module = max(module, size)
	}
	if module < 1<<20 {
		t.Fatalf("after the install the compiled-code cache holds %v, want the hello plugin's code (over 1 MiB)", before)
	}
	if _, err := e.manager().Tool(context.Background(), "hello"); err != nil {
		t.Fatal(err)
	}
	for path, size := range entries() {
		if _, ok := before[path]; !ok && size >= module/2 {
			t.Errorf("loading hello compiled it again: new cache entry %s (%d bytes)", path, size)
		}
	}
}
