package extension

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tote-dev/tote/api"
)

// A listener's result is trusted only as far as its grants reach: guard
// compares the result a listener returned with the one it was given and
// undoes every change it was not granted. Denying is always allowed (it
// needs only event-bus); replacing a run's arguments needs run-args;
// adding environment variables or PATH entries needs run-env; changing a
// download URL needs download-rewrite. Even granted, a run may not be
// given a loader or code-injection variable, nor any argument, variable or
// PATH entry that points into an extension's data directory (where an
// extension can write the code it wants run).

// codeLoadingVars are environment variables that make a process load or run
// code named by their value. They are refused from extensions whatever the
// grants; set them in a trusted .prototools ([env]) if you need them.
var codeLoadingVars = map[string]bool{
	// the C library and the shell
	"GCONV_PATH": true, "GLIBC_TUNABLES": true, "BASH_ENV": true, "ENV": true,
	"SHELLOPTS": true, "BASHOPTS": true, "PS4": true, "PROMPT_COMMAND": true,
	// language runtimes
	"NODE_OPTIONS": true, "NODE_PATH": true,
	"PYTHONPATH": true, "PYTHONSTARTUP": true, "PYTHONHOME": true,
	"PERL5OPT": true, "PERL5LIB": true, "PERLLIB": true, "PERL5DB": true,
	"RUBYOPT": true, "RUBYLIB": true,
	"JAVA_TOOL_OPTIONS": true, "_JAVA_OPTIONS": true, "JDK_JAVA_OPTIONS": true, "CLASSPATH": true,
	"GOFLAGS": true, "GOTOOLCHAIN": true, "RUSTC_WRAPPER": true, "CARGO_BUILD_RUSTC_WRAPPER": true,
	// git runs these
	"GIT_SSH_COMMAND": true, "GIT_SSH": true, "GIT_EXEC_PATH": true, "GIT_ASKPASS": true, "GIT_EXTERNAL_DIFF": true,
}

// codeLoadingPrefixes are families of such variables: the dynamic loaders
// of Linux and macOS, bash's exported functions and git's config.
var codeLoadingPrefixes = []string{"LD_", "DYLD_", "BASH_FUNC_", "GIT_CONFIG_"}

// CodeLoadingVariable reports whether an extension may never set name in a
// run's environment (LD_PRELOAD, DYLD_INSERT_LIBRARIES, NODE_OPTIONS, …).
func CodeLoadingVariable(name string) bool {
	n := strings.ToUpper(name)
	if codeLoadingVars[n] {
		return true
	}
	for _, p := range codeLoadingPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// guard returns the result of e's listener for kind, keeping from next (the
// listener's answer) only what e may change in prev (what it was given).
// h.mu is held.
func (h *Host) guard(e *entry, kind api.EventKind, prev, next api.RawJSON) api.RawJSON {
	switch kind {
	case api.EventPreRun:
		return h.guardRun(e, prev, next)
	case api.EventPreDownload:
		var p, n api.DownloadResult
		if json.Unmarshal(prev, &p) != nil || json.Unmarshal(next, &n) != nil {
			return prev
		}
		if n.URL != "" && n.URL != p.URL && !e.grants.Has(api.CapDownloadRewrite) {
			h.warnOnce(e, "download-rewrite", "extension %q changed a download URL without the %s capability; the change is ignored (grant it with [extensions.%s] permissions = [%q])",
				e.id, api.CapDownloadRewrite, e.id, api.CapDownloadRewrite)
			n.URL = p.URL
			return mustJSON(n, prev)
		}
	}
	return next
}

func (h *Host) guardRun(e *entry, prev, next api.RawJSON) api.RawJSON {
	var p, n api.RunResult
	if json.Unmarshal(prev, &p) != nil || json.Unmarshal(next, &n) != nil {
		return prev
	}
	out := n
	changed := false
	// Arguments: nil means "unchanged".
	if n.Args == nil {
		out.Args = p.Args
	} else if !slices.Equal(n.Args, p.Args) {
		switch {
		case !e.grants.Has(api.CapRunArgs):
			h.warnOnce(e, "run-args", "extension %q changed the arguments of a run without the %s capability; the change is ignored (grant it with [extensions.%s] permissions = [%q])",
				e.id, api.CapRunArgs, e.id, api.CapRunArgs)
			out.Args, changed = p.Args, true
		default:
			for _, a := range n.Args {
				if slices.Contains(p.Args, a) {
					continue
				}
				if d := h.intoDataDir(a); d != "" {
					h.warnOnce(e, "run-args-datadir", "extension %q gave a run the argument %q, which points into the extension data directory %s; the new arguments are refused", e.id, a, d)
					out.Args, changed = p.Args, true
					break
				}
			}
		}
	}
	if !maps.Equal(n.Env, p.Env) || !slices.Equal(n.Paths, p.Paths) {
		if !e.grants.Has(api.CapRunEnv) {
			h.warnOnce(e, "run-env", "extension %q changed the environment or PATH of a run without the %s capability; the change is ignored (grant it with [extensions.%s] permissions = [%q])",
				e.id, api.CapRunEnv, e.id, api.CapRunEnv)
			out.Env, out.Paths, changed = p.Env, p.Paths, true
		} else {
			out.Env, out.Paths = h.filterEnv(e, p, n)
			changed = true
		}
	}
	if !changed {
		return next
	}
	return mustJSON(out, prev)
}

// filterEnv keeps the granted environment and PATH changes of n over p,
// refusing code-loading variables and anything that points into an
// extension data directory, each with a warning naming the extension.
func (h *Host) filterEnv(e *entry, p, n api.RunResult) (map[string]string, []string) {
	env := maps.Clone(p.Env)
	if env == nil && len(n.Env) > 0 {
		env = map[string]string{}
	}
	keys := make([]string, 0, len(n.Env))
	for k := range n.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := n.Env[k]
		if old, ok := p.Env[k]; ok && old == v {
			continue
		}
		switch {
		case CodeLoadingVariable(k):
			h.warnOnce(e, "env:"+k, "extension %q may not set %s for a run (it makes the tool load code); refused", e.id, k)
		case h.valueIntoDataDir(v) != "":
			h.warnOnce(e, "env:"+k, "extension %q may not set %s=%q for a run: it points into the extension data directory %s; refused", e.id, k, v, h.valueIntoDataDir(v))
		default:
			env[k] = v
		}
	}
	// A variable an earlier listener set and this one dropped stays dropped:
	// removing is never more powerful than not adding.
	for k := range env {
		if _, ok := n.Env[k]; !ok {
			delete(env, k)
		}
	}
	var paths []string
	for _, d := range n.Paths {
		if slices.Contains(p.Paths, d) {
			paths = append(paths, d)
			continue
		}
		if dd := h.intoDataDir(d); dd != "" {
			h.warnOnce(e, "path:"+d, "extension %q may not put %s on a run's PATH: it is inside the extension data directory %s; refused", e.id, d, dd)
			continue
		}
		paths = append(paths, d)
	}
	return env, paths
}

