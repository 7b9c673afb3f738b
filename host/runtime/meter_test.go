package runtime

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// asm builds WebAssembly modules byte by byte for the metering tests.
type asm struct{ b []byte }

func newModule() *asm { return &asm{b: []byte("\x00asm\x01\x00\x00\x00")} }

// section appends a section whose body is a vector of the given entries
// (or, with vec false, the bytes as they are).
func (a *asm) section(id byte, vec bool, entries ...[]byte) *asm {
	var body []byte
	if vec {
		body = appendU32(body, uint32(len(entries)))
	}
	for _, e := range entries {
		body = append(body, e...)
	}
	a.b = append(appendU32(append(a.b, id), uint32(len(body))), body...)
	return a
}

func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case byte:
			b = append(b, v)
		case int:
			b = appendU32(b, uint32(v))
		case string:
			b = appendName(b, v)
		case []byte:
			b = append(b, v...)
		}
	}
	return b
}

// body is a function body without locals.
func body(code ...byte) []byte { return bodyLocals([]byte{0}, code...) }

// bodyLocals is a function body with its encoded locals.
func bodyLocals(locals []byte, code ...byte) []byte {
	return cat(len(locals)+len(code), locals, code)
}

// fixtureModule exercises every place meter renumbers a function index:
// an imported function before the module's own, calls, a table filled by
// an active element segment, ref.func in a global initialiser, exports, a
// start function and the name section; plus a loop.
func fixtureModule() []byte {
	const (
		seven   = 0 // import env.seven () -> i32
		plusOne = 1 // seven() + 1
	)
	funcNames := cat(2, 1, "plusOne", 7, "sum")
	return newModule().
		section(secType, true, []byte{0x60, 0, 1, 0x7f}, []byte{0x60, 0, 0}).
		section(secImport, true, cat("env", "seven", byte(0), 0)).
		section(3, true, []byte{0}, []byte{0}, []byte{0}, []byte{0}, []byte{1}, []byte{0}, []byte{0}).
		section(secTable, true, []byte{0x70, 0, 2}).
		section(secGlobal, true,
			[]byte{0x70, 0, 0xd2, plusOne, 0x0b}, // funcref = ref.func plusOne
			[]byte{0x7f, 1, 0x41, 0, 0x0b}).      // mut i32 = 0
		section(secExport, true,
			cat("direct", byte(0), 2), cat("indirect", byte(0), 3), cat("viaref", byte(0), 4),
			cat("started", byte(0), 6), cat("sum", byte(0), 7)).
		section(secStart, false, []byte{5}).
		section(secElement, true, cat(0, []byte{0x41, 0, 0x0b}, 1, plusOne)).
		section(secCode, true,
			body(0x10, seven, 0x41, 1, 0x6a, 0x0b),                     // 1 plusOne
			body(0x10, plusOne, 0x0b),                                  // 2 direct
			body(0x41, 0, 0x11, 0, 0, 0x0b),                            // 3 indirect: table[0]
			body(0x41, 1, 0x23, 0, 0x26, 0, 0x41, 1, 0x11, 0, 0, 0x0b), // 4 viaref: table[1] = global 0
			body(0x41, 42, 0x24, 1, 0x0b),                              // 5 start: global 1 = 42
			body(0x23, 1, 0x0b),                                        // 6 started
			bodyLocals([]byte{1, 1, 0x7f}, // 7 sum: i += 1 in a loop until 1000; i*(i+1)/2
				0x03, 0x40, 0x20, 0, 0x41, 1, 0x6a, 0x22, 0, 0x41, 0xe8, 0x07, 0x48, 0x0d, 0, 0x0b,
				0x20, 0, 0x20, 0, 0x41, 1, 0x6a, 0x6c, 0x41, 2, 0x6d, 0x0b)).
		section(secCustom, false, cat("name", byte(1), len(funcNames), funcNames)).
		b
}

// instantiate runs a module in plain wazero with env.seven and, when
// metered, tote:meter.refill.
func instantiate(t *testing.T, ctx context.Context, rt wazero.Runtime, wasm []byte) api.Module {
	t.Helper()
	_, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func() int32 { return 7 }).Export("seven").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.NewHostModuleBuilder(meterModule).NewFunctionBuilder().
		WithFunc(func(ctx context.Context) int32 { return refill(ctx) }).Export(meterFunc).Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

