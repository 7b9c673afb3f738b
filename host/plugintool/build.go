package plugintool

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// BuildOptions configures Build.
type BuildOptions struct {
	// Dir is the plugin's package directory (default ".").
	Dir string
	// Output is the .wasm to write; relative paths are relative to the current
	// directory. Default: ArtifactName(module path) inside Dir.
	Output string
	// Release strips the binary: -trimpath -ldflags="-s -w".
	Release bool
	// Env is the environment of the go commands; nil means os.Environ().
	// GOOS and GOARCH are always overridden to wasip1/wasm.
	Env GoEnv
	// Stdout and Stderr receive the compiler's output (default: discarded
	// and captured into the returned error, respectively).
	Stdout, Stderr io.Writer
}

// BuildError is returned when the go compiler fails. Output holds what it
// printed; Hints are suggestions for common plugin mistakes found in it.
type BuildError struct {
	// Dir is the directory go build ran in.
	Dir string
	// Err is the go command's error (usually an *exec.ExitError).
	Err error
	// Output is the compiler's stderr, when it was not streamed to
	// BuildOptions.Stderr.
	Output string
	// Hints are suggestions for the mistakes recognised in the output.
	Hints []string
}

// Error returns the compiler output and the hints.
func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "go build in %s: %v", e.Dir, e.Err)
	if out := strings.TrimSpace(e.Output); out != "" {
		b.WriteString("\n")
		b.WriteString(out)
	}
	for _, h := range e.Hints {
		b.WriteString("\nhint: ")
		b.WriteString(h)
	}
	return b.String()
}

// Unwrap returns the error of the go command.
func (e *BuildError) Unwrap() error { return e.Err }

// Build compiles the Go plugin package in opts.Dir for GOOS=wasip1
// GOARCH=wasm with -buildmode=c-shared and returns the absolute path of the
// .wasm it wrote. It checks the toolchain first (see FindGo).
func Build(ctx context.Context, opts BuildOptions) (string, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("plugin directory: %w", err)
	} else if !st.IsDir() {
		return "", fmt.Errorf("plugin directory %s is not a directory", dir)
	}
	out := opts.Output
	if out == "" {
		modFile, modPath, err := ModulePath(dir)
		if err != nil {
			return "", err
		}
		if filepath.Dir(modFile) != dir {
			// A package below the module root: name the artifact after the
			// package directory, which is what the module path's last element
			// would be for a module of its own.
			modPath = filepath.Base(dir)
		}
		out = filepath.Join(dir, ArtifactName(modPath))
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return "", err
	}
	tc, err := FindGo(ctx, opts.Env)
	if err != nil {
		return "", err
	}
	args := []string{"build", "-buildmode=c-shared"}
	if opts.Release {
		args = append(args, "-trimpath", "-ldflags=-s -w")
	}
	args = append(args, "-o", out, ".")
	cmd := exec.CommandContext(ctx, tc.Path, args...)
	cmd.Dir = dir
	cmd.Env = opts.Env.with("GOOS=wasip1", "GOARCH=wasm")
	var captured bytes.Buffer
	if opts.Stdout != nil {
		cmd.Stdout = opts.Stdout
	}
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(opts.Stderr, &captured)
	} else {
		cmd.Stderr = &captured
	}
	if err := cmd.Run(); err != nil {
		be := &BuildError{Dir: dir, Err: err, Hints: BuildHints(captured.String())}
		if opts.Stderr == nil {
			be.Output = captured.String()
		}
		return "", be
	}
	return out, nil
}

// ArtifactName is the default .wasm name for a module path: its last
// element with "-" replaced by "_", plus ".wasm" ("example.com/my-plugin" →
// "my_plugin.wasm"). A trailing major-version element (/v2) is skipped.
func ArtifactName(modulePath string) string {
	elems := strings.Split(strings.TrimSuffix(modulePath, "/"), "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && isMajorSuffix(last) {
		last = elems[len(elems)-2]
	}
	return strings.ReplaceAll(last, "-", "_") + ".wasm"
}

func isMajorSuffix(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	n, err := strconv.Atoi(s[1:])
	return err == nil && n >= 2
}

// ModulePath finds the go.mod at or above dir and returns its path and the
// module path it declares.
func ModulePath(dir string) (goMod, modulePath string, err error) {
	for d := dir; ; {
		p := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(p)
		if err == nil {
			mp, err := parseModuleLine(data)
			if err != nil {
				return "", "", fmt.Errorf("%s: %w", p, err)
			}
			return p, mp, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("read %s: %w", p, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", fmt.Errorf("no go.mod in %s or any parent: a plugin is a Go module (create one with `tote plugin new`)", dir)
		}
		d = parent
	}
}

// parseModuleLine returns the module path of a go.mod file.
func parseModuleLine(data []byte) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		mp := strings.TrimSpace(rest)
		if uq, err := strconv.Unquote(mp); err == nil {
			mp = uq
		}
		if mp == "" {
			return "", fmt.Errorf("line %d: empty module path", n)
		}
		return mp, nil
	}
	return "", errors.New("no module directive")
}

// BuildHints returns suggestions for common plugin mistakes recognised in
// the go compiler's output.
func BuildHints(output string) []string {
	var hints []string
	add := func(h string) {
		for _, x := range hints {
			if x == h {
				return
			}
		}
		hints = append(hints, h)
	}
	for _, line := range strings.Split(output, "\n") {
		switch {
		case strings.Contains(line, "function main is undeclared in the main package"):
			add("a plugin is package main with an empty `func main() {}`: add it (the exports are the //go:wasmexport functions)")
		case strings.Contains(line, "requires exactly one main package"),
			strings.Contains(line, "is not a main package"):
			add("build the directory of package main (the one with `func main() {}` and the //go:wasmexport functions), not a library package: put exports in package main, or in a package it imports")
		case strings.Contains(line, "go:wasmexport: unsupported"):
			add("an exported plugin function takes no parameters and returns int32 (`func registerTool() int32 { return sdk.Export(RegisterTool) }`): read input and write output through the SDK")
		case strings.Contains(line, "cannot use //go:wasmexport"):
			add("//go:wasmexport applies to plain top-level functions only, not to methods or closures")
		case strings.Contains(line, "buildmode=c-shared not supported"),
			strings.Contains(line, "unsupported GOOS/GOARCH pair wasip1"):
			add("-buildmode=c-shared for wasip1 needs Go >= " + MinGoVersion + " (https://go.dev/dl/)")
		case strings.Contains(line, "cannot find module providing package") && strings.Contains(line, "tote-dev/tote"),
			strings.Contains(line, "missing go.sum entry"):
			add("run `go mod tidy` in the plugin directory (or scaffold with `tote plugin new NAME --sdk PATH` to use a local tote checkout)")
		case strings.Contains(line, "build constraints exclude all Go files"):
			add("plugin code is built with GOOS=wasip1 GOARCH=wasm; guard host-only files with //go:build !wasip1 and guest files with //go:build wasip1")
		}
	}
	return hints
}
