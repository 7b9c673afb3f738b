// Package fastrun starts `tote run TOOL` the way tote-shim starts a shimmed
// command: from the configuration, the store's manifests and small caches
// alone ([fastpath.Prepare], the code the shim runs), before tote builds
// its command tree or opens anything else.
//
// It handles only what it can answer exactly as the full `tote run`
// would, and leaves everything else to it: [Try] returns, having printed
// nothing and changed nothing but the version's last-used mark, whenever
// the arguments are not plain (--install, --log, --help, any other flag),
// the log level would print more than warnings, the configuration
// has something to warn about (an untrusted file, a proto setting tote
// ignores, proxy or certificate settings), tote itself is pinned (the
// pinned tote must run), or fastpath needs the plugin or fails in any way
// (the full path then reports the error in its own words).
//
// It imports no CLI framework, no WebAssembly runtime and no HTTP stack,
// so that it can run before their package initialisation (see
// cmd/tote/internal/early).
package fastrun

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/store"
)

// Try replaces the process with the tool when args (tote's arguments,
// without the program name) are a `tote run` the fast path answers. It
// returns when tote must run as usual.
func Try(args []string) {
	req, ok := Parse(args)
	// Windows cannot replace a process (syscall.Exec): the full path
	// decides there.
	if !ok || goruntime.GOOS == "windows" || !quietEnv() {
		return
	}
	home, err := Home()
	if err != nil {
		return
	}
	if req.Cwd, err = os.Getwd(); err != nil {
		return
	}
	req.UserHome, _ = os.UserHomeDir()
	cfg, err := config.Load(req.Cwd, req.UserHome, home)
	if err != nil || !quietConfig(cfg) {
		return
	}
	st := &store.Store{Home: home}
	// `tote = "X"` (or TOTE_TOTE_VERSION) runs that tote: main decides.
	d := &fastpath.Detector{Config: cfg, Store: st, Cwd: req.Cwd, UserHome: req.UserHome}
	if det, err := d.Detect("tote", nil); err != nil || det.Spec != "" || det.VersionFile != "" {
		return
	}
	plan, err := fastpath.Prepare(st, cfg, req)
	if err != nil {
		return
	}
	_ = plan.Exec() // returns only on failure, which `tote run` reports
}

// Parse reads `run [--exe EXE] TOOL[@SPEC] [SPEC] [-- ARGS...]` (or the
// alias `r`), the forms tote-shim hands over and people type. ok is false
// for anything else: any other flag, a tool id that is not plain, a spec
// given twice, more words before "--" (the full command says what is
// wrong).
func Parse(args []string) (req fastpath.Request, ok bool) {
	if len(args) < 2 || args[0] != "run" && args[0] != "r" {
		return req, false
	}
	var words []string
	exeSet := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			req.Args = args[i+1:]
			i = len(args)
		case a == "--exe" && !exeSet && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-"):
			req.Exe, exeSet = args[i+1], true
			i++
		case strings.HasPrefix(a, "--exe=") && !exeSet:
			req.Exe, exeSet = strings.TrimPrefix(a, "--exe="), true
		case a != "" && !strings.HasPrefix(a, "-") && len(words) < 2:
			words = append(words, a)
		default:
			return fastpath.Request{}, false
		}
	}
	if len(words) == 0 || !plainExe(req.Exe) {
		return fastpath.Request{}, false
	}
	tool, spec, at := strings.Cut(words[0], "@")
	if len(words) == 2 {
		if at {
			return fastpath.Request{}, false
		}
		spec, at = words[1], true
	}
	if !plainID(tool) || at && !plainSpec(spec) {
		return fastpath.Request{}, false
	}
	req.Tool, req.Spec = tool, spec
	if req.Args == nil {
		req.Args = []string{}
	}
	return req, true
}

// plainSpec accepts the specs fastrun passes on: not blank, no spaces or
// control characters (whatever else the fast path cannot resolve, it
// hands back).
func plainSpec(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// plainID accepts the tool ids fastrun handles: a letter or digit, then
// letters, digits, '-' and '_' (no '@', no path separator, no dot).
func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '-' || c == '_'):
		default:
			return false
		}
	}
	return true
}

// plainExe accepts "" (the primary executable) and plain ids, as
// executable names.
func plainExe(s string) bool { return s == "" || plainID(s) }

// quietEnv reports whether the environment leaves `tote run` nothing to
// say: TOTE_LOG at warn or below (debug lines are the full path's), and no
// TOTE_PROGRESS_INTERVAL (the full path warns about a bad one).
func quietEnv() bool {
	switch strings.ToLower(os.Getenv("TOTE_LOG")) {
	case "", "off", "error", "warn":
	default:
		return false
	}
	_, set := os.LookupEnv("TOTE_PROGRESS_INTERVAL")
	return !set
}

// quietConfig reports whether loading cfg makes the full path print
// nothing: no untrusted file, no warning, no proxy or certificate setting
// (whose errors it reports when it builds its HTTP client).
func quietConfig(cfg *config.Config) bool {
	if len(cfg.Untrusted()) > 0 || len(cfg.Warnings()) > 0 {
		return false
	}
	p := cfg.Settings().Proxy
	return len(p.Proxies) == 0 && len(p.SecureProxies) == 0 && p.RootCert == "" && !p.AllowInvalidCerts
}

// Home returns $TOTE_HOME (made absolute), or ~/.tote.
func Home() (string, error) {
	if h := os.Getenv("TOTE_HOME"); h != "" {
		return filepath.Abs(h)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".tote"), nil
}
