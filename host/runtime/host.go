package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"

	extism "github.com/extism/go-sdk"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/services"
)

// hostCall is one call of a host function by a guest.
type hostCall struct {
	ctx    context.Context
	fn     string
	kernel *kernel // the plugin's, for its memory blocks
}

type hostFunc func(hc *hostCall, args []uint64) (uint64, error)

// hostFunctions returns the tool-plugin host functions of namespace
// api.HostNamespace, bound to p.
func (p *Plugin) hostFunctions() []extism.HostFunction {
	return []extism.HostFunction{
		p.define(api.HostExecCommand, 1, true, p.execCommand),
		p.define(api.HostSendRequest, 1, true, p.sendRequest),
		p.define(api.HostDownloadFile, 1, true, p.downloadFile),
		p.define(api.HostGetEnvVar, 1, true, p.getEnvVar),
		p.define(api.HostSetEnvVar, 2, false, p.setEnvVar),
		p.define(api.HostLog, 1, false, p.hostLog),
		p.define(api.HostFromVirtualPath, 1, true, p.fromVirtualPath),
		p.define(api.HostToVirtualPath, 1, true, p.toVirtualPath),
	}
}

// define wraps fn as an Extism host function taking nParams memory offsets
// and returning one when result is set. A failure, or a panic inside fn, is
// turned into a *hostError that aborts the guest call; the runtime then
// reports it with the plugin id and function and discards the instance. A
// denied call under LoadOptions.SoftDeny returns to the guest instead.
func (p *Plugin) define(name string, nParams int, result bool, fn hostFunc) extism.HostFunction {
	params := make([]extism.ValueType, nParams)
	for i := range params {
		params[i] = extism.ValueTypePTR
	}
	var returns []extism.ValueType
	if result {
		returns = []extism.ValueType{extism.ValueTypePTR}
	}
	return extism.NewHostFunctionWithStack(name, func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
		args := append([]uint64(nil), stack[:nParams]...)
		hc := &hostCall{ctx: ctx, fn: name, kernel: &p.kernel}
		res, err := p.runHost(hc, args, fn)
		if err != nil {
			var he *hostError
			if !errors.As(err, &he) || !he.denied {
				panic(err)
			}
			if p.onDenied != nil {
				p.onDenied(name, he.Error())
			}
			if !p.softDeny {
				panic(err)
			}
			res = 0
			if result {
				off, werr := hc.writeJSON(map[string]string{"error": he.Error()})
				if werr != nil {
					panic(&hostError{function: name, err: werr})
				}
				res = off
			}
		}
		if result {
			stack[0] = res
		}
	}, params, returns)
}

func (p *Plugin) runHost(hc *hostCall, args []uint64, fn hostFunc) (res uint64, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.logger.Error("host function panicked", "function", hc.fn, "panic", r, "stack", string(debug.Stack()))
			err = &hostError{function: hc.fn, err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	res, err = fn(hc, args)
	if err != nil {
		// A service's *Error already names the function: keep its cause,
		// so the message reads "<function>: <cause>" once.
		var se *services.Error
		if errors.As(err, &se) {
			return 0, &hostError{function: hc.fn, denied: se.Denied, err: se.Err}
		}
		return 0, &hostError{function: hc.fn, err: err}
	}
	return res, nil
}

// read returns the memory block at offset (empty for offset 0), refusing
// blocks larger than limit.
func (hc *hostCall) read(offset uint64, limit uint64) ([]byte, error) {
	if offset == 0 {
		return nil, nil
	}
	n, err := hc.kernel.call(hc.ctx, kernelLength, offset)
	if err != nil {
		return nil, fmt.Errorf("read input at offset %d: %w", offset, err)
	}
	if n > limit {
		return nil, fmt.Errorf("input of %d bytes exceeds the %d byte limit", n, limit)
	}
	mem, err := hc.kernel.memory()
	if err != nil {
		return nil, err
	}
	var b []byte
	ok := offset <= math.MaxUint32
	if ok {
		b, ok = mem.Read(uint32(offset), uint32(n))
	}
	if !ok {
		return nil, fmt.Errorf("read input at offset %d: %d bytes out of range", offset, n)
	}
	return append([]byte(nil), b...), nil
}

// free releases the memory block at offset, as the guest's input to a host
// function that consumes it.
func (hc *hostCall) free(offset uint64) error {
	_, err := hc.kernel.call(hc.ctx, kernelFree, offset)
	return err
}

func (hc *hostCall) readString(offset uint64) (string, error) {
	b, err := hc.read(offset, maxHostInputBytes)
	return string(b), err
}

func (hc *hostCall) readJSON(offset uint64, v any) error {
	b, err := hc.read(offset, maxHostInputBytes)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode input as %T: %w", v, err)
	}
	return nil
}

// write copies b into a new memory block and returns its offset (0 for an
// empty b, which guests read as empty).
func (hc *hostCall) write(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, nil
	}
	off, err := hc.kernel.call(hc.ctx, kernelAlloc, uint64(len(b)))
	if err == nil && off == 0 {
		err = errors.New("out of memory blocks")
	}
	if err != nil {
		return 0, fmt.Errorf("write %d bytes to plugin memory: %w", len(b), err)
	}
	mem, err := hc.kernel.memory()
	if err != nil {
		return 0, err
	}
	if !mem.Write(uint32(off), b) {
		return 0, fmt.Errorf("write %d bytes to plugin memory at %d: out of range", len(b), off)
	}
	return off, nil
}

func (hc *hostCall) writeJSON(v any) (uint64, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encode output: %w", err)
	}
	return hc.write(b)
}
