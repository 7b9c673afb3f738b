package toolchain

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// proto's data:// locator: the plugin's bytes inline (here proto's own node
// plugin as moonrepo compiled it).
func TestDataLocator(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "proto-wasm", "moon_node_toolchain.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, nil)
	e.writeGlobal("[plugins.tools]\nnodejs = \"data://" + base64.StdEncoding.EncodeToString(wasm) + "\"\nbroken = \"data://%%%\"\n")
	m := e.manager()
	tool, err := m.Tool(context.Background(), "nodejs")
	if err != nil {
		t.Fatal(err)
	}
	if tool.Info.Name != "Node.js" || !strings.HasPrefix(tool.Meta.Source, "data://(sha256:") {
		t.Errorf("loaded %q from %q", tool.Info.Name, tool.Meta.Source)
	}
	if _, err := m.Tool(context.Background(), "broken"); err == nil || !strings.Contains(err.Error(), "not valid base64") {
		t.Errorf("bad data://: %v", err)
	}
}

// settings.builtin-tools limits the built-in plugins, as in proto.
func TestBuiltinToolsSetting(t *testing.T) {
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}, "beta": {"1.0.0"}})
	e.writeGlobal("[settings]\nbuiltin-tools = [\"alpha\"]\n")
	m := e.manager()
	if _, err := m.Tool(context.Background(), "alpha"); err != nil {
		t.Errorf("alpha: %v", err)
	}
	if _, err := m.Tool(context.Background(), "beta"); err == nil || !strings.Contains(err.Error(), "settings.builtin-tools") {
		t.Errorf("beta: %v", err)
	}
}

// What proto does around a run: activate_environment's variables and
// paths reach the tool, pre_run's args come after the user's, and
// set_env_var's PATH entries are appended.
func TestRunLifecycleAsProto(t *testing.T) {
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	tbl := e.builtins["alpha"].Table
	tbl[api.FuncActivateEnvironment] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.ActivateEnvironmentInput) (api.ActivateEnvironmentOutput, error) {
		return api.ActivateEnvironmentOutput{Env: map[string]string{"ALPHA_HOME": in.Context.ToolDir.Path}, Paths: []string{"/proto/tools/alpha/1.0.0/extra"}}, nil
	})
	tbl[api.FuncPreRun] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.RunHook) (api.RunHookResult, error) {
		return api.RunHookResult{Args: []string{"--from-pre-run"}}, nil
	})
	e.writeProject("alpha = \"1.0.0\"\n")
	m := e.manager()
	mustInstall(t, m, InstallRequest{Jobs: []Job{{Tool: "alpha", Spec: "1.0.0"}}})
	plan, err := m.PrepareRun(context.Background(), "alpha", RunOptions{Args: []string{"user-arg"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(plan.Args, " ") != "user-arg --from-pre-run" {
		t.Errorf("args = %q, want the user's then pre_run's", plan.Args)
	}
	env := strings.Join(plan.Env, "\n")
	if !strings.Contains(env, "ALPHA_HOME=/proto/tools/alpha/1.0.0") || !strings.Contains(env, filepath.Join(e.home, "tools", "alpha", "1.0.0", "extra")) {
		t.Errorf("activate_environment did not reach the run:\n%s", env)
	}
}

// pin --tool-native: the plugin's pin_version writes its own file.
func TestPinNative(t *testing.T) {
	e := newEnv(t, map[string][]string{"alpha": {"1.0.0"}})
	var got api.PinVersionInput
	e.builtins["alpha"].Table[api.FuncPinVersion] = pluginhost.Handle(func(ctx context.Context, h pluginhost.Host, in api.PinVersionInput) (api.PinVersionOutput, error) {
		got = in
		f := in.Dir.Join(".alpha-version")
		return api.PinVersionOutput{Pinned: true, File: &f}, nil
	})
	m := e.manager()
	file, err := m.PinNative(context.Background(), "alpha", "1.0", e.project)
	if err != nil {
		t.Fatal(err)
	}
	if file != filepath.Join(e.project, ".alpha-version") || got.Version != "1.0" || got.Dir.Path != "/cwd" {
		t.Errorf("file %s, input %+v", file, got)
	}
	if _, _, err := m.UnpinNative(context.Background(), "alpha", e.project); err == nil || !strings.Contains(err.Error(), "no unpin_version") {
		t.Errorf("unpin without unpin_version: %v", err)
	}
}
