package plugintool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	wapi "github.com/tetratelabs/wazero/api"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
)

// Plugin kinds reported by Inspect.
const (
	KindTool      = "tool"
	KindExtension = "extension"
	KindUnknown   = "unknown"
)

// Report is what Inspect finds out about a .wasm file. Its JSON form is the
// stable output of `tote plugin inspect --json`:
//
//	{
//	  "path": "/abs/demo_tool.wasm",    // absolute path of the file
//	  "size": 3145728,                  // bytes
//	  "sha256": "<hex>",                // of the file's bytes
//	  "imports": ["extism:host/env.input_length", ...],  // module.name, file order
//	  "tool_functions": ["register_tool", ...],          // contract order (api.ToolFunctions)
//	  "extension_functions": ["on_enable", ...],         // contract order (api.ExtensionFunctions)
//	  "missing_required": ["locate_executables"],        // of api.RequiredToolFunctions; [] for extensions
//	  "other_exports": ["_initialize", "memory"],        // every other export, sorted
//	  "kind": "tool",                   // "tool" | "extension" | "unknown"
//	  "loads": true,                    // instantiated in tote's runtime (and register_tool succeeded, if exported)
//	  "load_error": "",                 // why not, when loads is false
//	  "register_tool": {"name": ...},   // register_tool's output, when it was called and succeeded
//	  "warnings": ["..."]               // contract problems that do not stop loading
//	}
//
// Arrays are never null. Fields may be added; none will be renamed or
// removed.
type Report struct {
	// Path is the file's absolute path.
	Path string `json:"path"`
	// Size is the file's size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 of the file.
	SHA256 string `json:"sha256"`
	// Imports are the imported functions and memories as "module.name",
	// in file order.
	Imports []string `json:"imports"`
	// ToolFunctions are the exported tool-plugin functions, in the order of
	// api.ToolFunctions.
	ToolFunctions []string `json:"tool_functions"`
	// ExtensionFunctions are the exported extension functions, in the order
	// of api.ExtensionFunctions.
	ExtensionFunctions []string `json:"extension_functions"`
	// MissingRequired are the api.RequiredToolFunctions not exported; empty
	// for an extension.
	MissingRequired []string `json:"missing_required"`
	// OtherExports are all other exports (functions and memories), sorted.
	OtherExports []string `json:"other_exports"`
	// Kind is KindTool, KindExtension or KindUnknown: tool when it exports
	// tool functions only, extension when extension functions only.
	Kind string `json:"kind"`
	// Loads is true when the module instantiated in tote's runtime and
	// register_tool, if exported, succeeded.
	Loads bool `json:"loads"`
	// LoadError says why it did not load.
	LoadError string `json:"load_error,omitempty"`
	// RegisterTool is the output of register_tool, when it was called.
	RegisterTool json.RawMessage `json:"register_tool,omitempty"`
	// Warnings are contract problems that do not stop loading, such as a
	// contract function with the wrong signature.
	Warnings []string `json:"warnings"`
}

// InspectOptions configures Inspect.
type InspectOptions struct {
	// ID is the plugin id used to load the plugin and passed to
	// register_tool. Default: the file name without ".wasm", with "_"
	// replaced by "-".
	ID string
	// Timeout bounds loading and the register_tool call (default 30s).
	Timeout time.Duration
	// SkipLoad reports only what can be read without instantiating.
	SkipLoad bool
	// Logger receives the plugin's host_log messages (default: discarded).
	Logger *slog.Logger
}

