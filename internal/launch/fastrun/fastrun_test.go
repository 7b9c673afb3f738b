package fastrun

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		tool string
		spec string
		exe  string
		rest []string
		ok   bool
	}{
		{[]string{"run", "node"}, "node", "", "", []string{}, true},
		{[]string{"run", "node@20", "--", "x"}, "node", "20", "", []string{"x"}, true},
		{[]string{"run", "node", "1.22.3"}, "node", "1.22.3", "", []string{}, true},
		{[]string{"run", "--exe", "npm", "node", "20"}, "node", "20", "npm", []string{}, true},
		{[]string{"run", "node@lts"}, "node", "lts", "", []string{}, true},
		{[]string{"r", "node", "--", "a", "--exe", "b"}, "node", "", "", []string{"a", "--exe", "b"}, true},
		{[]string{"run", "--exe", "npm", "node", "--", "install"}, "node", "", "npm", []string{"install"}, true},
		{[]string{"run", "--exe=npm", "node"}, "node", "", "npm", []string{}, true},
		{[]string{"run", "node", "--exe", "npm", "--"}, "node", "", "npm", []string{}, true},
		// what tote-shim hands over for the primary executable
		{[]string{"run", "--exe", "", "python-poetry", "--", "x"}, "python-poetry", "", "", []string{"x"}, true},
		{[]string{"run"}, "", "", "", nil, false},
		{[]string{"install", "node"}, "", "", "", nil, false},
		{[]string{"--log", "debug", "run", "node"}, "", "", "", nil, false},
		{[]string{"run", "node@20", "20"}, "", "", "", nil, false},
		{[]string{"run", "node", "20", "x"}, "", "", "", nil, false},
		{[]string{"run", "node@"}, "", "", "", nil, false},
		{[]string{"run", "node@ "}, "", "", "", nil, false},
		{[]string{"run", "node", ""}, "", "", "", nil, false},
		{[]string{"run", "node", ">= 20"}, "", "", "", nil, false},
		{[]string{"run", "@20"}, "", "", "", nil, false},
		{[]string{"run", "node", "--install"}, "", "", "", nil, false},
		{[]string{"run", "--log", "warn", "node"}, "", "", "", nil, false},
		{[]string{"run", "-h"}, "", "", "", nil, false},
		{[]string{"run", "node", "--help"}, "", "", "", nil, false},
		{[]string{"run", "--", "node"}, "", "", "", nil, false},
		{[]string{"run", "--exe", "npm", "--exe", "npx", "node"}, "", "", "", nil, false},
		{[]string{"run", "--exe", "--", "node"}, "", "", "", nil, false},
		{[]string{"run", "--exe"}, "", "", "", nil, false},
		{[]string{"run", "../node"}, "", "", "", nil, false},
		{[]string{"run", "node/../../x"}, "", "", "", nil, false},
		{[]string{"run", ".node"}, "", "", "", nil, false},
		{[]string{"run", "-node"}, "", "", "", nil, false},
		{[]string{"run", "--exe", "../../bin/sh", "node"}, "", "", "", nil, false},
		{[]string{"run", "nöde"}, "", "", "", nil, false},
		{[]string{"run", strings.Repeat("a", 65)}, "", "", "", nil, false},
	} {
		req, ok := Parse(tc.args)
		if ok != tc.ok || req.Tool != tc.tool || req.Spec != tc.spec || req.Exe != tc.exe || !slices.Equal(req.Args, tc.rest) {
			t.Errorf("Parse(%q) = %+v, %v; want tool %q spec %q exe %q args %q, %v", tc.args, req, ok, tc.tool, tc.spec, tc.exe, tc.rest, tc.ok)
		}
		if ok && req.Args == nil {
			t.Errorf("Parse(%q): nil tool arguments", tc.args)
		}
	}
}

// FuzzParse: whatever the arguments, an accepted run names a plain tool
// and executable, and passes exactly what follows "--" to the tool.
func FuzzParse(f *testing.F) {
	f.Add("run\x00node\x00--\x00a")
	f.Add("run\x00--exe\x00npm\x00node")
	f.Add("r\x00--exe=\x00x\x00--")
	f.Add("run\x00../x")
	f.Fuzz(func(t *testing.T, joined string) {
		args := strings.Split(joined, "\x00")
		req, ok := Parse(args)
		if !ok {
			return
		}
		if !plainID(req.Tool) || !plainExe(req.Exe) || req.Spec != "" && !plainSpec(req.Spec) {
			t.Fatalf("Parse(%q) accepted tool %q spec %q exe %q", args, req.Tool, req.Spec, req.Exe)
		}
		want := []string{}
		if i := slices.Index(args, "--"); i >= 0 {
			want = args[i+1:]
		}
		if !slices.Equal(req.Args, want) {
			t.Fatalf("Parse(%q): tool arguments %q, want %q", args, req.Args, want)
		}
	})
}

func TestQuietEnv(t *testing.T) {
	for _, tc := range []struct {
		log, interval string
		want          bool
	}{
		{"", "", true},
		{"warn", "", true},
		{"WARN", "", true},
		{"off", "", true},
		{"error", "", true},
		{"info", "", false},
		{"debug", "", false},
		{"trace", "", false},
		{"bogus", "", false}, // the full path says it is invalid
		{"warn", "5s", false},
	} {
		t.Setenv("TOTE_LOG", tc.log)
		if tc.interval != "" {
			t.Setenv("TOTE_PROGRESS_INTERVAL", tc.interval)
		}
		if got := quietEnv(); got != tc.want {
			t.Errorf("TOTE_LOG=%q TOTE_PROGRESS_INTERVAL=%q: quietEnv() = %v, want %v", tc.log, tc.interval, got, tc.want)
		}
	}
}

// TestStaysLight keeps fastrun's dependencies those of tote-shim: it runs
// during package initialisation, before (and so as to avoid) the CLI
// framework, the WebAssembly runtime, the HTTP stack and the toolchain.
func TestStaysLight(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/spf13/cobra", "github.com/tetratelabs/wazero", "github.com/extism/go-sdk", "net/http", "oras.land/oras-go/v2", "github.com/tote-dev/tote/host/runtime", "github.com/tote-dev/tote/internal/toolchain", "github.com/tote-dev/tote/internal/cli", "github.com/Masterminds/semver/v3"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("fastrun depends on %s", dep)
			}
		}
	}
}
