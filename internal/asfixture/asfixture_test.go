package asfixture

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/host/plugintool"
	"github.com/tote-dev/tote/host/runtime"
)

func load(t *testing.T, id string) *runtime.Plugin {
	t.Helper()
	path := Build(t)
	ctx := context.Background()
	rt, err := runtime.New(ctx, runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	p, err := rt.Load(ctx, path, runtime.LoadOptions{ID: id})
	if err != nil {
		t.Fatalf("load AssemblyScript plugin: %v", err)
	}
	return p
}

func TestRegisterTool(t *testing.T) {
	p := load(t, "as-tool")
	var out api.RegisterToolOutput
	if err := p.Call(context.Background(), api.FuncRegisterTool, api.RegisterToolInput{ID: "as-tool"}, &out); err != nil {
		t.Fatal(err)
	}
	want := api.RegisterToolOutput{
		Name:           "AS as-tool",
		Type:           api.TypeCommandLine,
		PluginVersion:  "0.3.0",
		DefaultVersion: "latest",
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("register_tool = %+v, want %+v", out, want)
	}
}

func TestRegisterToolEscapes(t *testing.T) {
	// The plugin parses and writes JSON by hand: escapes, non-ASCII text and
	// nested values before the key must survive the round trip.
	p := load(t, "as-tool")
	in := `{"context": {"note": "not \"id\"", "id": "nested"}, "id": "t\u00e9l \"quoted\" \\ 日本"}`
	raw, err := p.CallRaw(context.Background(), api.FuncRegisterTool, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var out api.RegisterToolOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, raw)
	}
	if want := `AS tél "quoted" \ 日本`; out.Name != want {
		t.Errorf("name = %q, want %q", out.Name, want)
	}
}

func TestRegisterToolError(t *testing.T) {
	p := load(t, "as-tool")
	_, err := p.CallRaw(context.Background(), api.FuncRegisterTool, []byte(`["not", "an", "object"]`))
	if err == nil {
		t.Fatal("register_tool accepted a JSON array")
	}
	for _, want := range []string{"as-tool", "register_tool", "input is not a JSON object"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !runtime.IsKind(err, runtime.KindPluginError) {
		t.Errorf("error kind: %v, want %s", err, runtime.KindPluginError)
	}
}

func TestLoadVersions(t *testing.T) {
	p := load(t, "as-tool")
	var out api.LoadVersionsOutput
	in := api.LoadVersionsInput{Context: api.Context{ToolDir: api.NewVirtualPath("/proto/tools/as-tool")}, Initial: "latest"}
	if err := p.Call(context.Background(), api.FuncLoadVersions, in, &out); err != nil {
		t.Fatal(err)
	}
	want := api.LoadVersionsOutput{
		Versions: []string{"0.9.1", "1.0.0", "1.1.0", "1.2.3", "1.10.0", "2.0.0-rc.1"},
		Latest:   "1.10.0",
		Aliases:  map[string]string{"stable": "1.10.0", "next": "2.0.0-rc.1"},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("load_versions = %+v, want %+v", out, want)
	}
}

func TestInspect(t *testing.T) {
	r, err := plugintool.Inspect(context.Background(), Build(t), plugintool.InspectOptions{ID: "as-tool"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Loads || r.Kind != plugintool.KindTool {
		t.Fatalf("loads = %v (%s), kind = %s", r.Loads, r.LoadError, r.Kind)
	}
	if !slices.Equal(r.ToolFunctions, []string{"register_tool", "load_versions"}) ||
		!slices.Equal(r.MissingRequired, []string{"download_prebuilt", "locate_executables"}) ||
		!slices.Equal(r.OtherExports, []string{"memory"}) {
		t.Errorf("report = %+v", r)
	}
	for _, im := range r.Imports {
		if !strings.HasPrefix(im, "extism:host/env.") {
			t.Errorf("unexpected import %s: the plugin should need only Extism's kernel", im)
		}
	}
	if !strings.Contains(string(r.RegisterTool), `"name":"AS as-tool"`) {
		t.Errorf("register_tool = %s", r.RegisterTool)
	}
}
