package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const fullFile = `# Project toolchain.
node = "20.18"          # the LTS line
go = '~1.22'
"python" = "3.12.7"

[plugins]
mytool = "file://./plugins/mytool.wasm"
abs = "/opt/tote/abs.wasm"

[plugins.tools]
remote = "https://example.com/remote.wasm"
gh = "github://acme/tote-gh@v1.2.0"

[plugins.extensions]
stats = "builtin://stats"

[tools.node]
bundled-npm = true
dist-url = "https://nodejs.org/dist"
aliases = { work = "20.11", prod = "lts/iron" }
env = { NODE_OPTIONS = "--max-old-space-size=4096" }

[tools.node.shared]
level = 1

[tools.go]
plugin = "file:///srv/plugins/go.wasm"
gobin = false

[extensions.stats]
enabled = true
permissions = ["network", "tools-read"]
deny = ["exec"]
config = { interval = 30, labels = ["a"] }
limits = { memory = "128MiB", call-timeout = "5s", max-restarts = 3 }

[extensions.audit]
enabled = false
limits = { memory = 1048576, call-timeout = 250, max-restarts = 0 }

[env]
TOTE_TEST = "1"

[settings]
auto-install = true
offline = false
detect-strategy = "prefer-prototools"
telemetry = false # a proto setting tote ignores

[settings.url-rewrites]
'^https://nodejs\.org/dist/(.*)$' = 'https://mirror.example/node/$1'
'^https://go\.dev/dl/(?P<file>.*)$' = 'https://mirror.example/go/${file}'

[settings.http]
root-cert = "/etc/ssl/corp.pem"
allow-invalid-certs = false
`

func TestParseFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "proj", FileName)
	f, err := Parse(path, []byte(fullFile))
	if err != nil {
		t.Fatal(err)
	}
	wantPins := map[string]Pin{
		"node":   {Spec: "20.18", Line: 2},
		"go":     {Spec: "~1.22", Line: 3},
		"python": {Spec: "3.12.7", Line: 4},
	}
	if !reflect.DeepEqual(f.Pins, wantPins) {
		t.Errorf("Pins = %v, want %v", f.Pins, wantPins)
	}
	wantPlugins := map[string]string{
		"mytool": "file://./plugins/mytool.wasm",
		"abs":    "/opt/tote/abs.wasm",
		"remote": "https://example.com/remote.wasm",
		"gh":     "github://acme/tote-gh@v1.2.0",
		"go":     "file:///srv/plugins/go.wasm",
	}
	if !reflect.DeepEqual(f.Plugins, wantPlugins) {
		t.Errorf("Plugins = %v, want %v", f.Plugins, wantPlugins)
	}
	if !reflect.DeepEqual(f.ExtensionPlugins, map[string]string{"stats": "builtin://stats"}) {
		t.Errorf("ExtensionPlugins = %v", f.ExtensionPlugins)
	}
	node := f.Tools["node"]
	if !reflect.DeepEqual(node.Aliases, map[string]string{"work": "20.11", "prod": "lts/iron"}) {
		t.Errorf("node aliases = %v", node.Aliases)
	}
	if !reflect.DeepEqual(node.Env, map[string]string{"NODE_OPTIONS": "--max-old-space-size=4096"}) {
		t.Errorf("node env = %v", node.Env)
	}
	wantCfg := map[string]any{"bundled-npm": true, "dist-url": "https://nodejs.org/dist", "shared": map[string]any{"level": int64(1)}}
	if !reflect.DeepEqual(node.Config, wantCfg) {
		t.Errorf("node config = %#v, want %#v", node.Config, wantCfg)
	}
	if goCfg := f.Tools["go"].Config; !reflect.DeepEqual(goCfg, map[string]any{"gobin": false}) {
		t.Errorf("go config = %v (plugin must not be passed to the plugin)", goCfg)
	}

	stats := f.Extensions["stats"]
	three := 3
	wantStats := ExtensionTable{
		Enabled:     ptr(true),
		Permissions: []string{"network", "tools-read"},
		Deny:        []string{"exec"},
		Config:      map[string]any{"interval": int64(30), "labels": []any{"a"}},
		Limits:      Limits{Memory: 128 << 20, CallTimeout: 5 * time.Second, MaxRestarts: &three},
	}
	if !reflect.DeepEqual(stats, wantStats) {
		t.Errorf("stats = %+v\nwant   %+v", stats, wantStats)
	}
	zero := 0
	wantAudit := ExtensionTable{Enabled: ptr(false), Limits: Limits{Memory: 1 << 20, CallTimeout: 250 * time.Millisecond, MaxRestarts: &zero}}
	if !reflect.DeepEqual(f.Extensions["audit"], wantAudit) {
		t.Errorf("audit = %+v", f.Extensions["audit"])
	}
	if !reflect.DeepEqual(f.Env, map[string]string{"TOTE_TEST": "1"}) {
		t.Errorf("Env = %v", f.Env)
	}

	s := f.Settings
	if s.AutoInstall == nil || !*s.AutoInstall || s.Offline == nil || *s.Offline || s.DetectStrategy != DetectPreferPrototools {
		t.Errorf("settings scalars = %+v", s)
	}
	if len(s.URLRewrites) != 2 {
		t.Fatalf("URLRewrites = %v", s.URLRewrites)
	}
	if s.URLRewrites[0].Pattern.String() != `^https://nodejs\.org/dist/(.*)$` || s.URLRewrites[0].Source != path+":51" ||
		s.URLRewrites[1].Source != path+":52" {
		t.Errorf("URLRewrites order/source = %q %q, %q %q", s.URLRewrites[0].Pattern, s.URLRewrites[0].Source,
			s.URLRewrites[1].Pattern, s.URLRewrites[1].Source)
	}
	if !reflect.DeepEqual(s.HTTP, map[string]any{"root-cert": "/etc/ssl/corp.pem", "allow-invalid-certs": false}) {
		t.Errorf("HTTP = %v", s.HTTP)
	}
	for in, want := range map[string]string{
		"https://nodejs.org/dist/v20.18.1/node-v20.18.1-linux-x64.tar.xz": "https://mirror.example/node/v20.18.1/node-v20.18.1-linux-x64.tar.xz",
		"https://go.dev/dl/go1.22.1.linux-amd64.tar.gz":                   "https://mirror.example/go/go1.22.1.linux-amd64.tar.gz",
		"https://example.com/other":                                       "https://example.com/other",
	} {
		if got := s.RewriteURL(in); got != want {
			t.Errorf("RewriteURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestRewriteURLChain(t *testing.T) {
	f, err := Parse("/x/.prototools", []byte(`[settings]
url-rewrites = { "^http://" = "https://", "^https://github\\.com/([^/]+)/" = "https://gh.mirror/${1}_x/", "nomatch" = "zzz" }
`))
	if err != nil {
		t.Fatal(err)
	}
	// Applied in file order, each to the previous result.
	got := f.Settings.RewriteURL("http://github.com/acme/tool/releases/x.tar.gz")
	if want := "https://gh.mirror/acme_x/tool/releases/x.tar.gz"; got != want {
		t.Errorf("RewriteURL = %q, want %q", got, want)
	}
	if (Settings{}).RewriteURL("https://a") != "https://a" {
		t.Error("empty settings changed a URL")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // "line:col: message substring"
	}{
		{"number pin", "go = \"1.22\"\nnode = 20\n", `2:1: node: a version pin must be a string such as node = "1.2.3", not an integer`},
		{"table pin", "[node]\nversion = \"20\"\n", "1:2: unknown table [node]"},
		{"empty pin", "node = \"  \"\n", "1:1: node: empty version pin"},
		{"syntax", "node = \"20\ngo = \"1\"\n", "1:"},
		{"bad value", "node = \n", "1:8:"},
		{"duplicate key", "node = \"20\"\n# again\nnode = \"22\"\n", "3:1: key node is already defined"},
		{"duplicate table", "[settings]\noffline = true\n\n[settings]\n", "4:2: table settings already exists"},
		{"settings bool", "[settings]\noffline = \"yes\"\n", "2:1: settings.offline must be true, false or a table"},
		{"auto-install", "[settings]\nauto-install = 1\n", "2:1: settings.auto-install must be true or false, not an integer"},
		{"detect strategy", "[settings]\ndetect-strategy = \"last\"\n", `2:1: settings.detect-strategy "last" is not one of first-available`},
		{"bad regex", "[settings.url-rewrites]\n'^ok' = 'x'\n'(' = 'y'\n", `3:1: invalid url-rewrites pattern "(": error parsing regexp`},
		{"rewrite not string", "[settings]\nurl-rewrites = { a = 1 }\n", "2:18: settings.url-rewrites.a must be a string, not an integer"},
		{"http not table", "[settings]\nhttp = true\n", "2:1: settings.http must be a table"},
		{"settings not table", "settings = 1\n", "1:1: settings must be a table, not an integer"},
		{"unknown locator", "[plugins]\nfoo = \"ftp://x/y.wasm\"\n", `2:1: unknown plugin locator "ftp://x/y.wasm" for foo`},
		{"relative path locator", "[plugins]\nfoo = \"plugins/foo.wasm\"\n", `2:1: unknown plugin locator "plugins/foo.wasm"`},
		{"github without repo", "[plugins.tools]\nfoo = \"github://acme\"\n", "2:1: plugin locator \"github://acme\" for foo: want github://owner/repo[@tag]"},
		{"empty file locator", "[plugins]\nfoo = \"file://\"\n", "2:1: plugin locator \"file://\" for foo has no path"},
		{"locator not string", "[plugins]\nfoo = 3\n", "2:1: plugin locator for foo must be a string, not an integer"},
		{"declared twice", "[plugins]\nfoo = \"/a.wasm\"\n[plugins.tools]\nfoo = \"/b.wasm\"\n", "4:1: plugin foo is declared twice in this file (lines 2 and 4)"},
		{"declared twice via tools", "[plugins]\nfoo = \"/a.wasm\"\n[tools.foo]\nplugin = \"/b.wasm\"\n", "4:1: plugin foo is declared twice"},
		{"tool not table", "[tools]\nnode = \"20\"\n", "2:1: tools.node must be a table, not a string"},
		{"alias not string", "[tools.node]\naliases = { work = 20 }\n", "2:13: tools.node.aliases.work must be a string, not an integer"},
		{"env not table", "[tools.node]\nenv = [\"A=1\"]\n", "2:1: tools.node.env must be a table, not an array"},
		{"extension unknown key", "[extensions.stats]\nenabeld = true\n", "2:1: unknown key enabeld in [extensions.stats]"},
		{"extension permissions", "[extensions.stats]\npermissions = \"network\"\n", "2:1: extensions.stats.permissions must be an array of strings, not a string"},
		{"extension permission item", "[extensions.stats]\npermissions = [\"network\", 1]\n", "2:1: extensions.stats.permissions[1] must be a string, not an integer"},
		{"memory unit", "[extensions.stats]\nlimits = { memory = \"12 parsecs\" }\n", `2:12: extensions.stats.limits.memory: invalid size unit in "12 parsecs"`},
		{"memory negative", "[extensions.stats.limits]\nmemory = -5\n", "2:1: extensions.stats.limits.memory: size must be positive"},
		{"timeout", "[extensions.stats.limits]\ncall-timeout = \"soon\"\n", `2:1: extensions.stats.limits.call-timeout: invalid duration "soon"`},
		{"timeout float", "[extensions.stats.limits]\ncall-timeout = 1.5\n", "2:1: extensions.stats.limits.call-timeout: timeout must be milliseconds or a string"},
		{"restarts", "[extensions.stats.limits]\nmax-restarts = -1\n", "2:1: extensions.stats.limits.max-restarts must be an integer from 0 to 1000, not -1"},
		{"unknown limit", "[extensions.stats.limits]\ncpu = 1\n", "2:1: unknown limit cpu"},
		{"env", "[env]\nA = 1\n", "2:1: env.A must be a string or a boolean, not an integer"},
		{"invalid utf8", "node = \"\xff\"\n", "1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const path = "/home/u/proj/.prototools"
			f, err := Parse(path, []byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", f)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if pe.Line < 1 || pe.Column < 1 || pe.Path != path {
				t.Errorf("position %s:%d:%d incomplete", pe.Path, pe.Line, pe.Column)
			}
			if want := path + ":" + tt.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %q\nwant prefix %q", err, want)
			}
		})
	}
}

