// Package runtime is tote's WebAssembly plugin host. It loads tool and
// extension plugins built for the Extism ABI (proto's tool-plugin
// contract), compiles each module once per process (and once per machine
// with the on-disk cache), keeps one warm instance per plugin, provides the
// host functions of package api under the plugins' capabilities, and
// contains faults: a trap, a runaway loop or recursion (every module is
// metered: it counts its function calls and loop iterations and asks the
// host for more at every million, which is where a time limit or Ctrl-C
// ends the call) or a memory bomb fails the call with a *CallError and the
// next call gets a fresh instance.
//
// A plugin sees only its mounts (LoadOptions.Mounts, Config.WithMounts),
// through a file system where every operation resolves beneath the mount's
// directory (os.Root): no link, rename race or ".." leads out. Mounts are
// read-only except LoadOptions.Writable (by default the plugin's own
// temporary directory) and, for one call, WithWritable. Network access
// (send_request, download_file and Extism's own http_request) is checked
// against LoadOptions.AllowedHosts on every redirect hop.
//
// A Runtime owns everything it creates: Runtime.Close closes every plugin
// and the compilation cache.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"sync"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/host/vpath"
	"github.com/tote-dev/tote/internal/readlimit"
)

// Runtime loads plugins. It is safe for concurrent use.
type Runtime struct {
	cfg   Config
	cache wazero.CompilationCache

	mu      sync.Mutex
	plugins map[*Plugin]struct{}
	closed  bool
}

// New returns a Runtime configured by cfg. With a cache directory, the
// directory is created if needed and compiled code is shared through it
// with other processes; without one, compiled code is shared in memory by
// the plugins of this Runtime only.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	cfg = cfg.resolved(ctx)
	var cache wazero.CompilationCache
	if cfg.cacheDir != "" {
		if err := os.MkdirAll(cfg.cacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("create wasm cache directory: %w", err)
		}
		c, err := wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("open wasm cache %s: %w", cfg.cacheDir, err)
		}
		cache = c
	} else {
		cache = wazero.NewCompilationCache()
	}
	return &Runtime{cfg: cfg, cache: cache, plugins: map[*Plugin]struct{}{}}, nil
}

// Close closes every plugin loaded by r and the compilation cache. It is
// safe to call more than once.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	plugins := make([]*Plugin, 0, len(r.plugins))
	for p := range r.plugins {
		plugins = append(plugins, p)
	}
	r.mu.Unlock()
	var errs []error
	for _, p := range plugins {
		errs = append(errs, p.Close(ctx))
	}
	errs = append(errs, r.cache.Close(ctx))
	return errors.Join(errs...)
}

