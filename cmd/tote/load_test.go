package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
)

// TestLoadConcurrentProcesses runs 16 tote processes at once in one
// TOTE_HOME and one .prototools, each installing, pinning and running
// overlapping demo versions. No pin is lost, every manifest is valid, and
// every run uses a complete install.
func TestLoadConcurrentProcesses(t *testing.T) {
	t.Parallel()
	work, env, _ := newSandbox(t)
	versions := []string{"1.0.0", "1.1.5", "1.2.0", "1.2.3"}
	if err := os.WriteFile(filepath.Join(work, ".prototools"), []byte("# shared by 16 processes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const procs = 16
	var wg sync.WaitGroup
	errs := make(chan string, procs*8)
	for i := range procs {
		wg.Go(func() {
			v := versions[i%len(versions)]
			other := versions[(i+1)%len(versions)]
			steps := []struct {
				args []string
				want string // the version a run must print
			}{
				{[]string{"install", "demo", v}, ""},
				{[]string{"pin", "--force", fmt.Sprintf("tool%02d", i), "1." + fmt.Sprint(i)}, ""}, // no such tools: --force skips the check
				{[]string{"run", "--install", "demo", other, "--", "p", fmt.Sprint(i)}, other},
				{[]string{"run", "demo", v, "--", "again"}, v},
				{[]string{"list"}, ""},
			}
			for _, st := range steps {
				out, err := runTote(t, work, env, st.args...)
				if err != nil {
					errs <- fmt.Sprintf("process %d: tote %s: %v\n%s", i, strings.Join(st.args, " "), err, out)
					return
				}
				if st.want != "" && !strings.HasPrefix(out, "demo "+st.want+" ") {
					errs <- fmt.Sprintf("process %d: tote %s printed %q, want demo %s", i, strings.Join(st.args, " "), out, st.want)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	f, err := config.ReadFile(filepath.Join(work, ".prototools"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range procs {
		if p, ok := f.Pins[fmt.Sprintf("tool%02d", i)]; !ok || p.Spec != "1."+fmt.Sprint(i) {
			t.Errorf("pin tool%02d lost: %+v", i, f.Pins)
		}
	}
	st := store.Store{Home: filepath.Join(work, ".tote")}
	m, err := st.ReadManifest("demo")
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	for _, v := range versions {
		iv, ok := m.InstalledVersions[v]
		if !ok {
			t.Errorf("demo %s missing from the manifest", v)
			continue
		}
		for name, e := range iv.Exes {
			if _, err := os.Stat(e.Path); err != nil {
				t.Errorf("demo %s: executable %s missing: %v", v, name, err)
			}
		}
	}
}

// TestSoakRuns runs `tote run` many times and checks that neither the
// files under TOTE_HOME nor the processes' peak memory grow. Every suite
// run does 150; the full soak is TOTE_SOAK_RUNS=10000. Each run's peak RSS
// is measured by a small parent (testdata/peakrss), not by this process:
// a child's peak RSS counts its parent's until it execs, and the other
// parallel tests grow this process.
func TestSoakRuns(t *testing.T) {
	t.Parallel()
	n := 150
	if s := os.Getenv("TOTE_SOAK_RUNS"); s != "" {
		fmt.Sscan(s, &n)
	}
	work, env, _ := newSandbox(t)
	if out, err := runTote(t, work, env, "install", "demo", "1.2.3"); err != nil {
		t.Fatal(err, out)
	}
	os.WriteFile(filepath.Join(work, ".prototools"), []byte("demo = \"1.2\"\n"), 0o644)
	home := filepath.Join(work, ".tote")
	count := func() (files int, bytes int64) {
		filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files++
				if fi, err := d.Info(); err == nil {
					bytes += fi.Size()
				}
			}
			return nil
		})
		return
	}
	runOnce := func() int64 {
		cmd := exec.Command(filepath.Join(binDir, "peakrss"), filepath.Join(binDir, "tote"), "run", "demo", "--", "soak")
		var stderr strings.Builder
		cmd.Dir, cmd.Env, cmd.Stderr = work, env, &stderr
		out, err := cmd.Output()
		if err != nil || strings.TrimSpace(string(out)) != "demo 1.2.3 soak" {
			t.Fatalf("run: %v %q\n%s", err, out, stderr.String())
		}
		rss, err := peakRSS(stderr.String())
		if err != nil {
			t.Fatal(err)
		}
		return rss
	}
	runOnce() // the first run writes the last-used marker
	files0, bytes0 := count()
	var early, late int64
	start := time.Now()
	// Peak memory of the first and the last third of the runs.
	window := min(100, n/3)
	for i := range n {
		rss := runOnce()
		if i < window && rss > early {
			early = rss
		}
		if i >= n-window && rss > late {
			late = rss
		}
	}
	elapsed := time.Since(start)
	files1, bytes1 := count()
	t.Logf("%d runs in %s (%.2f ms each); peak RSS first %d: %d KiB, last %d: %d KiB; files %d→%d, bytes %d→%d",
		n, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(n)/1000, window, early, window, late, files0, files1, bytes0, bytes1)
	if files1 != files0 || bytes1 != bytes0 {
		t.Errorf("TOTE_HOME grew: %d files/%d bytes → %d files/%d bytes", files0, bytes0, files1, bytes1)
	}
	if late > early+early/4 {
		t.Errorf("peak memory grew from %d KiB to %d KiB", early, late)
	}
}

// peakRSS reads the peak RSS in KiB that testdata/peakrss printed last in
// stderr.
func peakRSS(stderr string) (int64, error) {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	var kib int64
	if _, err := fmt.Sscanf(lines[len(lines)-1], "peak-rss-kib %d", &kib); err != nil {
		return 0, fmt.Errorf("no peak RSS from peakrss: %v\n%s", err, stderr)
	}
	return kib, nil
}
