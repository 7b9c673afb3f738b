package cli

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestHomeHint(t *testing.T) {
	home := "/h/.tote"
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"denied inside", fmt.Errorf("install: %w", &fs.PathError{Op: "mkdir", Path: "/h/.tote/temp", Err: syscall.EACCES}), "cannot write /h/.tote/temp"},
		{"read-only fs", &fs.PathError{Op: "open", Path: "/h/.tote/tools/x", Err: syscall.EROFS}, "chmod -R u+w /h/.tote"},
		{"creating home", &fs.PathError{Op: "mkdir", Path: "/h/.tote", Err: syscall.EPERM}, "set TOTE_HOME"},
		{"rename", &os.LinkError{Op: "rename", Old: "/tmp/a", New: "/h/.tote/bin/x", Err: syscall.EACCES}, "cannot write /h/.tote/bin/x"},
		{"elsewhere", &fs.PathError{Op: "open", Path: "/etc/x", Err: syscall.EACCES}, ""},
		{"not permission", &fs.PathError{Op: "open", Path: "/h/.tote/x", Err: syscall.ENOENT}, ""},
	} {
		got := homeHint(home, tt.err)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: homeHint = %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}

func TestNormalizeArgs(t *testing.T) {
	got := strings.Join(normalizeArgs([]string{"install", "node", "--pin", "global", "--", "--pin", "local"}), " ")
	if want := "install node --pin=global -- --pin local"; got != want {
		t.Errorf("normalizeArgs = %q, want %q", got, want)
	}
	if got := strings.Join(normalizeArgs([]string{"install", "node", "20", "--pin"}), " "); got != "install node 20 --pin" {
		t.Errorf("normalizeArgs = %q", got)
	}
}

func TestMentions(t *testing.T) {
	for msg, want := range map[string]bool{
		"no version of node matches": true,
		"nodejs is odd":              false,
		"node: x":                    true,
		"a-node-b":                   false,
	} {
		if got := mentions(msg, "node"); got != want {
			t.Errorf("mentions(%q) = %v", msg, got)
		}
	}
}
