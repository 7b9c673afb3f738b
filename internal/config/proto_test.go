package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parseOK(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("/p/.prototools", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return f
}

func warnings(f *File) string {
	var b strings.Builder
	for _, w := range f.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

func TestProtoOfflineTable(t *testing.T) {
	f := parseOK(t, "[settings.offline]\ntimeout = 2000\ncustom-hosts = [\"proxy.corp:8080\"]\noverride-default-hosts = true\n")
	c := f.Settings.OfflineCheck
	if c == nil || c.Timeout != 2*time.Second || len(c.CustomHosts) != 1 || !c.OverrideDefaultHosts || f.Settings.Offline != nil {
		t.Fatalf("offline table = %+v", c)
	}
	// tote's boolean still works.
	if f := parseOK(t, "[settings]\noffline = true\n"); f.Settings.Offline == nil || !*f.Settings.Offline || f.Settings.OfflineCheck != nil {
		t.Errorf("offline bool = %+v", f.Settings)
	}
	if _, err := Parse("/p/.prototools", []byte("[settings.offline]\ntimeout = -1\n")); err == nil || !strings.Contains(err.Error(), "2:1: settings.offline.timeout") {
		t.Errorf("bad timeout: %v", err)
	}
	t.Setenv("PROTO_OFFLINE_HOSTS", "a:1, b:2")
	t.Setenv("PROTO_OFFLINE_TIMEOUT", "100")
	cfg := &Config{files: []*File{f}}
	if c := cfg.Settings().OfflineCheck; c == nil || c.Timeout != 100*time.Millisecond || strings.Join(c.CustomHosts, ",") != "a:1,b:2" {
		t.Errorf("PROTO_OFFLINE_* = %+v", c)
	}
}

func TestProtoEnvBoolsAndFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write(".env", "# shared\nFROM_FILE=file\nexport QUOTED=\"a b\\nc\"\nSINGLE='${NOT_EXPANDED}'\nOVERRIDDEN=file\nBARE=x # comment\n")
	write("tools/node.env", "NODE_FROM_FILE=yes\n")
	cfgPath := write(".prototools", `[env]
file = ".env"
DEBUG = true
NO_COLOR = false
OVERRIDDEN = "toml"
SHELL_WINS = "toml"

[tools.node.env]
file = "tools/node.env"
NODE_ENV = "production"
`)
	f, err := ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if f.Env["DEBUG"] != "true" || f.Env["NO_COLOR"] != "" || len(f.EnvFiles) != 1 || f.EnvFiles[0].Path != filepath.Join(dir, ".env") {
		t.Fatalf("env = %v files %v", f.Env, f.EnvFiles)
	}
	t.Setenv("SHELL_WINS", "shell")
	t.Setenv("NO_COLOR", "1")
	cfg := &Config{files: []*File{f}}
	env, err := cfg.RunEnv("node")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"FROM_FILE": "file", "QUOTED": "a b\nc", "SINGLE": "${NOT_EXPANDED}", "OVERRIDDEN": "toml", "BARE": "x",
		"DEBUG": "true", "NO_COLOR": "", "NODE_FROM_FILE": "yes", "NODE_ENV": "production",
	}
	for k, v := range want {
		if got, ok := env[k]; !ok || got != v {
			t.Errorf("%s = %q (set %v), want %q", k, got, ok, v)
		}
	}
	if _, ok := env["SHELL_WINS"]; ok {
		t.Error("SHELL_WINS: the shell's value must win over [env]")
	}
	if _, ok := env["file"]; ok {
		t.Error("file was exported as a variable")
	}
	// A missing env file is an error naming it and where it was named.
	os.Remove(filepath.Join(dir, ".env"))
	if _, err := cfg.RunEnv("node"); err == nil || !strings.Contains(err.Error(), ".env") || !strings.Contains(err.Error(), ".prototools:2") {
		t.Errorf("missing env file: %v", err)
	}
	// Hostile: a huge or malformed dotenv is refused.
	write(".env", "NOT A PAIR\n")
	if _, err := cfg.RunEnv("node"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed env file: %v", err)
	}
}