// TestMeterPreservesModule: the metered module computes what the original
// does, through every renumbered function reference.
func TestMeterPreservesModule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	orig := fixtureModule()
	metered, err := meter(orig)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"direct": 8, "indirect": 8, "viaref": 8, "started": 42, "sum": 500500}
	for name, wasm := range map[string][]byte{"original": orig, "metered": metered} {
		rt := wazero.NewRuntime(ctx)
		defer rt.Close(ctx)
		mod := instantiate(t, ctx, rt, wasm)
		for fn, w := range want {
			got, err := mod.ExportedFunction(fn).Call(ctx)
			if err != nil || len(got) != 1 || got[0] != w {
				t.Errorf("%s module, %s() = %v, %v; want %d", name, fn, got, err, w)
			}
		}
	}
	// The name section follows the functions: plusOne is function 2 now.
	cm, err := wazero.NewRuntime(ctx).CompileModule(ctx, metered)
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range cm.ExportedFunctions() {
		if def.ExportNames()[0] == "sum" && def.Index() != 8 {
			t.Errorf("sum is function %d in the metered module, want 8", def.Index())
		}
	}
	if defs := cm.ImportedFunctions(); len(defs) != 2 {
		t.Errorf("%d imports, want env.seven then %s.%s", len(defs), meterModule, meterFunc)
	} else if mod, name, _ := defs[1].Import(); mod != meterModule || name != meterFunc {
		t.Errorf("second import %s.%s, want %s.%s", mod, name, meterModule, meterFunc)
	}
	for _, def := range cm.ExportedFunctions() {
		if def.ExportNames()[0] == "sum" && !strings.HasSuffix(def.DebugName(), ".sum") {
			t.Errorf("the function exported as sum is named %s", def.DebugName())
		}
	}
}

// runawayModule exports spin (a loop that never ends), recurse (2^62
// calls, 62 deep, without a loop) and ok.
func runawayModule() []byte {
	return newModule().
		section(secType, true, []byte{0x60, 0, 1, 0x7f}, []byte{0x60, 1, 0x7e, 0}).
		section(3, true, []byte{0}, []byte{0}, []byte{1}, []byte{0}).
		section(secExport, true, cat("spin", byte(0), 0), cat("recurse", byte(0), 1), cat("ok", byte(0), 3)).
		section(secCode, true,
			body(0x03, 0x40, 0x0c, 0, 0x0b, 0x41, 0, 0x0b),
			body(0x42, 62, 0x10, 2, 0x41, 0, 0x0b),
			body(0x20, 0, 0x50, 0x04, 0x40, 0x0f, 0x0b, 0x20, 0, 0x42, 1, 0x7d, 0x10, 2, 0x20, 0, 0x42, 1, 0x7d, 0x10, 2, 0x0b),
			body(0x41, 0, 0x0b)).b
}

// TestMeterStopsRunaways: a loop that never ends and a recursion that
// never loops (2^62 calls, 62 deep: wazero's own loop check never sees it)
// both end when their context does, through tote:meter.refill.
func TestMeterStopsRunaways(t *testing.T) {
	t.Parallel()
	wasm := runawayModule()
	metered, err := meter(wasm)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	mod := instantiate(t, ctx, rt, metered)
	for _, fn := range []string{"spin", "recurse"} {
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err := mod.ExportedFunction(fn).Call(cctx)
		cancel()
		if err == nil || cctx.Err() == nil {
			t.Errorf("%s: %v, want the call to end with its context", fn, err)
		}
	}
	// The same through the runtime: a timeout naming the function, and a
	// fresh instance for the next call.
	p, err := newRuntime(t, NewConfig()).LoadBytes(ctx, wasm, LoadOptions{ID: "runaway"})
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []string{"spin", "recurse"} {
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err := p.CallRaw(cctx, fn, nil)
		cancel()
		wantKind(t, err, KindTimeout, "runaway", fn)
		if _, err := p.CallRaw(ctx, "ok", nil); err != nil {
			t.Errorf("ok after %s: %v", fn, err)
		}
	}
}

