package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch/fastpath"
	"github.com/tote-dev/tote/internal/shellquote"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
)

// EnvJSON is the --json output of `tote env`.
type EnvJSON struct {
	// Path are the directories put in front of PATH, in tool order.
	Path []string `json:"path"`
	// PATH is the whole resulting PATH.
	PATH string `json:"PATH"`
	// Env are the variables from [env] and [tools.<id>.env].
	Env map[string]string `json:"env"`
	// Tools are the tools detected here and the versions used.
	Tools []EnvToolJSON `json:"tools"`
}

// EnvToolJSON is one tool in EnvJSON.
type EnvToolJSON struct {
	Tool      string `json:"tool"`
	Spec      string `json:"spec"`
	Source    string `json:"source"`
	Version   string `json:"version,omitempty"`
	Installed bool   `json:"installed"`
}

// basePath is PATH without the directories activation added before.
func basePath(m *toolchain.Manager) []string {
	var out []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if d != "" && !m.IsToolPath(d) {
			out = append(out, d)
		}
	}
	return out
}

// envFor computes the environment for the working directory: the new PATH,
// the variables, and those activation set before that must go.
func envFor(ctx context.Context, m *toolchain.Manager) (*toolchain.Environment, []string, []string) {
	env := m.Environment(ctx)
	path := append(append([]string{}, env.Dirs...), basePath(m)...)
	var unset []string
	for _, k := range strings.Split(os.Getenv(envKeysVar), ":") {
		if _, keep := env.Vars[k]; k != "" && !keep && validEnvName(k) {
			unset = append(unset, k)
		}
	}
	return env, path, unset
}

// validEnvName keeps names that are safe to print unquoted into a shell.
func validEnvName(k string) bool {
	if k == "" {
		return false
	}
	for i, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// safeVars drops variables whose names a shell cannot take (with a
// warning): they come from project files.
func safeVars(f *Factory, vars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		if !validEnvName(k) {
			f.Logger.Warn("skipping an [env] variable whose name is not a shell variable name", "name", k)
			continue
		}
		out[k] = v
	}
	return out
}

func newCmdEnv(f *Factory) *cobra.Command {
	var asJSON bool
	var shell string
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print the environment of the tools pinned here, for CI and scripts",
		Long: `Print the environment that runs the tools pinned for this directory
directly, without shims: PATH with the installed versions' bin
directories in front, and the variables of [env] and [tools.<id>.env].
Only installed versions are used (nothing is downloaded); tools that are
not installed are named on standard error.

The output is shell code for --shell (bash, zsh, fish or pwsh; default
bash syntax, which sh and zsh read too) or JSON with --json.`,
		Example: `  eval "$(tote env)"                       # in a CI step or script
  tote env --shell fish | source
  tote env --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sh := "bash"
			if shell != "" {
				var err error
				if sh, err = checkShell(shell); err != nil {
					return err
				}
			}
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			env, path, unset := envFor(cmd.Context(), m)
			warnMissing(f, env)
			vars := safeVars(f, env.Vars)
			if asJSON {
				out := EnvJSON{Path: nonNilStrings(env.Dirs), PATH: strings.Join(path, string(os.PathListSeparator)), Env: vars, Tools: []EnvToolJSON{}}
				for _, r := range env.Tools {
					out.Tools = append(out.Tools, EnvToolJSON{Tool: r.Tool, Spec: r.Spec, Source: r.Where(), Version: r.Version, Installed: r.Installed})
				}
				return printJSON(f.IO.Out, out)
			}
			_, err = fmt.Fprint(f.IO.Out, envScript(sh, path, vars, unset))
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/cli.md)")
	cmd.Flags().StringVar(&shell, "shell", "", "print code for this shell: bash, zsh, fish or pwsh")
	return cmd
}

// warnMissing names the detected tools activation cannot put on PATH.
func warnMissing(f *Factory, env *toolchain.Environment) {
	for _, r := range env.Missing() {
		switch {
		case r.Err != nil:
			fmt.Fprintf(f.IO.ErrOut, "tote: %s\n", toolMessage(r.Tool, r.Err))
		case r.Spec != "":
			fmt.Fprintf(f.IO.ErrOut, "tote: %s %s (%s) is not installed; run `%s`\n", r.Tool, r.Spec, r.Where(), shellquote.Join("tote", "install", r.Tool, r.Spec))
		}
	}
}

// selfPath is the absolute path of the running tote, for scripts that
// must find it whatever PATH becomes.
func selfPath() string {
	if p, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		return p
	}
	return "tote"
}

func newCmdActivate(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "activate [SHELL]",
		Short: "Print a shell hook that puts the pinned tools on PATH",
		Long: `Print the code that activates tote in a shell (bash, zsh, fish or pwsh;
default: the one in $SHELL). Evaluated in the shell's profile, it adds a
prompt hook: whenever the directory changes (or a .prototools, version
file or install changed), the installed versions pinned here have their
bin directories put in front of PATH, so a tool runs with no tote process
in between — faster than a shim. Activated directories come before the
shims, so activation wins while it is active; in a directory where
nothing is pinned, the shims (if on PATH) still answer. proto's [shell]
aliases (name = "command") are set as shell aliases while the files that
declare them apply, and removed when you leave; like everything that
decides what runs, they are ignored in a project file you did not trust.

The hook itself costs a few builtin tests at each prompt; tote runs only
when something changed. tote deactivate removes it. Plugins' pre_run hooks
and extensions' pre-run events do not run for activated tools (they do
through tote run and the shims).`,
		Example: `  echo 'eval "$(tote activate bash)"' >> ~/.bashrc
  echo 'eval "$(tote activate zsh)"' >> ~/.zshrc
  echo 'tote activate fish | source' >> ~/.config/fish/config.fish
  tote setup --activate            # does the above for your shell`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sh := detectShell()
			if len(args) == 1 {
				var err error
				if sh, err = checkShell(args[0]); err != nil {
					return err
				}
			}
			_, err := fmt.Fprint(f.IO.Out, activationScript(sh, selfPath()))
			return err
		},
	}
}