// LoadOptions describe one plugin and what it may do.
type LoadOptions struct {
	// ID is the plugin id, used in every error message. Required.
	ID string
	// ToolID is the proto_tool_id config value; defaults to ID.
	ToolID string
	// ToolConfig is the [tools.<id>] table minus aliases, env and plugin,
	// injected as the proto_tool_config JSON. nil injects {}.
	ToolConfig map[string]any
	// Config are extra Extism config keys. The injected keys (plugin_id,
	// host_environment, virtual_paths, proto_tool_id, proto_tool_config)
	// win over entries of the same name.
	Config map[string]string
	// AllowedHosts are the host names reachable through send_request,
	// download_file and Extism's own http_request, checked on the URL
	// after url-rewrites and on every redirect. "*" allows any host,
	// "*.example.com" any subdomain. nil or empty allows none.
	AllowedHosts []string
	// AllowExec grants exec_command.
	AllowExec bool
	// AllowEnvRead grants get_env_var; nil means true (tool plugins read
	// the environment, as in proto). Point at false to deny it.
	AllowEnvRead *bool
	// AllowEnvWrite grants set_env_var. Variables set by a plugin live in
	// its own overlay (see Plugin.EnvOverlay), never in tote's process.
	AllowEnvWrite bool
	// Mounts overrides the Config mounts (an extension mounts its data
	// directory at "/").
	Mounts *vpath.Mounts
	// Writable are host directories inside the mounts beneath which the
	// plugin may write in every call; the rest of its mounts is read-only.
	// nil means the plugin's own temporary directory, <the /temp mount>/<ID>
	// (created when missing), if there is a /temp mount; an empty non-nil
	// slice means nothing. Calls may add directories with WithWritable.
	Writable []string
	// MemoryLimit overrides the Config memory limit, in bytes; 0 = default.
	MemoryLimit uint64
	// CallTimeout overrides the Config call timeout; 0 = default.
	CallTimeout time.Duration
	// HostFunctions are extra host functions, such as the extension
	// system's subscribe and register_command.
	HostFunctions []extism.HostFunction
	// SoftDeny makes a denied host function call return to the guest
	// instead of failing the whole plugin call: a function with a result
	// (exec_command, send_request, download_file, get_env_var) returns the
	// JSON document {"error":"permission-denied: ..."}, and set_env_var
	// returns without effect. The instance keeps running. Extensions use
	// it; tool plugins keep the default (the call fails with
	// KindPermissionDenied).
	SoftDeny bool
	// OnDenied, when set, is called with the function name and the message
	// of every denied host function call, soft or not (for example to log
	// it, rate-limited).
	OnDenied func(function, message string)
	// ExecHandler, when set, sees every exec_command call first. It may
	// serve the command inside the host (handled true, such as git
	// ls-remote) or answer for a command that is not granted (a non-zero
	// exit code naming the grant); when it returns handled false the
	// command runs under AllowExec as usual.
	ExecHandler func(ctx context.Context, in api.ExecCommandInput) (out api.ExecCommandOutput, handled bool, err error)
	// PathsShape forces the shape of the virtual_paths config key; ""
	// detects the plugin's PDK (see PathsShape).
	PathsShape PathsShape
}

// MaxWasmFile bounds a .wasm file Load reads: a path naming /dev/zero or a
// huge file is refused, never read whole.
const MaxWasmFile = 128 << 20

// Load reads a .wasm file and loads it; see LoadBytes.
func (r *Runtime) Load(ctx context.Context, wasmPath string, opts LoadOptions) (*Plugin, error) {
	b, err := readlimit.File(wasmPath, MaxWasmFile, "plugin file")
	if err != nil {
		return nil, &CallError{PluginID: opts.ID, Kind: KindLoad, Message: fmt.Sprintf("read %s: %v", wasmPath, err), Err: err}
	}
	p, err := r.LoadBytes(ctx, b, opts)
	if err != nil {
		var ce *CallError
		if errors.As(err, &ce) {
			ce.Message = wasmPath + ": " + ce.Message
		}
		return nil, err
	}
	return p, nil
}

// LoadBytes compiles a WebAssembly module (or finds it in the compilation
// cache), creates its first instance and returns the plugin. Errors are
// *CallError of kind KindLoad, naming the plugin; an import the host does
// not provide is reported here, not at the first call.
func (r *Runtime) LoadBytes(ctx context.Context, wasm []byte, opts LoadOptions) (*Plugin, error) {
	loadErr := func(format string, args ...any) error {
		err := fmt.Errorf(format, args...)
		return &CallError{PluginID: opts.ID, Kind: KindLoad, Message: err.Error(), Err: errors.Unwrap(err)}
	}
	if opts.ID == "" {
		return nil, loadErr("load plugin: empty plugin id")
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, loadErr("load plugin: runtime is closed")
	}
	imports, exports, sections, err := moduleSections(wasm)
	if err != nil {
		return nil, loadErr("parse module: %w", err)
	}
	shape, evidence := opts.PathsShape, "set by the host"
	if shape == "" {
		shape, evidence = pdkOf(wasm, imports, sections)
	}
	p, err := newPlugin(r, opts, imports, exports, shape)
	if err != nil {
		return nil, loadErr("%w", err)
	}
	pages := memoryPages(p.memoryLimit)
	compiled, err := compilePrepared(r, wasm, func(code []byte, metered bool) (_ *extism.CompiledPlugin, err error) {
		defer recoverCompile(&err)
		manifest := extism.Manifest{
			Wasm:   []extism.Wasm{extism.WasmData{Data: code, Name: "main"}},
			Config: p.configKeys,
			Memory: &extism.ManifestMemory{MaxPages: pages, MaxHttpResponseBytes: maxHTTPResponse(r.cfg.limits), MaxVarBytes: 1 << 20},
		}
		funcs := append(append(append(p.hostFunctions(), p.extismHTTPFunctions()...), p.kernelFunctions()...), opts.HostFunctions...)
		if metered {
			funcs = append(funcs, refillFunction())
		}
		return extism.NewCompiledPlugin(r.compileContext(ctx), manifest, extism.PluginConfig{RuntimeConfig: r.wazeroConfig(pages, metered), EnableWasi: true}, funcs)
	})
	if err != nil {
		return nil, loadErr("%w", err)
	}
	p.compiled = compiled
	if err := p.ensureInstance(ctx); err != nil {
		_ = compiled.Close(ctx)
		return nil, loadErr("instantiate: %w", err)
	}
	p.logger.Debug("plugin loaded", "virtual_paths", shape, "because", evidence)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		_ = p.Close(ctx)
		return nil, loadErr("load plugin: runtime is closed")
	}
	r.plugins[p] = struct{}{}
	return p, nil
}

