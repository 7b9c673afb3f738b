package runtime

import (
	"context"
	"errors"
	"fmt"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero/api"
)

// The Extism kernel is a small WebAssembly module instantiated beside every
// plugin; it holds the memory blocks that carry inputs and outputs. A guest
// reaches it through extism:host/env (alloc, length, output_set, …), and
// Extism's go-sdk bridges each such call by looking the kernel's export up
// by name — which in wazero's compiler builds a new call engine with a
// 10 KiB stack every time: 14 of them for one register_tool call of a Go
// plugin, and one per block for host functions that read or write memory
// blocks (BenchmarkCallJSON; 270 KB allocated per call). tote serves the
// bridge itself: LoadBytes renames a plugin's imports of these functions to
// extismKernelModule, whose functions below call the same kernel exports,
// looked up once per instance. Same names, signatures and behaviour.
const extismKernelModule = "tote:extism-kernel"

// kernelFunc indexes kernelFuncs.
type kernelFunc int

const (
	kernelAlloc kernelFunc = iota
	kernelFree
	kernelLength
	kernelLengthUnsafe
	kernelLoadU8
	kernelInputLoadU8
	kernelStoreU8
	kernelInputSet
	kernelOutputSet
	kernelInputLength
	kernelInputOffset
	kernelOutputLength
	kernelOutputOffset
	kernelReset
	kernelErrorSet
	kernelErrorGet
	kernelMemoryBytes
	numKernelFuncs
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// kernelFuncs are the kernel exports Extism bridges from extism:host/env
// (its go-sdk's instantiateEnvModule), with their signatures. store_u64,
// load_u64 and input_load_u64 are not among them: Extism serves those in
// Go, without the kernel.
var kernelFuncs = [numKernelFuncs]struct {
	name            string
	params, results []api.ValueType
}{
	kernelAlloc:        {"alloc", []api.ValueType{i64}, []api.ValueType{i64}},
	kernelFree:         {"free", []api.ValueType{i64}, nil},
	kernelLength:       {"length", []api.ValueType{i64}, []api.ValueType{i64}},
	kernelLengthUnsafe: {"length_unsafe", []api.ValueType{i64}, []api.ValueType{i64}},
	kernelLoadU8:       {"load_u8", []api.ValueType{i64}, []api.ValueType{i32}},
	kernelInputLoadU8:  {"input_load_u8", []api.ValueType{i64}, []api.ValueType{i32}},
	kernelStoreU8:      {"store_u8", []api.ValueType{i64, i32}, nil},
	kernelInputSet:     {"input_set", []api.ValueType{i64, i64}, nil},
	kernelOutputSet:    {"output_set", []api.ValueType{i64, i64}, nil},
	kernelInputLength:  {"input_length", nil, []api.ValueType{i64}},
	kernelInputOffset:  {"input_offset", nil, []api.ValueType{i64}},
	kernelOutputLength: {"output_length", nil, []api.ValueType{i64}},
	kernelOutputOffset: {"output_offset", nil, []api.ValueType{i64}},
	kernelReset:        {"reset", nil, nil},
	kernelErrorSet:     {"error_set", []api.ValueType{i64}, nil},
	kernelErrorGet:     {"error_get", nil, []api.ValueType{i64}},
	kernelMemoryBytes:  {"memory_bytes", nil, []api.ValueType{i64}},
}

// kernelFieldModules maps each bridged function to extismKernelModule and
// Extism's HTTP functions to extismHTTPModule: the imports of
// extism:host/env that prepare renames.
func kernelFieldModules() map[string]string {
	m := map[string]string{}
	for _, f := range kernelFuncs {
		m[f.name] = extismKernelModule
	}
	for _, f := range extismHTTPFields {
		m[f] = extismHTTPModule
	}
	return m
}

// kernel holds the exports of the kernel instance of the call in progress.
// Calls into one Plugin are serialised (Plugin.mu), and an instance's
// kernel never changes, so the cache is checked against the kernel of each
// call's context and refilled when the instance was replaced.
type kernel struct {
	mod api.Module
	mem api.Memory
	fns [numKernelFuncs]api.Function
}

// fn returns the kernel export f of the instance that ctx is calling.
func (k *kernel) fn(ctx context.Context, f kernelFunc) (api.Function, error) {
	mod, _ := ctx.Value(extism.PluginCtxKey("extism")).(api.Module)
	if mod == nil {
		return nil, errors.New("no Extism kernel in the call's context")
	}
	if mod != k.mod {
		*k = kernel{mod: mod, mem: mod.ExportedMemory("memory")}
	}
	if k.fns[f] == nil {
		if k.fns[f] = mod.ExportedFunction(kernelFuncs[f].name); k.fns[f] == nil {
			return nil, fmt.Errorf("the Extism kernel exports no %s", kernelFuncs[f].name)
		}
	}
	return k.fns[f], nil
}

// call calls the kernel export f with up to two arguments and returns its
// result (0 for functions without one).
func (k *kernel) call(ctx context.Context, f kernelFunc, args ...uint64) (uint64, error) {
	fn, err := k.fn(ctx, f)
	if err != nil {
		return 0, err
	}
	var stack [2]uint64
	copy(stack[:], args)
	if err := fn.CallWithStack(ctx, stack[:]); err != nil {
		return 0, fmt.Errorf("extism kernel %s: %w", kernelFuncs[f].name, err)
	}
	return stack[0], nil
}

// memory is the kernel's memory, where the blocks are; call fn first.
func (k *kernel) memory() (api.Memory, error) {
	if k.mem == nil {
		return nil, errors.New("the Extism kernel exports no memory")
	}
	return k.mem, nil
}

// kernelFunctions returns the functions of extismKernelModule, bound to
// p's kernel cache.
func (p *Plugin) kernelFunctions() []extism.HostFunction {
	fns := make([]extism.HostFunction, 0, numKernelFuncs)
	for i, kf := range kernelFuncs {
		f := kernelFunc(i)
		h := extism.NewHostFunctionWithStack(kf.name, func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
			fn, err := p.kernel.fn(ctx, f)
			if err == nil {
				err = fn.CallWithStack(ctx, stack)
			}
			if err != nil {
				panic(err) // as Extism's bridge: the guest call fails
			}
		}, kf.params, kf.results)
		h.SetNamespace(extismKernelModule)
		fns = append(fns, h)
	}
	return fns
}
