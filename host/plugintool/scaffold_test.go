package plugintool

import (
	"context"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"demo", "demo-tool", "a1", "node2-plugin"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Demo", "1demo", "-demo", "demo-", "demo--tool", "demo_tool", "demo tool", "../x", "démo"} {
		if err := ValidateName(bad); err == nil {
			t.Errorf("ValidateName(%q) accepted", bad)
		}
	}
}

func TestNewPluginFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	res, err := NewPlugin(context.Background(), NewOptions{Name: "demo-tool", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "README.md", "go.mod", "main.go", "main_test.go", "tool.go"}
	if !slices.Equal(res.Files, want) {
		t.Errorf("files = %q, want %q", res.Files, want)
	}
	if res.Dir != dir || res.Tidied || len(res.Warnings) != 0 {
		t.Errorf("result = %+v", res)
	}
	for _, f := range res.Files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "[[") && f != "README.md" {
			t.Errorf("%s: unexpanded template action", f)
		}
		if strings.HasSuffix(f, ".go") {
			formatted, err := format.Source(b)
			if err != nil {
				t.Errorf("%s does not parse: %v", f, err)
			} else if string(formatted) != string(b) {
				t.Errorf("%s is not gofmt-formatted", f)
			}
		}
	}
	mod := readFile(t, filepath.Join(dir, "go.mod"))
	for _, want := range []string{"module demo-tool\n", "\ngo 1.24\n", SDKModule + " " + SDKVersion, APIModule + " " + SDKVersion} {
		if !strings.Contains(mod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if strings.Contains(mod, "replace") {
		t.Errorf("go.mod has replace directives without --sdk:\n%s", mod)
	}
	main := readFile(t, filepath.Join(dir, "main.go"))
	for _, fn := range []string{"register_tool", "load_versions", "download_prebuilt", "locate_executables"} {
		if !strings.Contains(main, "//go:wasmexport "+fn+"\n") {
			t.Errorf("main.go does not export %s", fn)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(dir, "tool.go")), `"demo-tool": {ExePath: sdk.ExeName(env, "demo-tool")`) {
		t.Error("tool.go does not locate the demo-tool executable")
	}
	if got := readFile(t, filepath.Join(dir, ".gitignore")); got != "*.wasm\n" {
		t.Errorf(".gitignore = %q", got)
	}
}

func TestNewPluginSDKReplace(t *testing.T) {
	root, err := filepath.Rel(mustGetwd(t), wasmbuild.RepoRoot)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := NewPlugin(context.Background(), NewOptions{Name: "demo", Dir: dir, SDKPath: root}); err != nil {
		t.Fatal(err)
	}
	mod := readFile(t, filepath.Join(dir, "go.mod"))
	for _, want := range []string{
		SDKModule + " => " + filepath.ToSlash(filepath.Join(wasmbuild.RepoRoot, "sdk")),
		APIModule + " => " + filepath.ToSlash(filepath.Join(wasmbuild.RepoRoot, "api")),
	} {
		if !strings.Contains(mod, want) {
			t.Errorf("go.mod lacks %q (relative --sdk must become absolute):\n%s", want, mod)
		}
	}

	if _, err := NewPlugin(context.Background(), NewOptions{Name: "demo", Dir: filepath.Join(t.TempDir(), "x"), SDKPath: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "not a tote checkout") {
		t.Errorf("--sdk of an empty dir: err = %v", err)
	}
}

func TestNewPluginRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewPlugin(context.Background(), NewOptions{Name: "demo", Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("NewPlugin wrote into a non-empty directory: %d entries", len(entries))
	}

	// An existing empty directory is fine.
	empty := t.TempDir()
	if _, err := NewPlugin(context.Background(), NewOptions{Name: "demo", Dir: empty}); err != nil {
		t.Errorf("empty dir: %v", err)
	}
	if _, err := NewPlugin(context.Background(), NewOptions{Name: "Bad_Name", Dir: filepath.Join(t.TempDir(), "x")}); err == nil {
		t.Error("invalid name accepted")
	}
}

func TestNewPluginTidyWarning(t *testing.T) {
	// A go that fails like an offline `go mod tidy`.
	env := fakeGo(t, "go1.24.0", `echo 'go: github.com/tote-dev/tote/sdk@v0.1.0: dial tcp: lookup proxy.golang.org: no such host' >&2; exit 1`)
	res, err := NewPlugin(context.Background(), NewOptions{Name: "demo", Dir: filepath.Join(t.TempDir(), "demo"), Tidy: true, Env: env})
	if err != nil {
		t.Fatalf("a failing tidy must not fail scaffolding: %v", err)
	}
	if res.Tidied || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "go mod tidy") || !strings.Contains(res.Warnings[0], "no such host") {
		t.Errorf("result = %+v", res)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
