package toolchain

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
