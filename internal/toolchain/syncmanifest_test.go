package toolchain

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// A tool that tote installs itself: sync_manifest runs after the install,
// and its claims (versions tote never installed, hostile names, a list
// without the installed version) change nothing tote installed.
func TestSyncManifestUnmanaged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	calls := 0
	e.builtins["alpha"].Table[api.FuncSyncManifest] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.SyncManifestInput) (api.SyncManifestOutput, error) {
		calls++
		return api.SyncManifestOutput{Versions: []string{"9.9.9", "../../escape", "..", "a/b"}}, nil
	})
	m := e.manager()
	if _, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("sync_manifest called %d times after an install, want 1", calls)
	}
	vs, err := m.Store.InstalledVersions("alpha")
	if err != nil || len(vs) != 1 || vs[0] != "1.0.0" {
		t.Fatalf("installed = %v, %v", vs, err)
	}
	for _, p := range []string{m.Store.VersionDir("alpha", "9.9.9"), filepath.Join(m.Store.ToolsDir(), "escape")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists", p)
		}
	}
	if _, err := m.Uninstall(context.Background(), "alpha", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("sync_manifest called %d times after an uninstall, want 2", calls)
	}
}

// register_tool's unstable (a boolean or a message, as proto reads it) is a
// warning before the install, its message made printable.
func TestUnstableWarns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	e.builtins["alpha"].Table[api.FuncRegisterTool] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.RegisterToolInput) (api.RegisterToolOutput, error) {
		return api.RegisterToolOutput{Name: "Alpha", Type: api.TypeCommandLine, Unstable: api.Switch{On: true, Message: "beta\x1b[2J builds"}}, nil
	})
	m := e.manager()
	var buf bytes.Buffer
	m.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := m.InstallVersion(context.Background(), "alpha", "1.0.0", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, "Alpha is currently unstable: beta") || strings.Contains(got, "\x1b") {
		t.Errorf("log = %q", got)
	}
}
