package toolchain

import (
	"context"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// TestMinimumProtoVersion: a plugin that needs a newer proto than the
// contract tote speaks (api.ProtoCompatVersion) is refused when it is
// loaded, with an error naming the plugin; older and equal minimums, a
// prerelease of the compat version, and none at all load (proto's rule:
// "0.60.0" admits "0.60.0-alpha.0" and later).
func TestMinimumProtoVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		minimum string
		wantErr string
	}{
		{"", ""},
		{"0.40.0", ""},
		{api.ProtoCompatVersion, ""},
		{"v" + api.ProtoCompatVersion, ""},
		{api.ProtoCompatVersion + "-rc.1", ""},
		{"0.60", ""},
		{"0.61.0", `plugin "alpha" (builtin:alpha) requires proto 0.61.0 or newer (minimum_proto_version), but tote speaks the plugin contract of proto ` + api.ProtoCompatVersion},
		{"0.61.0-alpha.0", "requires proto 0.61.0-alpha.0 or newer"},
		{"1.0.0", "requires proto 1.0.0 or newer"},
		{"latest", `plugin "alpha" function register_tool: minimum_proto_version "latest" is not a version`},
		{strings.Repeat("9", 300), "is not a version"},
	}
	for _, c := range cases {
		t.Run(c.minimum, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
			table := e.builtins["alpha"].Table
			register := pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
				return api.RegisterToolOutput{Name: "Alpha", Type: api.TypeCommandLine, MinimumProtoVersion: c.minimum}, nil
			})
			withMin := pluginhost.Table{}
			for k, v := range table {
				withMin[k] = v
			}
			withMin[api.FuncRegisterTool] = register
			e.builtins["alpha"] = Builtin{ID: "alpha", Table: withMin}
			_, err := e.manager().Tool(context.Background(), "alpha")
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("minimum %q: %v", c.minimum, err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("minimum %q: %v, want an error containing %q", c.minimum, err, c.wantErr)
			}
		})
	}
}
