package runtime

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/vpath"
)

// moonWasm reads one of proto's own plugins as moonrepo compiled them
// (testdata/proto-wasm, see its SOURCES.md).
func moonWasm(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "proto-wasm", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// section encodes one WebAssembly section.
func section(id byte, content []byte) []byte {
	return append(append([]byte{id}, uleb(len(content))...), content...)
}

func uleb(n int) []byte {
	var out []byte
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

func name(s string) []byte { return append(uleb(len(s)), s...) }

var coreHeader = []byte("\x00asm\x01\x00\x00\x00")

// importModule is a core module importing one function (i64) -> i64 as
// mod.field.
func importModule(mod, field string) []byte {
	types := section(1, []byte{1, 0x60, 1, 0x7e, 1, 0x7e})
	imp := append([]byte{1}, name(mod)...)
	imp = append(imp, name(field)...)
	imp = append(imp, 0, 0)
	return append(append(append([]byte{}, coreHeader...), types...), section(2, imp)...)
}

func TestPDKShapeOfProtoPlugins(t *testing.T) {
	for _, tc := range []struct{ file, evidence string }{
		{"moon_rust_toolchain", "imports to_virtual_path"},
		{"moon_bun_toolchain", "warpgate_pdk-0.16.1"},
		{"moon_node_toolchain", "warpgate_pdk-0.16.1"},
	} {
		wasm := moonWasm(t, tc.file)
		imports, _, sections, err := moduleSections(wasm)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		shape, why := pdkOf(wasm, imports, sections)
		if shape != PathsObject || !strings.Contains(why, tc.evidence) {
			t.Errorf("%s: shape %s because %q, want object because of %s", tc.file, shape, why, tc.evidence)
		}
	}
}

func TestPDKShapeMarkers(t *testing.T) {
	custom := func(s string) []byte {
		return append(append([]byte{}, coreHeader...), section(0, append(name("data"), s...))...)
	}
	for _, tc := range []struct {
		wasm []byte
		want PathsShape
	}{
		{custom("/cargo/registry/src/index.crates.io/warpgate_pdk-0.17.0/src/funcs.rs"), PathsPairs},
		{custom("/cargo/registry/src/index.crates.io/warpgate_pdk-1.2.3/src/funcs.rs"), PathsPairs},
		{custom("/cargo/registry/src/index.crates.io/warpgate_pdk-0.16.5/src/funcs.rs"), PathsObject},
		{append(append([]byte{}, coreHeader...), section(0, name("go:buildid"))...), PathsObject},
		{importModule("extism:host/user", "from_virtual_path"), PathsObject},
		{coreHeader, PathsPairs},
	} {
		imports, _, sections, err := moduleSections(tc.wasm)
		if err != nil {
			t.Fatal(err)
		}
		if got, why := pdkOf(tc.wasm, imports, sections); got != tc.want {
			t.Errorf("%q: %s (%s), want %s", tc.wasm, got, why, tc.want)
		}
	}
}

func TestVirtualPathsShapes(t *testing.T) {
	m := vpath.ToolMounts("/home/u/.tote", "/home/u", "/home/u/.tote/work", "/home/u/.tote/temp")
	b, err := virtualPathsJSON(m, PathsPairs)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	if err := json.Unmarshal(b, &pairs); err != nil {
		t.Fatalf("pairs %s: %v", b, err)
	}
	// Longest host path first, as proto sorts them, so that a guest that
	// takes the first matching prefix finds the right mount.
	want := [][2]string{{"/home/u/.tote/work", "/cwd"}, {"/home/u/.tote/temp", "/temp"}, {"/home/u/.tote", "/proto"}, {"/home/u", "/userhome"}}
	if len(pairs) != len(want) {
		t.Fatalf("pairs = %v", pairs)
	}
	for i := range want {
		if pairs[i] != want[i] {
			t.Errorf("pairs[%d] = %v, want %v", i, pairs[i], want[i])
		}
	}
	b, err = virtualPathsJSON(m, PathsObject)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]string
	if err := json.Unmarshal(b, &obj); err != nil || obj["/proto"] != "/home/u/.tote" {
		t.Errorf("object %s: %v", b, err)
	}
}

// A plugin gets the shape of virtual_paths its PDK reads: the Go fixture
// (tote's SDK) the object; forced pairs reach it as proto 0.60 sends them.
func TestVirtualPathsConfigPerPlugin(t *testing.T) {
	home := t.TempDir()
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(filepath.Join(home, ".tote"), home, t.TempDir(), "")))
	ctx := context.Background()
	probe := func(p *Plugin) string {
		var out struct {
			Config map[string]string `json:"config"`
		}
		if err := p.Call(ctx, "probe", map[string]any{"config_keys": []string{api.ConfigVirtualPaths}}, &out); err != nil {
			t.Fatal(err)
		}
		return out.Config[api.ConfigVirtualPaths]
	}
	auto := load(t, rt, "host-caller", LoadOptions{ID: "auto"})
	if auto.PathsShape() != PathsObject || !strings.HasPrefix(probe(auto), "{") {
		t.Errorf("Go fixture: %s %s", auto.PathsShape(), probe(auto))
	}
	pairs := load(t, rt, "host-caller", LoadOptions{ID: "pairs", PathsShape: PathsPairs})
	var got [][2]string
	if err := json.Unmarshal([]byte(probe(pairs)), &got); err != nil || len(got) != 3 {
		t.Errorf("pairs: %v %v", got, err)
	}
}

