package stats_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// TestExportsBelongToTheirKind: the SDK-built stats extension exports the
// extension functions (from package sdk/ext, with no //go:wasmexport of
// its own) and no tool function, while a tool plugin built with package
// sdk alone exports no extension function.
func TestExportsBelongToTheirKind(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	exports := func(dir string) []string {
		b, err := os.ReadFile(wasmbuild.Build(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		m, err := rt.CompileModule(ctx, b)
		if err != nil {
			t.Fatalf("compile %s: %v", dir, err)
		}
		var names []string
		for name := range m.ExportedFunctions() {
			names = append(names, name)
		}
		return names
	}
	ext := exports(filepath.Join(wasmbuild.RepoRoot, "plugins", "stats", "wasm"))
	for _, fn := range api.ExtensionFunctions {
		if !slices.Contains(ext, fn) {
			t.Errorf("stats.wasm does not export %s; exports: %v", fn, ext)
		}
	}
	tool := exports(wasmbuild.Fixture("demo-tool"))
	for _, fn := range api.ExtensionFunctions {
		if slices.Contains(tool, fn) {
			t.Errorf("the demo tool plugin exports the extension function %s; exports: %v", fn, tool)
		}
		if slices.Contains(api.ToolFunctions, fn) {
			t.Errorf("%s is both a tool and an extension function", fn)
		}
	}
	for _, fn := range api.ToolFunctions {
		if slices.Contains(ext, fn) {
			t.Errorf("stats.wasm exports the tool function %s", fn)
		}
	}
}
