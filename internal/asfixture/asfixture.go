// Package asfixture builds testdata/fixtures-as, a tool plugin written in
// AssemblyScript with the Extism AS PDK, for tests that need a plugin not
// written in Go. It proves that tote speaks the documented JSON contract,
// not just whatever the Go SDK happens to send.
package asfixture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/tote-dev/tote/internal/testutil/wasmbuild"
)

// Dir is the fixture's source directory.
var Dir = filepath.Join(wasmbuild.RepoRoot, "testdata", "fixtures-as")

// ErrNoNPM is returned (wrapped) by BuildE when npm is not on PATH.
var ErrNoNPM = errors.New("npm not found on PATH")

// Build returns the path of the fixture's .wasm, building it with
// `npm run build` (after `npm ci` when node_modules is missing) once per
// source hash. Without npm the test is skipped with a visible warning.
func Build(t testing.TB) string {
	t.Helper()
	p, err := BuildE(context.Background())
	if errors.Is(err, ErrNoNPM) {
		fmt.Fprintf(os.Stderr, "WARNING: skipping %s: %v: install Node.js >= 20 to test the AssemblyScript plugin\n", t.Name(), err)
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BuildE is Build without a testing.TB. The result is cached as
// fixtures-as-<hash>.wasm in $TOTE_TEST_WASM_CACHE (default
// <user cache>/tote-test-wasm), where hash covers package.json,
// package-lock.json, asconfig.json, assembly/ and the Node.js version.
func BuildE(ctx context.Context) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoNPM, err)
	}
	nodeVersion, err := run(ctx, Dir, "node", "--version")
	if err != nil {
		return "", err
	}
	key, err := sourceHash(nodeVersion)
	if err != nil {
		return "", err
	}
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
	out := filepath.Join(cacheDir, "fixtures-as-"+key+".wasm")

	// One lock for the source tree: npm ci and the build write into it.
	lock := flock.New(filepath.Join(cacheDir, "fixtures-as.lock"))
	if err := lock.Lock(); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if _, err := os.Stat(filepath.Join(Dir, "node_modules", "assemblyscript")); err != nil {
		if _, err := run(ctx, Dir, npm, "ci", "--no-audit", "--no-fund"); err != nil {
			return "", err
		}
	}
	if _, err := run(ctx, Dir, npm, "run", "build"); err != nil {
		return "", err
	}
	built := filepath.Join(Dir, "build", "plugin.wasm")
	if err := copyFile(built, out+".tmp"); err != nil {
		return "", err
	}
	if err := os.Rename(out+".tmp", out); err != nil {
		return "", err
	}
	return out, nil
}

func run(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s in %s: %w\n%s%s", name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// sourceHash hashes everything the build reads besides node_modules.
func sourceHash(extra string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, extra)
	var files []string
	for _, f := range []string{"package.json", "package-lock.json", "asconfig.json"} {
		files = append(files, filepath.Join(Dir, f))
	}
	err := filepath.WalkDir(filepath.Join(Dir, "assembly"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(Dir, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
