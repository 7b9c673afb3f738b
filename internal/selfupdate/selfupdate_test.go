package selfupdate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func script(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	exe, good, bad := filepath.Join(dir, "tote"), filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	script(t, exe, `echo "tote 0.1.0"`)
	script(t, good, `echo "tote 0.3.0"`)
	script(t, bad, `echo "tote 0.2.9: broken" >&2; exit 1`)
	os.WriteFile(exe+".new", []byte("stale"), 0o644) // an interrupted run's leftovers
	os.WriteFile(exe+".old", []byte("stale"), 0o644)

	if _, err := Replace(context.Background(), exe, bad, "0.2.9"); err == nil || !strings.Contains(err.Error(), "old one was put back") {
		t.Fatalf("broken release: %v", err)
	}
	if b, _ := os.ReadFile(exe); !strings.Contains(string(b), "0.1.0") {
		t.Fatalf("rollback left %q", b)
	}
	// A binary that starts but reports another version is refused too.
	if _, err := Replace(context.Background(), exe, good, "0.4.0"); err == nil || !strings.Contains(err.Error(), "not version 0.4.0") {
		t.Fatalf("wrong version: %v", err)
	}
	out, err := Replace(context.Background(), exe, good, "0.3.0")
	if err != nil || out != "tote 0.3.0" {
		t.Fatalf("%q %v", out, err)
	}
	for _, p := range []string{exe + ".new", exe + ".old"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
	if fi, _ := os.Stat(exe); fi.Mode().Perm()&0o111 == 0 {
		t.Error("the new binary is not executable")
	}
}

func TestDetectManager(t *testing.T) {
	none := func(ctx context.Context, name string, args ...string) (string, error) {
		return "", errors.New("not found")
	}
	for exe, want := range map[string]string{
		"/opt/homebrew/Cellar/tote/0.2.0/bin/tote":     "brew upgrade tote",
		"/home/linuxbrew/.linuxbrew/bin/tote":          "brew upgrade tote",
		"/nix/store/abc-tote-0.2.0/bin/tote":           "nix profile upgrade",
		"/snap/tote/12/bin/tote":                       "snap refresh tote",
		`C:/Users/me/scoop/apps/tote/current/tote.exe`: "scoop update tote",
		"/home/me/.local/bin/tote":                     "",
		"/usr/local/bin/tote":                          "",
	} {
		err := DetectManager(context.Background(), exe, none)
		var me *ManagedError
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", exe, err)
			}
			continue
		}
		if !errors.As(err, &me) || !strings.Contains(me.Hint(), want) {
			t.Errorf("%s: %v, want a hint with %q", exe, err, want)
		}
	}
	dpkg := func(ctx context.Context, name string, args ...string) (string, error) {
		if name == "dpkg" {
			return "tote: /usr/bin/tote\n", nil
		}
		return "", errors.New("no")
	}
	if err := DetectManager(context.Background(), "/usr/bin/tote", dpkg); err == nil || !strings.Contains(err.Error(), "Debian package tote") {
		t.Errorf("dpkg: %v", err)
	}
	rpm := func(ctx context.Context, name string, args ...string) (string, error) {
		if name == "rpm" {
			return "tote-0.2.0-1.x86_64\n", nil
		}
		return "", errors.New("no")
	}
	if err := DetectManager(context.Background(), "/usr/bin/tote", rpm); err == nil || !strings.Contains(err.Error(), "RPM package tote-0.2.0-1.x86_64") {
		t.Errorf("rpm: %v", err)
	}
}
