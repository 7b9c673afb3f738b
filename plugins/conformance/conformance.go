// Package conformance proves that a built-in plugin's native and WASM builds
// answer every contract function identically: it calls both with the same
// inputs, against the same local mirror, and compares the JSON byte for byte.
//
// Both builds are served by the production host: the WASM build through the
// runtime's host functions, the native build by the same services.Services
// type under the same policy (url-rewrites to the mirror, the allow-list,
// the default limits). Beyond the cases, Run checks that both builds stop
// on the first cancellation while a server is silent, that both refuse
// a response body over the same limit with the same message, and, for a
// built-in that runs commands, that both are held to the same command
// timeout and captured-output cap.
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
	"slices"
	"sort"
	"strings"
	"sync"
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
	var netCase, execCase *Case
	var execCmds []string
	for i, c := range s.Cases {
		called[c.Fn] = true
		in, err := json.Marshal(c.Input)
		if err != nil {
			t.Fatal(err)
		}
		before, execBefore := len(srv.Requests()), len(h.execs())
		nOut, nErr := h.native(c).CallRaw(ctx, c.Fn, in)
		fetched := len(srv.Requests()) > before
		if cmds := bareCommands(h.execs()[execBefore:]); len(cmds) > 0 && execCase == nil {
			execCase, execCmds = &s.Cases[i], cmds
		}
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
	if execCase != nil {
		t.Run("exec-limits", func(t *testing.T) { checkExecLimits(t, s, wasm, srv.URL, *execCase, execCmds) })
	}
	if netCase == nil {
		t.Logf("%s: no case reaches the network; cancellation and limits not checked", s.ID)
		return
	}
	t.Run("cancel", func(t *testing.T) { checkCancel(t, s, wasm, *netCase) })
	t.Run("body-limit", func(t *testing.T) { checkBodyLimit(t, s, wasm, *netCase) })
}

// bareCommands returns the distinct commands of calls that are looked up
// on PATH (no slash), in order.
func bareCommands(calls []string) []string {
	var out []string
	for _, c := range calls {
		if !strings.Contains(c, "/") && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
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

	// allowExec grants exec_command and environ is the environment both
	// builds start from (nil: tote's); the exec limit check sets them.
	allowExec bool
	environ   func() []string

	mu    sync.Mutex
	calls []string // every exec_command command either build asked for
}

// execHandler records the command of every exec_command call (granted or
// not) and leaves it to the grant.
func (h *harness) execHandler(_ context.Context, in api.ExecCommandInput) (api.ExecCommandOutput, bool, error) {
	h.mu.Lock()
	h.calls = append(h.calls, in.Command)
	h.mu.Unlock()
	return api.ExecCommandOutput{}, false, nil
}

func (h *harness) execs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
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
			WithHostEnvironment(c.Env).WithMounts(h.mounts).WithRewrite(h.rewrite).WithLimits(h.limits).WithEnviron(h.environ))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rt.Close(ctx) })
		h.runtimes[string(envKey)] = rt
	}
	p, err := rt.LoadBytes(ctx, h.wasmBin, runtime.LoadOptions{ID: h.s.ID, ToolConfig: c.Config, Config: c.HostConfig, AllowedHosts: allowed,
		AllowExec: h.allowExec, ExecHandler: h.execHandler})
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
		AllowExec:    h.allowExec,
		ExecHandler:  h.execHandler,
		Environ:      h.environ,
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

// checkExecLimits runs c, a case whose call runs the commands cmds, on both
// builds with exec granted and every command replaced by a script on the
// PATH both builds start from: one that never ends, under a short command
// timeout, and one that prints 1 MiB, under a small capture cap. Both
// builds must come back with the same answer; a failure of the endless
// command must be the timeout.
func checkExecLimits(t *testing.T, s Suite, wasm []byte, base string, c Case, cmds []string) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("the replacement commands are /bin/sh scripts")
	}
	scripts := map[string]string{
		"endless": "#!/bin/sh\nPATH=/usr/bin:/bin exec sleep 300\n",
		"flood":   "#!/bin/sh\nPATH=/usr/bin:/bin\nhead -c 1048576 /dev/zero | tr '\\0' 9\n",
	}
	limits := map[string]services.Limits{
		"endless": {ExecTimeout: 200 * time.Millisecond},
		"flood":   {MaxCaptureBytes: 64},
	}
	in, _ := json.Marshal(c.Input)
	for _, mode := range []string{"endless", "flood"} {
		bin := t.TempDir()
		for _, cmd := range cmds {
			if err := os.WriteFile(filepath.Join(bin, cmd), []byte(scripts[mode]), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		h := newHarness(t, s, wasm, base)
		h.allowExec, h.limits = true, limits[mode]
		h.environ = func() []string { return []string{"PATH=" + bin, "HOME=" + t.TempDir()} }
		outs := map[string]string{}
		for _, build := range []string{"native", "wasm"} {
			done := make(chan string, 1)
			go func() {
				var out []byte
				var err error
				if build == "native" {
					out, err = h.native(c).CallRaw(context.Background(), c.Fn, in)
				} else {
					out, err = h.wasm(c).CallRaw(context.Background(), c.Fn, in)
				}
				if err != nil {
					done <- "error: " + message(err)
					return
				}
				done <- string(out)
			}()
			select {
			case outs[build] = <-done:
			case <-time.After(stopWait):
				t.Fatalf("%s build of %s/%s with %s %v did not come back: the command limits do not hold", build, s.ID, c.Fn, mode, cmds)
			}
		}
		if outs["native"] != outs["wasm"] {
			t.Errorf("%s/%s with %s %v: builds differ:\n native: %.400s\n wasm:   %.400s", s.ID, c.Fn, mode, cmds, outs["native"], outs["wasm"])
		}
		if n := len(bareCommands(h.execs())); n == 0 {
			t.Errorf("%s/%s with %s: no command was run", s.ID, c.Fn, mode)
		}
		if mode == "endless" && strings.HasPrefix(outs["native"], "error: ") && !strings.Contains(outs["native"], "deadline exceeded") {
			t.Errorf("%s/%s with an endless %v: the error is not the command timeout: %.400s", s.ID, c.Fn, cmds, outs["native"])
		}
		if mode == "flood" && strings.Contains(outs["native"], strings.Repeat("9", 65)) {
			t.Errorf("%s/%s with 1 MiB of output from %v: more than the 64-byte capture cap reached the plugin: %.400s", s.ID, c.Fn, cmds, outs["native"])
		}
		t.Logf("%s/%s with %s %v: %.300s", s.ID, c.Fn, mode, cmds, outs["native"])
	}
}
