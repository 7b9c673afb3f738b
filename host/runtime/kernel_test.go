package runtime

import (
	"context"
	"os"
	goruntime "runtime"
	"strings"
	"testing"

	extism "github.com/extism/go-sdk"
)

// TestKernelBridge runs the kernel-abi fixture, which calls every function
// of Extism's kernel bridge by hand, under tote (imports renamed to
// extismKernelModule) and under Extism's own bridge, and wants the same
// answers from both; and tote's bridge without a call engine per kernel
// call (a tenth of the bytes allocated, or less).
func TestKernelBridge(t *testing.T) {
	ctx := context.Background()
	path := fixture(t, "kernel-abi")
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, NewConfig())
	p := load(t, rt, "kernel-abi", LoadOptions{})
	prepped, err := renameImports(wasm, "extism:host/env", kernelFieldModules())
	if err != nil {
		t.Fatal(err)
	}
	imports, _, _, err := moduleSections(prepped)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range imports {
		if strings.HasPrefix(imp, "extism:host/env.") {
			t.Errorf("import %s is still Extism's bridge", imp)
		}
	}

	ext, err := extism.NewPlugin(ctx, extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: wasm}}}, extism.PluginConfig{EnableWasi: true}, nil)
	if err != nil {
		t.Fatalf("extism: %v", err)
	}
	defer ext.Close(ctx)

	for _, tc := range []struct{ fn, in, want, fails string }{
		{fn: "reverse", in: "kernel bridge", want: "egdirb lenrek"},
		{fn: "reverse", in: "", want: ""},
		{fn: "replace_input", in: "original", want: "replaced input"},
		{fn: "after_reset", in: "dropped", want: "fresh after reset"},
		{fn: "failing", in: "x", fails: "failed on purpose"},
	} {
		got, err := p.CallRaw(ctx, tc.fn, []byte(tc.in))
		_, extOut, extErr := ext.Call(tc.fn, []byte(tc.in))
		if tc.fails != "" {
			if err == nil || !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("%s under tote: %v, want an error with %q", tc.fn, err, tc.fails)
			}
			if extErr == nil || !strings.Contains(extErr.Error(), tc.fails) {
				t.Errorf("%s under Extism: %v, want an error with %q", tc.fn, extErr, tc.fails)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%s(%q) under tote = %q, %v; want %q", tc.fn, tc.in, got, err, tc.want)
		}
		if extErr != nil || string(extOut) != tc.want {
			t.Errorf("%s(%q) under Extism = %q, %v; want %q", tc.fn, tc.in, extOut, extErr, tc.want)
		}
	}

	// Wild offsets: whatever Extism's bridge does, tote's does — a call
	// that fails fails under both, and the plugin answers the next call.
	for _, fn := range []string{"wild_load", "wild_store", "wild_output", "wild_length"} {
		got, err := p.CallRaw(ctx, fn, nil)
		_, extOut, extErr := ext.Call(fn, nil)
		if (err == nil) != (extErr == nil) || (err == nil && string(got) != string(extOut)) {
			t.Errorf("%s: tote %q, %v; Extism %q, %v", fn, got, err, extOut, extErr)
		}
		t.Logf("%s: tote %q, %v", fn, got, err)
		if got, err := p.CallRaw(ctx, "reverse", []byte("after")); err != nil || string(got) != "retfa" {
			t.Errorf("call after %s = %q, %v", fn, got, err)
		}
	}

	// reverse of 64 bytes makes ~330 kernel calls; Extism's bridge builds a
	// call engine with a 10 KiB stack for each.
	in := []byte(strings.Repeat("0123456789abcdef", 4))
	toteBytes := allocatedPerRun(t, func() error {
		_, err := p.CallRaw(ctx, "reverse", in)
		return err
	})
	extBytes := allocatedPerRun(t, func() error {
		_, _, err := ext.Call("reverse", in)
		return err
	})
	if toteBytes*10 > extBytes {
		t.Errorf("a call making ~330 kernel calls allocates %d bytes under tote, %d under Extism: want a tenth or less", toteBytes, extBytes)
	}
	t.Logf("bytes allocated per call: tote %d, Extism %d", toteBytes, extBytes)
}

// allocatedPerRun is the mean of the bytes the process allocates while f
// runs, over 5 runs after a first.
func allocatedPerRun(t *testing.T, f func() error) uint64 {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range 5 {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / 5
}
