package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/shellquote"
	"github.com/tote-dev/tote/internal/store"
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/internal/version"
)

func newCmdPin(f *Factory) *cobra.Command {
	var global, resolve, force, toolNative bool
	cmd := &cobra.Command{
		Use:   "pin TOOL[@SPEC] [SPEC]",
		Short: "Pin a tool version in .prototools",
		Long: `Write TOOL = "SPEC" into the nearest .prototools file (from this directory
up to your home; ./.prototools when there is none), or into the global
$TOTE_HOME/.prototools with --global. The rest of the file is kept as it is.
With --resolve, the spec is resolved first and the exact version is pinned.

The pin is checked first: an unknown tool or a spec that is not a
version, a range or an alias the tool knows is an error (nothing is
written); a spec no published version matches yet is pinned with a
warning. --force skips the checks of the tool and its versions (for a
plugin declared elsewhere, or offline); the spec must still parse. Quote ranges for the shell: tote pin node '>=20 <21'.`,
		Example: `  tote pin node 20
  tote pin go 1.22 --resolve
  tote pin deno latest --global`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, spec, err := toolAndSpec(args)
			if err != nil {
				return err
			}
			if spec == "" {
				return argError(cmd, args)
			}
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			if spec, err = validatePin(ctx, f, m, id, spec, force); err != nil {
				return err
			}
			if resolve {
				if spec, err = m.Resolve(ctx, id, spec, toolchain.ResolveOptions{}); err != nil {
					return err
				}
			}
			if toolNative {
				dir := m.Cwd
				if global {
					dir = f.Home
				}
				file, err := m.PinNative(ctx, id, spec, dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "pinned %s %s in %s (the plugin's own file)\n", id, spec, file)
				return nil
			}
			path := config.NearestFile(m.Cwd, m.UserHome)
			if global {
				path = config.GlobalFile(f.Home)
			}
			if err := config.SetPin(path, id, spec); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "pinned %s = %q in %s\n", id, spec, path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&global, "global", false, "pin in $TOTE_HOME/.prototools")
	cmd.Flags().BoolVar(&resolve, "resolve", false, "pin the exact version the spec resolves to")
	cmd.Flags().BoolVar(&force, "force", false, "pin without checking the tool and its versions (the spec must still parse)")
	cmd.Flags().BoolVar(&toolNative, "tool-native", false, "pin in the tool's own version file (such as .nvmrc) through its plugin's pin_version, as proto does")
	return cmd
}

