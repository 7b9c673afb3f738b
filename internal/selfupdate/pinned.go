package selfupdate

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/store"
)

// PinnedEnv is set in the environment of a tote that was re-executed for a
// pin, so that it does not look again.
const PinnedEnv = "TOTE_SELF_PINNED"

// PinnedVersion returns the installed tote version pinned for cwd
// (tote = "0.3.0" in a .prototools, or TOTE_TOTE_VERSION), resolved against
// the versions in tools/tote. It returns "" when nothing is pinned, and an
// error naming the pin when it is not installed.
func PinnedVersion(home, cwd, userHome string) (string, error) {
	cfg, err := config.Load(cwd, userHome, home)
	if err != nil {
		return "", nil // tote itself reports a broken config, with file:line
	}
	st := &store.Store{Home: home}
	d := &fastpath.Detector{Config: cfg, Store: st, Cwd: cwd, UserHome: userHome}
	det, err := d.Detect("tote", nil)
	if err != nil || det.Spec == "" {
		return "", nil
	}
	ver, err := fastpath.ResolveInstalled(st, "tote", det.Spec)
	if err != nil {
		return "", fmt.Errorf("tote %s is pinned (%s) but not installed: run `tote install tote %s`", det.Spec, det.Where(), det.Spec)
	}
	return ver, nil
}

// ExecPinned replaces the process with the pinned tote when one is pinned,
// installed, and not the running version; `tote upgrade` and a tote that
// was itself started for a pin never re-execute. It returns only when the
// running tote should go on (printing a warning for a pin that is not
// installed).
func ExecPinned(home, running string, args []string) {
	if os.Getenv(PinnedEnv) != "" || runtime.GOOS == "windows" || len(args) > 1 && (args[1] == "upgrade" || args[1] == "install" || args[1] == "uninstall") {
		return
	}
	cwd, err := os.Getwd()
	if err != nil {
		return
	}
	userHome, _ := os.UserHomeDir()
	ver, err := PinnedVersion(home, cwd, userHome)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tote: warning: %v; running tote %s\n", err, running)
		return
	}
	if ver == "" || ver == running {
		return
	}
	exe := filepath.Join((&store.Store{Home: home}).VersionDir("tote", ver), "tote")
	if _, err := os.Stat(exe); err != nil {
		return
	}
	env := append(os.Environ(), PinnedEnv+"="+ver)
	err = syscall.Exec(exe, append([]string{exe}, args[1:]...), env)
	fmt.Fprintf(os.Stderr, "tote: warning: cannot run the pinned tote %s (%v); running tote %s\n", ver, err, running)
}
