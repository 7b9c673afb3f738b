package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// layout builds root/{home/proj/sub, tote} with a .prototools in home, proj,
// sub and tote, and one above home that must never be read.
func layout(t *testing.T) (root, home, proj, sub, tote string) {
	root = t.TempDir()
	home = filepath.Join(root, "home")
	proj = filepath.Join(home, "proj")
	sub = filepath.Join(proj, "sub")
	tote = filepath.Join(home, ".tote")
	write(t, filepath.Join(root, FileName), "node = \"0.0.1\"\nabove = \"1\"\n")
	write(t, filepath.Join(home, FileName), `node = "18"
deno = "2"

[tools.node]
aliases = { work = "18.20", home = "16" }
mirror = { host = "home.example", port = 80 }

[settings]
detect-strategy = "only-prototools"
url-rewrites = { "^https://a/" = "https://home/", "^https://b/" = "https://home-b/" }
`)
	write(t, filepath.Join(proj, FileName), `node = "20"
go = "1.22"

[plugins]
mytool = "file://./plugins/mytool.wasm"

[tools.node]
aliases = { work = "20.11" }
env = { A = "proj" }
mirror = { host = "proj.example" }

[extensions.stats]
enabled = true
permissions = ["network"]
limits = { memory = "64MiB" }

[settings]
offline = false
url-rewrites = { "^https://b/" = "https://proj-b/" }
http = { timeout = 30 }
`)
	write(t, filepath.Join(sub, FileName), "# leaf\nnode = \"22\"\n")
	write(t, filepath.Join(tote, FileName), `python = "3.12"
node = "16"

[plugins]
mytool = "/global/mytool.wasm"
gh = "github://acme/tote-gh"

[extensions.stats]
enabled = false
deny = ["exec"]
limits = { memory = "256MiB", call-timeout = "2s" }

[settings]
auto-install = true
offline = true
http = { timeout = 10, proxy = "http://proxy" }
`)
	return
}