// TestMeterFixtures: every Go fixture and every proto plugin compiled by
// moonrepo is metered (none falls back to wazero's slower check), and the
// metered bytes compile.
func TestMeterFixtures(t *testing.T) {
	t.Parallel()
	paths := []string{fixture(t, "hello"), fixture(t, "cpu-spin")}
	protos, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "proto-wasm", "*.wasm"))
	paths = append(paths, protos...)
	if len(protos) == 0 {
		t.Log("no proto-wasm fixtures found")
	}
	ctx := context.Background()
	for _, p := range paths {
		wasm, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		metered, err := meter(wasm)
		if err != nil {
			t.Errorf("%s: not metered: %v", filepath.Base(p), err)
			continue
		}
		if bytes.Equal(metered, wasm) {
			t.Errorf("%s: unchanged", filepath.Base(p))
		}
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		if _, err := rt.CompileModule(ctx, metered); err != nil {
			t.Errorf("%s: the metered module does not compile: %v", filepath.Base(p), err)
		}
		rt.Close(ctx)
	}
}

// FuzzMeter: meter never panics, meters every module wazero compiles, and
// the metered module compiles too.
func FuzzMeter(f *testing.F) {
	f.Add(fixtureModule())
	f.Add(runawayModule())
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	f.Cleanup(func() { rt.Close(ctx) })
	compile := func(wasm []byte) (err error) {
		defer recoverCompile(&err)
		cm, err := rt.CompileModule(ctx, wasm)
		if err == nil {
			cm.Close(ctx)
		}
		return err
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		// What tote refuses as too large, wazero may take minutes and
		// gigabytes to reject: not compiled here.
		if _, err := meter(wasm); errors.Is(err, errTooLarge) || malformedCounts(wasm) || compile(wasm) != nil {
			return
		}
		// tote refuses what meter cannot read: that must never be a
		// module wazero runs.
		metered, err := meter(wasm)
		if err != nil {
			t.Fatalf("wazero compiles the module, meter refuses it: %v", err)
		}
		if err := compile(metered); err != nil {
			t.Fatalf("the module compiles, the metered one does not: %v", err)
		}
	})
}

// TestLoadEnginePanic: a module that makes wazero's validator panic (found
// by FuzzMeter) fails to load with an error naming the plugin; tote does not
// crash.
func TestLoadEnginePanic(t *testing.T) {
	t.Parallel()
	wasm := []byte("\x00asm\x01\x00\x00\x00\x01\t\x02`\x00\x01\x7f`\x01~\x00\x03\x05\x04\x00\x0000\a\x17\x03\x040000\x00\x00\a0000000\x00\x01\x0200\x00\x03\n1\x04\t\x00\x03@\f\x00\vA0\v\b\x00A0\x10\x0200\v\x17\x00000000000000000000000\v\x04\x0000\v")
	rt := newRuntime(t, NewConfig().WithCacheDir(t.TempDir()))
	_, err := rt.LoadBytes(context.Background(), wasm, LoadOptions{ID: "bad"})
	if !IsKind(err, KindLoad) || !strings.HasPrefix(err.Error(), `plugin "bad": compile: the WebAssembly engine failed`) {
		t.Errorf("load: %v, want a load error of plugin bad", err)
	}
	if err := rt.Compile(context.Background(), wasm); err == nil {
		t.Error("Compile succeeded")
	}
}

// TestMeterRefusesFuelAccess: a module whose code names a global past its
// own is invalid as it comes; metered, that index would be the fuel, which
// the guest could then set and never be stopped. meter refuses it.
func TestMeterRefusesFuelAccess(t *testing.T) {
	t.Parallel()
	wasm := newModule().
		section(secType, true, []byte{0x60, 0, 1, 0x7f}).
		section(3, true, []byte{0}).
		section(secGlobal, true, []byte{0x7f, 1, 0x41, 0, 0x0b}).
		section(secExport, true, cat("run", byte(0), 0)).
		section(secCode, true, body(0x41, 0x7f, 0x24, 1, 0x03, 0x40, 0x0c, 0, 0x0b, 0x41, 0, 0x0b)).b
	if _, err := meter(wasm); err == nil || !strings.Contains(err.Error(), "global index 1") {
		t.Fatalf("meter: %v, want the global index refused", err)
	}
	p, err := newRuntime(t, NewConfig().WithCallTimeout(100*time.Millisecond).WithCacheDir(t.TempDir())).LoadBytes(context.Background(), wasm, LoadOptions{ID: "fuel"})
	if err == nil {
		p.Close(context.Background())
		t.Fatal("the module loaded")
	}
	if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), `plugin "fuel": tote cannot meter this module, so no time limit could stop it: `) {
		t.Errorf("load: %v", err)
	}
}

