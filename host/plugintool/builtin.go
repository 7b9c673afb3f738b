package plugintool

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// toteModule is the module that holds the built-in plugins' sources.
const toteModule = "github.com/tote-dev/tote"

// SourceRoot finds a checkout of tote's source: the directory this binary
// was built from (when it still exists), else the module of the working
// directory as `go list -m` reports it.
func SourceRoot(ctx context.Context) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
		if isToteRoot(root) {
			return root, nil
		}
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", toteModule)
	cmd.Stdout = &out
	if err := cmd.Run(); err == nil {
		if root := strings.TrimSpace(out.String()); isToteRoot(root) {
			return root, nil
		}
	}
	return "", fmt.Errorf("cannot find tote's source: building a built-in needs a checkout of %s (run this inside it)", toteModule)
}

func isToteRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module "+toteModule+"\n"))
}

// BuiltinDir returns the WASM adapter's package directory of built-in id.
func BuiltinDir(ctx context.Context, id string) (string, error) {
	if err := ValidateName(id); err != nil {
		return "", err
	}
	root, err := SourceRoot(ctx)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "plugins", id, "wasm")
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return "", fmt.Errorf("there is no built-in plugin %q with a WASM build (looked in %s)", id, dir)
	}
	return dir, nil
}
