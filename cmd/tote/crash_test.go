package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// toteCmd returns a tote command run in dir with env.
func toteCmd(dir string, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(filepath.Join(binDir, "tote"), args...)
	var out bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &out, &out
	return cmd, &out
}

// mustTote runs tote and fails the test unless the exit status is as wanted.
func mustTote(t *testing.T, dir string, env []string, wantOK bool, args ...string) string {
	t.Helper()
	cmd, out := toteCmd(dir, env, args...)
	err := cmd.Run()
	if (err == nil) != wantOK {
		t.Fatalf("tote %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out.String()
}

// killAt starts tote with args, waits until it reaches a point (ready
// reports true: the TOTE_TEST_STOP_AT hook wrote its marker, or a step left
// its file) and kills it with SIGKILL, as a power cut or the OOM killer
// would.
func killAt(t *testing.T, dir string, env []string, ready func() bool, args ...string) {
	t.Helper()
	cmd, out := toteCmd(dir, env, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for {
		if ready() {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("tote %s ended before the kill point: %v\n%s", strings.Join(args, " "), err, out)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("tote %s never reached the kill point\n%s", strings.Join(args, " "), out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-done
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("tote was not killed by SIGKILL: %v", err)
	}
}

func exists(p string) func() bool {
	return func() bool { _, err := os.Stat(p); return err == nil }
}

// partial reports when a download's part file has bytes and its sidecar.
func partial(part string) func() bool {
	return func() bool {
		fi, err := os.Stat(part)
		_, err2 := os.Stat(part + ".json")
		return err == nil && err2 == nil && fi.Size() > 0
	}
}

// TestAttackKilledAfterCommit: tote is killed with SIGKILL after the
// version directory was renamed into place and before the manifest records
// it (issue 11 item 14). The directory is not an installed version: list
// and run do not see it, the next install replaces it (it used to fail
// "already exists (use --force)" forever), and clean and uninstall remove
// such orphans.
func TestAttackKilledAfterCommit(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	work, env, _ := newSandbox(t)
	home := filepath.Join(work, ".tote")
	orphan := func(ver string) {
		t.Helper()
		marker := filepath.Join(t.TempDir(), "stopped")
		killAt(t, work, append(env, "TOTE_TEST_STOP_AT=after-commit:"+marker), exists(marker), "install", "demo", ver)
		if _, err := os.Stat(filepath.Join(home, "tools", "demo", ver, "bin", "demo")); err != nil {
			t.Fatalf("the kill point is after the commit, but %s is not in place: %v", ver, err)
		}
	}

	// The orphan is not installed, and the next install replaces it.
	orphan("1.2.3")
	if out := mustTote(t, work, env, true, "list"); strings.Contains(out, "1.2.3") {
		t.Errorf("tote list shows the orphan:\n%s", out)
	}
	if out := mustTote(t, work, env, false, "run", "demo", "1.2.3"); !strings.Contains(out, "not installed") {
		t.Errorf("tote run of the orphan:\n%s", out)
	}
	out := mustTote(t, work, env, true, "install", "demo", "1.2.3")
	if !strings.Contains(out, "installed demo 1.2.3") {
		t.Errorf("reinstall over the orphan:\n%s", out)
	}
	if out := mustTote(t, work, env, true, "run", "demo", "1.2.3", "--", "ok"); !strings.Contains(out, "demo 1.2.3 ok") {
		t.Errorf("run after reinstall:\n%s", out)
	}

	// tote clean lists and removes an orphan.
	orphan("1.2.0")
	if out := mustTote(t, work, env, true, "clean"); !strings.Contains(out, filepath.Join("tools", "demo", "1.2.0")) || !strings.Contains(out, "not installed") {
		t.Errorf("tote clean does not list the orphan:\n%s", out)
	}
	mustTote(t, work, env, true, "clean", "--yes")
	if _, err := os.Stat(filepath.Join(home, "tools", "demo", "1.2.0")); err == nil {
		t.Error("tote clean --yes left the orphan")
	}
	if _, err := os.Stat(filepath.Join(home, "tools", "demo", "1.2.3")); err != nil {
		t.Errorf("tote clean removed the installed 1.2.3: %v", err)
	}

	// tote uninstall removes an orphan too.
	orphan("1.1.5")
	if out := mustTote(t, work, env, true, "uninstall", "demo", "1.1.5"); !strings.Contains(out, "uninstalled demo 1.1.5") {
		t.Errorf("uninstall of the orphan:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(home, "tools", "demo", "1.1.5")); err == nil {
		t.Error("tote uninstall left the orphan")
	}
}

// TestKilledDownloadResumes: tote is killed with SIGKILL in the middle of
// a download (issue 14 item 12). The next install resumes the partial
// download with a Range request validated by If-Range instead of starting
// over; tote clean removes a partial download nobody is resuming.
func TestKilledDownloadResumes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	work, env, srv := newSandbox(t)
	home := filepath.Join(work, ".tote")
	plat := "linux-x64"
	if runtime.GOARCH == "arm64" {
		plat = "linux-arm64"
	}
	archive := fmt.Sprintf("/dist/v1.2.3/demo-v1.2.3-%s.tar.gz", plat)
	faults := filepath.Join(srv.Root, ".faults.json")
	if err := os.WriteFile(faults, []byte(`{"`+archive+`": "stall-half"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(home, "temp", "downloads", "demo", "1.2.3", "demo-v1.2.3-"+plat+".tar.gz.part")
	// The sidecar is written once the response's headers are in; the kill
	// comes once the part file holds the half the server sent.
	killAt(t, work, env, partial(part), "install", "demo", "1.2.3")
	fi, err := os.Stat(part)
	if err != nil {
		t.Fatalf("no partial download after the kill: %v", err)
	}
	os.Remove(faults)
	before := len(srv.Requests())
	out := mustTote(t, work, env, true, "install", "demo", "1.2.3")
	if !strings.Contains(out, "installed demo 1.2.3") {
		t.Fatalf("install after the kill:\n%s", out)
	}
	var ranged []string
	for _, r := range srv.Requests()[before:] {
		if strings.HasPrefix(r, "GET "+archive) {
			ranged = append(ranged, r)
		}
	}
	if len(ranged) != 1 || !strings.HasSuffix(ranged[0], fmt.Sprintf(" bytes=%d-", fi.Size())) {
		t.Errorf("the archive was fetched as %q, want one Range request from byte %d", ranged, fi.Size())
	}
	if out := mustTote(t, work, env, true, "run", "demo", "1.2.3"); !strings.Contains(out, "demo 1.2.3") {
		t.Errorf("run:\n%s", out)
	}

	// A partial download left behind is a leftover for tote clean.
	if err := os.WriteFile(faults, []byte(`{"`+strings.ReplaceAll(archive, "1.2.3", "1.2.0")+`": "stall-half"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	part = strings.ReplaceAll(part, "1.2.3", "1.2.0")
	killAt(t, work, env, partial(part), "install", "demo", "1.2.0")
	if out := mustTote(t, work, env, true, "clean"); !strings.Contains(out, "partial download of demo 1.2.0") {
		t.Errorf("tote clean does not list the partial download:\n%s", out)
	}
	mustTote(t, work, env, true, "clean", "--yes")
	if _, err := os.Stat(filepath.Dir(part)); err == nil {
		t.Error("tote clean --yes left the partial download")
	}
}