func TestProtoBackendsShellAndLocators(t *testing.T) {
	f := parseOK(t, `node = "20"
"npm:prettier" = "3.3.0"

[backends.asdf]
env = { ASDF_DIR = "/x" }

[plugins]
legacy-src = "source:./plugins/tool.wasm"
legacy-url = "source:https://example.com/tool.wasm"
legacy-gh = "github:moonrepo/tools"
inline = "data://AGFzbQEAAAA="

[plugins.backends]
asdf = "https://example.com/asdf.wasm"

[shell.aliases]
ll = "ls -l"

[tools."npm:prettier"]
x = 1
`)
	if f.Pins["node"].Spec != "20" || len(f.Pins) != 1 {
		t.Errorf("pins = %v", f.Pins)
	}
	w := warnings(f)
	for _, want := range []string{
		`/p/.prototools:2: npm:prettier = "3.3.0": backends are not supported yet; this pin is ignored`,
		`/p/.prototools:4: [backends.asdf]`,
		`[plugins.backends] asdf: backends are not supported yet`,
		`[tools."npm:prettier"]: backends are not supported yet`,
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	if f.ShellAliases["ll"] != "ls -l" {
		t.Errorf("shell aliases = %v", f.ShellAliases)
	}
	cfg := &Config{files: []*File{f}}
	for id, want := range map[string][2]string{
		"legacy-src": {LocatorFile, "/p/plugins/tool.wasm"},
		"legacy-url": {LocatorHTTPS, "https://example.com/tool.wasm"},
		"legacy-gh":  {LocatorGitHub, "moonrepo/tools"},
		"inline":     {LocatorData, "AGFzbQEAAAA="},
	} {
		l, ok := cfg.PluginLocator(id)
		if !ok || l.Kind != want[0] || l.Value != want[1] || l.Supported() != nil {
			t.Errorf("%s: %+v", id, l)
		}
	}
}

func TestProtoSettingsKeys(t *testing.T) {
	f := parseOK(t, `[settings]
pin-latest = "local"
auto-clean = true
lockfile = true
telemetry = false
cache-duration = 3600
builtin-tools = ["node", "bun"]
detect-strategy = "prefer-prototools"
made-up = 1

[settings.build]
exclude-packages = ["gcc"]
install-system-packages = false

[settings.http]
proxies = ["http://proxy.corp:3128", "https://proxy.corp:3129"]
secure-proxies = ["http://proxy.corp:443"]
root-cert = "certs/corp.pem"
allow-invalid-certs = false
retry-count = 5
`)
	s := f.Settings
	if s.PinLatest != PinLocal || s.AutoClean == nil || !*s.AutoClean || s.Lockfile == nil || !*s.Lockfile ||
		s.CacheDuration == nil || *s.CacheDuration != time.Hour || !s.BuiltinTools.Allows("bun") || s.BuiltinTools.Allows("go") {
		t.Errorf("settings = %+v", s)
	}
	if len(s.Build.ExcludePackages) != 1 || s.Build.InstallSystemPackages == nil || *s.Build.InstallSystemPackages {
		t.Errorf("build = %+v", s.Build)
	}
	if len(s.Proxy.Proxies) != 2 || s.Proxy.SecureProxies[0] != "http://proxy.corp:443" || s.Proxy.RootCert != "/p/certs/corp.pem" {
		t.Errorf("proxy = %+v", s.Proxy)
	}
	if s.HTTPLimits.Retries == nil || *s.HTTPLimits.Retries != 5 {
		t.Errorf("retry-count = %v", s.HTTPLimits.Retries)
	}
	// An unknown key in a known table is a warning with file:line.
	if w := warnings(f); !strings.Contains(w, "/p/.prototools:9: unknown key settings.made-up is ignored") {
		t.Errorf("warnings:\n%s", w)
	}
	for _, alias := range []string{"store", "cwd", "home"} {
		parseOK(t, "[settings]\npin-latest = \""+alias+"\"\n")
	}
	if _, err := Parse("/p/.prototools", []byte("[settings]\npin-latest = \"nowhere\"\n")); err == nil {
		t.Error("pin-latest = nowhere accepted")
	}
}

func TestProtoUnknownTableIsAnError(t *testing.T) {
	_, err := Parse("/p/.prototools", []byte("node = \"20\"\n\n[unknown]\nx = 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "/p/.prototools:3:2: unknown table [unknown]") {
		t.Errorf("unknown table: %v", err)
	}
}

func TestProtoVariables(t *testing.T) {
	t.Setenv("TOTE_OFFLINE", "")
	t.Setenv("PROTO_OFFLINE", "1")
	dir := t.TempDir()
	cfg, err := Load(dir, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Settings(); s.Offline == nil || !*s.Offline {
		t.Error("PROTO_OFFLINE=1 is not offline")
	}
	t.Setenv("PROTO_OFFLINE", "maybe") // ignored, as proto does
	if cfg, err = Load(dir, dir, ""); err != nil || cfg.Settings().Offline != nil {
		t.Errorf("PROTO_OFFLINE=maybe: %v %v", err, cfg.Settings().Offline)
	}
	t.Setenv("TOTE_OFFLINE", "0")
	t.Setenv("PROTO_OFFLINE", "1") // tote's own variable wins
	if cfg, err = Load(dir, dir, ""); err != nil || *cfg.Settings().Offline {
		t.Errorf("TOTE_OFFLINE=0 with PROTO_OFFLINE=1: %v", err)
	}
}
