package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/launch"
	"github.com/tote-dev/tote/internal/shellquote"
	"github.com/tote-dev/tote/internal/toolchain"
)

// InstallOptions are what `tote install` was asked to do; the command only
// parses them, and runInstall does the work through the toolchain's
// install service.
type InstallOptions struct {
	// Jobs are the tools and specs named (empty: everything pinned here).
	Jobs []toolchain.Job
	// Pin is "", "local" or "global" (--pin).
	Pin string
	// Force, Quiet and UpdateLock are the flags of the same names.
	Force, Quiet, UpdateLock bool
	// Jobs in parallel (--jobs; 0: the default).
	Workers int
	// Passthrough are the arguments after --.
	Passthrough []string
	// Build and NoBuild are --build (build from source with the plugin's
	// build_instructions) and --no-build (download a prebuilt).
	Build, NoBuild bool
}

// NewCmdInstall builds `tote install`. runF, when not nil, receives the
// parsed options instead of runInstall (tests check flag parsing with it).
func NewCmdInstall(f *Factory, runF func(context.Context, *InstallOptions) error) *cobra.Command {
	var o InstallOptions
	cmd := &cobra.Command{
		Use:     "install [TOOL[@SPEC]... | TOOL SPEC] [-- ARGS...]",
		Aliases: []string{"i"},
		Short:   "Download and install tools",
		Long: `Install tool versions, or every tool pinned for this directory.

With no arguments, installs every tool pinned here — the tools tote status
lists: .prototools pins, version files such as .nvmrc, .tool-versions
entries and TOTE_<TOOL>_VERSION — in parallel (--jobs at a time). With
TOOL, installs the version detected for it here (else the latest). A spec
picks the version: TOOL@SPEC (several tools at once, in parallel:
node@20 go@1.22) or, for one tool, TOOL SPEC. A spec is a full version
like 20.11.1, a partial like 20, a range like '^1.22' or '>=1.20 <1.23'
(quote it: < and > are shell redirections), or an alias like latest or
lts. An installed version that satisfies the spec is reused.

Arguments after -- are not tote's: they are passed, as they are, to the
plugin's install hooks (pre_install and post_install receive them as
passthrough_args), for plugins that take install options.

When a .prototools.lock sits next to the nearest .prototools, it is law: a
spec it records installs the locked version, the download must have the
locked checksum (and the plugin the locked digest), and an installed copy
with another checksum is refused — a difference is an error. A plain
install adds entries for the project's own pins that the file does not
record yet and changes no existing entry; --update-lock resolves afresh
and rewrites the entries (creating the file). See docs/lockfile.md.

--build builds from source, as proto does, with the plugin's
build_instructions: tote checks the requirements the plugin names (commands
on PATH, their versions), downloads the source archive (or clones its Git
repository) through the url-rewrites into the version's directory, and runs
the build steps there. Steps that run programs need permissions = ["exec"]
under [tools.TOOL]; without it tote refuses before downloading anything and
names the line to add. tote never installs system packages: it names those
the plugin lists. --no-build downloads a prebuilt even for a plugin that
builds by default.`,
		Example: `  tote install                   # everything pinned here
  tote install node 20           # the newest node 20.x
  tote install node@20 go@1.22   # several tools, in parallel
  tote install go 1.22 --pin     # and pin it in ./.prototools`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Pin != "" && o.Pin != "local" && o.Pin != "global" {
				return &HintError{Err: fmt.Errorf("--pin takes local or global, not %q", o.Pin), Msg: "write --pin, --pin=local, --pin=global or --pin global"}
			}
			if o.Build && o.NoBuild {
				return fmt.Errorf("--build and --no-build cannot be used together")
			}
			if o.Workers < 0 {
				return fmt.Errorf("--jobs must be 1 or more")
			}
			if at := cmd.ArgsLenAtDash(); at >= 0 {
				o.Passthrough = args[at:]
				args = args[:at]
			}
			jobs, err := parseJobs(args)
			if err != nil {
				return err
			}
			o.Jobs = jobs
			if len(o.Jobs) == 0 && o.Pin != "" {
				return &HintError{Err: fmt.Errorf("--pin needs a TOOL"), Msg: "for example `tote install node 20 --pin`"}
			}
			if runF != nil {
				return runF(cmd.Context(), &o)
			}
			return runInstall(cmd.Context(), f, &o)
		},
	}
	cmd.Flags().StringVar(&o.Pin, "pin", "", "also pin the version: local (./.prototools) or global ($TOTE_HOME/.prototools); --pin global also works")
	cmd.Flags().Lookup("pin").NoOptDefVal = "local"
	cmd.Flags().BoolVar(&o.Force, "force", false, "reinstall even if the version is installed")
	cmd.Flags().BoolVar(&o.Quiet, "quiet", false, "print nothing but errors")
	cmd.Flags().BoolVar(&o.UpdateLock, "update-lock", false, "resolve afresh and record the results in .prototools.lock (creating it)")
	cmd.Flags().BoolVar(&o.Build, "build", false, "build from source with the plugin's build instructions instead of downloading a prebuilt (commands need permissions = [\"exec\"])")
	cmd.Flags().BoolVar(&o.NoBuild, "no-build", false, "download a prebuilt even when the plugin builds from source by default")
	cmd.Flags().IntVarP(&o.Workers, "jobs", "j", 0, fmt.Sprintf("install this many tools at once (default %d)", toolchain.DefaultWorkers))
	return cmd
}

