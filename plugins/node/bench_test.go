package node_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/node"
	"github.com/tote-dev/tote/plugins/node/nodetest"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// BenchmarkLoadVersionsWasm is load_versions of the WASM build on a
// full-size index (820 entries) served on 127.0.0.1, per call on a loaded
// plugin; BenchmarkLoadVersionsNative is the native build on the same
// server, for comparison.
func BenchmarkLoadVersionsWasm(b *testing.B) {
	srv, rewrite := largeIndexServer(b)
	defer srv.Close()
	ctx := context.Background()
	p := conformance.LoadWASM(b, wasmbuild.Build(b, "wasm"), "node", rewrite)
	in, _ := json.Marshal(api.LoadVersionsInput{Initial: "latest"})
	for b.Loop() {
		out, err := p.CallRaw(ctx, api.FuncLoadVersions, in)
		if err != nil {
			b.Fatal(err)
		}
		checkLarge(b, out)
	}
}

func BenchmarkLoadVersionsNative(b *testing.B) {
	srv, rewrite := largeIndexServer(b)
	defer srv.Close()
	n := &pluginhost.Native{PluginID: "node", Table: node.Table, Host: httpHost{rewrite}}
	in, _ := json.Marshal(api.LoadVersionsInput{Initial: "latest"})
	for b.Loop() {
		out, err := n.CallRaw(context.Background(), api.FuncLoadVersions, in)
		if err != nil {
			b.Fatal(err)
		}
		checkLarge(b, out)
	}
}

func checkLarge(b *testing.B, out []byte) {
	var v api.LoadVersionsOutput
	if err := json.Unmarshal(out, &v); err != nil || len(v.Versions) != 820 || v.Aliases["stable"] != "24.20.2" {
		b.Fatalf("load_versions: %d versions, stable %q, %v", len(v.Versions), v.Aliases["stable"], err)
	}
}

func largeIndexServer(b *testing.B) (*mirror.Server, func(string) string) {
	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.json"), nodetest.LargeIndex(820), 0o644); err != nil {
		b.Fatal(err)
	}
	srv, err := mirror.Start(root)
	if err != nil {
		b.Fatal(err)
	}
	return srv, func(u string) string {
		return srv.URL + "/" + strings.TrimPrefix(u, "https://nodejs.org/download/release/")
	}
}

// httpHost is a native host that fetches over HTTP after a rewrite.
type httpHost struct{ rewrite func(string) string }

func (httpHost) Env() api.HostEnvironment {
	return api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu}
}
func (httpHost) ToolID() string            { return "node" }
func (httpHost) ToolConfig() []byte        { return []byte("{}") }
func (httpHost) GetEnv(string) string      { return "" }
func (httpHost) Log(api.LogTarget, string) {}
func (httpHost) Exec(context.Context, api.ExecCommandInput) (api.ExecCommandOutput, error) {
	return api.ExecCommandOutput{}, pluginhost.Errorf("no exec")
}
func (h httpHost) Fetch(_ context.Context, url string) ([]byte, error) {
	resp, err := http.Get(h.rewrite(url))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, pluginhost.Errorf("fetch %s: HTTP status %d", url, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