func newCmdUnpin(f *Factory) *cobra.Command {
	var global, toolNative bool
	cmd := &cobra.Command{
		Use:   "unpin TOOL",
		Short: "Remove a tool's pin from .prototools",
		Long: `Remove TOOL's pin from the nearest .prototools that pins it (or from the
global file with --global). The rest of the file is kept as it is.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.Manager(cmd.Context())
			if err != nil {
				return err
			}
			id := args[0]
			if toolNative {
				dir := m.Cwd
				if global {
					dir = f.Home
				}
				file, spec, err := m.UnpinNative(cmd.Context(), id, dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "unpinned %s %s in %s (the plugin's own file)\n", id, spec, file)
				return nil
			}
			path := config.GlobalFile(f.Home)
			if !global {
				path = ""
				for _, file := range m.Config.Files() {
					if _, ok := file.Pins[id]; ok && file.Path != config.GlobalFile(f.Home) {
						path = file.Path
						break
					}
				}
				if path == "" {
					return &HintError{Err: fmt.Errorf("%s is not pinned in any .prototools here", id), Msg: "use --global for the global pin"}
				}
			}
			removed, err := config.RemovePin(path, id)
			if err != nil {
				return err
			}
			if !removed {
				return fmt.Errorf("%s is not pinned in %s", id, path)
			}
			fmt.Fprintf(f.IO.ErrOut, "unpinned %s in %s\n", id, path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&global, "global", false, "unpin in $TOTE_HOME/.prototools")
	cmd.Flags().BoolVar(&toolNative, "tool-native", false, "unpin in the tool's own version file through its plugin's unpin_version, as proto does")
	return cmd
}

func newCmdClean(f *Factory) *cobra.Command {
	var days int
	var yes, force bool
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove tool versions not used for a while, and leftovers",
		Long: `Remove installed tool versions that have not been run or installed for
--days days (default 30), and remove leftovers of
interrupted installs: version directories a killed install did not get to
record, staging directories, partial downloads (which the next install
would otherwise resume) and old copies moved aside. Leftovers a running
tote process is using are kept. Without --yes it only lists what
it would remove.

A version a pin needs is kept (and tote says which pin holds it): pins
here and further up, the global pin, version files, .tool-versions and
TOTE_<TOOL>_VERSION. --force removes those too.`,
		Example: `  tote clean              # list what would go
  tote clean --days 7 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := f.Manager(ctx)
			if err != nil {
				return err
			}
			if days < 0 {
				return fmt.Errorf("--days must be 0 or more")
			}
			cutoff := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
			holds := m.Holds(ctx)
			ids, err := m.InstalledTools()
			if err != nil {
				return err
			}
			type victim struct{ id, ver string }
			var victims []victim
			for _, id := range ids {
				vs, err := m.Store.InstalledVersions(id)
				if err != nil {
					return err
				}
				for _, v := range vs {
					if !m.LastUsed(id, v).Before(cutoff) {
						continue
					}
					if h := holds[id+"@"+v]; len(h) > 0 && !force {
						fmt.Fprintf(f.IO.ErrOut, "keeping %s %s: pinned by %s\n", id, v, h[0].String())
						continue
					}
					victims = append(victims, victim{id, v})
				}
			}
			sort.Slice(victims, func(i, j int) bool { return victims[i].id+victims[i].ver < victims[j].id+victims[j].ver })
			leftovers, err := m.Store.Leftovers()
			if err != nil {
				return err
			}
			if !yes {
				if len(victims) == 0 && len(leftovers) == 0 {
					fmt.Fprintln(f.IO.ErrOut, "nothing to clean")
					return nil
				}
				for _, v := range victims {
					fmt.Fprintf(f.IO.Out, "would remove %s %s\n", v.id, v.ver)
				}
				for _, l := range leftovers {
					fmt.Fprintf(f.IO.Out, "would remove %s (%s)\n", l.Path, leftoverWhat(l))
				}
				fmt.Fprintln(f.IO.ErrOut, "run again with --yes to remove them")
				return nil
			}
			for _, v := range victims {
				if _, err := m.Uninstall(ctx, v.id, v.ver); err != nil {
					return err
				}
				fmt.Fprintf(f.IO.ErrOut, "removed %s %s\n", v.id, v.ver)
				warnUnpinnable(ctx, f, m, v.id)
			}
			var gone []string
			for _, l := range leftovers {
				removed, err := m.Store.RemoveLeftover(l)
				switch {
				case err != nil:
					return err
				case removed:
					gone = append(gone, l.Path)
				default:
					fmt.Fprintf(f.IO.ErrOut, "kept %s: a running tote process is using it\n", l.Path)
				}
			}
			if n := len(gone); n > 0 {
				fmt.Fprintf(f.IO.ErrOut, "removed %d leftover%s: %s\n", n, plural(n), strings.Join(gone, ", "))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&days, "days", 30, "remove versions unused for this many days")
	cmd.Flags().BoolVar(&yes, "yes", false, "remove without asking")
	cmd.Flags().BoolVar(&force, "force", false, "remove versions even when a pin needs them")
	return cmd
}

// leftoverWhat says what a leftover of an interrupted install is.
func leftoverWhat(l store.Leftover) string {
	switch l.Kind {
	case store.LeftoverOrphan:
		return fmt.Sprintf("%s %s, not installed: an install was killed before recording it", l.Tool, l.Version)
	case store.LeftoverStaging:
		return "the staging directory of an interrupted install"
	case store.LeftoverDownload:
		return fmt.Sprintf("a partial download of %s %s", l.Tool, l.Version)
	}
	return "an old copy left by an interrupted install or uninstall"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// validatePin checks a pin before it is written: the tool must have a
// plugin, the spec must parse, and an alias must be one the tool (or the
// user's [tools.<id>.aliases]) knows. A spec that matches no published
// version is only a warning, as is a check that cannot reach the version
// list. It returns the spec trimmed.
func validatePin(ctx context.Context, f *Factory, m *toolchain.Manager, id, spec string, force bool) (string, error) {
	spec = strings.TrimSpace(spec)
	s, err := version.ParseSpec(spec)
	if err != nil {
		return "", &HintError{Err: err, Msg: "a spec is a version (20.11.1), a partial (20), a range (" + shellquote.Quote("^20") + ", " + shellquote.Quote(">=20 <21") + ") or an alias (latest, lts)"}
	}
	if force {
		return spec, nil
	}
	t, err := m.Tool(ctx, id)
	if err != nil {
		return "", err
	}
	if _, err := m.Resolve(ctx, id, spec, toolchain.ResolveOptions{}); err != nil {
		var nf *version.NotFoundError
		if errors.As(err, &nf) && s.Kind() == version.KindAlias {
			return "", &HintError{
				Err: fmt.Errorf("%q is not a version of %s, nor an alias it knows", spec, t.ID),
				Msg: "see `" + shellquote.Join("tote", "versions", id) + "` for versions and aliases",
			}
		}
		if errors.As(err, &nf) {
			f.Logger.Warn(err.Error() + "; pinned anyway")
		} else {
			f.Logger.Warn("cannot check the spec against the versions of "+id+"; pinned anyway", "err", err)
		}
		return spec, nil
	}
	if version.IsFull(s) {
		// A full version resolves to itself: look for it in the list.
		list, err := m.Versions(ctx, t, false)
		if err != nil {
			f.Logger.Warn("cannot check the spec against the versions of "+id+"; pinned anyway", "err", err)
			return spec, nil
		}
		for _, v := range list.Versions {
			if s.Matches(v) {
				return spec, nil
			}
		}
		if len(list.Versions) > 0 {
			f.Logger.Warn(fmt.Sprintf("%s %s is not among the published versions; pinned anyway", id, spec))
		}
	}
	return spec, nil
}