func TestParseErrorFormat(t *testing.T) {
	for _, tt := range []struct {
		e    ParseError
		want string
	}{
		{ParseError{Path: "a", Line: 2, Column: 3, Msg: "m"}, "a:2:3: m"},
		{ParseError{Path: "a", Line: 2, Msg: "m"}, "a:2: m"},
		{ParseError{Path: "a", Msg: "m"}, "a: m"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseEdgeCases(t *testing.T) {
	tests := []struct {
		name, doc string
		pins      map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"comments only", "# nothing\n\n   # here\n", map[string]string{}},
		{"crlf", "node = \"20\"\r\ngo = \"1.22\"\r\n", map[string]string{"node": "20", "go": "1.22"}},
		{"quoted keys", "\"my.tool\" = \"1\"\n'other' = \"2\"\n", map[string]string{"my.tool": "1", "other": "2"}},
		{"dotted settings at top", "node = \"20\"\nsettings.offline = true\n", map[string]string{"node": "20"}},
		{"multiline string", "node = \"\"\"\n20\"\"\"\n", map[string]string{"node": "20"}},
		{"spec kept verbatim", "node = \" >=18 <21 \"\n", map[string]string{"node": " >=18 <21 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("/p/.prototools", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, p := range f.Pins {
				got[k] = p.Spec
			}
			if !reflect.DeepEqual(got, tt.pins) {
				t.Errorf("pins = %v, want %v", got, tt.pins)
			}
		})
	}
}
