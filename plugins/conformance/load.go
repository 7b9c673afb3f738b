package conformance

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// LoadWASM loads the WASM build at path (a wasmbuild output) as plugin id
// on a sandboxed runtime of its own — proto's mounts in a temporary
// directory, linux/x64, the shared compilation cache — whose requests go
// through rewrite and may reach only 127.0.0.1. Benchmarks use it to time
// a built-in's WASM calls against a local server; the runtime closes when
// tb ends.
func LoadWASM(tb testing.TB, path, id string, rewrite func(string) string) *runtime.Plugin {
	tb.Helper()
	ctx := context.Background()
	wasm, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	mounts := vpath.ToolMounts(filepath.Join(dir, "home"), filepath.Join(dir, "user"), filepath.Join(dir, "cwd"), filepath.Join(dir, "home", "temp"))
	rt, err := runtime.New(ctx, runtime.NewConfig().WithCacheDir(wasmbuild.CompileCacheDir()).
		WithHostEnvironment(api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}).WithMounts(mounts).WithRewrite(rewrite))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rt.Close(ctx) })
	p, err := rt.LoadBytes(ctx, wasm, runtime.LoadOptions{ID: id, AllowedHosts: allowed})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
