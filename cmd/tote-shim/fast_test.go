package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/lockfile"
	"github.com/tote-dev/tote/internal/store"
)

// shimSandbox makes a $TOTE_HOME with demo 1.0.0 installed (manifest,
// plugin metadata, executable) and two projects pinning demo = "1.0.0":
// one with a .prototools.lock locking it, one without.
func shimSandbox(tb testing.TB, checksum string) (st *store.Store, home, locked, plain string) {
	tb.Helper()
	root := tb.TempDir()
	home = filepath.Join(root, "home")
	st = &store.Store{Home: filepath.Join(home, ".tote")}
	exe := filepath.Join(st.VersionDir("demo", "1.0.0"), "bin", "demo")
	locked, plain = filepath.Join(home, "locked"), filepath.Join(home, "plain")
	for _, d := range []string{filepath.Dir(exe), locked, plain} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	if err := st.UpdateManifest(context.Background(), "demo", func(m *store.Manifest) error {
		m.InstalledVersions["1.0.0"] = store.InstalledVersion{
			InstalledAt: time.Now(), Checksum: checksum, SourceURL: "https://demo.example.com/demo-1.0.0.tar.gz",
			Exes: map[string]store.Exe{"demo": {Path: exe, Primary: true}},
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if err := fastpath.WriteMeta(st, &fastpath.Meta{ID: "demo", Name: "Demo", Source: "test", Digest: "x"}); err != nil {
		tb.Fatal(err)
	}
	for _, d := range []string{locked, plain} {
		os.WriteFile(filepath.Join(d, ".prototools"), []byte("demo = \"1.0.0\"\n"), 0o644)
	}
	lk := lockfile.New(filepath.Join(locked, lockfile.FileName))
	lk.SetTool("demo", "1.0.0", lockfile.Tool{Version: "1.0.0", Source: "https://demo.example.com/demo-1.0.0.tar.gz", Checksum: "sha256:" + strings.Repeat("ab", 32)})
	if err := lk.Write(); err != nil {
		tb.Fatal(err)
	}
	return st, home, locked, plain
}

func inDir(tb testing.TB, dir string) {
	tb.Helper()
	old, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.Chdir(old) })
}

// TestFastLockfile: the shim's fast path runs a locked version whose
// install recorded the locked checksum, and refuses one that recorded
// another (with the --force hint), without leaving the fast path.
func TestFastLockfile(t *testing.T) {
	good := "sha256:" + strings.Repeat("ab", 32)
	st, home, locked, plain := shimSandbox(t, good)
	target := fastpath.ShimTarget{Tool: "demo", Exe: "demo"}
	inDir(t, locked)
	if plan, err := fast(st, target, home); err != nil || plan.Version != "1.0.0" {
		t.Fatalf("locked, matching: %v", err)
	}
	inDir(t, plain)
	if _, err := fast(st, target, home); err != nil {
		t.Fatalf("no lockfile: %v", err)
	}

	st, home, locked, _ = shimSandbox(t, "sha256:"+strings.Repeat("cd", 32))
	inDir(t, locked)
	_, err := fast(st, target, home)
	var mm *fastpath.LockMismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "does not match .prototools.lock") {
		t.Fatalf("locked, poisoned: %v", err)
	}
	if h, ok := err.(interface{ Hint() string }); !ok || !strings.Contains(h.Hint(), "tote install --force demo 1.0.0") {
		t.Errorf("hint: %v", err)
	}
}

// BenchmarkShimFastPath is what the shim does between its start and the
// exec of the tool (config, detection, lockfile, manifest, plan), in a
// project with a lockfile and in one without: the difference is the cost of
// the lockfile check on the hot path (BENCHMARKS.md, "Lockfile check").
func BenchmarkShimFastPath(b *testing.B) {
	st, home, locked, plain := shimSandbox(b, "sha256:"+strings.Repeat("ab", 32))
	target := fastpath.ShimTarget{Tool: "demo", Exe: "demo"}
	for _, c := range []struct{ name, dir string }{{"no-lockfile", plain}, {"lockfile", locked}} {
		b.Run(c.name, func(b *testing.B) {
			inDir(b, c.dir)
			for b.Loop() {
				if _, err := fast(st, target, home); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
