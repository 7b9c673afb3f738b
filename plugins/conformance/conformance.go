// Package conformance proves that a built-in plugin's native and WASM builds
// answer every contract function identically: it calls both with the same
// inputs, against the same local mirror, and compares the JSON byte for byte.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// Case is one call made to both builds.
type Case struct {
	// Name labels the case in failures.
	Name string
	// Env is the host the plugin is told it runs on.
	Env api.HostEnvironment
	// Config is the [tools.<id>] table.
	Config map[string]any
	// Fn is the contract function.
	Fn string
	// Input is marshalled to JSON for both builds.
	Input any
	// WantErr, when set, requires both builds to fail with a message
	// containing it (and the messages to be identical).
	WantErr string
	// HostConfig are extra injected config keys (such as api.ConfigSchema),
	// served to the native build through Config and to the WASM build as
	// Extism config.
	HostConfig map[string]string
}

// Suite describes one built-in.
type Suite struct {
	// ID is the tool id.
	ID string
	// Table is the core's functions (the native build).
	Table pluginhost.Table
	// WasmDir is the directory of the WASM adapter's main package.
	WasmDir string
	// MirrorRoot is a directory served on 127.0.0.1.
	MirrorRoot string
	// Upstreams are URL prefixes (such as "https://nodejs.org/") that are
	// rewritten to the mirror, as url-rewrites would.
	Upstreams []string
	// Cases are the calls to compare.
	Cases []Case
}

// Linux64 and friends are common host environments for cases.
var (
	Linux64    = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
	LinuxArm64 = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchArm64, Libc: api.LibcGnu, HomeDir: api.NewVirtualPath("/userhome")}
	LinuxMusl  = api.HostEnvironment{OS: api.OSLinux, Arch: api.ArchX64, Libc: api.LibcMusl, HomeDir: api.NewVirtualPath("/userhome")}
	MacArm64   = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchArm64, Libc: api.LibcUnknown, HomeDir: api.NewVirtualPath("/userhome")}
	MacX64     = api.HostEnvironment{OS: api.OSMacOS, Arch: api.ArchX64, Libc: api.LibcUnknown, HomeDir: api.NewVirtualPath("/userhome")}
	Win64      = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchX64, Libc: api.LibcUnknown, HomeDir: api.NewVirtualPath("/userhome")}
	WinArm64   = api.HostEnvironment{OS: api.OSWindows, Arch: api.ArchArm64, Libc: api.LibcUnknown, HomeDir: api.NewVirtualPath("/userhome")}
)

// Run calls every case on both builds and requires identical outputs, and
// requires every function of the table to be called at least once.
func Run(t *testing.T, s Suite) {
	t.Helper()
	wasmPath := wasmbuild.Build(t, s.WasmDir)
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mirror.Start(s.MirrorRoot)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rewrite := func(u string) string {
		for _, up := range s.Upstreams {
			if strings.HasPrefix(u, up) {
				return srv.URL + "/" + strings.TrimPrefix(u, up)
			}
		}
		return u
	}
	ctx := context.Background()
	dir := t.TempDir()
	mounts := vpath.ToolMounts(filepath.Join(dir, "home"), filepath.Join(dir, "user"), filepath.Join(dir, "cwd"), filepath.Join(dir, "home", "temp"))
	for _, m := range mounts {
		os.MkdirAll(m.Real, 0o755)
	}
	runtimes := map[string]*runtime.Runtime{}
	plugins := map[string]*runtime.Plugin{}
	wasmFor := func(c Case) *runtime.Plugin {
		envKey, _ := json.Marshal(c.Env)
		cfgKey, _ := json.Marshal(c.Config)
		hostKey, _ := json.Marshal(c.HostConfig)
		key := string(envKey) + string(cfgKey) + string(hostKey)
		if p, ok := plugins[key]; ok {
			return p
		}
		rt, ok := runtimes[string(envKey)]
		if !ok {
			rt, err = runtime.New(ctx, runtime.NewConfig().
				WithCacheDir(filepath.Join(os.TempDir(), "tote-conformance-wasm-cache")).
				WithHostEnvironment(c.Env).WithMounts(mounts).WithRewrite(rewrite))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { rt.Close(ctx) })
			runtimes[string(envKey)] = rt
		}
		p, err := rt.LoadBytes(ctx, wasm, runtime.LoadOptions{ID: s.ID, ToolConfig: c.Config, Config: c.HostConfig, AllowedHosts: []string{"127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		plugins[key] = p
		return p
	}
	called := map[string]bool{}
	for _, c := range s.Cases {
		called[c.Fn] = true
		in, err := json.Marshal(c.Input)
		if err != nil {
			t.Fatal(err)
		}
		native := &pluginhost.Native{PluginID: s.ID, Table: s.Table, Host: &testHost{env: c.Env, id: s.ID, config: c.Config, hostConfig: c.HostConfig, rewrite: rewrite}}
		nOut, nErr := native.CallRaw(ctx, c.Fn, in)
		wOut, wErr := wasmFor(c).CallRaw(ctx, c.Fn, in)
		name := fmt.Sprintf("%s/%s/%s", s.ID, c.Fn, c.Name)
		switch {
		case c.WantErr != "":
			if nErr == nil || wErr == nil {
				t.Errorf("%s: want error %q; native: %v %s; wasm: %v %s", name, c.WantErr, nErr, nOut, wErr, wOut)
				continue
			}
			nm, wm := message(nErr), message(wErr)
			if !strings.Contains(nm, c.WantErr) || nm != wm {
				t.Errorf("%s: errors differ or miss %q:\n native: %s\n wasm:   %s", name, c.WantErr, nm, wm)
			}
		case nErr != nil || wErr != nil:
			t.Errorf("%s: native error %v; wasm error %v", name, nErr, wErr)
		case !bytes.Equal(nOut, wOut):
			t.Errorf("%s: outputs differ:\n native: %s\n wasm:   %s", name, nOut, wOut)
		}
	}
	var missing []string
	for _, fn := range s.Table.Names() {
		if !called[fn] {
			missing = append(missing, fn)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s: no conformance case calls %s", s.ID, strings.Join(missing, ", "))
	}
}

// message strips the "plugin ... function ...: " prefix both builds add.
func message(err error) string {
	var ce *runtime.CallError
	msg := err.Error()
	if e, ok := err.(*runtime.CallError); ok {
		ce = e
		msg = ce.Message
	}
	if e, ok := err.(*pluginhost.CallError); ok {
		msg = e.Message
	}
	return msg
}

// testHost is the native build's host in conformance tests.
type testHost struct {
	env        api.HostEnvironment
	id         string
	config     map[string]any
	hostConfig map[string]string
	rewrite    func(string) string
}

var _ pluginhost.Configurer = (*testHost)(nil)

// Config serves the case's injected config keys.
func (h *testHost) Config(key string) (string, bool) {
	v, ok := h.hostConfig[key]
	return v, ok
}

func (h *testHost) Env() api.HostEnvironment { return h.env }
func (h *testHost) ToolID() string           { return h.id }
func (h *testHost) ToolConfig() []byte {
	if len(h.config) == 0 {
		return []byte("{}")
	}
	b, _ := json.Marshal(h.config)
	return b
}
func (h *testHost) GetEnv(name string) string         { return "" }
func (h *testHost) Log(level api.LogTarget, m string) {}
func (h *testHost) Exec(_ context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, error) {
	return api.ExecCommandOutput{}, fmt.Errorf("%s: exec is not granted in conformance tests", api.PermissionDenied)
}
func (h *testHost) Fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.rewrite(url), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, pluginhost.Errorf("fetch %s: HTTP status %d", url, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