func TestComponentAndPreOneExtism(t *testing.T) {
	rt := newRuntime(t, NewConfig())
	ctx := context.Background()
	component := []byte("\x00asm\x0d\x00\x01\x00")
	_, err := rt.LoadBytes(ctx, component, LoadOptions{ID: "comp"})
	if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), "WebAssembly component") || !strings.Contains(err.Error(), "wasm32-wasip1") {
		t.Errorf("component: %v", err)
	}
	old := importModule("env", "extism_alloc")
	_, err = rt.LoadBytes(ctx, old, LoadOptions{ID: "old"})
	if !IsKind(err, KindLoad) || !strings.Contains(err.Error(), "pre-1.0 Extism PDK") || !strings.Contains(err.Error(), "env.extism_alloc") {
		t.Errorf("pre-1.0 module: %v", err)
	}
}

// set_env_var("PATH") appends, virtual entries made real, as proto does;
// commands the plugin runs find programs there.
func TestSetEnvPathAppends(t *testing.T) {
	home := t.TempDir()
	toteHome := filepath.Join(home, ".tote")
	bin := filepath.Join(toteHome, "tools", "x", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "only-here"), []byte("#!/bin/sh\necho found\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(toteHome, home, t.TempDir(), "")))
	p := load(t, rt, "host-caller", LoadOptions{ID: "paths", AllowEnvWrite: true, AllowExec: true})
	var out struct {
		Exec *api.ExecCommandOutput `json:"exec"`
	}
	in := map[string]any{
		"set_env": map[string]string{"PATH": "/proto/tools/x/bin;$HOME/.cargo/bin"},
		"exec":    api.ExecCommandInput{Command: "sh", Args: []string{"-c", `only-here; echo "$PATH"`}},
	}
	if err := p.Call(context.Background(), "probe", in, &out); err != nil {
		t.Fatal(err)
	}
	want := os.Getenv("PATH") + string(os.PathListSeparator) + bin + string(os.PathListSeparator) + "$HOME/.cargo/bin\n"
	if out.Exec == nil || out.Exec.Stdout != "found\n"+want {
		t.Errorf("exec saw %+v, want PATH %q", out.Exec, want)
	}
	if got := p.EnvOverlay()["PATH"]; got != bin+string(os.PathListSeparator)+"$HOME/.cargo/bin" {
		t.Errorf("overlay PATH = %q", got)
	}
}

// set_executable takes a real path inside tote's own directories (proto's
// plugins pass real_path()), never one of the user's files.
func TestSetExecutableRealPath(t *testing.T) {
	home := t.TempDir()
	toteHome := filepath.Join(home, ".tote")
	temp := filepath.Join(toteHome, "temp")
	cwd := t.TempDir()
	if err := os.MkdirAll(filepath.Join(temp, "rust"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(temp, "rust", "rustup-init.sh")
	userScript := filepath.Join(cwd, "evil.sh")
	for _, f := range []string{script, userScript} {
		if err := os.WriteFile(f, []byte("#!/bin/sh\necho ran\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(toteHome, home, cwd, temp)))
	p := load(t, rt, "exec-denied", LoadOptions{ID: "rust", AllowExec: true})
	var out api.ExecCommandOutput
	if err := p.Call(context.Background(), "run", api.ExecCommandInput{Command: script, SetExecutable: true}, &out); err != nil || out.Stdout != "ran\n" {
		t.Fatalf("real path in tote's temp: %+v %v", out, err)
	}
	err := p.Call(context.Background(), "run", api.ExecCommandInput{Command: userScript, SetExecutable: true}, &out)
	wantKind(t, err, KindPermissionDenied, "rust", "run")
	if fi, _ := os.Stat(userScript); fi.Mode()&0o111 != 0 {
		t.Error("a file of the project was made executable")
	}
}
