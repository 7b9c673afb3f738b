package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plaintext"
	"github.com/tote-dev/tote/host/services"
	"github.com/tote-dev/tote/host/vpath"
)

// Bounds on what the host accepts from a plugin.
const (
	maxOutputBytes    = 64 << 20 // output of one call
	maxHostInputBytes = 16 << 20 // the input of one host function call
	maxLogsPerCall    = 1000     // host_log messages per plugin call
	guestOutputKept   = 16 << 10 // guest WASI stdout/stderr kept per call for diagnostics
)

// Plugin is a loaded plugin with one warm instance. Calls are serialised;
// Plugin is safe for concurrent use.
type Plugin struct {
	rt          *Runtime
	id          string
	toolID      string
	logger      *slog.Logger
	mounts      vpath.Mounts
	writable    []string // always writable host directories
	memoryLimit uint64
	timeout     time.Duration
	pathsShape  PathsShape
	softDeny    bool
	onDenied    func(function, message string)
	svc         *services.Services // serves every host function but host_log's per-call count
	configKeys  map[string]string
	imports     []string
	exports     []string
	exportSet   map[string]bool
	compiled    *extism.CompiledPlugin

	mu       sync.Mutex // serialises calls and guards the fields below
	inst     *extism.Plugin
	sandbox  *sandbox    // the instance's file system
	output   *tailBuffer // the instance's WASI stdout and stderr
	logCount int         // host_log messages in the current call
	closed   bool

	// The last response of Extism's http_request (see extismHTTPModule);
	// host functions run inside a call, under mu.
	httpStatus  int32
	httpHeaders map[string]string
	// The exports of the instance's Extism kernel (see extismKernelModule).
	kernel kernel
}

func newPlugin(r *Runtime, opts LoadOptions, imports, exports []string, shape PathsShape) (*Plugin, error) {
	cfg := r.cfg
	p := &Plugin{
		rt:          r,
		id:          opts.ID,
		toolID:      opts.ToolID,
		logger:      cfg.logger.With("plugin", opts.ID),
		mounts:      cfg.mounts,
		memoryLimit: cfg.memoryLimit,
		timeout:     cfg.callTimeout,
		pathsShape:  shape,
		softDeny:    opts.SoftDeny,
		onDenied:    opts.OnDenied,
		imports:     imports,
		exports:     exports,
		exportSet:   map[string]bool{},
		output:      &tailBuffer{max: guestOutputKept},
	}
	if p.toolID == "" {
		p.toolID = p.id
	}
	if opts.Mounts != nil {
		p.mounts = append(vpath.Mounts(nil), (*opts.Mounts)...)
	}
	p.writable = opts.Writable
	if p.writable == nil {
		if temp, ok := p.mounts.Map()[api.VirtualTemp]; ok && safeComponent(p.id) {
			p.writable = []string{filepath.Join(temp, p.id)}
		}
	}
	if opts.MemoryLimit > 0 {
		p.memoryLimit = opts.MemoryLimit
	}
	if opts.CallTimeout > 0 {
		p.timeout = opts.CallTimeout
	}
	for _, e := range exports {
		p.exportSet[e] = true
	}

	p.svc = services.New(services.Options{
		PluginID:      p.id,
		ToolID:        p.toolID,
		HostEnv:       *cfg.hostEnv,
		Mounts:        p.mounts,
		HTTPClient:    cfg.httpClient,
		Rewrite:       cfg.rewrite,
		AllowedHosts:  opts.AllowedHosts,
		AllowExec:     opts.AllowExec,
		ExecHandler:   opts.ExecHandler,
		AllowEnvRead:  opts.AllowEnvRead,
		AllowEnvWrite: opts.AllowEnvWrite,
		Logger:        cfg.logger,
		Stdout:        cfg.stdout,
		Stderr:        cfg.stderr,
		Limits:        cfg.limits,
		Files:         sandboxFiles{p},
		Environ:       cfg.environ,
	})
	hostEnv := p.svc.Env() // home_dir carries the /userhome mount
	envJSON, err := json.Marshal(hostEnv)
	if err != nil {
		return nil, fmt.Errorf("encode host environment: %w", err)
	}
	pathsJSON, err := virtualPathsJSON(p.mounts, shape)
	if err != nil {
		return nil, fmt.Errorf("encode virtual paths: %w", err)
	}
	toolCfg := opts.ToolConfig
	if toolCfg == nil {
		toolCfg = map[string]any{}
	}
	toolJSON, err := json.Marshal(toolCfg)
	if err != nil {
		return nil, fmt.Errorf("encode tool config for %q: %w", p.toolID, err)
	}
	p.configKeys = maps.Clone(opts.Config)
	if p.configKeys == nil {
		p.configKeys = map[string]string{}
	}
	p.configKeys[api.ConfigPluginID] = p.id
	p.configKeys[api.ConfigHostEnvironment] = string(envJSON)
	p.configKeys[api.ConfigVirtualPaths] = string(pathsJSON)
	p.configKeys[api.ConfigToolID] = p.toolID
	p.configKeys[api.ConfigToolConfig] = string(toolJSON)
	return p, nil
}

