package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
)

// profileQuote double-quotes v for shell sh so that its $NAME and ${NAME}
// references expand and nothing else does: no command substitution, no
// other expansion, no quote or escape that ends the word.
func profileQuote(sh, v string) string {
	var b strings.Builder
	b.WriteByte('"')
	escape := func(s string) {
		for _, r := range s {
			switch {
			case sh == "pwsh" && strings.ContainsRune("`\"$", r):
				b.WriteByte('`')
			case sh != "pwsh" && strings.ContainsRune("\\\"$`", r):
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	last := 0
	for _, loc := range toolchain.ShellRefs(v) {
		escape(v[last:loc[0]])
		name := strings.Trim(v[loc[0]+1:loc[1]], "{}")
		switch sh {
		case "fish":
			// fish has no ${NAME} in double quotes: $NAME, then close and
			// reopen the quotes when a name character follows.
			b.WriteString("$" + name)
			if rest := v[loc[1]:]; rest != "" && (rest[0] == '_' || rest[0] >= 'A' && rest[0] <= 'Z' || rest[0] >= 'a' && rest[0] <= 'z' || rest[0] >= '0' && rest[0] <= '9') {
				b.WriteString(`""`)
			}
		case "pwsh":
			b.WriteString("${env:" + name + "}")
		default:
			b.WriteString("${" + name + "}")
		}
		last = loc[1]
	}
	escape(v[last:])
	b.WriteByte('"')
	return b.String()
}

// profileExports renders what a plugin's sync_shell_profile asks for as
// statements of shell sh, the way proto formats them, under a comment
// naming the tool.
func profileExports(sh string, p *toolchain.ShellProfile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n# %s (asked by its plugin's sync_shell_profile; written by tote)\n", p.Tool)
	for _, kv := range p.Vars {
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "set -gx %s %s\n", kv[0], profileQuote(sh, kv[1]))
		case "pwsh":
			fmt.Fprintf(&b, "$env:%s = %s\n", kv[0], profileQuote(sh, kv[1]))
		default:
			fmt.Fprintf(&b, "export %s=%s\n", kv[0], profileQuote(sh, kv[1]))
		}
	}
	if len(p.Paths) > 0 {
		q := make([]string, len(p.Paths))
		for i, d := range p.Paths {
			q[i] = profileQuote(sh, d)
		}
		switch sh {
		case "fish":
			fmt.Fprintf(&b, "set -gx PATH %s $PATH\n", strings.Join(q, " "))
		case "pwsh":
			fmt.Fprintf(&b, "$env:PATH = %s + [IO.Path]::PathSeparator + $env:PATH\n", strings.Join(q, " + [IO.Path]::PathSeparator + "))
		default:
			fmt.Fprintf(&b, "export PATH=%s\n", profileQuote(sh, strings.Join(p.Paths, ":")+":$PATH"))
		}
	}
	return b.String()
}

// applyShellProfile does with a plugin's sync_shell_profile what proto does
// (append the exports to the profile unless it already mentions check_var),
// within tote's trust rules: a plugin's output reaches a shell profile only
// when [tools.<id>] grants "shell-profile" in trusted configuration, and
// only the profile `tote setup` set up (proto writes only the profile its
// setup chose). Otherwise tote prints the lines and how to allow it.
func applyShellProfile(f *Factory, m *toolchain.Manager, p *toolchain.ShellProfile, quiet bool) error {
	sh := detectShell()
	profile := profileFor(sh, m.UserHome)
	if real, err := filepath.EvalSymlinks(profile); err == nil {
		profile = real
	}
	old, err := os.ReadFile(profile)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", profile, err)
	}
	if bytes.Contains(old, []byte(p.CheckVar)) {
		return nil // already set up, as proto checks
	}
	lines := profileExports(sh, p)
	setUp := bytes.Contains(old, []byte(setupBegin))
	if !p.Granted || !setUp {
		if quiet {
			return nil
		}
		why := fmt.Sprintf(`tote writes it there itself when the plugin is granted permissions = ["%s"] and the profile was set up by tote setup`, toolchain.ShellGrant)
		fmt.Fprintf(f.IO.ErrOut, "tote: note: %s's plugin asks to add this to your shell profile (%s):%s%s\n", p.Tool, profile, lines, why)
		if !p.Granted {
			fmt.Fprintf(f.IO.ErrOut, "tote: hint: %s\n", p.Hint)
		}
		return nil
	}
	updated := append(append([]byte(nil), old...), lines...)
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(profile); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := store.WriteFileAtomic(profile, updated, mode); err != nil {
		return fmt.Errorf("write %s: %w (it is unchanged)", profile, err)
	}
	if !quiet {
		fmt.Fprintf(f.IO.ErrOut, "added %s's shell setup to %s:%s", p.Tool, profile, lines)
	}
	return nil
}
