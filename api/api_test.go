package api

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestVirtualPathJSON(t *testing.T) {
	var v VirtualPath
	if err := json.Unmarshal([]byte(`"/proto/tools/node"`), &v); err != nil || v.Path != "/proto/tools/node" || v.RealPrefix != "" {
		t.Fatalf("string form: %+v %v", v, err)
	}
	in := `{"path":"/proto/tools/node","virtual_prefix":"/proto","real_prefix":"/home/u/.tote"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if got := v.RealPath(); got != "/home/u/.tote/tools/node" {
		t.Errorf("RealPath = %q", got)
	}
	out, _ := json.Marshal(v)
	if string(out) != in {
		t.Errorf("round trip = %s", out)
	}
	if out, _ := json.Marshal(NewVirtualPath("/cwd")); string(out) != `"/cwd"` {
		t.Errorf("plain marshal = %s", out)
	}
	if err := json.Unmarshal([]byte(`42`), &v); err == nil {
		t.Error("a number decoded as a path")
	}
	// A prefix that only shares characters is not a mount.
	v = VirtualPath{Path: "/protox/a", VirtualPrefix: "/proto", RealPrefix: "/r"}
	if got := v.RealPath(); got != "" {
		t.Errorf("RealPath across a name boundary = %q", got)
	}
}

func TestStringOrSlice(t *testing.T) {
	var s StringOrSlice
	json.Unmarshal([]byte(`"--a"`), &s)
	if !reflect.DeepEqual(s, StringOrSlice{"--a"}) {
		t.Errorf("string: %v", s)
	}
	json.Unmarshal([]byte(`["-a","-b"]`), &s)
	if !reflect.DeepEqual(s, StringOrSlice{"-a", "-b"}) {
		t.Errorf("list: %v", s)
	}
	if err := json.Unmarshal([]byte(`{}`), &s); err == nil {
		t.Error("object accepted")
	}
}

func TestLocateNormalizeOlderShape(t *testing.T) {
	var out LocateExecutablesOutput
	in := `{"primary":{"exe_path":"bin/node"},"secondary":{"npm":{"exe_path":"bin/npm","no_bin":true}},"exes_dir":"bin"}`
	if err := json.Unmarshal([]byte(in), &out); err != nil {
		t.Fatal(err)
	}
	out.Normalize("node")
	if e := out.Exes["node"]; e.ExePath != "bin/node" || !e.Primary {
		t.Errorf("primary = %+v", e)
	}
	if e := out.Exes["npm"]; e.ExePath != "bin/npm" || !e.NoBin {
		t.Errorf("secondary = %+v", e)
	}
	if !reflect.DeepEqual(out.ExesDirs, []string{"bin"}) || out.Primary != nil {
		t.Errorf("after normalize: %+v", out)
	}
}

func TestByteListAndLog(t *testing.T) {
	b, _ := json.Marshal(SendRequestOutput{Body: ByteList("hi"), Status: 200})
	var back SendRequestOutput
	if err := json.Unmarshal(b, &back); err != nil || string(back.Body) != "hi" {
		t.Fatalf("%s → %+v %v", b, back, err)
	}
	var l HostLogInput
	json.Unmarshal([]byte(`"plain"`), &l)
	if l.Message != "plain" || l.Target != LogTrace {
		t.Errorf("bare string log = %+v", l)
	}
	json.Unmarshal([]byte(`{"message":"m","target":"warn","data":{"k":1}}`), &l)
	if l.Message != "m" || l.Target != LogWarn || l.Data["k"] != float64(1) {
		t.Errorf("object log = %+v", l)
	}
	var e ExecCommandInput
	json.Unmarshal([]byte(`{"command":"ls","working_dir":"/cwd"}`), &e)
	if e.Cwd == nil || e.Cwd.Path != "/cwd" {
		t.Errorf("working_dir alias: %+v", e)
	}
}

func TestPlatformNames(t *testing.T) {
	if OSFromGOOS("darwin") != OSMacOS || ArchFromGOARCH("amd64") != ArchX64 || ArchFromGOARCH("arm64") != ArchArm64 {
		t.Error("platform mapping")
	}
	if PluginType("cli").Normalize() != TypeCommandLine || PluginType("").Normalize() != TypeLanguage {
		t.Error("plugin type aliases")
	}
}