func newCmdDeactivate(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "deactivate [SHELL]",
		Short: "Print the code that undoes tote activate",
		Long: `Print the code that removes tote's prompt hook, takes the activated bin
directories off PATH, unsets the variables and removes the [shell] aliases
activation set. In an
activated shell, typing tote deactivate runs it (the tote shell function
evaluates it); elsewhere, evaluate it: eval "$(tote deactivate bash)".`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sh := detectShell()
			if len(args) == 1 {
				var err error
				if sh, err = checkShell(args[0]); err != nil {
					return err
				}
			}
			st := toolchain.New(toolchain.Options{Config: &config.Config{}, Store: storeAt(f.Home)})
			var unset []string
			for _, k := range strings.Split(os.Getenv(envKeysVar), ":") {
				if validEnvName(k) {
					unset = append(unset, k)
				}
			}
			_, gone := activeAliases(f, nil)
			if os.Getenv(aliasKeysVar) != "" {
				unset = append(unset, aliasKeysVar)
			}
			_, err := fmt.Fprint(f.IO.Out, aliasScript(sh, nil, gone)+deactivationScript(sh, basePath(st), unset))
			return err
		},
	}
}

func newCmdHookEnv(f *Factory) *cobra.Command {
	var pid int
	cmd := &cobra.Command{
		Use:    "hook-env SHELL",
		Short:  "Print the environment for the activation hook (internal)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sh, err := checkShell(args[0])
			if err != nil {
				return err
			}
			// The stamp is touched before anything is read: a change made
			// while tote computes is newer than it, so it is seen.
			stamp := touchStamp(f, pid)
			state := map[string]string{"__tote_stamp": stamp}
			if cwd, err := os.Getwd(); err == nil {
				state["__tote_pwd"] = cwd
			}
			m, err := f.Manager(cmd.Context())
			if err != nil {
				// Say it once, and wait for a change before trying again.
				fmt.Fprintf(f.IO.ErrOut, "tote: error: %s\n", strings.TrimSpace(err.Error()))
				watch := []string{config.GlobalFile(f.Home)}
				if cwd, err := os.Getwd(); err == nil {
					home, _ := os.UserHomeDir()
					for _, d := range fastpath.WalkDirs(cwd, home) {
						watch = append(watch, d, filepath.Join(d, config.FileName))
					}
				}
				fmt.Fprint(f.IO.Out, shellVars(sh, state, map[string][]string{"__tote_watch": watch}))
				return nil
			}
			env, path, unset := envFor(cmd.Context(), m)
			warnMissing(f, env)
			vars := safeVars(f, env.Vars)
			keys := make([]string, 0, len(vars))
			for k := range vars {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if len(keys) > 0 {
				vars[envKeysVar] = strings.Join(keys, ":")
			} else if os.Getenv(envKeysVar) != "" {
				unset = append(unset, envKeysVar)
			}
			// proto's [shell] aliases, set while the configuration that
			// declares them applies.
			aliases, gone := activeAliases(f, m.Config.ShellAliases())
			if len(aliases) > 0 {
				vars[aliasKeysVar] = strings.Join(slices.Sorted(maps.Keys(aliases)), ",")
			} else if os.Getenv(aliasKeysVar) != "" {
				unset = append(unset, aliasKeysVar)
			}
			fmt.Fprint(f.IO.Out, envScript(sh, path, vars, unset))
			fmt.Fprint(f.IO.Out, aliasScript(sh, aliases, gone))
			fmt.Fprint(f.IO.Out, shellVars(sh, state, map[string][]string{"__tote_watch": env.Watch}))
			return nil
		},
	}
	cmd.Flags().IntVar(&pid, "pid", 0, "the shell's process id (names its stamp file)")
	return cmd
}

// touchStamp creates or touches $TOTE_HOME/cache/activate/<pid> and
// removes stamps of shells gone for a month. It returns the stamp's path
// ("" when it cannot be written: the hook then runs at every prompt).
func touchStamp(f *Factory, pid int) string {
	dir := storeAt(f.Home).CacheDir("activate")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Logger.Warn("cannot write the activation stamp; the hook will run at every prompt", "err", err)
		return ""
	}
	if pid <= 0 {
		pid = os.Getppid()
	}
	p := filepath.Join(dir, strconv.Itoa(pid))
	now := time.Now()
	if err := os.Chtimes(p, now, now); err != nil {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			f.Logger.Warn("cannot write the activation stamp; the hook will run at every prompt", "err", err)
			return ""
		}
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 64 {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > 30*24*time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	return p
}

func storeAt(home string) *store.Store { return &store.Store{Home: home} }
