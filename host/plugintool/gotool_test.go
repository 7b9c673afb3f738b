package plugintool

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeGo writes a `go` shell script into a new directory and returns an
// environment whose PATH is that directory, then /usr/bin:/bin for the
// script's own commands. The script answers
// `go version` with version and runs body for anything else.
func fakeGo(t *testing.T, version, body string) GoEnv {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake go is a shell script")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo \"go version " + version + " linux/amd64\"; exit 0; fi\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return GoEnv{"PATH=" + dir + string(filepath.ListSeparator) + "/usr/bin:/bin", "HOME=" + t.TempDir()}
}

func TestFindGoMissing(t *testing.T) {
	_, err := FindGo(context.Background(), GoEnv{"PATH=" + t.TempDir()})
	if !errors.Is(err, ErrGoNotFound) {
		t.Fatalf("err = %v, want ErrGoNotFound", err)
	}
	const want = "go not found on PATH: tote plugin build needs Go >= 1.24 (https://go.dev/dl/)"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
}

func TestFindGoTooOld(t *testing.T) {
	env := fakeGo(t, "go1.22.5", "exit 0")
	_, err := FindGo(context.Background(), env)
	if err == nil {
		t.Fatal("go1.22.5 accepted")
	}
	for _, want := range []string{"go1.22.5", "Go >= 1.24", "https://go.dev/dl/"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFindGoOK(t *testing.T) {
	env := fakeGo(t, "go1.24.0", "exit 0")
	tc, err := FindGo(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if tc.Version != "go1.24.0" || filepath.Base(tc.Path) != "go" {
		t.Errorf("toolchain = %+v", tc)
	}
}

func TestGoAtLeast(t *testing.T) {
	tests := []struct {
		out  string
		want bool
	}{
		{"go version go1.24.0 linux/amd64", true},
		{"go version go1.24rc1 linux/amd64", true},
		{"go version go1.26.8 darwin/arm64", true},
		{"go version go1.23.12 linux/amd64", false},
		{"go version go1.9 linux/amd64", false},
		{"go version go2.0 linux/amd64", true},
		{"go version devel go1.25-abcdef Tue Jan 1 linux/amd64", true},
	}
	for _, tt := range tests {
		v, err := parseGoVersion(tt.out)
		if err != nil {
			t.Errorf("parseGoVersion(%q): %v", tt.out, err)
			continue
		}
		if got := goAtLeast(v, MinGoVersion); got != tt.want {
			t.Errorf("goAtLeast(%q) = %v, want %v", v, got, tt.want)
		}
	}
	if _, err := parseGoVersion("something else"); err == nil {
		t.Error("parseGoVersion accepted garbage")
	}
}
