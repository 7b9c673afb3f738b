package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// A profile value quoted for sh keeps its $NAME and ${NAME} references and
// nothing else: sh itself reads it back as the plugin wrote it, with no
// command run.
func TestProfileQuoteSh(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for v, want := range map[string]string{
		"$HOME/go/bin":          "/h/go/bin",
		"${HOME}/x":             "/h/x",
		"$(touch pwned)":        "$(touch pwned)",
		"`touch pwned`":         "`touch pwned`",
		`a"; touch pwned; "`:    `a"; touch pwned; "`,
		`back\slash\`:           `back\slash\`,
		"${HOME:-$(id)}":        "${HOME:-$(id)}",
		"$$ and $1 and $":       "$$ and $1 and $",
		"'single' quotes $HOME": "'single' quotes /h",
	} {
		dir := t.TempDir()
		script := "HOME=/h; export X=" + profileQuote("bash", v) + `; printf %s "$X"`
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil || string(out) != want {
			t.Errorf("%q: sh read %q (%v), want %q (script %s)", v, out, err, want, script)
		}
		if entries, _ := exec.Command("ls", dir).Output(); strings.TrimSpace(string(entries)) != "" {
			t.Errorf("%q: a command ran: %s", v, entries)
		}
	}
}

// [shell] aliases in each shell's syntax, the command one quoted word.
func TestAliasScript(t *testing.T) {
	t.Parallel()
	set := map[string]string{"ll": "ls -l 'x'"}
	for sh, want := range map[string]string{
		"bash": "unalias old 2>/dev/null;\nalias ll='ls -l '\\''x'\\''';\n",
		"fish": "functions -e old;\nalias ll 'ls -l \\'x\\'';\n",
		"pwsh": "Remove-Item -ErrorAction SilentlyContinue Function:old\nSet-Item -Path Function:global:ll -Value ([scriptblock]::Create('ls -l ''x''' + ' @args'))\n",
	} {
		if got := aliasScript(sh, set, []string{"old"}); got != want {
			t.Errorf("%s:\n got %q\nwant %q", sh, got, want)
		}
	}
}

// The same values read back by fish, when it is installed.
func TestProfileQuoteFish(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	for v, want := range map[string]string{
		"$HOME/go/bin":   "/h/go/bin",
		"${HOME}x":       "/hx",
		"$(touch pwned)": "$(touch pwned)",
		`a"b\c`:          `a"b\c`,
	} {
		dir := t.TempDir()
		cmd := exec.Command("fish", "--no-config", "-c", "set -gx HOME /h; set -gx X "+profileQuote("fish", v)+"; printf %s $X")
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil || string(out) != want {
			t.Errorf("%q: fish read %q (%v), want %q", v, out, err, want)
		}
	}
}
