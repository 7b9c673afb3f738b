package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newStore(t *testing.T) Store {
	t.Helper()
	s := Store{Home: t.TempDir()}
	if err := s.EnsureDirs(); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLayout(t *testing.T) {
	s := Store{Home: "/h"}
	cases := map[string]string{
		s.ToolsDir():                   "/h/tools",
		s.ToolDir("node"):              "/h/tools/node",
		s.VersionDir("node", "20.1.0"): "/h/tools/node/20.1.0",
		s.ManifestPath("node"):         "/h/tools/node/manifest.json",
		s.BinDir():                     "/h/bin",
		s.ShimsDir():                   "/h/shims",
		s.PluginsDir():                 "/h/plugins",
		s.ExtensionsDir():              "/h/extensions",
		s.CacheDir("wasm"):             "/h/cache/wasm",
		s.CacheDir("versions", "node"): "/h/cache/versions/node",
		s.CacheDir():                   "/h/cache",
		s.TempDir():                    "/h/temp",
		s.LocksDir():                   "/h/temp/locks",
	}
	for got, want := range cases {
		if got != filepath.FromSlash(want) {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestEnsureDirs(t *testing.T) {
	s := newStore(t)
	for _, d := range []string{"tools", "bin", "shims", "plugins", "extensions", "cache/wasm", "cache/versions", "cache/http", "temp/locks"} {
		if fi, err := os.Stat(filepath.Join(s.Home, d)); err != nil || !fi.IsDir() {
			t.Errorf("%s: not a directory (%v)", d, err)
		}
	}
	if err := (Store{Home: "relative"}).EnsureDirs(); err == nil {
		t.Error("a relative home was accepted")
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"node", "go", "20.1.0", "1.2.3-rc.1+build.5", "canary", "hugo-extended"} {
		if err := CheckName("tool id", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "../x", "c:x", "a\x00b", "a\nb", strings.Repeat("x", 201)} {
		err := CheckName("version", bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if !strings.Contains(err.Error(), "invalid version") {
			t.Errorf("%q: error %q does not say what was invalid", bad, err)
		}
	}
	s := newStore(t)
	if _, err := s.LockTool(context.Background(), "../evil", "1"); err == nil {
		t.Error("LockTool accepted a tool id with a path separator")
	}
	if _, err := s.InstallStaging("node", "../../x"); err == nil {
		t.Error("InstallStaging accepted a version with a path separator")
	}
}

func TestLockToolSerialisesGoroutines(t *testing.T) {
	s := newStore(t)
	var inside, maxInside, total atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := s.LockTool(context.Background(), "node", "20.1.0")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			total.Add(1)
			inside.Add(-1)
			unlock()
			unlock() // a second call is harmless
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 || total.Load() != 8 {
		t.Fatalf("max holders at once = %d, total = %d; want 1 and 8", maxInside.Load(), total.Load())
	}
	// Different versions do not block each other.
	u1, err := s.LockTool(context.Background(), "node", "20.1.0")
	if err != nil {
		t.Fatal(err)
	}
	defer u1()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	u2, err := s.LockTool(ctx, "node", "22.0.0")
	if err != nil {
		t.Fatalf("lock of another version blocked: %v", err)
	}
	u2()
}

// TestHelperHoldLock is not a test: run as a subprocess by
// TestLockToolAcrossProcesses, it takes the lock, says so on stdout, and
// holds it until its stdin closes.
func TestHelperHoldLock(t *testing.T) {
	home := os.Getenv("TOTE_STORE_HELPER_HOME")
	if home == "" {
		t.Skip("helper process only")
	}
	unlock, err := Store{Home: home}.LockTool(context.Background(), "node", "20.1.0")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	buf := make([]byte, 1)
	_, _ = os.Stdin.Read(buf)
	unlock()
	os.Exit(0)
}

func TestLockToolAcrossProcesses(t *testing.T) {
	s := newStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "TOTE_STORE_HELPER_HOME="+s.Home)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "locked") {
		t.Fatalf("helper said %q", buf[:n])
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.LockTool(ctx, "node", "20.1.0")
	if err == nil {
		t.Fatal("got the lock while another process held it")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "node@20.1.0.lock") {
		t.Fatalf("error = %v; want a deadline error naming the lock file", err)
	}
	if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("gave up after %v, before the context's deadline", time.Since(start))
	}

	// Once the other process lets go, a waiting LockTool gets the lock.
	got := make(chan error, 1)
	go func() {
		unlock, err := s.LockTool(context.Background(), "node", "20.1.0")
		if err == nil {
			unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("lock returned (%v) while the helper still held it", err)
	case <-time.After(200 * time.Millisecond):
	}
	_ = stdin.Close()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("lock not acquired after the helper released it")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	if err := WriteFileAtomic(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "two" {
		t.Fatalf("content %q", b)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	assertOnly(t, dir, "f.json")
}

func TestWriteFileAtomicFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The temp file is opened read-only, so the write fails after the temp
	// file exists: it must be removed and the old file kept.
	readOnlyTemp := func(dir, pattern string) (*os.File, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		name := f.Name()
		_ = f.Close()
		return os.Open(name)
	}
	err := writeFileAtomic(p, []byte("new"), 0o644, readOnlyTemp)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("error = %v; want a failure naming %s", err, p)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file changed to %q", b)
	}
	assertOnly(t, dir, "f.json")

	// A rename that fails (the target is a directory) also leaves no temp.
	target := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("x"), 0o644); err == nil {
		t.Fatal("rename over a non-empty directory succeeded")
	}
	assertOnly(t, dir, "d", "f.json")
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
}

func TestStagingAndCommit(t *testing.T) {
	s := newStore(t)
	final := s.VersionDir("node", "20.1.0")

	st1, err := s.InstallStaging("node", "20.1.0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(st1), "install-node-20.1.0-") || filepath.Dir(st1) != s.TempDir() {
		t.Fatalf("staging dir %s", st1)
	}
	st2, _ := s.InstallStaging("node", "20.1.0")
	if st1 == st2 {
		t.Fatal("two staging dirs share a name")
	}
	mustWrite(t, filepath.Join(st1, "bin", "node"), "v1")
	mustWrite(t, filepath.Join(st2, "bin", "node"), "v2")

	if err := Commit(st1, final, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st1); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("staging dir still there after commit")
	}
	assertContent(t, filepath.Join(final, "bin", "node"), "v1")

	// Without replace, an existing version is not touched.
	err = Commit(st2, final, false)
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), final) {
		t.Fatalf("error = %v; want ErrExists naming %s", err, final)
	}
	assertContent(t, filepath.Join(final, "bin", "node"), "v1")
	assertContent(t, filepath.Join(st2, "bin", "node"), "v2")

	// With replace it is swapped, and no moved-aside copy remains.
	if err := Commit(st2, final, true); err != nil {
		t.Fatal(err)
	}
	assertContent(t, filepath.Join(final, "bin", "node"), "v2")
	assertOnly(t, s.ToolDir("node"), "20.1.0")

	// A replace whose second rename fails restores the old copy.
	err = Commit(filepath.Join(s.TempDir(), "install-missing"), final, true)
	if err == nil {
		t.Fatal("commit of a missing staging dir succeeded")
	}
	assertContent(t, filepath.Join(final, "bin", "node"), "v2")
	assertOnly(t, s.ToolDir("node"), "20.1.0")
}

// TestLeftovers lists what killed installs leave, and removes each unless
// a live process holds its tool version's lock.
func TestLeftovers(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// 20.1.0 is installed (manifest entry), 20.2.0 is an orphan.
	mustWrite(t, filepath.Join(s.VersionDir("node", "20.1.0"), "x"), "x")
	mustWrite(t, filepath.Join(s.VersionDir("node", "20.2.0"), "x"), "x")
	if err := s.UpdateManifest(ctx, "node", func(m *Manifest) error {
		m.InstalledVersions["20.1.0"] = InstalledVersion{}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A staging directory of a live install (its lock is held), and one
	// of a killed install.
	unlock, err := s.LockTool(ctx, "node", "22.0.0")
	if err != nil {
		t.Fatal(err)
	}
	live, _ := s.InstallStaging("node", "22.0.0")
	dead, _ := s.InstallStaging("node", "21.0.0")
	aside := filepath.Join(s.ToolDir("node"), ".20.1.0.old-123")
	mustWrite(t, filepath.Join(aside, "x"), "x")
	removing := filepath.Join(s.ToolDir("node"), "19.0.0.removing")
	mustWrite(t, filepath.Join(removing, "x"), "x")
	part := filepath.Join(s.TempDir(), "downloads", "node", "21.0.0", "node.tar.gz.part")
	mustWrite(t, part, "x")

	got, err := s.Leftovers()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, l := range got {
		kinds[l.Path] = l.Kind
	}
	want := map[string]string{
		s.VersionDir("node", "20.2.0"): LeftoverOrphan, live: LeftoverStaging, dead: LeftoverStaging,
		aside: LeftoverAside, removing: LeftoverAside, filepath.Dir(part): LeftoverDownload,
	}
	if len(kinds) != len(want) {
		t.Errorf("leftovers %v, want %v", kinds, want)
	}
	for p, k := range want {
		if kinds[p] != k {
			t.Errorf("%s: kind %q, want %q", p, kinds[p], k)
		}
	}
	for _, l := range got {
		removed, err := s.RemoveLeftover(l)
		if err != nil {
			t.Fatal(err)
		}
		if removed == (l.Path == live) {
			t.Errorf("%s: removed = %v", l.Path, removed)
		}
	}
	unlock()
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live staging directory was removed: %v", err)
	}
	if _, err := os.Stat(s.VersionDir("node", "20.1.0")); err != nil {
		t.Errorf("the installed version was removed: %v", err)
	}
	for p := range want {
		if _, err := os.Stat(p); p != live && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was not removed", p)
		}
	}
	if _, err := os.Stat(filepath.Join(s.TempDir(), "downloads", "node")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the empty downloads/node directory was left")
	}
}

func mustWrite(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func assertContent(t *testing.T, p, want string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || string(b) != want {
		t.Fatalf("%s = %q (%v), want %q", p, b, err, want)
	}
}

// TestWriteAtomicStreamFailure: a streamed write that fails midway (a
// download cut off) leaves the old file and no temp file; one that
// succeeds replaces it.
func TestWriteAtomicStreamFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "archive.tar")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	cut := errors.New("connection reset")
	err := WriteAtomic(p, 0o644, func(w io.Writer) error {
		if _, err := w.Write([]byte("half of the new")); err != nil {
			return err
		}
		return cut
	})
	if !errors.Is(err, cut) || !strings.Contains(err.Error(), p) {
		t.Fatalf("error = %v; want the cause, naming %s", err, p)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file changed to %q", b)
	}
	assertOnly(t, dir, "archive.tar")
	if err := WriteAtomic(p, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
}
