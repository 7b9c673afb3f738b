package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShimStaysLight keeps the launcher free of the CLI framework, the
// WebAssembly runtime and the semver library (whose package initialisation
// alone costs about 0.3 ms), which would slow every shimmed command down.
func TestShimStaysLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/spf13/cobra", "github.com/tetratelabs/wazero", "github.com/extism/go-sdk", "github.com/tote-dev/tote/host/runtime", "github.com/tote-dev/tote/internal/toolchain", "github.com/Masterminds/semver/v3", "github.com/tote-dev/tote/internal/version"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("tote-shim depends on %s", dep)
			}
		}
	}
}

// TestShimIsStatic keeps cgo out of the launcher: a dynamically linked
// binary pays the dynamic loader on every shimmed command (about 0.6 ms
// measured in BENCHMARKS.md).
func TestShimIsStatic(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if .CgoFiles}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if deps := strings.Fields(string(out)); len(deps) > 0 {
		t.Errorf("tote-shim depends on cgo packages %v; with cgo enabled it links dynamically", deps)
	}
}