// valueIntoDataDir returns the extension data directory a variable's value
// points into, looking at every part of it (lists separated by the path
// list separator, "=", ",", ";" or spaces); "" when none.
func (h *Host) valueIntoDataDir(v string) string {
	if d := h.intoDataDir(v); d != "" {
		return d
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool {
		return r == os.PathListSeparator || r == '=' || r == ',' || r == ';' || r == ' ' || r == '\t'
	}) {
		if d := h.intoDataDir(part); d != "" {
			return d
		}
	}
	return ""
}

// intoDataDir returns the extensions directory ($TOTE_HOME/extensions,
// which holds every extension's data directory) when p, as a path
// (relative ones against the working directory, symlinks resolved where
// they exist), is inside it; "" otherwise.
func (h *Host) intoDataDir(p string) string {
	root := h.store().ExtensionsDir()
	roots := []string{filepath.Clean(root)}
	if c, err := filepath.EvalSymlinks(root); err == nil && c != roots[0] {
		roots = append(roots, c)
	}
	for _, r := range roots {
		if strings.Contains(p, r+string(filepath.Separator)) || p == r {
			return root
		}
	}
	if p == "" {
		return ""
	}
	abs := p
	if !filepath.IsAbs(abs) {
		wd, err := os.Getwd()
		if err != nil {
			return ""
		}
		abs = filepath.Join(wd, abs)
	}
	cands := []string{filepath.Clean(abs)}
	if c, ok := resolveExisting(abs); ok {
		cands = append(cands, c)
	}
	for _, c := range cands {
		for _, r := range roots {
			if c == r || strings.HasPrefix(c, r+string(filepath.Separator)) {
				return root
			}
		}
	}
	return ""
}

// resolveExisting resolves the symlinks of the longest existing prefix of
// the absolute path p and appends the rest: a link to a data directory
// leads there even when the file named after it does not exist yet.
func resolveExisting(p string) (string, bool) {
	rest := ""
	for dir := filepath.Clean(p); ; dir = filepath.Dir(dir) {
		if c, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(c, rest), true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// warnOnce prints a warning about e once per key per process. h.mu is held.
func (h *Host) warnOnce(e *entry, key, format string, args ...any) {
	if e.warned == nil {
		e.warned = map[string]bool{}
	}
	if e.warned[key] {
		return
	}
	e.warned[key] = true
	h.warnf(format, args...)
}

// mustJSON encodes v, or returns fallback when it cannot (it always can for
// the result types).
func mustJSON(v any, fallback api.RawJSON) api.RawJSON {
	b, err := json.Marshal(v)
	if err != nil {
		return fallback
	}
	return b
}
