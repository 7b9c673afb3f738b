package extension

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	extism "github.com/extism/go-sdk"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/runtime"
	"github.com/tote-dev/tote/host/vpath"
)

// wasmPlugin adapts a loaded WebAssembly extension to Plugin. The host
// functions subscribe, register_command and list_tools are bound to it; the
// first two forward to the Registrar of the Enable call in progress.
type wasmPlugin struct {
	id        string
	p         *runtime.Plugin
	grants    Grants
	listTools func() (map[string][]string, error)
	denied    func(function, message string)

	mu  sync.Mutex // guards reg
	reg Registrar
}

var _ Plugin = (*wasmPlugin)(nil)

// wasmSpec is what loadWASM needs to know about one extension.
type wasmSpec struct {
	id          string
	path        string
	dataDir     string // "" when data-dir is not granted
	grants      Grants
	limits      limits
	listTools   func() (map[string][]string, error)
	denied      func(function, message string)
	extraConfig map[string]string
}

// loadWASM loads an extension file under its capabilities. The plugin must
// export metadata; it sees its data directory at "/" and nothing else.
func loadWASM(ctx context.Context, rt *runtime.Runtime, s wasmSpec) (*wasmPlugin, error) {
	w := &wasmPlugin{id: s.id, grants: s.grants, listTools: s.listTools, denied: s.denied}
	mounts := vpath.Mounts{}
	writable := []string{}
	if s.dataDir != "" {
		mounts = mounts.With("/", s.dataDir)
		writable = append(writable, s.dataDir)
	}
	envRead := s.grants.Has(api.CapEnvRead)
	p, err := rt.Load(ctx, s.path, runtime.LoadOptions{
		ID:            s.id,
		Config:        s.extraConfig,
		AllowedHosts:  s.grants.Hosts,
		AllowExec:     s.grants.Has(api.CapExec),
		AllowEnvRead:  &envRead,
		AllowEnvWrite: s.grants.Has(api.CapEnvWrite),
		Mounts:        &mounts,
		Writable:      writable,
		MemoryLimit:   s.limits.memory,
		CallTimeout:   s.limits.timeout,
		HostFunctions: w.hostFunctions(),
		SoftDeny:      true,
		OnDenied:      s.denied,
	})
	if err != nil {
		return nil, err
	}
	if !p.HasFunction(api.FuncMetadata) {
		p.Close(ctx)
		what := "it does not export metadata"
		if p.HasFunction(api.FuncRegisterTool) {
			what += " (it looks like a tool plugin: install it with [plugins] instead)"
		}
		return nil, fmt.Errorf("%s is not an extension plugin: %s", s.path, what)
	}
	w.p = p
	return w, nil
}

// Metadata calls metadata.
func (w *wasmPlugin) Metadata(ctx context.Context) (api.ExtensionMetadata, error) {
	var md api.ExtensionMetadata
	err := w.p.Call(ctx, api.FuncMetadata, nil, &md)
	return md, err
}

// Enable calls on_enable with reg receiving the plugin's host calls. A
// plugin without on_enable subscribes to nothing.
func (w *wasmPlugin) Enable(ctx context.Context, in api.EnableInput, reg Registrar) error {
	if !w.p.HasFunction(api.FuncOnEnable) {
		return nil
	}
	w.mu.Lock()
	w.reg = reg
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.reg = nil
		w.mu.Unlock()
	}()
	return w.p.Call(ctx, api.FuncOnEnable, in, nil)
}

// HandleEvent calls handle_event; empty output leaves the result unchanged.
func (w *wasmPlugin) HandleEvent(ctx context.Context, env api.EventEnvelope) (api.EventReply, error) {
	var reply api.EventReply
	err := w.callOptional(ctx, api.FuncHandleEvent, env, &reply)
	return reply, err
}

// HandleCommand calls handle_command.
func (w *wasmPlugin) HandleCommand(ctx context.Context, inv api.CommandInvocation) (api.CommandReply, error) {
	var reply api.CommandReply
	err := w.callOptional(ctx, api.FuncHandleCommand, inv, &reply)
	return reply, err
}

// Disable calls on_disable when the plugin exports it.
func (w *wasmPlugin) Disable(ctx context.Context, reason string) error {
	if !w.p.HasFunction(api.FuncOnDisable) {
		return nil
	}
	return w.p.Call(ctx, api.FuncOnDisable, api.DisableInput{Reason: reason}, nil)
}