// ID returns the plugin id.
func (p *Plugin) ID() string { return p.id }

// HasFunction reports whether the plugin exports the function name.
func (p *Plugin) HasFunction(name string) bool { return p.exportSet[name] }

// PathsShape returns the shape of virtual_paths the plugin was given.
func (p *Plugin) PathsShape() PathsShape { return p.pathsShape }

// Exports returns the names of the exported functions, sorted.
func (p *Plugin) Exports() []string { return append([]string(nil), p.exports...) }

// Imports returns the imported functions as "module.name", sorted.
func (p *Plugin) Imports() []string { return append([]string(nil), p.imports...) }

// Mounts returns the plugin's virtual mounts.
func (p *Plugin) Mounts() vpath.Mounts { return append(vpath.Mounts(nil), p.mounts...) }

// EnvOverlay returns the variables the plugin set with set_env_var. They
// apply to the plugin's own view (get_env_var), to the commands it runs,
// and are meant for the tool's child processes; tote's environment is
// never changed.
func (p *Plugin) EnvOverlay() map[string]string { return p.svc.EnvOverlay() }

// Services returns the host services of the plugin: what its host
// functions call, under its policy.
func (p *Plugin) Services() *services.Services { return p.svc }

// Close releases the plugin. Later calls fail.
func (p *Plugin) Close(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.discardInstance(ctx)
	p.rt.forget(p)
	if err := p.compiled.Close(ctx); err != nil {
		return fmt.Errorf("close plugin %q: %w", p.id, err)
	}
	return nil
}

// ensureInstance creates the warm instance if there is none. p.mu must be
// held (or p not yet shared).
func (p *Plugin) ensureInstance(ctx context.Context) error {
	if p.inst != nil {
		return nil
	}
	p.output.Reset()
	sb := newSandbox(p.mounts, p.writable)
	mc := wazero.NewModuleConfig().
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep().
		WithRandSource(rand.Reader).
		WithStdout(p.output).
		WithStderr(p.output).
		WithFSConfig(sb.config())
	inst, err := p.compiled.Instance(withLinearMemory(ctx), extism.PluginInstanceConfig{ModuleConfig: mc})
	if err != nil {
		sb.close()
		return err
	}
	inst.SetLogger(func(level extism.LogLevel, msg string) {
		p.logger.Debug(msg, "extism_level", level.String())
	})
	p.inst, p.sandbox = inst, sb
	return nil
}

func (p *Plugin) discardInstance(ctx context.Context) {
	if p.inst == nil {
		return
	}
	if err := p.inst.Close(context.WithoutCancel(ctx)); err != nil {
		p.logger.Debug("close plugin instance", "error", err)
	}
	p.sandbox.close()
	p.inst, p.sandbox = nil, nil
	p.kernel = kernel{} // the closed instance's kernel, memory freed
}

// safeComponent reports whether s can name one directory: not empty, not
// "." or "..", no separator or control character.
func safeComponent(s string) bool {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Call calls fn with in encoded as JSON (nil sends an empty input) and
// decodes the output into out (nil ignores it). Output that is empty, not
// JSON, or not decodable into out is a *CallError of kind KindBadOutput.
func (p *Plugin) Call(ctx context.Context, fn string, in, out any) error {
	var data []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("plugin %q function %s: encode input: %w", p.id, fn, err)
		}
		data = b
	}
	raw, err := p.CallRaw(ctx, fn, data)
	if err != nil || out == nil {
		return err
	}
	bad := func(msg string, err error) error {
		return &CallError{PluginID: p.id, Function: fn, Kind: KindBadOutput,
			Message: fmt.Sprintf("%s (output: %s)", msg, snippet(raw)), Err: err}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return bad("empty output, want a JSON document", nil)
	}
	// Unmarshal checks the whole document before it decodes (one scan
	// more with json.Valid first).
	if err := json.Unmarshal(raw, out); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return bad("output is not valid JSON", nil)
		}
		return bad(fmt.Sprintf("decode output into %T: %v", out, err), err)
	}
	return nil
}

func snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return fmt.Sprintf("%q…", b[:n])
	}
	return fmt.Sprintf("%q", b)
}

// CallRaw calls fn with raw input bytes and returns its raw output. Every
// error is a *CallError. A trap, timeout, out-of-memory or failed host
// function discards the instance; the next call gets a fresh one.
func (p *Plugin) CallRaw(ctx context.Context, fn string, in []byte) ([]byte, error) {
	if !p.exportSet[fn] {
		return nil, &CallError{PluginID: p.id, Function: fn, Kind: KindMissingFunction,
			Message: "the plugin does not export this function"}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, &CallError{PluginID: p.id, Function: fn, Kind: KindLoad, Message: "plugin is closed"}
	}
	if err := ctx.Err(); err != nil {
		return nil, &CallError{PluginID: p.id, Function: fn, Kind: KindTimeout, Message: "not called: " + err.Error(), Err: err}
	}
	if err := p.ensureInstance(ctx); err != nil {
		return nil, &CallError{PluginID: p.id, Function: fn, Kind: KindLoad, Message: "instantiate: " + err.Error(), Err: err}
	}
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	p.logCount = 0
	p.output.Reset()
	sb := p.sandbox
	sb.beginCall(writableFrom(ctx))
	defer sb.endCall()
	if in == nil {
		in = []byte{}
	}
	rc, out, err := p.inst.CallWithContext(callCtx, fn, in)
	if err == nil && rc == 0 {
		if len(out) > maxOutputBytes {
			return nil, &CallError{PluginID: p.id, Function: fn, Kind: KindBadOutput,
				Message: fmt.Sprintf("output of %d bytes exceeds the %d MiB limit", len(out), maxOutputBytes>>20)}
		}
		return out, nil
	}
	return nil, p.classify(ctx, callCtx, fn, rc, err)
}

// classify turns a failed call into a *CallError and discards the instance
// unless the plugin reported the error itself.
func (p *Plugin) classify(ctx, callCtx context.Context, fn string, rc uint32, err error) *CallError {
	ce := &CallError{PluginID: p.id, Function: fn, Err: err}
	discard := true
	var he *hostError
	var exitErr *sys.ExitError
	switch {
	case callCtx.Err() != nil:
		ce.Kind = KindTimeout
		if ctx.Err() != nil {
			ce.Message = "cancelled: " + ctx.Err().Error()
			ce.Err = errors.Join(ctx.Err(), err)
		} else {
			ce.Message = fmt.Sprintf("timed out after %s", p.timeout)
			ce.Err = errors.Join(context.DeadlineExceeded, err)
		}
	case errors.As(err, &he):
		ce.Kind = KindHost
		if he.denied {
			ce.Kind = KindPermissionDenied
		}
		ce.Message = he.Error()
		ce.Err = he
	case err == nil:
		ce.Kind = KindPluginError
		ce.Message = fmt.Sprintf("returned error code %d without a message", rc)
		discard = false
	case !errors.As(err, &exitErr) && p.inst.GetErrorWithContext(context.WithoutCancel(ctx)) == err.Error():
		ce.Kind = KindPluginError
		// The plugin's own words reach the user: capped, control
		// characters escaped (a 50 MiB message of escape sequences is an
		// attack, not a diagnosis).
		ce.Message = plaintext.Text(err.Error(), 0)
		discard = false
	default:
		diag := guestDiagnostic(p.output.String())
		first, _, _ := strings.Cut(err.Error(), "\n")
		if isOutOfMemory(first, diag) {
			ce.Kind = KindOutOfMemory
			ce.Message = fmt.Sprintf("out of memory (limit %d MiB)", p.memoryLimit>>20)
		} else {
			ce.Kind = KindTrap
			ce.Message = "trap"
		}
		if diag != "" {
			ce.Message += ": " + plaintext.Text(diag, 0)
		} else {
			ce.Message += ": " + plaintext.Text(first, 0)
		}
	}
	if discard {
		p.discardInstance(ctx)
	}
	return ce
}

func isOutOfMemory(errText, diag string) bool {
	for _, s := range []string{errText, diag} {
		if strings.Contains(s, "out of memory") || strings.Contains(s, "memory allocation of") {
			return true
		}
	}
	return false
}

// tailBuffer keeps the first max bytes written to it since the last Reset:
// the runtime resets it before each call, so a crash report ("panic: ...")
// printed by the guest is kept even when a long stack trace follows.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - len(t.buf); room > 0 {
		t.buf = append(t.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

func (t *tailBuffer) Reset() {
	t.mu.Lock()
	t.buf = t.buf[:0]
	t.mu.Unlock()
}