// TestPreparedCache: the metered module is kept in the cache directory and
// read back by the next load; one that was damaged there is replaced and
// the plugin still loads and works.
func TestPreparedCache(t *testing.T) {
	t.Parallel()
	ctx, dir, wasm := context.Background(), t.TempDir(), runawayModule()
	load := func() {
		t.Helper()
		p, err := newRuntime(t, NewConfig().WithCacheDir(dir)).LoadBytes(ctx, wasm, LoadOptions{ID: "prep"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.CallRaw(ctx, "ok", nil); err != nil {
			t.Fatal(err)
		}
	}
	load()
	files, _ := filepath.Glob(filepath.Join(dir, "tote-prepared", "*.wasm"))
	if len(files) != 1 {
		t.Fatalf("prepared modules %v, want one", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := meter(wasm)
	if !bytes.Equal(b, want) {
		t.Fatal("the cached module is not the metered module")
	}
	if err := os.WriteFile(files[0], []byte("\x00asm\x01\x00\x00\x00\x0a\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	load() // the damaged file does not compile: dropped, prepared and written again
	if b, err := os.ReadFile(files[0]); err != nil || !bytes.Equal(b, want) {
		t.Errorf("the damaged prepared module was not replaced: %v", err)
	}
}

// malformedCounts reports a module with a section that runs past the end or
// a vector section that declares more entries than it has bytes, which meter
// refuses (checkCount) and wazero would take minutes to reject.
func malformedCounts(wasm []byte) bool {
	r := &wasmReader{b: wasm, off: 8}
	for r.off < len(wasm) && r.err == nil {
		id := r.byte()
		size := int(r.u32())
		if r.err != nil || size < 0 || r.off+size > len(wasm) {
			return true // a section past the end (wazero is as slow on it)
		}
		if checkCount(id, wasm[r.off:r.off+size]) != nil {
			return true
		}
		r.off += size
	}
	return false
}

// TestMeterRefusesHugeCounts: a 23-byte module declaring 250 million
// exports (after the FuzzMeter corpus 540030f9ed767568, which wazero takes
// over a minute to reject) is refused at once.
func TestMeterRefusesHugeCounts(t *testing.T) {
	t.Parallel()
	wasm := []byte("\x00asm\x01\x00\x00\x00\x07\x0d\xe5\x8f\xc8\x77(\xdc0000000")
	_, err := meter(wasm)
	if err == nil || !strings.Contains(err.Error(), "section 7 declares") {
		t.Fatalf("meter: %v", err)
	}
	_, err = newRuntime(t, NewConfig()).LoadBytes(context.Background(), wasm, LoadOptions{ID: "huge"})
	if !IsKind(err, KindLoad) {
		t.Fatalf("load: %v", err)
	}
}

// TestMeterRefusesAllocationBombs: declarations of a few bytes that make
// wazero allocate gigabytes while it compiles or instantiates (every
// declared local, every table element) are refused before it sees them.
func TestMeterRefusesAllocationBombs(t *testing.T) {
	t.Parallel()
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0x0f} // 2^32-1
	for name, tc := range map[string]struct {
		wasm []byte
		want string
	}{
		"locals": {newModule().
			section(secType, true, []byte{0x60, 0, 0}).
			section(3, true, []byte{0}).
			section(secCode, true, bodyLocals(cat(1, huge, byte(0x7e)), 0x0b)).b, "locals"},
		"parameters": {newModule().
			section(secType, true, cat(byte(0x60), 100_000, bytes.Repeat([]byte{0x7f}, 100_000), 0)).
			section(3, true, []byte{0}).
			section(secCode, true, body(0x0b)).b, "parameters"},
		"table": {newModule().
			section(secType, true, []byte{0x60, 0, 0}).
			section(3, true, []byte{0}).
			section(secTable, true, cat(byte(0x70), byte(0), 1<<27)).
			section(secCode, true, body(0x0b)).b, "table of more than"},
	} {
		if _, err := meter(tc.wasm); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: meter: %v, want an error naming %q", name, err, tc.want)
		}
		_, err := newRuntime(t, NewConfig()).LoadBytes(context.Background(), tc.wasm, LoadOptions{ID: name})
		if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), "cannot meter") {
			t.Errorf("%s: load: %v", name, err)
		}
	}
}
