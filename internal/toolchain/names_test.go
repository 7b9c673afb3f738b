package toolchain

import (
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"
)

func TestCheckComponent(t *testing.T) {
	for _, ok := range []string{"node", "1.2.3", "20.0.0-rc.1+build", "npm.cmd", "go1.22", "日本"} {
		if err := checkComponent(ok); err != nil {
			t.Errorf("checkComponent(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "c:d", "x\x00", "x\x1b[2J", "tab\t", "new\nline", "bidi\u202e", "\xff", strings.Repeat("a", 256)} {
		if err := checkComponent(bad); err == nil {
			t.Errorf("checkComponent(%q) accepted it", bad)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"bin/node": "bin/node", "./bin/node": "bin/node", "bin//x/": "bin/x",
		"a/../b": "b", ".": ".", "node-v20/bin": "node-v20/bin",
	} {
		got, err := localPath(in)
		if err != nil || got != filepath.FromSlash(want) {
			t.Errorf("localPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "..", "../x", "a/../../x", "/etc/passwd", `bin\..\..\x`, "bin/\x1b", "x/\u202e"} {
		if got, err := localPath(bad); err == nil {
			t.Errorf("localPath(%q) = %q, accepted", bad, got)
		}
	}
}

func TestCheckVersions(t *testing.T) {
	m := &Manager{Logger: slog.New(slog.DiscardHandler)}
	out := m.checkVersions("x", api.LoadVersionsOutput{
		Versions: []string{"1.0.0", "../../x", "2.0.0", "..", "3.0.0\x1b[2J"},
		Latest:   "../x", Canary: "canary-build",
		Aliases: map[string]string{"stable": "2.0.0", "evil": "a/b", "bad\x1b": "1.0.0"},
	})
	want := api.LoadVersionsOutput{
		Versions: []string{"1.0.0", "2.0.0"}, Canary: "canary-build",
		Aliases: map[string]string{"stable": "2.0.0"},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("checkVersions = %+v, want %+v", out, want)
	}
}

func TestBadValueNamesPluginFunctionValue(t *testing.T) {
	err := badValue("hostile", api.FuncLocateExecutables, "executable name", "..", checkComponent(".."))
	if got := err.Error(); got != `plugin "hostile" function locate_executables: executable name ".." is "." or ".."` {
		t.Errorf("error = %q", got)
	}
	long := badValue("p", "f", "version", strings.Repeat("v", 5000), checkComponent(strings.Repeat("v", 5000)))
	if len(long.Error()) > 400 {
		t.Errorf("a long value is quoted whole: %d bytes", len(long.Error()))
	}
}
