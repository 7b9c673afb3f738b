package version

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStdlibOnly keeps the version library free of dependencies: the shim,
// the host and every Go plugin link it.
func TestStdlibOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/tote-dev/tote/api/version" {
			t.Errorf("api/version depends on %s; it must use the standard library only", dep)
		}
	}
	// No regular expressions: compiling them at start-up costs the shim.
	out, err = exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "regexp" {
			t.Error("api/version imports regexp")
		}
	}
}
