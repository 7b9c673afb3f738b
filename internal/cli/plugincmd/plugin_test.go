package plugincmd

import (
	"fmt"

	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/api"

	"github.com/tote-dev/tote/host/plugintool"
	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// run executes `tote plugin ARGS...` in-process and returns its stdout,
// stderr and error.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cli.Factory{
		IO:      &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Home:    filepath.Join(t.TempDir(), "tote-home"),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: "test",
	}
	cmd := NewCmdPlugin(f)
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// TestNewcomerFlow does what a plugin author does first, in a directory
// outside the repository: scaffold, build, inspect.
func TestNewcomerFlow(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	// Everything the scaffold needs is in the repository's module graph, so
	// it is in the module cache: no network.
	t.Setenv("GOPROXY", "off")

	stdout, stderr, err := run(t, "new", "demo-tool", "--sdk", wasmbuild.RepoRoot)
	if err != nil {
		t.Fatalf("plugin new: %v\n%s", err, stderr)
	}
	if stderr != "" {
		t.Errorf("plugin new warned:\n%s", stderr)
	}
	for _, want := range []string{"Created demo-tool", "main.go", "Next steps:", "cd demo-tool", "tote plugin build", "demo_tool.wasm"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plugin new output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "go mod tidy") {
		t.Errorf("tidy should have succeeded offline with --sdk:\n%s", stdout)
	}

	// The scaffold's host-side tests pass, as the next steps promise.
	goTest := exec.Command("go", "test", "./...")
	goTest.Dir = filepath.Join(work, "demo-tool")
	if out, err := goTest.CombinedOutput(); err != nil {
		t.Errorf("go test in the scaffold: %v\n%s", err, out)
	}

	stdout, stderr, err = run(t, "build", "demo-tool")
	if err != nil {
		t.Fatalf("plugin build: %v\n%s", err, stderr)
	}
	artifact := strings.TrimSpace(stdout)
	want := filepath.Join(work, "demo-tool", "demo_tool.wasm")
	if artifact != want {
		t.Errorf("plugin build printed %q, want %q", artifact, want)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatal(err)
	}

	t.Chdir(filepath.Join(work, "demo-tool"))
	stdout, stderr, err = run(t, "inspect", "demo_tool.wasm")
	if err != nil {
		t.Fatalf("plugin inspect: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"kind     tool",
		fmt.Sprintf("tool functions (4 of %d)", len(api.ToolFunctions)),
		"  register_tool\n", "  load_versions\n", "  download_prebuilt\n", "  locate_executables\n",
		"all required functions exported",
		"extism:host/env.input_length",
		`loads    yes: register_tool → "Demo Tool", type command-line, plugin version 0.1.0`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plugin inspect output lacks %q:\n%s", want, stdout)
		}
	}

	stdout, _, err = run(t, "inspect", "demo_tool.wasm", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r plugintool.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if r.Path != want || !r.Loads || r.Kind != "tool" || len(r.MissingRequired) != 0 ||
		!slices.Equal(r.ToolFunctions, []string{"register_tool", "download_prebuilt", "locate_executables", "load_versions"}) {
		t.Errorf("--json report = %+v", r)
	}
	var reg struct{ Name, Type string }
	if err := json.Unmarshal(r.RegisterTool, &reg); err != nil || reg.Name != "Demo Tool" || reg.Type != "command-line" {
		t.Errorf("register_tool = %s (%v)", r.RegisterTool, err)
	}

	// --release and -o.
	out := filepath.Join(work, "dist", "small.wasm")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err = run(t, "build", "--release", "-o", out)
	if err != nil {
		t.Fatalf("plugin build --release: %v\n%s", err, stderr)
	}
	if strings.TrimSpace(stdout) != out {
		t.Errorf("printed %q, want %s", stdout, out)
	}
	full, _ := os.Stat(want)
	small, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if small.Size() >= full.Size() {
		t.Errorf("--release build is %d bytes, not smaller than %d", small.Size(), full.Size())
	}
}

func TestBuildWithoutGo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module demo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	_, _, err := run(t, "build", dir)
	const want = "go not found on PATH: tote plugin build needs Go >= 1.24 (https://go.dev/dl/)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestBuildWithOldGo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("fake go is a shell script")
	}
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'go version go1.23.4 linux/amd64'\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module demo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	_, _, err := run(t, "build", dir)
	if err == nil {
		t.Fatal("go1.23.4 accepted")
	}
	for _, want := range []string{filepath.Join(bin, "go"), "go1.23.4", "needs Go >= 1.24"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "demo.wasm")); err == nil {
		t.Error("an artifact was written")
	}
}

func TestNewRefuses(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	if _, _, err := run(t, "new", "Bad_Name"); err == nil || !strings.Contains(err.Error(), "invalid plugin name") {
		t.Errorf("bad name: err = %v", err)
	}
	if err := os.Mkdir("taken", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("taken", "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "new", "taken"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty dir: err = %v", err)
	}
	if _, _, err := run(t, "new"); err == nil {
		t.Error("new without NAME accepted")
	}
}

func TestFlags(t *testing.T) {
	f := &cli.Factory{IO: &cli.IOStreams{Out: io.Discard, ErrOut: io.Discard}, Home: "/home/u/.tote"}
	var got *buildOptions
	cmd := newCmdBuild(f, func(_ context.Context, o *buildOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"plugins/x", "-o", "out.wasm", "--release"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "plugins/x" || got.Output != "out.wasm" || !got.Release {
		t.Errorf("build options = %+v", got)
	}

	var ins *inspectOptions
	cmd = newCmdInspect(f, func(_ context.Context, o *inspectOptions) error { ins = o; return nil })
	cmd.SetArgs([]string{"p.wasm", "--json", "--id", "node"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if ins.Path != "p.wasm" || !ins.JSON || ins.ID != "node" {
		t.Errorf("inspect options = %+v", ins)
	}

	var nw *newOptions
	cmd = newCmdNew(f, func(_ context.Context, o *newOptions) error { nw = o; return nil })
	cmd.SetArgs([]string{"my-tool", "--sdk", "../tote", "--dir", "plugins/my-tool"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if nw.Name != "my-tool" || nw.SDKPath != "../tote" || nw.Dir != "plugins/my-tool" {
		t.Errorf("new options = %+v", nw)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 3621809: "3.5 MiB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}
