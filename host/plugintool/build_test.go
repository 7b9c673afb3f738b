package plugintool

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestArtifactName(t *testing.T) {
	tests := map[string]string{
		"my-plugin":                      "my_plugin.wasm",
		"demo-tool":                      "demo_tool.wasm",
		"example.com/org/node-plugin":    "node_plugin.wasm",
		"github.com/x/tool-plugin/v2":    "tool_plugin.wasm",
		"github.com/x/v2":                "x.wasm",
		"plain":                          "plain.wasm",
		"github.com/tote-dev/tote/sdk/x": "x.wasm",
	}
	for in, want := range tests {
		if got := ArtifactName(in); got != want {
			t.Errorf("ArtifactName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModulePath(t *testing.T) {
	dir := t.TempDir()
	mod := "// comment\nmodule \"example.com/my-plugin\" // trailing\n\ngo 1.24\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "cmd", "wasm")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	file, mp, err := ModulePath(sub)
	if err != nil {
		t.Fatal(err)
	}
	if file != filepath.Join(dir, "go.mod") || mp != "example.com/my-plugin" {
		t.Errorf("ModulePath = %q, %q", file, mp)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "go.mod"), []byte("go 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ModulePath(bad); err == nil || !strings.Contains(err.Error(), "no module directive") {
		t.Errorf("go.mod without module: err = %v", err)
	}
}

// recordingGo is a fake go that records its arguments and environment and
// writes the -o file, so Build's command line can be checked without
// compiling.
const recordingGo = `
printf '%s\n' "$@" > "$FAKE_GO_LOG.args"
env > "$FAKE_GO_LOG.env"
pwd > "$FAKE_GO_LOG.pwd"
while [ $# -gt 0 ]; do
  if [ "$1" = -o ]; then printf '\0asm' > "$2"; fi
  shift
done
`

func TestBuildCommandLine(t *testing.T) {
	for _, release := range []bool{false, true} {
		log := filepath.Join(t.TempDir(), "go")
		env := append(fakeGo(t, "go1.24.3", recordingGo), "FAKE_GO_LOG="+log, "GOOS=linux", "GOFLAGS=-mod=mod", "FOO=bar")
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/my-plugin\n\ngo 1.24\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := Build(context.Background(), BuildOptions{Dir: dir, Release: release, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "my_plugin.wasm"); out != want {
			t.Errorf("artifact = %s, want %s", out, want)
		}
		if _, err := os.Stat(out); err != nil {
			t.Errorf("artifact not written: %v", err)
		}
		args := readLines(t, log+".args")
		want := []string{"build", "-buildmode=c-shared"}
		if release {
			want = append(want, "-trimpath", "-ldflags=-s -w")
		}
		want = append(want, "-o", out, ".")
		if !slices.Equal(args, want) {
			t.Errorf("release=%v: args = %q, want %q", release, args, want)
		}
		gotEnv := readLines(t, log+".env")
		for _, kv := range []string{"GOOS=wasip1", "GOARCH=wasm", "FOO=bar", "GOFLAGS=-mod=mod"} {
			if !slices.Contains(gotEnv, kv) {
				t.Errorf("env lacks %s", kv)
			}
		}
		if slices.Contains(gotEnv, "GOOS=linux") {
			t.Error("the user's GOOS was not overridden")
		}
		if pwd := readLines(t, log+".pwd"); len(pwd) != 1 || pwd[0] != dir {
			t.Errorf("ran in %q, want %s", pwd, dir)
		}
	}
}

func TestBuildOutputFlag(t *testing.T) {
	log := filepath.Join(t.TempDir(), "go")
	env := append(fakeGo(t, "go1.25.0", recordingGo), "FAKE_GO_LOG="+log)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(t.TempDir(), "custom.wasm")
	out, err := Build(context.Background(), BuildOptions{Dir: dir, Output: want, Env: env})
	if err != nil || out != want {
		t.Fatalf("Build = %q, %v; want %s", out, err, want)
	}
}

func TestBuildCompilerErrorHints(t *testing.T) {
	failing := `echo '# demo' >&2; echo 'runtime.main_main·f: function main is undeclared in the main package' >&2; exit 1`
	env := fakeGo(t, "go1.24.0", failing)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module demo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), BuildOptions{Dir: dir, Env: env})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BuildError", err)
	}
	msg := err.Error()
	for _, want := range []string{"function main is undeclared", "hint:", "func main() {}", dir} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Build(ctx, BuildOptions{Dir: filepath.Join(t.TempDir(), "nope")}); err == nil {
		t.Error("missing directory accepted")
	}
	if _, err := Build(ctx, BuildOptions{Dir: t.TempDir(), Env: GoEnv{"PATH=" + t.TempDir()}}); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("no go.mod: err = %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, BuildOptions{Dir: dir, Env: GoEnv{"PATH=" + t.TempDir()}}); !errors.Is(err, ErrGoNotFound) {
		t.Errorf("no go: err = %v", err)
	}
	if _, err := Build(ctx, BuildOptions{Dir: dir, Env: fakeGo(t, "go1.21.0", "exit 0")}); err == nil || !strings.Contains(err.Error(), "go1.21.0") {
		t.Errorf("old go: err = %v", err)
	}
}

func TestBuildHints(t *testing.T) {
	tests := []struct {
		output, want string
	}{
		{"runtime.main_main·f: function main is undeclared in the main package", "func main() {}"},
		{"-buildmode=c-shared requires exactly one main package", "package main"},
		{"./x.go:4:6: go:wasmexport: unsupported result type error", "returns int32"},
		{"./x.go:4:6: cannot use //go:wasmexport on a method", "top-level functions"},
		{"main.go:3:8: missing go.sum entry for module providing package github.com/tote-dev/tote/sdk", "go mod tidy"},
	}
	for _, tt := range tests {
		hints := BuildHints(tt.output)
		if len(hints) != 1 || !strings.Contains(hints[0], tt.want) {
			t.Errorf("BuildHints(%q) = %q, want one hint mentioning %q", tt.output, hints, tt.want)
		}
	}
	if h := BuildHints("./x.go:3:2: undefined: foo"); len(h) != 0 {
		t.Errorf("hints for an ordinary error: %q", h)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func TestBuildPackageBelowModuleRoot(t *testing.T) {
	log := filepath.Join(t.TempDir(), "go")
	env := append(fakeGo(t, "go1.24.0", recordingGo), "FAKE_GO_LOG="+log)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/big\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "plugins", "my-thing")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := Build(context.Background(), BuildOptions{Dir: dir, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "my_thing.wasm"); out != want {
		t.Errorf("artifact = %s, want %s", out, want)
	}
}

// TestBuildRealCompilerError runs the real go on a plugin without func main.
func TestBuildRealCompilerError(t *testing.T) {
	if _, err := FindGo(context.Background(), nil); err != nil {
		t.Skipf("no usable go: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module no-main\n\ngo 1.24\n",
		"main.go": "package main\n\n//go:wasmexport register_tool\nfunc registerTool() int32 { return 0 }\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := GoEnv(os.Environ()).with("GOWORK=off", "GOFLAGS=")
	var stderr strings.Builder
	_, err := Build(context.Background(), BuildOptions{Dir: dir, Env: env, Stderr: &stderr})
	if err == nil {
		t.Fatal("a plugin without func main built")
	}
	if !strings.Contains(stderr.String(), "function main is undeclared") {
		t.Errorf("compiler output not passed through:\n%s", stderr.String())
	}
	if !strings.Contains(err.Error(), "hint: a plugin is package main with an empty `func main() {}`") {
		t.Errorf("error lacks the hint:\n%v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "no_main.wasm")); err == nil {
		t.Error("an artifact was written")
	}
}
