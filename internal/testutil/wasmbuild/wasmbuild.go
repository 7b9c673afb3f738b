// Package wasmbuild builds Go plugin sources into .wasm files for tests, once
// per source hash, and shares the result between test processes.
package wasmbuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gofrs/flock"
)

// RepoRoot is the root of the tote repository (the directory of go.mod).
var RepoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}()

// Fixture returns the source directory of a fixture scenario under
// testdata/fixtures.
func Fixture(name string) string {
	return filepath.Join(RepoRoot, "testdata", "fixtures", name)
}

// CompileCacheDir is the wazero compilation cache every test shares
// ($TOTE_TEST_WAZERO_CACHE, default <user cache>/tote-test-wazero): wazero
// keys compiled code by the module's content and its own version, and
// writes entries atomically, so test processes running at once reuse one
// another's compilations instead of compiling each plugin again (a Go
// plugin costs about a second). Tests of compilation itself use a
// directory of their own.
func CompileCacheDir() string {
	if d := os.Getenv("TOTE_TEST_WAZERO_CACHE"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "tote-test-wazero")
}

var (
	mu    sync.Mutex
	built = map[string]string{}
)

// Build compiles the Go package in dir for GOOS=wasip1 GOARCH=wasm with
// -buildmode=c-shared and returns the path of the .wasm. The result is cached
// by a hash of dir's enclosing module, the repository's api/ and sdk/ sources
// and the Go version, in a directory shared by all test processes
// ($TOTE_TEST_WASM_CACHE, default <user cache>/tote-test-wasm), so each
// plugin is built once per change. If the Go toolchain cannot build wasip1,
// the test is skipped with a visible warning.
func Build(t testing.TB, dir string) string {
	t.Helper()
	out, err := BuildE(dir)
	if err != nil {
		if isToolchainProblem(err) {
			fmt.Fprintf(os.Stderr, "WARNING: skipping: cannot build wasip1 plugins here: %v\n", err)
			t.Skipf("cannot build wasip1 plugins: %v", err)
		}
		t.Fatalf("build plugin %s: %v", dir, err)
	}
	return out
}

type toolchainError struct{ err error }

func (e toolchainError) Error() string { return e.err.Error() }
func (e toolchainError) Unwrap() error { return e.err }

func isToolchainProblem(err error) bool {
	_, ok := err.(toolchainError)
	return ok
}

// BuildE is Build without a testing.TB.
func BuildE(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[dir]; ok {
		return p, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", toolchainError{fmt.Errorf("go not found on PATH: %w", err)}
	}
	modDir := moduleDir(dir)
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), dir)
	for _, src := range []string{modDir, filepath.Join(RepoRoot, "api"), filepath.Join(RepoRoot, "sdk")} {
		if err := hashTree(h, src); err != nil {
			return "", err
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:24]
	cacheDir := os.Getenv("TOTE_TEST_WASM_CACHE")
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		cacheDir = filepath.Join(base, "tote-test-wasm")
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(cacheDir, filepath.Base(dir)+"-"+key+".wasm")
	lock := flock.New(out + ".lock")
	if err := lock.Lock(); err != nil {
		return "", fmt.Errorf("lock %s: %w", out, err)
	}
	defer lock.Unlock()
	if _, err := os.Stat(out); err == nil {
		built[dir] = out
		return out, nil
	}
	tmp := out + ".tmp"
	cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-o", tmp, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOWORK=off", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		if strings.Contains(msg, "unsupported GOOS/GOARCH") || strings.Contains(msg, "wasip1") && strings.Contains(msg, "unknown") {
			return "", toolchainError{fmt.Errorf("%s: %s", err, msg)}
		}
		return "", fmt.Errorf("go build in %s: %w\n%s", dir, err, msg)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	built[dir] = out
	return out, nil
}

// moduleDir returns the nearest directory at or above dir holding a go.mod.
func moduleDir(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

func hashTree(h interface{ Write([]byte) (int, error) }, root string) error {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".mod", ".sum":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return nil
}
