package toolchain

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/tote-dev/tote/api"
)

// ShellGrant is the [tools.<id>] permission that lets tote write what a
// plugin's sync_shell_profile asks into the user's shell profile.
const ShellGrant = "shell-profile"

// ShellProfile is what a plugin's sync_shell_profile asks to add to the
// user's shell profile after an install, checked: variable names are plain
// identifiers that do not steer shells, the loader or tote itself; values
// hold no control characters and refer to other variables only as $NAME or
// ${NAME}; PATH entries are absolute (virtual paths made real) or start
// with such a reference. The caller decides where (and whether) to write.
type ShellProfile struct {
	// Tool is the tool's id.
	Tool string
	// CheckVar is the variable whose presence in the profile means it is
	// already set up.
	CheckVar string
	// Vars are the variables to export, sorted by name.
	Vars [][2]string
	// Paths are directories to put in front of PATH, in order.
	Paths []string
	// Granted is true when [tools.<id>] grants ShellGrant (from trusted
	// configuration): only then may tote write the profile.
	Granted bool
	// Hint says where to grant ShellGrant.
	Hint string
}

var (
	shellIdent = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	// shellRef is a variable reference a value may hold.
	shellRef = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)
	})
)

// ShellRefs returns where each $NAME and ${NAME} reference of a profile
// value is, as [start, end) pairs in order.
func ShellRefs(v string) [][]int { return shellRef().FindAllStringIndex(v, -1) }

// forbiddenShellVar reports whether a plugin may not export name from the
// user's profile: variables that change how shells, the dynamic loader,
// tote or proto behave.
func forbiddenShellVar(name string) bool {
	u := strings.ToUpper(name)
	switch u {
	case "PATH", "HOME", "SHELL", "ENV", "BASH_ENV", "PROMPT_COMMAND", "IFS", "SHELLOPTS", "BASHOPTS",
		"ZDOTDIR", "CDPATH", "HISTFILE", "PS0", "PS1", "PS2", "PS3", "PS4", "PWD", "OLDPWD", "TMPDIR", "USER", "LOGNAME":
		return true
	}
	for _, p := range []string{"LD_", "DYLD_", "TOTE_", "PROTO_", "BASH_FUNC_", "FISH_", "ZSH_"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// syncShellProfile calls sync_shell_profile, as proto does after an
// install, and checks what it asks for; nil when the plugin has nothing to
// add.
func (m *Manager) syncShellProfile(ctx context.Context, t *Tool, ver string, passthrough []string) (*ShellProfile, error) {
	id := t.ID
	if !t.Plugin.HasFunction(api.FuncSyncShellProfile) {
		return nil, nil
	}
	var out api.SyncShellProfileOutput
	in := api.SyncShellProfileInput{Context: m.context(id, ver), PassthroughArgs: nonNil(passthrough)}
	if err := t.Plugin.Call(ctx, api.FuncSyncShellProfile, in, &out); err != nil {
		return nil, err
	}
	if out.SkipSync || len(out.ExportVars) == 0 && len(out.ExtendPath) == 0 {
		return nil, nil
	}
	bad := func(what, v string, err error) error {
		return badValue(id, api.FuncSyncShellProfile, what, v, err)
	}
	if !shellIdent().MatchString(out.CheckVar) {
		return nil, bad("check_var", out.CheckVar, errors.New("is not a variable name"))
	}
	p := &ShellProfile{Tool: id, CheckVar: out.CheckVar, Granted: granted(t.Table, ShellGrant), Hint: m.grantHint(id, ShellGrant)}
	value := func(what, v string) (string, error) {
		if err := checkControl(v); err != nil {
			return "", bad(what, v, err)
		}
		if len(v) > 4096 {
			return "", bad(what, v, errors.New("is longer than 4096 bytes"))
		}
		// A virtual path (such as the tool's directory) is made real.
		if isVirtualAbs(v) {
			if r, err := m.real(id, v); err == nil {
				v = r
			}
		}
		return v, nil
	}
	names := make([]string, 0, len(out.ExportVars))
	for k := range out.ExportVars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !shellIdent().MatchString(k) {
			return nil, bad("export_vars name", k, errors.New("is not a variable name"))
		}
		if forbiddenShellVar(k) {
			return nil, bad("export_vars name", k, errors.New("is a variable a plugin may not set in your shell profile"))
		}
		v, err := value("export_vars "+k, out.ExportVars[k])
		if err != nil {
			return nil, err
		}
		p.Vars = append(p.Vars, [2]string{k, v})
	}
	for _, d := range out.ExtendPath {
		v, err := value("extend_path entry", d)
		if err != nil {
			return nil, err
		}
		if strings.ContainsRune(v, ':') || strings.ContainsRune(v, ';') {
			return nil, bad("extend_path entry", d, errors.New("holds a path list separator"))
		}
		if loc := shellRef().FindStringIndex(v); !strings.HasPrefix(v, "/") && (loc == nil || loc[0] != 0) {
			return nil, bad("extend_path entry", d, errors.New("is neither an absolute path nor one starting with a $VARIABLE"))
		}
		p.Paths = append(p.Paths, v)
	}
	return p, nil
}

// grantHint says where to add a permission for a tool's plugin: the line
// of its [tools.<id>] table when a file has one, else the table to add.
func (m *Manager) grantHint(id, perm string) string {
	return strings.ReplaceAll(m.execGrantHint(id), `["exec"]`, fmt.Sprintf("[%q]", perm))
}
