package plugintool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

var i32 = []byte{0x7f}

func writeWasm(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInspectUnloadableTool(t *testing.T) {
	// A tool plugin importing a function no host provides: it can be read
	// but not instantiated.
	b := wasmModule(
		[]wasmImport{{"env", "abort"}},
		[]wasmFunc{{export: "register_tool", results: i32}, {export: "load_versions", results: i32}, {export: "helper"}},
		true)
	path := writeWasm(t, "half_tool.wasm", b)
	r, err := Inspect(context.Background(), path, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if r.Path != path || r.Size != int64(len(b)) || r.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("path/size/sha256 = %s %d %s", r.Path, r.Size, r.SHA256)
	}
	check := func(field string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("imports", r.Imports, []string{"env.abort"})
	check("tool_functions", r.ToolFunctions, []string{"register_tool", "load_versions"})
	check("extension_functions", r.ExtensionFunctions, []string{})
	check("missing_required", r.MissingRequired, []string{"download_prebuilt", "locate_executables"})
	check("other_exports", r.OtherExports, []string{"helper", "memory"})
	check("warnings", r.Warnings, []string{})
	if r.Kind != KindTool {
		t.Errorf("kind = %s", r.Kind)
	}
	if r.Loads || !strings.Contains(r.LoadError, "env") || r.RegisterTool != nil {
		t.Errorf("loads = %v, load_error = %q, register_tool = %s", r.Loads, r.LoadError, r.RegisterTool)
	}
}

func TestInspectKindsAndWarnings(t *testing.T) {
	ext := wasmModule(nil, []wasmFunc{{export: "on_enable", results: i32}, {export: "handle_event", results: i32}}, true)
	r, err := Inspect(context.Background(), writeWasm(t, "ext.wasm", ext), InspectOptions{SkipLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindExtension || !slices.Equal(r.ExtensionFunctions, []string{"on_enable", "handle_event"}) || len(r.MissingRequired) != 0 {
		t.Errorf("extension: kind %s, functions %q, missing %q", r.Kind, r.ExtensionFunctions, r.MissingRequired)
	}

	none := wasmModule(nil, []wasmFunc{{export: "count_vowels", results: i32}}, true)
	if r, err = Inspect(context.Background(), writeWasm(t, "none.wasm", none), InspectOptions{SkipLoad: true}); err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindUnknown || len(r.MissingRequired) != 3 {
		t.Errorf("unknown: kind %s, missing %q", r.Kind, r.MissingRequired)
	}

	bad := wasmModule(nil, []wasmFunc{{export: "register_tool", params: i32}, {export: "metadata", results: i32}}, false)
	if r, err = Inspect(context.Background(), writeWasm(t, "bad.wasm", bad), InspectOptions{SkipLoad: true}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"register_tool has signature (i32) -> (), want () -> (i32)",
		"exports both tool functions and extension functions: a plugin is one or the other",
		`exports no "memory": the Extism ABI needs it`,
	}
	if r.Kind != KindUnknown || !slices.Equal(r.Warnings, want) {
		t.Errorf("kind %s, warnings %q, want %q", r.Kind, r.Warnings, want)
	}
}

func TestInspectNotWasm(t *testing.T) {
	if _, err := Inspect(context.Background(), writeWasm(t, "x.wasm", []byte("#!/bin/sh\n")), InspectOptions{}); err == nil || !strings.Contains(err.Error(), "not a valid WebAssembly module") {
		t.Errorf("err = %v", err)
	}
	if _, err := Inspect(context.Background(), filepath.Join(t.TempDir(), "missing.wasm"), InspectOptions{}); err == nil {
		t.Error("missing file accepted")
	}
}

func TestInspectLoadsGoPlugin(t *testing.T) {
	path := wasmbuild.Build(t, wasmbuild.Fixture("hello"))
	r, err := Inspect(context.Background(), path, InspectOptions{ID: "greeter"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Loads || r.LoadError != "" {
		t.Fatalf("loads = %v: %s", r.Loads, r.LoadError)
	}
	var reg api.RegisterToolOutput
	if err := json.Unmarshal(r.RegisterTool, &reg); err != nil {
		t.Fatal(err)
	}
	if reg.Name != "Hello greeter" || reg.Type != api.TypeCommandLine {
		t.Errorf("register_tool = %+v", reg)
	}
	if !slices.Contains(r.Imports, "extism:host/env.input_length") || !slices.Contains(r.Imports, "wasi_snapshot_preview1.fd_write") {
		t.Errorf("imports = %q", r.Imports)
	}
	if !slices.Contains(r.OtherExports, "_initialize") {
		t.Errorf("other exports = %q, want _initialize among them", r.OtherExports)
	}
}

func TestReportJSONShape(t *testing.T) {
	b := wasmModule(nil, []wasmFunc{{export: "register_tool", results: i32}}, true)
	r, err := Inspect(context.Background(), writeWasm(t, "shape.wasm", b), InspectOptions{SkipLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"path", "size", "sha256", "imports", "tool_functions", "extension_functions", "missing_required", "other_exports", "kind", "loads", "warnings"} {
		v, ok := m[key]
		if !ok {
			t.Errorf("JSON lacks %q: %s", key, out)
		} else if string(v) == "null" {
			t.Errorf("%q is null, want []: %s", key, out)
		}
	}
	if string(m["imports"]) != "[]" || string(m["kind"]) != `"tool"` || string(m["loads"]) != "false" {
		t.Errorf("JSON = %s", out)
	}
}

func TestDefaultID(t *testing.T) {
	for in, want := range map[string]string{"/x/demo_tool.wasm": "demo-tool", "Node.wasm": "node", "a/b/plain": "plain"} {
		if got := DefaultID(in); got != want {
			t.Errorf("DefaultID(%q) = %q, want %q", in, got, want)
		}
	}
}
