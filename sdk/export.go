package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
)

// Export runs fn as the body of an exported plugin function: it decodes the
// call's JSON input into I (an empty input gives the zero I), calls fn, and
// encodes its result as the JSON output. It returns the export's return
// code, so an export is one line:
//
//	//go:wasmexport register_tool
//	func registerTool() int32 { return sdk.Export(RegisterTool) }
//
// If fn returns an error, its message becomes the Extism error of the call
// and Export returns 1 (or the Code of a [PluginError]). A panic in fn is
// recovered and reported the same way, as "panic: <value> (at file:line)".
func Export[I, O any](fn func(I) (O, error)) int32 {
	return current.run(func(input []byte) ([]byte, error) {
		var in I
		if err := decodeInput(input, &in); err != nil {
			return nil, err
		}
		out, err := fn(in)
		if err != nil {
			return nil, err
		}
		return encodeOutput(out)
	})
}

// ExportOutput is [Export] for a function that takes no input; the call's
// input is ignored.
func ExportOutput[O any](fn func() (O, error)) int32 {
	return current.run(func([]byte) ([]byte, error) {
		out, err := fn()
		if err != nil {
			return nil, err
		}
		return encodeOutput(out)
	})
}

// ExportInput is [Export] for a function that returns no output, such as
// unpack_archive, pre_install and post_install.
func ExportInput[I any](fn func(I) error) int32 {
	return current.run(func(input []byte) ([]byte, error) {
		var in I
		if err := decodeInput(input, &in); err != nil {
			return nil, err
		}
		return nil, fn(in)
	})
}

// run calls body with the call's input, sets the output or the error, and
// turns a panic into an error.
func (s *state) run(body func(input []byte) ([]byte, error)) (rc int32) {
	defer func() {
		if r := recover(); r != nil {
			s.abi.setError(panicMessage(r))
			rc = 1
		}
	}()
	out, err := body(s.abi.input())
	if err != nil {
		s.abi.setError(err.Error())
		return returnCode(err)
	}
	if out != nil {
		s.abi.output(out)
	}
	return 0
}

func decodeInput(input []byte, v any) error {
	if len(bytes.TrimSpace(input)) == 0 {
		return nil
	}
	if err := json.Unmarshal(input, v); err != nil {
		return fmt.Errorf("decode input as %T: %w", v, err)
	}
	return nil
}

func encodeOutput(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode output %T: %w", v, err)
	}
	return b, nil
}

// panicMessage describes a recovered panic and, when it can be found, the
// file:line that panicked. It must be called from the deferred function.
func panicMessage(r any) string {
	msg := fmt.Sprintf("panic: %v", r)
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	seenPanic := false
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			seenPanic = true
		} else if seenPanic && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s (at %s:%d)", msg, shortFile(f.File), f.Line)
		}
		if !more {
			return msg
		}
	}
}

// shortFile keeps the last two elements of a source path.
func shortFile(file string) string {
	i := strings.LastIndexByte(file, '/')
	if i <= 0 {
		return file
	}
	if j := strings.LastIndexByte(file[:i], '/'); j >= 0 {
		return file[j+1:]
	}
	return file
}
