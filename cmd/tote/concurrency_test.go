package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// newSandbox makes a TOTE_HOME, HOME and mirror for a Go-driven CLI test and
// returns the environment to run tote with.
func newSandbox(t *testing.T) (work string, env []string, srv *mirror.Server) {
	t.Helper()
	wasm := wasmbuild.Build(t, wasmbuild.Fixture("demo-tool"))
	work = t.TempDir()
	root := filepath.Join(t.TempDir(), "mirror")
	if err := demoMirror(root); err != nil {
		t.Fatal(err)
	}
	srv, err := mirror.Start(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	home := filepath.Join(work, ".tote")
	os.MkdirAll(home, 0o755)
	if err := shareWasmCache(home); err != nil {
		t.Fatal(err)
	}
	global := fmt.Sprintf("[plugins]\ndemo = \"file://%s\"\n\n[settings.url-rewrites]\n\"^https://demo\\\\.example\\\\.com/\" = \"%s/\"\n", wasm, srv.URL)
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(global), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "TOTE_HOME="+home, "HOME="+work, "TOTE_LOG=warn",
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return work, env, srv
}

// TestConcurrentInstalls starts 8 `tote install demo 1.2.3` processes at
// once: all succeed, the archive is downloaded once, and one complete
// install results.
func TestConcurrentInstalls(t *testing.T) {
	t.Parallel()
	work, env, srv := newSandbox(t)
	const n = 8
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			cmd := exec.Command(filepath.Join(binDir, "tote"), "install", "demo", "1.2.3")
			cmd.Dir, cmd.Env = work, env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			<-start
			errs[i] = cmd.Run()
			outs[i] = out.String()
		})
	}
	close(start)
	wg.Wait()
	installed, already := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d: %v\n%s", i, errs[i], outs[i])
		}
		switch {
		case strings.Contains(outs[i], "installed demo 1.2.3 to"):
			installed++
		case strings.Contains(outs[i], "demo 1.2.3 is already installed"):
			already++
		}
	}
	if installed != 1 || already != n-1 {
		t.Errorf("want 1 install and %d no-ops, got %d and %d", n-1, installed, already)
	}
	downloads := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "GET /dist/v1.2.3/demo-v1.2.3-") && strings.Contains(r, ".tar.gz") {
			downloads++
		}
	}
	if downloads != 1 {
		t.Errorf("archive downloaded %d times, want 1; requests:\n%s", downloads, strings.Join(srv.Requests(), "\n"))
	}
	home := filepath.Join(work, ".tote")
	script := filepath.Join(home, "tools", "demo", "1.2.3", "bin", "demo")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("install incomplete: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(home, "tools", "demo"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "1.2.3,manifest.json" {
		t.Errorf("tools/demo holds %v, want only 1.2.3 and manifest.json", names)
	}
	cmd := exec.Command(filepath.Join(binDir, "tote"), "run", "demo", "1.2.3", "--", "ok")
	cmd.Dir, cmd.Env = work, env
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "demo 1.2.3 ok" {
		t.Fatalf("run after concurrent installs: %v %q", err, out)
	}
}