// Inspect reads a .wasm file, lists its imports and exports against the
// plugin contract, and tries to load it in tote's runtime, calling
// register_tool when it is exported. A plugin that fails to load is not an
// error: the report says why (Loads, LoadError). Errors are returned only
// when the file cannot be read or is not a WebAssembly module.
func Inspect(ctx context.Context, path string, opts InspectOptions) (*Report, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read plugin: %w", err)
	}
	sum := sha256.Sum256(data)
	r := &Report{
		Path:               abs,
		Size:               int64(len(data)),
		SHA256:             hex.EncodeToString(sum[:]),
		Imports:            []string{},
		ToolFunctions:      []string{},
		ExtensionFunctions: []string{},
		MissingRequired:    []string{},
		OtherExports:       []string{},
		Warnings:           []string{},
	}
	if err := r.readModule(ctx, data); err != nil {
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	if opts.SkipLoad {
		return r, nil
	}
	id := opts.ID
	if id == "" {
		id = DefaultID(abs)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := r.load(lctx, abs, id, opts)
	if err != nil {
		r.LoadError = err.Error()
		return r, nil
	}
	r.Loads = true
	r.RegisterTool = out
	return r, nil
}

// DefaultID derives a plugin id from a .wasm file name: "demo_tool.wasm" →
// "demo-tool".
func DefaultID(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return strings.ToLower(strings.ReplaceAll(base, "_", "-"))
}

// readModule decodes the module without instantiating it, so it works for
// modules whose imports tote does not provide.
func (r *Report) readModule(ctx context.Context, data []byte) error {
	// The interpreter only validates and decodes: much faster than the
	// compiler for a one-off look, and no machine code is generated.
	wr := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer wr.Close(ctx)
	cm, err := wr.CompileModule(ctx, data)
	if err != nil {
		return fmt.Errorf("not a valid WebAssembly module: %w", err)
	}
	defer cm.Close(ctx)

	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		r.Imports = append(r.Imports, mod+"."+name)
	}
	for _, m := range cm.ImportedMemories() {
		mod, name, _ := m.Import()
		r.Imports = append(r.Imports, mod+"."+name)
	}

	funcs := cm.ExportedFunctions()
	contract := map[string]bool{}
	for _, name := range api.ToolFunctions {
		contract[name] = true
		if f, ok := funcs[name]; ok {
			r.ToolFunctions = append(r.ToolFunctions, name)
			r.checkSignature(name, f)
		}
	}
	for _, name := range api.ExtensionFunctions {
		contract[name] = true
		if f, ok := funcs[name]; ok {
			r.ExtensionFunctions = append(r.ExtensionFunctions, name)
			r.checkSignature(name, f)
		}
	}
	for name := range funcs {
		if !contract[name] {
			r.OtherExports = append(r.OtherExports, name)
		}
	}
	for name := range cm.ExportedMemories() {
		r.OtherExports = append(r.OtherExports, name)
	}
	slices.Sort(r.OtherExports)

	switch {
	case len(r.ToolFunctions) > 0 && len(r.ExtensionFunctions) == 0:
		r.Kind = KindTool
	case len(r.ExtensionFunctions) > 0 && len(r.ToolFunctions) == 0:
		r.Kind = KindExtension
	default:
		r.Kind = KindUnknown
	}
	if r.Kind != KindExtension {
		for _, name := range api.RequiredToolFunctions {
			if _, ok := funcs[name]; !ok {
				r.MissingRequired = append(r.MissingRequired, name)
			}
		}
	}
	if len(r.ToolFunctions) > 0 && len(r.ExtensionFunctions) > 0 {
		r.Warnings = append(r.Warnings, "exports both tool functions and extension functions: a plugin is one or the other")
	}
	if _, ok := cm.ExportedMemories()["memory"]; !ok {
		r.Warnings = append(r.Warnings, `exports no "memory": the Extism ABI needs it`)
	}
	return nil
}

// checkSignature warns when a contract function is not `() -> i32`, the
// Extism calling convention.
func (r *Report) checkSignature(name string, f wapi.FunctionDefinition) {
	if len(f.ParamTypes()) == 0 && len(f.ResultTypes()) == 1 && f.ResultTypes()[0] == wapi.ValueTypeI32 {
		return
	}
	r.Warnings = append(r.Warnings, fmt.Sprintf("%s has signature (%s) -> (%s), want () -> (i32)",
		name, valueTypes(f.ParamTypes()), valueTypes(f.ResultTypes())))
}

func valueTypes(ts []wapi.ValueType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = wapi.ValueTypeName(t)
	}
	return strings.Join(names, ", ")
}

// load instantiates the plugin in tote's runtime and calls register_tool if
// it is exported, returning its output.
func (r *Report) load(ctx context.Context, path, id string, opts InspectOptions) (json.RawMessage, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// One register_tool call on a module that is usually a fresh build:
	// the interpreter answers it in a fifth of the time a compile takes,
	// and leaves nothing in a cache (runtime.Config.WithInterpreter).
	cfg := runtime.NewConfig().WithLogger(logger).WithOutput(io.Discard, io.Discard).WithInterpreter(true)
	rt, err := runtime.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("start runtime: %w", err)
	}
	defer rt.Close(ctx)
	p, err := rt.Load(ctx, path, runtime.LoadOptions{ID: id})
	if err != nil {
		return nil, err
	}
	defer p.Close(ctx)
	if !p.HasFunction(api.FuncRegisterTool) {
		return nil, nil
	}
	var out json.RawMessage
	if err := p.Call(ctx, api.FuncRegisterTool, api.RegisterToolInput{ID: id}, &out); err != nil {
		return nil, err
	}
	var reg api.RegisterToolOutput
	if err := json.Unmarshal(out, &reg); err != nil {
		return nil, fmt.Errorf("plugin %s: %s returned invalid JSON: %w", id, api.FuncRegisterTool, err)
	}
	if reg.Name == "" {
		return nil, errors.New("plugin " + id + ": " + api.FuncRegisterTool + ` returned no "name"`)
	}
	return out, nil
}