// close releases the instance and compiled module.
func (w *wasmPlugin) close(ctx context.Context) error { return w.p.Close(ctx) }

// callOptional calls fn; an empty output decodes as the zero value.
func (w *wasmPlugin) callOptional(ctx context.Context, fn string, in, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("plugin %q function %s: encode input: %w", w.id, fn, err)
	}
	raw, err := w.p.CallRaw(ctx, fn, data)
	if err != nil {
		return err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &runtime.CallError{PluginID: w.id, Function: fn, Kind: runtime.KindBadOutput,
			Message: fmt.Sprintf("decode output into %T: %v", out, err), Err: err}
	}
	return nil
}

// hostFunctions returns subscribe, register_command and list_tools bound
// to w. Each takes and returns one JSON document; a failure, including a
// missing capability, returns {"error": "..."} to the guest, which keeps
// running.
func (w *wasmPlugin) hostFunctions() []extism.HostFunction {
	return []extism.HostFunction{
		w.define(api.HostSubscribe, api.CapEventBus, func(raw []byte) (any, error) {
			var in api.SubscribeInput
			if err := json.Unmarshal(raw, &in); err != nil {
				return nil, fmt.Errorf("decode input as SubscribeInput: %w", err)
			}
			reg, err := w.registrar()
			if err != nil {
				return nil, err
			}
			return reg.Subscribe(in)
		}),
		w.define(api.HostRegisterCommand, api.CapCommand, func(raw []byte) (any, error) {
			var in api.CommandSpec
			if err := json.Unmarshal(raw, &in); err != nil {
				return nil, fmt.Errorf("decode input as CommandSpec: %w", err)
			}
			reg, err := w.registrar()
			if err != nil {
				return nil, err
			}
			return reg.RegisterCommand(in)
		}),
		w.define(api.HostListTools, api.CapToolsRead, func([]byte) (any, error) {
			if w.listTools == nil {
				return api.ListToolsOutput{Tools: map[string][]string{}}, nil
			}
			tools, err := w.listTools()
			if err != nil {
				return nil, err
			}
			if tools == nil {
				tools = map[string][]string{}
			}
			return api.ListToolsOutput{Tools: tools}, nil
		}),
	}
}

func (w *wasmPlugin) registrar() (Registrar, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reg == nil {
		return nil, errors.New("only allowed during on_enable")
	}
	return w.reg, nil
}

// hostErrorReply is what a failed extension host call returns to the guest.
type hostErrorReply struct {
	Error string `json:"error"`
}

func (w *wasmPlugin) define(name string, need api.Capability, fn func([]byte) (any, error)) extism.HostFunction {
	return extism.NewHostFunctionWithStack(name, func(ctx context.Context, cp *extism.CurrentPlugin, stack []uint64) {
		var out any
		var err error
		if !w.grants.Has(need) {
			err = fmt.Errorf("%s: %s: extension %q was not granted the %s capability", api.PermissionDenied, name, w.id, need)
			if w.denied != nil {
				w.denied(name, err.Error())
			}
		} else {
			var raw []byte
			if stack[0] != 0 {
				raw, err = cp.ReadBytes(stack[0])
			}
			if err == nil {
				if len(bytes.TrimSpace(raw)) == 0 {
					raw = []byte("{}")
				}
				out, err = fn(raw)
			}
		}
		if err != nil {
			out = hostErrorReply{Error: fmt.Sprintf("%s: %v", name, err)}
			if errors.Is(err, errPermission) || bytes.HasPrefix([]byte(err.Error()), []byte(api.PermissionDenied)) {
				out = hostErrorReply{Error: err.Error()}
			}
		}
		b, merr := json.Marshal(out)
		if merr != nil {
			b = []byte(`{"error":"encode output"}`)
		}
		off, werr := cp.WriteBytes(b)
		if werr != nil {
			panic(fmt.Errorf("%s: write output to plugin memory: %w", name, werr))
		}
		stack[0] = off
	}, []extism.ValueType{extism.ValueTypePTR}, []extism.ValueType{extism.ValueTypePTR})
}

// errPermission marks registrar errors that are capability denials.
var errPermission = errors.New(api.PermissionDenied)
