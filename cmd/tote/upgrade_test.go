package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/internal/selfupdate"
	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// TestUpgradeInterrupted kills `tote upgrade` (SIGKILL) after it has staged
// the new binary and kept the old one, just before the swap: the binary in
// place is still the old one and works, and the next upgrade cleans up and
// succeeds.
func TestUpgradeInterrupted(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	ups, err := toteReleases(root)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mirror.Start(root)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	work := t.TempDir()
	home := filepath.Join(work, ".tote")
	os.MkdirAll(home, 0o755)
	var cfg strings.Builder
	cfg.WriteString("[settings.url-rewrites]\n")
	for up, sub := range ups {
		fmt.Fprintf(&cfg, "%q = %q\n", "^"+strings.ReplaceAll(up, ".", `\.`), srv.URL+"/"+sub)
	}
	if err := os.WriteFile(filepath.Join(home, ".prototools"), []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(work, "app", "tote")
	os.MkdirAll(filepath.Dir(app), 0o755)
	// Copied by cp, not written from this process: a child another
	// parallel test forks at that moment would inherit the write
	// descriptor, and exec of the file would fail "text file busy"
	// (golang.org/issue/22315).
	if out, err := exec.Command("cp", filepath.Join(binDir, "tote"), app).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	env := append(os.Environ(), "TOTE_HOME="+home, "HOME="+work, "TOTE_LOG=warn")
	version := func() string {
		cmd := exec.Command(app, "--version")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s --version: %v\n%s", app, err, out)
		}
		return strings.TrimSpace(string(out))
	}

	marker := filepath.Join(work, "paused")
	cmd := exec.Command(app, "upgrade")
	cmd.Dir, cmd.Env = work, append(env, selfupdate.PauseEnv+"="+marker)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the upgrade never reached the swap:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if v := version(); v != "tote 0.1.0-dev" {
		t.Fatalf("after the kill the binary in place says %q, want the old tote 0.1.0-dev", v)
	}
	for _, leftover := range []string{app + ".new", app + ".old"} {
		if _, err := os.Stat(leftover); err != nil {
			t.Errorf("the kill came after staging, so %s should exist: %v", leftover, err)
		}
	}

	cmd = exec.Command(app, "upgrade")
	cmd.Dir, cmd.Env = work, env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("upgrade after the interrupted one: %v\n%s", err, b)
	}
	if v := version(); v != "tote "+NextVersion {
		t.Fatalf("after the second upgrade: %q", v)
	}
	for _, leftover := range []string{app + ".new", app + ".old"} {
		if _, err := os.Stat(leftover); err == nil {
			t.Errorf("%s was left behind", leftover)
		}
	}
}
