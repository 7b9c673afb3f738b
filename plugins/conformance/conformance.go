// Package conformance proves that a built-in plugin's native and WASM builds
// answer every contract function identically: it calls both with the same
// inputs, against the same local mirror, and compares the JSON byte for byte.
//
// Both builds are served by the production host: the WASM build through the
// runtime's host functions, the native build by the same services.Services
// type under the same policy (url-rewrites to the mirror, the allow-list,
// the default limits). Beyond the cases, Run checks that both builds stop
// on the first cancellation while a server is silent, and that both refuse
// a response body over the same limit with the same message.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/services"
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
	h := newHarness(t, s, wasm, srv.URL)
	ctx := context.Background()
	called := map[string]bool{}
	var netCase *Case
	for i, c := range s.Cases {
		called[c.Fn] = true
		in, err := json.Marshal(c.Input)
		if err != nil {
			t.Fatal(err)
		}
		before := len(srv.Requests())
		nOut, nErr := h.native(c).CallRaw(ctx, c.Fn, in)
		fetched := len(srv.Requests()) > before
		wOut, wErr := h.wasm(c).CallRaw(ctx, c.Fn, in)
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
		case fetched && netCase == nil:
			netCase = &s.Cases[i]
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
	if netCase == nil {
		t.Logf("%s: no case reaches the network; cancellation and limits not checked", s.ID)
		return
	}
	t.Run("cancel", func(t *testing.T) { checkCancel(t, s, wasm, *netCase) })
	t.Run("body-limit", func(t *testing.T) { checkBodyLimit(t, s, wasm, *netCase) })
}

// harness builds both builds of a suite's plugin against one upstream: the
// WASM build in the runtime, the native build on services.Services, with
// the same url-rewrites (every upstream prefix to base), allow-list
// (127.0.0.1), mounts and default limits.
type harness struct {
	t        *testing.T
	s        Suite
	wasmBin  []byte
	rewrite  func(string) string
	mounts   vpath.Mounts
	limits   services.Limits // zero: the defaults
	runtimes map[string]*runtime.Runtime
	plugins  map[string]*runtime.Plugin
}

func newHarness(t *testing.T, s Suite, wasm []byte, base string) *harness {
	dir := t.TempDir()
	mounts := vpath.ToolMounts(filepath.Join(dir, "home"), filepath.Join(dir, "user"), filepath.Join(dir, "cwd"), filepath.Join(dir, "home", "temp"))
	for _, m := range mounts {
		os.MkdirAll(m.Real, 0o755)
	}
	return &harness{
		t: t, s: s, wasmBin: wasm, mounts: mounts,
		rewrite: func(u string) string {
			for _, up := range s.Upstreams {
				if strings.HasPrefix(u, up) {
					return base + "/" + strings.TrimPrefix(u, up)
				}
			}
			return u
		},
		runtimes: map[string]*runtime.Runtime{},
		plugins:  map[string]*runtime.Plugin{},
	}
}

var allowed = []string{"127.0.0.1"}

func (h *harness) wasm(c Case) *runtime.Plugin {
	t := h.t
	ctx := context.Background()
	envKey, _ := json.Marshal(c.Env)
	cfgKey, _ := json.Marshal(c.Config)
	hostKey, _ := json.Marshal(c.HostConfig)
	key := string(envKey) + string(cfgKey) + string(hostKey)
	if p, ok := h.plugins[key]; ok {
		return p
	}
	rt, ok := h.runtimes[string(envKey)]
	if !ok {
		var err error
		rt, err = runtime.New(ctx, runtime.NewConfig().
			WithCacheDir(wasmbuild.CompileCacheDir()).
			WithLogger(slog.New(slog.DiscardHandler)).
			WithHostEnvironment(c.Env).WithMounts(h.mounts).WithRewrite(h.rewrite).WithLimits(h.limits))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rt.Close(ctx) })
		h.runtimes[string(envKey)] = rt
	}
	p, err := rt.LoadBytes(ctx, h.wasmBin, runtime.LoadOptions{ID: h.s.ID, ToolConfig: c.Config, Config: c.HostConfig, AllowedHosts: allowed})
	if err != nil {
		t.Fatal(err)
	}
	h.plugins[key] = p
	return p
}

