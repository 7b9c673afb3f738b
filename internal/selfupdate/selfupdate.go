// Package selfupdate replaces the running tote binary with another release
// (tote upgrade), refuses when a package manager owns the binary, and
// re-executes the tote version a project pins (tote = "0.3.0").
package selfupdate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PauseEnv names a test hook: when set to a file path, Replace creates that
// file once the new binary is staged and the old one kept, just before the
// swap, and then waits up to a minute (so a test can kill the process at
// that point). It has no other effect.
const PauseEnv = "TOTE_TEST_UPGRADE_PAUSE"

// Replace puts the executable src in place of exe, atomically, and keeps
// the old binary until the new one has started:
//
//  1. src is copied beside exe as exe.new (same directory, so the rename
//     below is atomic) and made executable;
//  2. exe is hard-linked to exe.old (a copy where links are impossible);
//  3. exe.new is renamed over exe: at every instant exe is either the old
//     or the new binary, never missing or partial;
//  4. the new exe runs with --version, which must print wantVersion;
//  5. on failure exe.old is renamed back over exe; on success it is removed.
//
// Files left by an interrupted earlier run (exe.new, exe.old) are removed
// first. It returns the output of the new binary's --version.
func Replace(ctx context.Context, exe, src, wantVersion string) (string, error) {
	newPath, oldPath := exe+".new", exe+".old"
	os.Remove(newPath)
	os.Remove(oldPath)
	if err := copyFile(src, newPath, 0o755); err != nil {
		os.Remove(newPath)
		return "", fmt.Errorf("stage the new binary: %w", err)
	}
	if err := os.Link(exe, oldPath); err != nil {
		fi, serr := os.Stat(exe)
		if serr != nil {
			os.Remove(newPath)
			return "", fmt.Errorf("keep the old binary: %w", serr)
		}
		if err := copyFile(exe, oldPath, fi.Mode().Perm()); err != nil {
			os.Remove(newPath)
			return "", fmt.Errorf("keep the old binary: %w", err)
		}
	}
	pause()
	if err := os.Rename(newPath, exe); err != nil {
		os.Remove(newPath)
		os.Remove(oldPath)
		return "", fmt.Errorf("put the new binary in place: %w", err)
	}
	out, err := started(ctx, exe, wantVersion)
	if err != nil {
		if rerr := os.Rename(oldPath, exe); rerr != nil {
			return "", fmt.Errorf("the new binary did not start (%v), and restoring the old one failed: %w (it is at %s)", err, rerr, oldPath)
		}
		return "", fmt.Errorf("the new binary did not start, so the old one was put back: %w", err)
	}
	os.Remove(oldPath)
	return out, nil
}

// started runs exe --version and checks that it names wantVersion.
func started(ctx context.Context, exe, wantVersion string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "--version")
	cmd.Env = append(os.Environ(), "TOTE_SELF_PINNED=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s --version: %v: %s", exe, err, strings.TrimSpace(out.String()))
	}
	text := strings.TrimSpace(out.String())
	if !strings.Contains(" "+text+" ", " "+wantVersion+" ") && !strings.HasSuffix(text, " "+wantVersion) {
		return "", fmt.Errorf("%s --version printed %q, not version %s", exe, text, wantVersion)
	}
	return text, nil
}

func pause() {
	p := os.Getenv(PauseEnv)
	if p == "" {
		return
	}
	os.WriteFile(p, []byte(fmt.Sprint(os.Getpid())), 0o644)
	time.Sleep(time.Minute)
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, mode)
}

// ManagedError says a package manager owns the binary.
type ManagedError struct {
	// Exe is the binary, Manager the package manager, Package its package
	// (when known) and How the command that upgrades it.
	Exe, Manager, Package, How string
}

func (e *ManagedError) Error() string {
	return fmt.Sprintf("%s was installed by %s; tote upgrade would fight it", e.Exe, e.Manager)
}

// Hint says how to upgrade through the package manager.
func (e *ManagedError) Hint() string { return "upgrade it with " + e.How }

// Runner runs a command and returns its standard output; an error means it
// failed or does not exist.
type Runner func(ctx context.Context, name string, args ...string) (string, error)

// ExecRunner runs commands for real.
func ExecRunner(ctx context.Context, name string, args ...string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).Output()
	return string(out), err
}

// DetectManager returns a *ManagedError when a package manager tote can
// recognise owns exe: Homebrew (a Cellar or Homebrew prefix), Nix (the
// store), Snap, Scoop, or a Debian (dpkg -S) or RPM (rpm -qf) package.
func DetectManager(ctx context.Context, exe string, run Runner) error {
	slash := filepath.ToSlash(exe)
	switch {
	case strings.Contains(slash, "/Cellar/") || strings.HasPrefix(slash, "/opt/homebrew/") || strings.HasPrefix(slash, "/home/linuxbrew/.linuxbrew/"):
		return &ManagedError{Exe: exe, Manager: "Homebrew", Package: "tote", How: "`brew upgrade tote`"}
	case strings.HasPrefix(slash, "/nix/store/"):
		return &ManagedError{Exe: exe, Manager: "Nix", How: "your Nix configuration (`nix profile upgrade`, or your flake or home-manager inputs)"}
	case strings.HasPrefix(slash, "/snap/"):
		return &ManagedError{Exe: exe, Manager: "Snap", Package: "tote", How: "`snap refresh tote`"}
	case strings.Contains(strings.ToLower(slash), "/scoop/apps/"):
		return &ManagedError{Exe: exe, Manager: "Scoop", Package: "tote", How: "`scoop update tote`"}
	}
	if out, err := run(ctx, "dpkg", "-S", exe); err == nil && strings.TrimSpace(out) != "" {
		pkg, _, _ := strings.Cut(strings.TrimSpace(out), ":")
		return &ManagedError{Exe: exe, Manager: "the Debian package " + pkg, Package: pkg, How: fmt.Sprintf("`sudo apt-get install --only-upgrade %s`", pkg)}
	}
	if out, err := run(ctx, "rpm", "-qf", exe); err == nil && strings.TrimSpace(out) != "" && !strings.Contains(out, "not owned") {
		pkg := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
		return &ManagedError{Exe: exe, Manager: "the RPM package " + pkg, Package: pkg, How: "`sudo dnf upgrade tote` (or yum, zypper)"}
	}
	return nil
}

// ErrNotPinned means no tote version is pinned for the directory.
var ErrNotPinned = errors.New("no tote version is pinned")