func newCmdInstall(f *Factory) *cobra.Command { return NewCmdInstall(f, nil) }

// parseJobs reads install's arguments: TOOL[@SPEC]..., or the older
// TOOL SPEC for one tool. Two words without @ are TOOL SPEC unless the
// second reads as a tool name rather than a spec (then they are two
// tools); `tote install node node` is node's "node" alias.
func parseJobs(args []string) ([]toolchain.Job, error) {
	if len(args) == 2 && !strings.Contains(args[0], "@") && !strings.Contains(args[1], "@") && (looksLikeSpec(args[1]) || args[0] == args[1] || !looksLikeTool(args[1])) {
		return []toolchain.Job{{Tool: args[0], Spec: args[1]}}, nil
	}
	var out []toolchain.Job
	seen := map[string]bool{}
	for _, a := range args {
		id, spec, at := strings.Cut(a, "@")
		if id == "" || at && strings.TrimSpace(spec) == "" {
			return nil, &HintError{Err: fmt.Errorf("%q is not TOOL or TOOL@SPEC", a), Msg: "for example `tote install node@20 go@1.22`"}
		}
		if !at && len(args) > 1 && looksLikeSpec(id) {
			return nil, &HintError{
				Err: fmt.Errorf("%q is not a tool, and a spec goes with its tool when installing several", a),
				Msg: "write TOOL@SPEC for each tool, for example `tote install node@20 go@1.22`",
			}
		}
		if seen[a] {
			return nil, fmt.Errorf("%s is named twice", a)
		}
		seen[a] = true
		out = append(out, toolchain.Job{Tool: id, Spec: spec})
	}
	return out, nil
}

// looksLikeSpec reports whether a word reads as a version spec: it starts
// with a digit, a v and a digit, or a range operator.
func looksLikeSpec(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	if c >= '0' && c <= '9' || strings.ContainsRune("<>=^~*", rune(c)) {
		return true
	}
	return (c == 'v' || c == 'V') && len(s) > 1 && s[1] >= '0' && s[1] <= '9'
}

// looksLikeTool reports whether s is a built-in tool's id, for telling
// `install node go` (two tools) from `install node lts` (a tool and an
// alias) before any configuration is read.
func looksLikeTool(s string) bool {
	_, ok := toolchain.RegisteredBuiltins()[s]
	return ok
}