// Compile compiles a module into the Runtime's compilation cache without
// running it, so that a later Load of the same bytes finds its code
// compiled — in this process, or in any other that shares the cache
// directory. tote compiles the plugins a project names while it installs,
// so that the first command to use one does not wait for the compiler.
// Without a cache directory nothing outlives the call: Compile then only
// checks that the module compiles.
func (r *Runtime) Compile(ctx context.Context, wasm []byte) error {
	pages := memoryPages(r.cfg.memoryLimit)
	_, err := compilePrepared(r, wasm, func(code []byte, metered bool) (_ struct{}, err error) {
		defer recoverCompile(&err)
		rt := wazero.NewRuntimeWithConfig(ctx, r.wazeroConfig(pages, metered))
		defer rt.Close(ctx)
		_, err = rt.CompileModule(r.compileContext(ctx), code)
		return struct{}{}, err
	})
	return err
}

// memoryPages is a memory limit in WebAssembly pages of 64 KiB, at least one.
func memoryPages(limit uint64) uint32 {
	return max(uint32(limit/65536), 1)
}

// recoverCompile turns a panic of wazero while it validates or compiles a
// module into an error: a malformed module from the FuzzMeter corpus
// (88056109fb556c5b, a function whose type index is out of range) makes
// wazero 1.12's validator index out of range. A plugin is untrusted input;
// it may fail to load, never crash tote.
func recoverCompile(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("the WebAssembly engine failed on this module: %v", v)
	}
}

// wazeroConfig is the engine configuration of every plugin: the shared
// compilation cache, the memory limit in pages, and for a module that is
// not metered, wazero's own check of the call's context at every loop
// (time limits and Ctrl-C stop a runaway guest either way). Load and
// Compile must agree on it: compiled code is cached by the module's bytes
// alone.
func (r *Runtime) wazeroConfig(pages uint32, metered bool) wazero.RuntimeConfig {
	base := wazero.NewRuntimeConfig()
	if r.cfg.interpreter {
		base = wazero.NewRuntimeConfigInterpreter()
	}
	return base.
		WithCompilationCache(r.cache).
		WithCloseOnContextDone(!metered).
		WithMemoryLimitPages(pages)
}

// compileContext lets wazero compile a module that is not in the cache
// with as many goroutines as Go may run at once (BenchmarkCompileWorkers);
// a cached module is only read back.
func (r *Runtime) compileContext(ctx context.Context) context.Context {
	workers := r.cfg.compileWorkers
	if workers == 0 {
		workers = goruntime.GOMAXPROCS(0)
	}
	return experimental.WithCompilationWorkers(ctx, workers)
}

func (r *Runtime) forget(p *Plugin) {
	r.mu.Lock()
	delete(r.plugins, p)
	r.mu.Unlock()
}

// maxHTTPResponse is the body limit of Extism's own http_request: the same
// as send_request's.
func maxHTTPResponse(l services.Limits) int64 {
	if l.MaxBodyBytes > 0 {
		return l.MaxBodyBytes
	}
	return services.DefaultLimits.MaxBodyBytes
}
