package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/toolchain"
)

func newCmdRun(f *Factory) *cobra.Command {
	var exe string
	var install bool
	cmd := &cobra.Command{
		Use:     "run TOOL[@SPEC] [SPEC] [-- ARGS...]",
		Aliases: []string{"r"},
		Short:   "Run a tool at the version pinned for this directory",
		Long: `Run a tool. The version is SPEC when given, else the one detected for
this directory: TOTE_<TOOL>_VERSION, then the nearest .prototools pin or
version file (such as .nvmrc or go.mod), then the global pin.

Arguments after -- go to the tool, and the tool's exit code becomes tote's.
A missing version is installed first when --install is given or
auto-install = true is set under [settings].`,
		Example: `  tote run node -- --version
  tote run node@20 -- script.js
  tote run go 1.22 -- build ./...`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var toolArgs []string
			if at := cmd.ArgsLenAtDash(); at >= 0 {
				toolArgs = args[at:]
				args = args[:at]
			}
			if len(args) == 0 {
				return fmt.Errorf("run needs a TOOL, e.g. tote run node -- --version")
			}
			if len(args) > 2 {
				return &HintError{Err: fmt.Errorf("too many arguments before --: %q", args[2:]), Msg: "put the tool's own arguments after --, e.g. tote run node 20 -- script.js"}
			}
			id, spec, err := toolAndSpec(args)
			if err != nil {
				return err
			}
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			plan, err := m.PrepareRun(cmd.Context(), id, toolchain.RunOptions{Spec: spec, Exe: exe, Args: toolArgs, AutoInstall: install})
			if err != nil {
				return err
			}
			if h, ok := f.postRunListeners(cmd.Context()); ok {
				return runChild(cmd.Context(), f, h, plan)
			}
			f.runCleanup()
			return plan.Exec()
		},
	}
	cmd.Flags().StringVar(&exe, "exe", "", "run this executable of the tool instead of its primary one (e.g. npm for node)")
	cmd.Flags().BoolVar(&install, "install", false, "install the version first if it is missing")
	return cmd
}

func newCmdWhich(f *Factory) *cobra.Command {
	var exe string
	cmd := &cobra.Command{
		Use:   "which TOOL[@SPEC] [SPEC]",
		Short: "Print the path of a tool's executable",
		Long: `Print the absolute path of the executable that "tote run TOOL" would
start, for the version pinned here (or SPEC). Nothing is installed.`,
		Example: `  tote which node
  tote which node 20 --exe npm`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, spec, err := toolAndSpec(args)
			if err != nil {
				return err
			}
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			plan, err := m.PrepareRun(cmd.Context(), id, toolchain.RunOptions{Spec: spec, Exe: exe})
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, plan.ExePath)
			return nil
		},
	}
	cmd.Flags().StringVar(&exe, "exe", "", "print this executable of the tool instead of its primary one")
	return cmd
}

// toolAndSpec reads TOOL[@SPEC] [SPEC]: the spec from either place, not both.
func toolAndSpec(args []string) (id, spec string, err error) {
	id, spec, at := strings.Cut(args[0], "@")
	if id == "" || at && strings.TrimSpace(spec) == "" {
		return "", "", &HintError{Err: fmt.Errorf("%q is not TOOL or TOOL@SPEC", args[0]), Msg: "for example `tote run node@20 -- --version`"}
	}
	if len(args) == 2 {
		if at {
			return "", "", &HintError{Err: fmt.Errorf("two specs for %s: %q and %q", id, spec, args[1]), Msg: "give the spec once, as " + id + "@SPEC or " + id + " SPEC"}
		}
		spec = args[1]
	}
	return id, spec, nil
}