// native is the native build on the production host services, as
// internal/toolchain builds it.
func (h *harness) native(c Case) *pluginhost.Native {
	cfg := []byte("{}")
	if len(c.Config) > 0 {
		b, err := json.Marshal(c.Config)
		if err != nil {
			h.t.Fatal(err)
		}
		cfg = b
	}
	svc := services.New(services.Options{
		PluginID:     h.s.ID,
		ToolConfig:   cfg,
		Config:       c.HostConfig,
		HostEnv:      c.Env,
		Mounts:       h.mounts,
		Rewrite:      h.rewrite,
		AllowedHosts: allowed,
		Logger:       slog.New(slog.DiscardHandler),
		Limits:       h.limits,
	})
	return &pluginhost.Native{PluginID: h.s.ID, Table: h.s.Table, Host: svc, Timeout: runtime.NewConfig().CallTimeout()}
}

// stopWait bounds how long a build may take to notice a cancellation
// before the test reports it as hung (a hang detector, not a timing
// assertion: a build that stops does so in milliseconds).
const stopWait = 30 * time.Second

// checkCancel runs c on both builds against a server that accepts the
// request and never answers, cancels the context once the request has
// arrived, and requires both builds to stop with context.Canceled.
func checkCancel(t *testing.T, s Suite, wasm []byte, c Case) {
	arrived := make(chan struct{}, 16)
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(silent.Close)
	t.Cleanup(func() { close(release) })
	h := newHarness(t, s, wasm, silent.URL)
	in, _ := json.Marshal(c.Input)
	builds := map[string]func(context.Context) error{
		"native": func(ctx context.Context) error { _, err := h.native(c).CallRaw(ctx, c.Fn, in); return err },
		"wasm":   func(ctx context.Context) error { _, err := h.wasm(c).CallRaw(ctx, c.Fn, in); return err },
	}
	for _, build := range []string{"native", "wasm"} {
		h.wasm(c) // load (and compile) outside the cancelled call
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- builds[build](ctx) }()
		select {
		case <-arrived:
		case err := <-done:
			cancel()
			t.Fatalf("%s build of %s/%s returned before reaching the server: %v", build, s.ID, c.Fn, err)
		}
		cancel() // the first and only cancellation
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s build of %s/%s after cancel: %v, want context.Canceled", build, s.ID, c.Fn, err)
			}
		case <-time.After(stopWait):
			t.Fatalf("%s build of %s/%s did not stop after the context was cancelled", build, s.ID, c.Fn)
		}
	}
}

// checkBodyLimit runs c on both builds against a server whose every body is
// one byte over the send_request limit, and requires both builds to fail
// with the same message naming the limit. Both builds take their limits
// from the same services.Limits (the default is 64 MiB for both; the check
// sets 1 MiB to keep the suite fast).
func checkBodyLimit(t *testing.T, s Suite, wasm []byte, c Case) {
	limit := int64(1 << 20)
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for n := int64(0); n < limit; n += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte("!"))
	}))
	t.Cleanup(big.Close)
	h := newHarness(t, s, wasm, big.URL)
	h.limits = services.Limits{MaxBodyBytes: limit}
	in, _ := json.Marshal(c.Input)
	_, nErr := h.native(c).CallRaw(context.Background(), c.Fn, in)
	_, wErr := h.wasm(c).CallRaw(context.Background(), c.Fn, in)
	want := fmt.Sprintf("response body exceeds %d MiB", limit>>20)
	if nErr == nil || wErr == nil {
		t.Fatalf("%s/%s with a body over %d MiB: native %v, wasm %v; want both to fail", s.ID, c.Fn, limit>>20, nErr, wErr)
	}
	if nm, wm := message(nErr), message(wErr); nm != wm || !strings.Contains(nm, want) {
		t.Errorf("%s/%s body limit: messages differ or miss %q:\n native: %s\n wasm:   %s", s.ID, c.Fn, want, nm, wm)
	}
}

// message strips the "plugin ... function ...: " prefix both builds add.
func message(err error) string {
	var ce *runtime.CallError
	if errors.As(err, &ce) {
		return ce.Message
	}
	var ne *pluginhost.CallError
	if errors.As(err, &ne) {
		return ne.Message
	}
	return err.Error()
}
