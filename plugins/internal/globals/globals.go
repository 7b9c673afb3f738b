// Package globals helps built-ins that manage global packages
// (install_global / uninstall_global): they run the tool's own command
// through its tote shim, pinned to the version in the call's context, so
// it runs as users run it — on the node tote resolves, with the globals
// environment the shim sets (npm_config_prefix, UV_TOOL_BIN_DIR, …).
package globals

import (
	"context"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Dir is a tool's globals directory as a shim environment value:
// $TOTE_HOME/tools/<id>/globals (tote expands $TOTE_HOME when it runs the
// shim).
func Dir(id string) string { return "$TOTE_HOME/tools/" + id + "/globals" }

// ShimPath is the virtual path of a tool's shim.
func ShimPath(id string) string { return api.VirtualProto + "/shims/" + id }

// VersionVar is the variable that pins a tool's version for one run:
// TOTE_<ID>_VERSION, upper case, '-' as '_'.
func VersionVar(id string) string {
	return "TOTE_" + strings.ToUpper(strings.ReplaceAll(id, "-", "_")) + "_VERSION"
}

// CheckName refuses what is not a package name: empty, an option, or
// whitespace.
func CheckName(dep string) error {
	if dep == "" || dep[0] == '-' || strings.ContainsAny(dep, " \t\r\n") {
		return pluginhost.Errorf("%q is not a package name", dep)
	}
	return nil
}

// Run runs the tool's shim (exe, or the tool id when exe is "") with args
// at version, and reports an exit status other than 0 as not installed,
// with the command's output as the error.
func Run(ctx context.Context, h pluginhost.Host, exe, version string, args []string) (ok bool, msg string, err error) {
	id := h.ToolID()
	if exe == "" {
		exe = id
	}
	res, err := h.Exec(ctx, api.ExecCommandInput{
		Command: ShimPath(exe),
		Args:    args,
		Env:     map[string]string{VersionVar(id): version},
	})
	if err != nil {
		return false, "", pluginhost.Errorf("%s %s: %v", exe, strings.Join(args, " "), err)
	}
	if res.ExitCode != 0 {
		out := strings.TrimSpace(res.Stderr)
		if out == "" {
			out = strings.TrimSpace(res.Stdout)
		}
		return false, out, nil
	}
	return true, "", nil
}
