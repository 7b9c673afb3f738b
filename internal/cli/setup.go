package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/store"
)

// Markers around the block tote setup writes into a profile.
const (
	setupBegin = "# >>> tote >>> (written by `tote setup`; tote setup rewrites this block)"
	setupEnd   = "# <<< tote <<<"
)

// profileFor is the profile tote setup edits for a shell.
func profileFor(sh, home string) string {
	switch sh {
	case "zsh":
		if z := os.Getenv("ZDOTDIR"); z != "" {
			return filepath.Join(z, ".zshrc")
		}
		return filepath.Join(home, ".zshrc")
	case "fish":
		return filepath.Join(home, ".config", "fish", "conf.d", "tote.fish")
	case "pwsh":
		return filepath.Join(home, ".config", "powershell", "Microsoft.PowerShell_profile.ps1")
	}
	return filepath.Join(home, ".bashrc")
}

// setupBlock is the profile code for shims on PATH, or for activation.
func setupBlock(sh, toteHome, tote string, activate bool) string {
	shims := filepath.Join(toteHome, "shims")
	var body string
	switch {
	case activate && sh == "fish":
		body = quoteFor(sh, tote) + " activate fish | source"
	case activate && sh == "pwsh":
		body = "& " + quoteFor(sh, tote) + " activate pwsh | Out-String | Invoke-Expression"
	case activate:
		body = `eval "$(` + quoteFor(sh, tote) + ` activate ` + sh + `)"`
	case sh == "fish":
		body = "fish_add_path --global --move --path " + quoteFor(sh, shims)
	case sh == "pwsh":
		body = "$env:PATH = " + quoteFor(sh, shims) + " + [IO.Path]::PathSeparator + $env:PATH"
	default:
		body = "export PATH=" + quoteFor(sh, shims) + `":$PATH"`
	}
	return setupBegin + "\n" + body + "\n" + setupEnd + "\n"
}

// withBlock returns content with tote's block replaced (or appended).
func withBlock(content []byte, block string) []byte {
	s := string(content)
	if i := strings.Index(s, setupBegin); i >= 0 {
		if j := strings.Index(s[i:], setupEnd); j >= 0 {
			end := i + j + len(setupEnd)
			if end < len(s) && s[end] == '\n' {
				end++
			}
			return []byte(s[:i] + block + s[end:])
		}
	}
	if len(s) > 0 && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	if len(s) > 0 {
		s += "\n"
	}
	return []byte(s + block)
}

func newCmdSetup(f *Factory) *cobra.Command {
	var shell, profile string
	var activate, dryRun bool
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Add tote's shims (or activation) to your shell profile",
		Long: `Add tote to your shell's profile so new shells find the tools: by default
$TOTE_HOME/shims in front of PATH; with --activate, the activation hook
(see tote activate) instead. The shell is $SHELL's unless --shell is
given; the profile is ~/.bashrc, ~/.zshrc (or $ZDOTDIR/.zshrc),
~/.config/fish/conf.d/tote.fish or PowerShell's profile, unless
--profile names another file.

tote writes one block between "# >>> tote >>>" and "# <<< tote <<<"
lines: running setup again changes nothing, or replaces that block (to
switch between shims and activation); the rest of the file is kept byte
for byte. It prints what it changed; --dry-run only prints it.`,
		Example: `  tote setup
  tote setup --activate
  tote setup --shell zsh --profile ~/.zshenv --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sh := detectShell()
			if shell != "" {
				var err error
				if sh, err = checkShell(shell); err != nil {
					return err
				}
			}
			home, err := os.UserHomeDir()
			if err != nil {
				return fmt.Errorf("cannot find your home directory: %w", err)
			}
			if profile == "" {
				profile = profileFor(sh, home)
			}
			if real, err := filepath.EvalSymlinks(profile); err == nil {
				profile = real // a profile linked from a dotfiles checkout stays a link
			}
			block := setupBlock(sh, f.Home, selfPath(), activate)
			old, err := os.ReadFile(profile)
			if err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("read %s: %w", profile, err)
			}
			updated := withBlock(old, block)
			if bytes.Equal(old, updated) {
				fmt.Fprintf(f.IO.ErrOut, "%s already sets tote up; nothing changed\n", profile)
				return nil
			}
			verb := "added to"
			if bytes.Contains(old, []byte(setupBegin)) {
				verb = "replaced tote's block in"
			}
			if dryRun {
				fmt.Fprintf(f.IO.ErrOut, "would have %s %s:\n", verb, profile)
				fmt.Fprint(f.IO.Out, block)
				return nil
			}
			mode := fs.FileMode(0o644)
			if fi, err := os.Stat(profile); err == nil {
				mode = fi.Mode().Perm()
			}
			if err := os.MkdirAll(filepath.Dir(profile), 0o755); err != nil {
				return fmt.Errorf("create %s: %w", filepath.Dir(profile), err)
			}
			if err := store.WriteFileAtomic(profile, updated, mode); err != nil {
				return fmt.Errorf("write %s: %w (it is unchanged)", profile, err)
			}
			fmt.Fprintf(f.IO.ErrOut, "%s %s:\n", verb, profile)
			fmt.Fprint(f.IO.Out, block)
			fmt.Fprintln(f.IO.ErrOut, "open a new shell (or source the profile) for it to take effect")
			return nil
		},
	}
	cmd.Flags().StringVar(&shell, "shell", "", "bash, zsh, fish or pwsh (default: from $SHELL)")
	cmd.Flags().StringVar(&profile, "profile", "", "the file to edit (default: the shell's usual profile)")
	cmd.Flags().BoolVar(&activate, "activate", false, "add the activation hook instead of the shims")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would change, change nothing")
	return cmd
}
