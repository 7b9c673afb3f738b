package plugintool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// MinGoVersion is the oldest Go toolchain that can build a plugin: the first
// with GOOS=wasip1 -buildmode=c-shared and //go:wasmexport.
const MinGoVersion = "1.24"

// ErrGoNotFound is returned (wrapped) when no go executable is on PATH.
var ErrGoNotFound = errors.New("go not found on PATH: tote plugin build needs Go >= " + MinGoVersion + " (https://go.dev/dl/)")

// Toolchain is a located Go toolchain.
type Toolchain struct {
	// Path is the absolute path of the go executable.
	Path string
	// Version is the version as `go version` reports it, such as "go1.24.2".
	Version string
}

// GoEnv is the environment a go command runs with. The zero value means the
// process's environment (os.Environ()).
type GoEnv []string

func (e GoEnv) list() []string {
	if e == nil {
		return os.Environ()
	}
	return e
}

// get returns the last value of key in the environment.
func (e GoEnv) get(key string) string {
	v := ""
	for _, kv := range e.list() {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// with returns a copy of the environment with the given KEY=VALUE pairs set,
// replacing earlier values of the same keys.
func (e GoEnv) with(kvs ...string) []string {
	drop := map[string]bool{}
	for _, kv := range kvs {
		k, _, _ := strings.Cut(kv, "=")
		drop[k] = true
	}
	var out []string
	for _, kv := range e.list() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	return append(out, kvs...)
}

// lookGo finds the go executable on the PATH of env.
func lookGo(env GoEnv) (string, error) {
	name := "go"
	if runtime.GOOS == "windows" {
		name = "go.exe"
	}
	for _, dir := range filepath.SplitList(env.get("PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0) {
			return filepath.Abs(p)
		}
	}
	return "", ErrGoNotFound
}

// FindGo locates go on the PATH of env and checks that it is at least
// MinGoVersion. Its errors say what was found and what is needed.
func FindGo(ctx context.Context, env GoEnv) (Toolchain, error) {
	path, err := lookGo(env)
	if err != nil {
		return Toolchain{}, err
	}
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = env.list()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Toolchain{}, fmt.Errorf("run %s version: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	v, err := parseGoVersion(stdout.String())
	if err != nil {
		return Toolchain{}, fmt.Errorf("%s version: %w", path, err)
	}
	tc := Toolchain{Path: path, Version: v}
	if !goAtLeast(v, MinGoVersion) {
		return tc, fmt.Errorf("%s is %s, but tote plugin build needs Go >= %s (https://go.dev/dl/)", path, v, MinGoVersion)
	}
	return tc, nil
}

var goVersionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bgo(\d+)\.(\d+)(?:\.(\d+))?(?:(?:rc|beta)\d+)?\b`) })

// parseGoVersion extracts "goX.Y[.Z]" from the output of `go version`,
// e.g. "go version go1.24.2 linux/amd64" or
// "go version devel go1.25-abcdef Tue ... linux/amd64".
func parseGoVersion(out string) (string, error) {
	m := goVersionRE().FindString(out)
	if m == "" {
		return "", fmt.Errorf("cannot read a Go version from %q", strings.TrimSpace(out))
	}
	return m, nil
}

// goAtLeast reports whether version "goX.Y[.Z…]" is at least min "X.Y".
func goAtLeast(version, min string) bool {
	m := goVersionRE().FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	wantMajor, wantMinor, _ := strings.Cut(min, ".")
	wm, _ := strconv.Atoi(wantMajor)
	wn, _ := strconv.Atoi(wantMinor)
	if major != wm {
		return major > wm
	}
	return minor >= wn
}
