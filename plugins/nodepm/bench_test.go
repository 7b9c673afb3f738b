package nodepm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/conformance"
	"github.com/tote-dev/tote/plugins/nodepm"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// largeNpmDocument is npm's package document at full size: the real
// sample's 10.9.0 entry (testdata/registry/npm.json) repeated under 600
// versions (npm has 581), as `tote versions npm` reads it.
func largeNpmDocument(tb testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "registry", "npm.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Versions map[string]json.RawMessage `json:"versions"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	entry := string(doc.Versions["10.9.0"])
	var sb strings.Builder
	sb.WriteString(`{"_id": "npm", "name": "npm", "dist-tags": {"latest": "12.9.9"}, "versions": {`)
	n := 0
	for major := 1; major <= 12; major++ {
		for minor := 0; minor < 10; minor++ {
			for patch := 0; patch < 5; patch++ {
				v := fmt.Sprintf("%d.%d.%d", major, minor, patch)
				if major == 12 && minor == 9 && patch == 4 {
					v = "12.9.9"
				}
				if n > 0 {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "%q: %s", v, strings.ReplaceAll(entry, "10.9.0", v))
				n++
			}
		}
	}
	sb.WriteString("}}")
	return []byte(sb.String())
}

func docServer(tb testing.TB) (*httptest.Server, func(string) string) {
	body := largeNpmDocument(tb)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	return srv, func(u string) string {
		return srv.URL + "/" + strings.TrimPrefix(u, "https://registry.npmjs.org/")
	}
}

type benchHost struct{ rewrite func(string) string }

func (benchHost) Env() api.HostEnvironment {
	return api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64}
}
func (benchHost) ToolID() string            { return "npm" }
func (benchHost) ToolConfig() []byte        { return []byte("{}") }
func (benchHost) GetEnv(string) string      { return "" }
func (benchHost) Log(api.LogTarget, string) {}
func (benchHost) Exec(context.Context, api.ExecCommandInput) (api.ExecCommandOutput, error) {
	return api.ExecCommandOutput{}, fmt.Errorf("no exec")
}
func (h benchHost) Fetch(ctx context.Context, u string) ([]byte, error) {
	resp, err := http.Get(h.rewrite(u))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func check(b *testing.B, out []byte) {
	var got api.LoadVersionsOutput
	if err := json.Unmarshal(out, &got); err != nil || len(got.Versions) != 600 || got.Latest != "12.9.9" {
		b.Fatalf("load_versions: %d versions, latest %q, %v", len(got.Versions), got.Latest, err)
	}
}

// BenchmarkNpmVersionsNative is load_versions of the native npm on a
// full-size package document (600 versions, 3.3 MB) served on 127.0.0.1;
// BenchmarkNpmVersionsWasm is the WASM build on the same server.
func BenchmarkNpmVersionsNative(b *testing.B) {
	srv, rewrite := docServer(b)
	defer srv.Close()
	n := &pluginhost.Native{PluginID: "npm", Table: nodepm.NpmTable, Host: benchHost{rewrite}}
	in, _ := json.Marshal(api.LoadVersionsInput{Initial: "latest"})
	for b.Loop() {
		out, err := n.CallRaw(context.Background(), api.FuncLoadVersions, in)
		if err != nil {
			b.Fatal(err)
		}
		check(b, out)
	}
}

func BenchmarkNpmVersionsWasm(b *testing.B) {
	srv, rewrite := docServer(b)
	defer srv.Close()
	ctx := context.Background()
	p := conformance.LoadWASM(b, wasmbuild.Build(b, "wasm/npm"), "npm", rewrite)
	in, _ := json.Marshal(api.LoadVersionsInput{Initial: "latest"})
	for b.Loop() {
		out, err := p.CallRaw(ctx, api.FuncLoadVersions, in)
		if err != nil {
			b.Fatal(err)
		}
		check(b, out)
	}
}
