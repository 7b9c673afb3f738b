// Package extcmd implements `tote extension`: list, info, enable and
// disable extension plugins. The work is done by host/extension and
// internal/config; these commands check arguments and print.
package extcmd

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/extension"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/config"
)

// NewCmdExtension returns the `tote extension` command group.
func NewCmdExtension(f *cli.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "extension <command>",
		Aliases: []string{"ext"},
		Short:   "List, inspect, enable and disable extension plugins",
		Long: `Extensions are plugins that observe and steer tote itself: they listen to
events such as pre-install or post-run and can add commands.

WebAssembly extensions live in $TOTE_HOME/extensions/<id>.wasm and load unless
disabled; extensions compiled into tote load only once enabled. Configure
them under [extensions.<id>] in .prototools (see docs/extensions.md).`,
		Example: `  tote extension list
  tote extension info stats
  tote extension enable stats`,
	}
	cmd.AddCommand(newCmdList(f), newCmdInfo(f), newCmdSetEnabled(f, true), newCmdSetEnabled(f, false))
	return cmd
}

func newCmdList(f *cli.Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List extensions with their state and capabilities",
		Long: `List every extension tote knows: its state in this run, its version, and
the capabilities it requested versus those granted. A requested capability
that is not granted is marked with "!".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := f.Extensions(cmd.Context())
			if err != nil {
				return err
			}
			infos := h.List(cmd.Context(), true)
			if asJSON {
				if infos == nil {
					infos = []extension.Info{}
				}
				return cli.PrintJSON(f.IO.Out, infos)
			}
			if len(infos) == 0 {
				fmt.Fprintln(f.IO.ErrOut, "no extensions (put <id>.wasm files in $TOTE_HOME/extensions)")
				return nil
			}
			printList(f.IO.Out, f.IO.OutTTY, infos)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printList(w io.Writer, tty bool, infos []extension.Info) {
	// Aligned columns in both modes (scripts match them with " +"); the
	// header only on a terminal.
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if tty {
		fmt.Fprintln(tw, "ID\tKIND\tSTATE\tVERSION\tREQUESTED\tGRANTED")
	}
	for _, in := range infos {
		fmt.Fprintln(tw, strings.Join([]string{in.ID, in.Kind, stateText(in), orDash(in.Metadata.Version),
			requested(in), caps(in.Granted)}, "\t"))
	}
	tw.Flush()
}

// stateText is the state, with when and after how many faults for a
// quarantine.
func stateText(in extension.Info) string {
	if in.State == extension.StateQuarantined && in.QuarantinedAt != nil {
		return fmt.Sprintf("quarantined since %s after %d faults", in.QuarantinedAt.Local().Format("2006-01-02 15:04"), in.Faults)
	}
	return string(in.State)
}

// requested lists the requested capabilities, marking ungranted ones "!".
func requested(in extension.Info) string {
	var s []string
	for _, c := range in.Requested {
		if slices.Contains(in.Granted, c) {
			s = append(s, string(c))
		} else {
			s = append(s, string(c)+"!")
		}
	}
	return orDash(strings.Join(s, ","))
}

func caps(cs []api.Capability) string {
	var s []string
	for _, c := range cs {
		s = append(s, string(c))
	}
	return orDash(strings.Join(s, ","))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newCmdInfo(f *cli.Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info ID",
		Short: "Show one extension in detail",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := f.Extensions(cmd.Context())
			if err != nil {
				return err
			}
			in, ok := h.Lookup(cmd.Context(), args[0], true)
			if !ok {
				return unknown(cmd.Context(), h, args[0])
			}
			if asJSON {
				return cli.PrintJSON(f.IO.Out, in)
			}
			printInfo(f.IO.Out, in)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printInfo(w io.Writer, in extension.Info) {
	md := in.Metadata
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", k+":", plaintext.Line(v, plaintext.MaxMessage))
		}
	}
	row("id", in.ID)
	row("name", md.Name)
	row("version", md.Version)
	row("description", md.Description)
	row("authors", strings.Join(md.Authors, ", "))
	row("kind", in.Kind)
	row("file", in.Path)
	row("state", string(in.State))
	row("error", in.Error)
	row("requested", requested(in))
	row("granted", caps(in.Granted))
	row("network", strings.Join(in.Hosts, ", "))
	row("data dir", in.DataDir)
	var subs []string
	for _, s := range in.Subscriptions {
		subs = append(subs, fmt.Sprintf("%s@%d", s.Event, s.Priority))
	}
	row("subscriptions", orDash(strings.Join(subs, ", ")))
	var cmds []string
	for _, c := range in.Commands {
		cmds = append(cmds, c.Name)
	}
	row("commands", orDash(strings.Join(cmds, ", ")))
	if in.Faults > 0 {
		row("faults", fmt.Sprint(in.Faults))
	}
}

func unknown(ctx context.Context, h *extension.Host, id string) error {
	var ids []string
	for _, in := range h.List(ctx, false) {
		ids = append(ids, in.ID)
	}
	known := "none"
	if len(ids) > 0 {
		known = strings.Join(ids, ", ")
	}
	return &cli.HintError{Err: fmt.Errorf("no extension %q", id), Msg: "known extensions: " + known + "; put " + id + ".wasm in $TOTE_HOME/extensions"}
}

func newCmdSetEnabled(f *cli.Factory, on bool) *cobra.Command {
	verb, short := "disable", "Disable an extension (in the global .prototools)"
	if on {
		verb, short = "enable", "Enable an extension (in the global .prototools)"
	}
	return &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Long: short + `.

This writes [extensions.<id>] enabled = true|false into $TOTE_HOME/.prototools,
keeping the rest of the file as it is. Enabling also loads the extension once
to check it and to cache its subscriptions and commands, and lifts a
quarantine (an extension that faulted limits.max-restarts times in a row,
across tote runs, stays quarantined until then). A project's .prototools can
still override the setting.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id := args[0]
			if err := extension.ValidID(id); err != nil {
				return err
			}
			h, err := f.Extensions(ctx)
			if err != nil {
				return err
			}
			if _, ok := h.Lookup(ctx, id, false); !ok {
				return unknown(ctx, h, id)
			}
			global := config.GlobalFile(f.Home)
			if err := config.SetExtensionEnabled(global, id, on); err != nil {
				return err
			}
			if on {
				// Enabling is also how a quarantine is lifted.
				if in, _ := h.Lookup(ctx, id, false); in.State == extension.StateQuarantined {
					fmt.Fprintf(f.IO.ErrOut, "lifting the quarantine of %s (%s)\n", id, in.Error)
				}
				if err := extension.ClearFaults(ctx, f.Home, id); err != nil {
					return err
				}
			}
			if !on {
				fmt.Fprintf(f.IO.Out, "disabled %s in %s\n", id, global)
				return nil
			}
			h, err = f.ReloadExtensions(ctx)
			if err != nil {
				return err
			}
			in, _ := h.Lookup(ctx, id, true)
			switch in.State {
			case extension.StateEnabled:
				fmt.Fprintf(f.IO.Out, "enabled %s in %s\n", id, global)
				return nil
			case extension.StateDisabled:
				return &cli.HintError{Err: fmt.Errorf("%s is enabled in %s, but a nearer .prototools disables it", id, global),
					Msg: "look for [extensions." + id + "] in the .prototools files of this directory"}
			}
			return fmt.Errorf("enabled %s in %s, but it does not load: %s", id, global, in.Error)
		},
	}
}
