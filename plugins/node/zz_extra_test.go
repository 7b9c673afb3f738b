package node_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/runtime"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/internal/vpath"
)

func BenchmarkRegisterWasm(b *testing.B) {
	ctx := context.Background()
	wasm, _ := os.ReadFile(wasmbuild.Build(b, "wasm"))
	dir := b.TempDir()
	mounts := vpath.ToolMounts(filepath.Join(dir, "home"), filepath.Join(dir, "user"), filepath.Join(dir, "cwd"), filepath.Join(dir, "home", "temp"))
	rt, _ := runtime.New(ctx, runtime.NewConfig().WithCacheDir(filepath.Join(os.TempDir(), "tote-conformance-wasm-cache")).WithMounts(mounts))
	defer rt.Close(ctx)
	p, err := rt.LoadBytes(ctx, wasm, runtime.LoadOptions{ID: "node"})
	if err != nil {
		b.Fatal(err)
	}
	in, _ := json.Marshal(api.RegisterToolInput{ID: "node"})
	for b.Loop() {
		if _, err := p.CallRaw(ctx, api.FuncRegisterTool, in); err != nil {
			b.Fatal(err)
		}
	}
}
