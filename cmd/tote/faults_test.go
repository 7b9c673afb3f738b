package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func runTote(t *testing.T, work string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "tote"), args...)
	cmd.Dir, cmd.Env = work, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestKillMidInstall kills `tote install` with SIGKILL while it downloads:
// the version is never listed or run half-installed, and the next install
// completes cleanly.
func TestKillMidInstall(t *testing.T) {
	t.Parallel()
	work, env, srv := newSandbox(t)
	archive := "/dist/v1.2.3/demo-v1.2.3-linux-x64.tar.gz"
	faults := filepath.Join(srv.Root, ".faults.json")
	b, _ := json.Marshal(map[string]string{archive: "slow"})
	if err := os.WriteFile(faults, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(binDir, "tote"), "install", "demo", "1.2.3")
	cmd.Dir, cmd.Env = work, env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(strings.Join(srv.Requests(), "\n"), archive) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the install never requested the archive; requests: %v", srv.Requests())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	home := filepath.Join(work, ".tote")
	if _, err := os.Stat(filepath.Join(home, "tools", "demo", "1.2.3")); !os.IsNotExist(err) {
		t.Fatalf("a killed install left tools/demo/1.2.3 behind (%v)", err)
	}
	if out, _ := runTote(t, work, env, "list"); strings.Contains(out, "1.2.3") {
		t.Fatalf("a killed install is listed: %s", out)
	}
	if out, err := runTote(t, work, env, "run", "demo", "1.2.3"); err == nil || !strings.Contains(out, "not installed") {
		t.Fatalf("a killed install runs: %v %s", err, out)
	}
	os.Remove(faults)
	if out, err := runTote(t, work, env, "install", "demo", "1.2.3"); err != nil || !strings.Contains(out, "installed demo 1.2.3") {
		t.Fatalf("install after a kill: %v %s", err, out)
	}
	if out, err := runTote(t, work, env, "run", "demo", "1.2.3", "--", "ok"); err != nil || strings.TrimSpace(out) != "demo 1.2.3 ok" {
		t.Fatalf("run after recovery: %v %q", err, out)
	}
}