func TestLoadMerge(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	root, home, proj, sub, tote := layout(t)
	// The project file's trust-only settings merge only when it is trusted
	// (TestTrust* cover the untrusted case).
	t.Setenv("TOTE_TRUSTED_PATHS", proj)
	c, err := Load(sub, home, tote)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range c.Files() {
		paths = append(paths, f.Path)
	}
	want := []string{
		filepath.Join(sub, FileName), filepath.Join(proj, FileName),
		filepath.Join(home, FileName), filepath.Join(tote, FileName),
	}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("Files = %v\nwant    %v", paths, want)
	}
	_ = root

	for tool, wantPin := range map[string]struct {
		spec, file string
		line       int
	}{
		"node":   {"22", filepath.Join(sub, FileName), 2},
		"go":     {"1.22", filepath.Join(proj, FileName), 2},
		"deno":   {"2", filepath.Join(home, FileName), 2},
		"python": {"3.12", filepath.Join(tote, FileName), 1},
	} {
		p, f, ok := c.Pin(tool)
		if !ok || p.Spec != wantPin.spec || f.Path != wantPin.file || p.Line != wantPin.line {
			t.Errorf("Pin(%s) = %+v in %v, %v; want %+v", tool, p, f, ok, wantPin)
		}
	}
	if _, _, ok := c.Pin("above"); ok {
		t.Error("a file above the user's home was read")
	}
	if _, _, ok := c.Pin("ruby"); ok {
		t.Error("Pin(ruby) found a pin")
	}
	if got := c.PinnedTools(); !reflect.DeepEqual(got, []string{"deno", "go", "node", "python"}) {
		t.Errorf("PinnedTools = %v", got)
	}

	node := c.Tool("node")
	if !reflect.DeepEqual(node.Aliases, map[string]string{"work": "20.11", "home": "16"}) {
		t.Errorf("node aliases = %v", node.Aliases)
	}
	if !reflect.DeepEqual(node.Env, map[string]string{"A": "proj"}) {
		t.Errorf("node env = %v", node.Env)
	}
	if want := map[string]any{"mirror": map[string]any{"host": "proj.example", "port": int64(80)}}; !reflect.DeepEqual(node.Config, want) {
		t.Errorf("node config = %v, want %v", node.Config, want)
	}
	// The merged table is a copy.
	node.Config["mirror"].(map[string]any)["host"] = "changed"
	if c.Tool("node").Config["mirror"].(map[string]any)["host"] != "proj.example" {
		t.Error("Tool returned a table that aliases the file's")
	}
	if got := c.Tool("ruby"); got.Aliases != nil || got.Config != nil || got.Env != nil {
		t.Errorf("Tool(ruby) = %+v", got)
	}

	loc, ok := c.PluginLocator("mytool")
	if !ok || loc.Kind != LocatorFile || loc.Value != filepath.Join(proj, "plugins", "mytool.wasm") ||
		loc.DeclaredIn != filepath.Join(proj, FileName)+":5" || loc.Supported() != nil {
		t.Errorf("PluginLocator(mytool) = %+v, %v", loc, ok)
	}
	gh, ok := c.PluginLocator("gh")
	if !ok || gh.Kind != LocatorGitHub || gh.Value != "acme/tote-gh" {
		t.Errorf("PluginLocator(gh) = %+v", gh)
	}
	if err := gh.Supported(); err != nil {
		t.Errorf("Supported() = %v", err)
	}
	if got := c.PluginIDs(); !reflect.DeepEqual(got, []string{"gh", "mytool"}) {
		t.Errorf("PluginIDs = %v", got)
	}

	ext := c.Extensions()["stats"]
	if ext.Enabled == nil || !*ext.Enabled || !reflect.DeepEqual(ext.Permissions, []string{"network"}) ||
		!reflect.DeepEqual(ext.Deny, []string{"exec"}) || ext.Limits.Memory != 64<<20 || ext.Limits.CallTimeout != 2*time.Second {
		t.Errorf("merged stats extension = %+v", ext)
	}

	s := c.Settings()
	if s.Offline == nil || *s.Offline {
		t.Errorf("offline = %v, want false from the project file", s.Offline)
	}
	if s.AutoInstall == nil || !*s.AutoInstall {
		t.Errorf("auto-install = %v, want true from the global file", s.AutoInstall)
	}
	if s.DetectStrategy != DetectOnlyPrototools {
		t.Errorf("detect-strategy = %q", s.DetectStrategy)
	}
	if want := map[string]any{"timeout": int64(30), "proxy": "http://proxy"}; !reflect.DeepEqual(s.HTTP, want) {
		t.Errorf("http = %v, want %v", s.HTTP, want)
	}
	var rw []string
	for _, r := range s.URLRewrites {
		rw = append(rw, r.Pattern.String()+" -> "+r.Replacement)
	}
	if want := []string{"^https://b/ -> https://proj-b/", "^https://a/ -> https://home/"}; !reflect.DeepEqual(rw, want) {
		t.Errorf("rewrites = %v, want %v", rw, want)
	}
	if got := s.RewriteURL("https://b/x"); got != "https://proj-b/x" {
		t.Errorf("RewriteURL = %q", got)
	}
}

func TestLoadOfflineEnv(t *testing.T) {
	_, home, _, sub, tote := layout(t)
	for _, tt := range []struct {
		env  string
		want bool
	}{{"1", true}, {"true", true}, {"0", false}, {"", false}} {
		t.Setenv("TOTE_OFFLINE", tt.env)
		c, err := Load(sub, home, tote)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Settings().Offline; got == nil || *got != tt.want {
			t.Errorf("TOTE_OFFLINE=%q: offline = %v, want %v", tt.env, got, tt.want)
		}
	}
	t.Setenv("TOTE_OFFLINE", "maybe")
	if _, err := Load(sub, home, tote); err == nil || !strings.Contains(err.Error(), `TOTE_OFFLINE="maybe"`) {
		t.Errorf("bad TOTE_OFFLINE error = %v", err)
	}
}