// runInstall runs the install service and reports each tool.
func runInstall(ctx context.Context, f *Factory, o *InstallOptions) error {
	m, err := f.Manager(ctx)
	if err != nil {
		return err
	}
	req := toolchain.InstallRequest{
		Jobs:       o.Jobs,
		Options:    toolchain.InstallOptions{Force: o.Force, Quiet: o.Quiet, Pinned: o.Pin != "", PassthroughArgs: o.Passthrough, Strategy: strategy(o)},
		UpdateLock: o.UpdateLock,
		PinLocal:   o.Pin == "local",
		Workers:    o.Workers,
	}
	outcomes, err := m.InstallTools(ctx, req)
	f.waitBars() // the bars are done: print below them
	if len(o.Jobs) == 0 && len(outcomes) == 0 && err == nil {
		fmt.Fprintln(f.IO.ErrOut, "nothing to install: nothing pins a tool here (no .prototools pin, version file, .tool-versions entry or TOTE_<TOOL>_VERSION)")
		return nil
	}
	if len(o.Jobs) == 1 && len(outcomes) == 1 && outcomes[0].Err != nil {
		return outcomes[0].Err // one tool: its error is the command's
	}
	failed := 0
	for _, out := range outcomes {
		if out.Err != nil {
			failed++
			printToolError(f, out.Tool, out.Err)
			continue
		}
		report(f, o.Quiet, out.Result)
		if sp := out.Result.ShellProfile; sp != nil {
			if err := applyShellProfile(f, m, sp, o.Quiet); err != nil {
				return err
			}
		}
		if o.Pin != "" {
			if err := pinInstalled(f, m, o, o.Pin, out); err != nil {
				return err
			}
		} else if loc := m.Config.Settings().PinLatest; loc != "" && out.Job.Spec == "latest" {
			// proto's settings.pin-latest: an install of latest pins the
			// version it resolved to.
			if err := pinInstalled(f, m, o, string(loc), out); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return &ExitError{Code: 1, Err: nil}
	}
	return nil
}

// strategy is the install strategy --build or --no-build asks for.
func strategy(o *InstallOptions) string {
	switch {
	case o.Build:
		return toolchain.StrategyBuild
	case o.NoBuild:
		return toolchain.StrategyPrebuilt
	}
	return ""
}

// pinInstalled writes the pin of an installed tool (--pin): the spec as
// given, or the version for a detected spec or a moving alias.
// where is local (./.prototools), global ($TOTE_HOME/.prototools) or user
// (~/.prototools, for settings.pin-latest = "user").
func pinInstalled(f *Factory, m *toolchain.Manager, o *InstallOptions, where string, out toolchain.Outcome) error {
	pinSpec := out.Spec
	if out.Job.Spec == "" || isAliasLike(out.Spec) {
		pinSpec = out.Result.Version
	}
	path := filepath.Join(m.Cwd, ".prototools")
	switch where {
	case "global":
		path = config.GlobalFile(f.Home)
	case "user":
		if m.UserHome != "" {
			path = filepath.Join(m.UserHome, ".prototools")
		}
	}
	if err := config.SetPin(path, out.Tool, pinSpec); err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(f.IO.ErrOut, "pinned %s = %q in %s\n", out.Tool, pinSpec, path)
	}
	return nil
}

func isAliasLike(spec string) bool {
	return spec == "latest" || spec == "stable" || spec == "canary"
}

func report(f *Factory, quiet bool, res *toolchain.InstallResult) {
	if quiet {
		return
	}
	if res.Already {
		fmt.Fprintf(f.IO.ErrOut, "%s %s is already installed\n", res.Tool, res.Version)
		return
	}
	from := ""
	if res.From != "" {
		from = " (from " + res.From + ")"
	}
	fmt.Fprintf(f.IO.ErrOut, "installed %s %s to %s%s\n", res.Tool, res.Version, res.Dir, from)
}

func newCmdUninstall(f *Factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "uninstall TOOL[@VERSION] [VERSION]",
		Short: "Remove an installed tool version",
		Long: `Remove one installed version of a tool, or every version when VERSION is
omitted. VERSION may be a full version or a spec matching one installed
version. Bins and shims are updated.

A version that a pin needs — what a .prototools pin here, further up or in
the global file, a version file, .tool-versions or TOTE_<TOOL>_VERSION
resolves to — is kept unless --force is given, and tote says which pin
holds it. Removing the last installed version of a pinned tool warns.`,
		Example: `  tote uninstall node 20.11.1
  tote uninstall go           # every installed go
  tote uninstall node 18 --force`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, ver, err := toolAndSpec(args)
			if err != nil {
				return err
			}
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			// Versions that are not installed (none, or a leftover of a
			// killed install) hold no pin: Uninstall says what it does.
			if targets, err := m.UninstallTargets(id, ver); err == nil && !force {
				holds := m.Holds(ctx)
				var held []toolchain.Hold
				for _, v := range targets {
					held = append(held, holds[id+"@"+v]...)
				}
				if len(held) > 0 {
					return &toolchain.HeldError{Holds: held}
				}
			}
			removed, err := m.Uninstall(ctx, id, ver)
			if err != nil {
				return err
			}
			for _, v := range removed {
				fmt.Fprintf(f.IO.ErrOut, "uninstalled %s %s\n", id, v)
			}
			warnUnpinnable(ctx, f, m, id)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "remove a version even when a pin needs it")
	return cmd
}

// warnUnpinnable warns when a tool something pins here (or globally) has
// no installed version left.
func warnUnpinnable(ctx context.Context, f *Factory, m *toolchain.Manager, id string) {
	if vs, err := m.Store.InstalledVersions(id); err != nil || len(vs) > 0 {
		return
	}
	where := ""
	if det, err := m.Detect(ctx, id); err == nil && det.Spec != "" && det.Kind != launch.FromDefault {
		where = det.Where()
	} else if p, file, ok := m.Config.Pin(id); ok {
		where = fmt.Sprintf("%s:%d", file.Path, p.Line)
	}
	if where == "" {
		return
	}
	f.Logger.Warn(fmt.Sprintf("%s is pinned (%s) but no version of it is installed any more; its shim will fail until `%s`", id, where, shellquote.Join("tote", "install", id)))
}
