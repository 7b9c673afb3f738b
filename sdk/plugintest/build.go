package plugintest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/tote-dev/tote/host/plugintool"
)

// builds remembers what this test process built, by directory, so that
// Build runs `go list` and hashes sources once per directory per run.
var builds sync.Map // abs dir → *buildResult

type buildResult struct {
	once sync.Once
	path string
	err  error
}

// Build compiles the plugin in dir (its package main) for GOOS=wasip1
// GOARCH=wasm with -buildmode=c-shared, exactly as `tote plugin build` does,
// and returns the path of the .wasm. The file is named like the artifact of
// `tote plugin build` (my-tool → my_tool.wasm), so [New] derives the tool id
// "my-tool" from it.
//
// The result is cached by a hash of the Go version and of every non-standard
// source file the plugin compiles (as `go list -deps` reports them, so local
// replace directives count), in a directory shared by test processes
// ($TOTE_PLUGINTEST_CACHE, default <user cache dir>/tote-plugintest): a
// plugin is rebuilt only when its sources or the SDK change.
//
// When the Go toolchain cannot build wasip1 plugins (go missing from PATH,
// or older than 1.24), the test is skipped with the reason, also printed to
// stderr so that it shows without -v. A compile error fails the test with
// the compiler's output and hints.
func Build(t testing.TB, dir string) string {
	t.Helper()
	path, err := BuildE(testContext(t), dir)
	if err != nil {
		var tce *ToolchainError
		if errors.As(err, &tce) {
			fmt.Fprintf(os.Stderr, "plugintest: WARNING: skipping %s: %v\n", t.Name(), err)
			t.Skipf("cannot build wasip1 plugins here: %v", err)
		}
		t.Fatalf("plugintest.Build(%s): %v", dir, err)
	}
	return path
}

// ToolchainError is returned by [BuildE] when the Go toolchain cannot build
// wasip1 plugins at all (as opposed to a plugin that does not compile).
type ToolchainError struct{ Err error }

// Error returns the reason.
func (e *ToolchainError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ToolchainError) Unwrap() error { return e.Err }

// BuildE is [Build] without a testing.TB, for TestMain or tools.
func BuildE(ctx context.Context, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	v, _ := builds.LoadOrStore(abs, &buildResult{})
	r := v.(*buildResult)
	r.once.Do(func() { r.path, r.err = build(ctx, abs) })
	return r.path, r.err
}

func build(ctx context.Context, dir string) (string, error) {
	tc, err := plugintool.FindGo(ctx, nil)
	if err != nil {
		return "", &ToolchainError{err}
	}
	_, modPath, err := plugintool.ModulePath(dir)
	if err != nil {
		return "", err
	}
	artifact := plugintool.ArtifactName(modPath)
	if m, _, _ := plugintool.ModulePath(dir); filepath.Dir(m) != dir {
		artifact = plugintool.ArtifactName(filepath.Base(dir))
	}
	key, err := sourceHash(ctx, tc, dir)
	if err != nil {
		return "", err
	}
	base, err := cacheDir("wasm")
	if err != nil {
		return "", err
	}
	outDir := filepath.Join(base, key)
	out := filepath.Join(outDir, artifact)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	lock := flock.New(filepath.Join(outDir, ".lock"))
	if err := lock.Lock(); err != nil {
		return "", fmt.Errorf("lock %s: %w", outDir, err)
	}
	defer lock.Unlock()
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp := filepath.Join(outDir, ".building-"+artifact)
	if _, err := plugintool.Build(ctx, plugintool.BuildOptions{Dir: dir, Output: tmp}); err != nil {
		var be *plugintool.BuildError
		if errors.As(err, &be) && strings.Contains(be.Output, "unsupported GOOS/GOARCH") {
			return "", &ToolchainError{err}
		}
		return "", err
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	return out, nil
}

// sourceHash hashes the Go version and every non-standard Go file the
// plugin in dir compiles for wasip1, plus its go.mod and go.sum.
func sourceHash(ctx context.Context, tc plugintool.Toolchain, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, tc.Path, "list", "-deps", "-f",
		`{{if not .Standard}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}{{end}}`, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	listing, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		be := &plugintool.BuildError{Dir: dir, Err: err, Output: msg, Hints: plugintool.BuildHints(msg)}
		return "", fmt.Errorf("list the plugin's sources: %w", be)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(listing)), "\n") {
		parts := strings.Split(line, "|")
		for _, f := range parts[1:] {
			files = append(files, filepath.Join(parts[0], f))
		}
	}
	if modFile, _, err := plugintool.ModulePath(dir); err == nil {
		files = append(files, modFile, strings.TrimSuffix(modFile, ".mod")+".sum")
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintln(h, tc.Version, goruntime.GOOS, goruntime.GOARCH, dir)
	for _, f := range files {
		fh, err := os.Open(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n", f)
		_, err = io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

// cacheDir returns (and creates) a directory under plugintest's cache.
func cacheDir(sub string) (string, error) {
	base := os.Getenv("TOTE_PLUGINTEST_CACHE")
	if base == "" {
		ucd, err := os.UserCacheDir()
		if err != nil {
			ucd = os.TempDir()
		}
		base = filepath.Join(ucd, "tote-plugintest")
	}
	dir := filepath.Join(base, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("plugintest cache: %w", err)
	}
	return dir, nil
}

// shimBinary builds tote's shim launcher (cmd/tote-shim) for this machine
// once per process, cached by the hash of its sources like plugins.
var shimBinary = sync.OnceValues(func() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build tote-shim: %w", err)
	}
	const pkg = "github.com/tote-dev/tote/cmd/tote-shim"
	env := append(os.Environ(), "GOOS="+goruntime.GOOS, "GOARCH="+goruntime.GOARCH, "CGO_ENABLED=0")
	list := exec.CommandContext(ctx, goBin, "list", "-deps", "-f",
		`{{if not .Standard}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}{{end}}`, pkg)
	list.Env = env
	var stderr bytes.Buffer
	list.Stderr = &stderr
	listing, err := list.Output()
	if err != nil {
		return "", fmt.Errorf("build tote-shim: go list %s: %w\n%s", pkg, err, stderr.String())
	}
	h := sha256.New()
	fmt.Fprintln(h, goruntime.Version(), goruntime.GOOS, goruntime.GOARCH)
	for _, line := range strings.Split(strings.TrimSpace(string(listing)), "\n") {
		parts := strings.Split(line, "|")
		for _, f := range parts[1:] {
			b, err := os.ReadFile(filepath.Join(parts[0], f))
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s/%s %d\n", parts[0], f, len(b))
			h.Write(b)
		}
	}
	base, err := cacheDir("bin")
	if err != nil {
		return "", err
	}
	out := filepath.Join(base, "tote-shim-"+hex.EncodeToString(h.Sum(nil))[:20])
	lock := flock.New(out + ".lock")
	if err := lock.Lock(); err != nil {
		return "", err
	}
	defer lock.Unlock()
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	build := exec.CommandContext(ctx, goBin, "build", "-o", out+".tmp", pkg)
	build.Env = env
	if b, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build tote-shim: %w\n%s", err, b)
	}
	return out, os.Rename(out+".tmp", out)
})