func TestLoadOutsideHome(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	root := t.TempDir()
	home := filepath.Join(root, "home")
	work := filepath.Join(root, "work", "repo")
	write(t, filepath.Join(root, FileName), "a = \"1\"\n")
	write(t, filepath.Join(root, "work", FileName), "b = \"2\"\n")
	write(t, filepath.Join(home, FileName), "c = \"3\"\n")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Load(work, home, "")
	if err != nil {
		t.Fatal(err)
	}
	// Walks to the filesystem root; the home file is not on the path.
	for tool, want := range map[string]bool{"a": true, "b": true, "c": false} {
		if _, _, ok := c.Pin(tool); ok != want {
			t.Errorf("Pin(%s) found = %v, want %v", tool, ok, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	_, home, proj, sub, tote := layout(t)
	write(t, filepath.Join(proj, FileName), "node = 20\n")
	_, err := Load(sub, home, tote)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != filepath.Join(proj, FileName) || pe.Line != 1 {
		t.Errorf("Load error = %v, want a ParseError at %s:1", err, filepath.Join(proj, FileName))
	}
	// A directory named .prototools is an error, not silently skipped.
	if err := os.Remove(filepath.Join(proj, FileName)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(proj, FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(sub, home, tote); err == nil {
		t.Error("Load accepted a directory named .prototools")
	}
}

func TestLoadGlobalIsHomeFile(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	home := t.TempDir()
	write(t, filepath.Join(home, FileName), "node = \"20\"\n")
	// TOTE_HOME == HOME: the same file must not be merged twice.
	c, err := Load(home, home, home)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Files()); n != 1 {
		t.Errorf("Files() has %d entries, want 1", n)
	}
}

func TestNearestAndGlobalFile(t *testing.T) {
	_, home, proj, sub, tote := layout(t)
	if got := NearestFile(sub, home); got != filepath.Join(sub, FileName) {
		t.Errorf("NearestFile(sub) = %q", got)
	}
	deeper := filepath.Join(sub, "a", "b")
	if err := os.MkdirAll(deeper, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := NearestFile(deeper, home); got != filepath.Join(sub, FileName) {
		t.Errorf("NearestFile(deeper) = %q", got)
	}
	if err := os.Remove(filepath.Join(sub, FileName)); err != nil {
		t.Fatal(err)
	}
	if got := NearestFile(sub, home); got != filepath.Join(proj, FileName) {
		t.Errorf("NearestFile after removal = %q", got)
	}
	empty := t.TempDir()
	if got := NearestFile(empty, empty); got != filepath.Join(empty, FileName) {
		t.Errorf("NearestFile(empty) = %q", got)
	}
	if got := GlobalFile(tote); got != filepath.Join(tote, FileName) {
		t.Errorf("GlobalFile = %q", got)
	}
}

func TestLocators(t *testing.T) {
	decl := filepath.Join("/srv", "proj", FileName)
	tests := []struct {
		raw, kind, value string
		supported        bool
	}{
		{"file://./plugins/x.wasm", LocatorFile, "/srv/proj/plugins/x.wasm", true},
		{"file://../shared/x.wasm", LocatorFile, "/srv/shared/x.wasm", true},
		{"file://x.wasm", LocatorFile, "/srv/proj/x.wasm", true},
		{"file:///opt/x.wasm", LocatorFile, "/opt/x.wasm", true},
		{"/opt/y.wasm", LocatorFile, "/opt/y.wasm", true},
		{"builtin://node", LocatorBuiltin, "node", true},
		{"https://example.com/p.wasm", LocatorHTTPS, "https://example.com/p.wasm", true},
		{"http://127.0.0.1:8080/p.toml", LocatorHTTPS, "http://127.0.0.1:8080/p.toml", true},
		{"http://example.com/p.wasm", LocatorHTTPS, "http://example.com/p.wasm", false},
		{"github://moonrepo/tools@v0.1.0", LocatorGitHub, "moonrepo/tools@v0.1.0", true},
		{"github://moonrepo/plugins/node_tool", LocatorGitHub, "moonrepo/plugins/node_tool", true},
		{"registry://ghcr.io/acme/plugin:1.0", LocatorRegistry, "ghcr.io/acme/plugin:1.0", true},
	}
	for _, tt := range tests {
		l, err := parseLocator(tt.raw, "x", decl, decl+":3")
		if err != nil {
			t.Errorf("parseLocator(%q): %v", tt.raw, err)
			continue
		}
		if l.Kind != tt.kind || l.Value != filepath.FromSlash(tt.value) || l.Raw != tt.raw {
			t.Errorf("parseLocator(%q) = %+v, want %s %s", tt.raw, l, tt.kind, tt.value)
		}
		err = l.Supported()
		if (err == nil) != tt.supported {
			t.Errorf("%q Supported() = %v", tt.raw, err)
		}
		if err != nil && !strings.Contains(err.Error(), "(in "+decl+":3): plain http is refused") {
			t.Errorf("%q Supported() = %v", tt.raw, err)
		}
	}
}
