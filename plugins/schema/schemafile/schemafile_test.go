package schemafile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every third-party plugin copied from proto's registry parses and
// validates, with what it declares.
func TestThirdPartyPluginsParse(t *testing.T) {
	files, _ := filepath.Glob("../testdata/proto-toml/*.toml")
	if len(files) != 8 {
		t.Fatalf("want the 8 recorded plugins, found %d", len(files))
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		res, err := Parse(filepath.Base(f), data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if res.Schema.Type != "command-line" {
			t.Errorf("%s: type %q, want command-line (from cli)", f, res.Schema.Type)
		}
		if res.Schema.Platform["linux"].DownloadFile == "" || res.Schema.Install.DownloadURL == "" {
			t.Errorf("%s: lost the linux download file or URL: %s", f, res.JSON)
		}
		if len(res.Warnings) != 0 {
			t.Errorf("%s: warnings %v", f, res.Warnings)
		}
	}
	res, err := Parse("hugo-extended.toml", readTestdata(t, "proto-toml/hugo-extended.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// x64 and x86_64 are one architecture; both spellings map it to amd64.
	if got := res.Schema.Install.Arch; got["x64"] != "amd64" || got["arm64"] != "arm64" || len(got) != 2 {
		t.Errorf("hugo install.arch = %v", got)
	}
	if res.Schema.Install.Primary == nil || res.Schema.Install.Primary.ExePath != "hugo" {
		t.Errorf("hugo install.primary = %+v", res.Schema.Install.Primary)
	}
	res, _ = Parse("terraform.toml", readTestdata(t, "proto-toml/terraform.toml"))
	if res.Schema.Platform["windows"].BinPath != "terraform.exe" || res.Schema.Detect.VersionFiles[0] != ".terraform-version" {
		t.Errorf("terraform: %s", res.JSON)
	}
}

// The JSON and YAML forms (camelCase keys) give the same canonical schema
// as the TOML form.
func TestFormatsAgree(t *testing.T) {
	tomlRes, err := Parse("uv.toml", readTestdata(t, "proto-toml/uv.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"uv.json", "uv.yaml"} {
		res, err := Parse(name, readTestdata(t, "variants/"+name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(res.JSON) != string(tomlRes.JSON) {
			t.Errorf("%s differs from uv.toml:\n %s\n %s", name, res.JSON, tomlRes.JSON)
		}
	}
	if _, err := Parse("uv.yml", readTestdata(t, "variants/uv.yaml")); err != nil {
		t.Errorf(".yml: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(tomlRes.JSON, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["install"].(map[string]any)["exes"].(map[string]any)["uvx"]; !ok {
		t.Errorf("canonical JSON lost install.exes.uvx: %s", tomlRes.JSON)
	}
}

func TestValidationErrors(t *testing.T) {
	const base = `name = "x"
[platform.linux]
download-file = "x-{arch}"
[install]
download-url = "https://example.com/{download_file}"
[resolve]
versions = ["1.0.0"]
`
	tests := []struct {
		name, file, data, key, msg string
	}{
		{"wrong type", "a.toml", strings.Replace(base, `download-file = "x-{arch}"`, `download-file = 3`, 1), "platform.linux.download-file", "must be a string, not a number"},
		{"unknown os", "a.toml", base + "[platform.plan9]\ndownload-file = \"y\"\n", "platform.plan9", "unknown operating system"},
		{"unknown arch", "a.toml", base + "[install.arch]\nvax = \"v\"\n", "install.arch.vax", "unknown architecture"},
		{"bad regex", "a.toml", strings.Replace(base, "[resolve]\n", "[resolve]\nversion-pattern = \"(?<major\"\n", 1), "resolve.version-pattern", "invalid regular expression"},
		{"bad type", "a.toml", strings.Replace(base, `name = "x"`, "name = \"x\"\ntype = \"tool\"", 1), "type", "is not one of"},
		{"no resolve", "a.toml", strings.Replace(base, "versions = [\"1.0.0\"]\n", "", 1), "resolve", "is required"},
		{"two primaries", "a.toml", base + "[install.exes.a]\nprimary = true\n[install.exes.b]\nprimary = true\n", "install.exes", "only one"},
		{"git option", "a.toml", strings.Replace(base, "versions = [\"1.0.0\"]\n", "git-url = \"--upload-pack=touch /tmp/x\"\n", 1), "resolve.git-url", "may not start with '-'"},
		{"git helper", "a.toml", strings.Replace(base, "versions = [\"1.0.0\"]\n", "git-url = \"ext::sh -c touch% /tmp/x\"\n", 1), "resolve.git-url", "remote helpers"},
		{"libc", "a.toml", base + "[install.libc]\nuclibc = \"u\"\n", "install.libc.uclibc", "unknown libc"},
		{"json list", "a.json", `{"install":{"downloadUrl":"u"},"platform":{"linux":{"downloadFile":"f"}},"resolve":{"versions":[1]}}`, "resolve.versions[0]", "must be a string"},
		{"yaml bool", "a.yaml", "install:\n  downloadUrl: u\n  noBin: maybe\nplatform:\n  linux:\n    downloadFile: f\nresolve:\n  versions: ['1.0.0']\n", "install.no-bin", "must be true or false"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.file, []byte(tt.data))
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("%s: want *Error, got %v", tt.name, err)
			continue
		}
		if se.File != tt.file || se.Key != tt.key || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("%s: got %q (key %q), want key %q and %q", tt.name, err, se.Key, tt.key, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), tt.file+": "+tt.key) {
			t.Errorf("%s: message %q does not start with file and key", tt.name, err)
		}
	}
	// Deterministic: with several bad platforms, the first by name is
	// named, every run (map order used to pick one at random).
	bad := base + "[platform.windows]\ndownload-file = \"\"\n[platform.macos]\ndownload-file = \"\"\n[platform.freebsd]\ndownload-file = \"\"\n"
	for i := 0; i < 20; i++ {
		if _, err := Parse("a.toml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "platform.freebsd.download-file") {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	// proto defaults install.download-url: a schema without one loads.
	if _, err := Parse("a.toml", []byte(strings.Replace(base, `download-url = "https://example.com/{download_file}"`, "", 1))); err != nil {
		t.Errorf("no download-url: %v", err)
	}
	// Two spellings of one architecture: the later in the file wins, as
	// in proto (trivy's plugin has x64 and x86_64), with a warning.
	res, err := Parse("a.toml", []byte(base+"[install.arch]\nx86_64 = \"amd64\"\nx64 = \"64bit\"\n"))
	if err != nil || res.Schema.Install.Arch["x64"] != "64bit" || len(res.Warnings) != 1 {
		t.Errorf("duplicate arch: %v %+v", err, res)
	}
	if _, err := Parse("a.toml", []byte("name = ")); err == nil || !strings.Contains(err.Error(), "a.toml: cannot parse") {
		t.Errorf("syntax error: %v", err)
	}
	if _, err := Parse("a.ini", []byte("x")); err == nil {
		t.Error("an .ini file was accepted")
	}
}

func TestUnknownKeysWarn(t *testing.T) {
	res, err := Parse("a.toml", []byte(`name = "x"
colour = "blue"
[platform.linux]
download-file = "f"
[install]
download-url = "u"
unpack = false
[resolve]
versions = ["1.0.0"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "unknown key colour") {
		t.Errorf("warnings = %v (unpack is accepted silently, colour is not)", res.Warnings)
	}
}

func TestIsSchemaFile(t *testing.T) {
	for name, want := range map[string]bool{"a.toml": true, "b/C.JSON": true, "x.yaml": true, "x.yml": true, "p.wasm": false, "toml": false} {
		if IsSchemaFile(name) != want {
			t.Errorf("IsSchemaFile(%q) != %v", name, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/proto-toml/*.toml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add("a.toml", b)
	}
	f.Add("a.json", []byte(`{"install":{"downloadUrl":"u"}}`))
	f.Add("a.yaml", []byte("install: {downloadUrl: u}"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		res, err := Parse(name, data)
		if err == nil {
			var back map[string]any
			if json.Unmarshal(res.JSON, &back) != nil {
				t.Fatalf("invalid canonical JSON %s", res.JSON)
			}
		}
	})
}
