package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tote-dev/tote/host/vpath"
)

type fsOp struct {
	Op      string `json:"op"`
	Path    string `json:"path"`
	Path2   string `json:"path2,omitempty"`
	Content string `json:"content,omitempty"`
}

type fsResult struct {
	Result string `json:"result"`
	Error  string `json:"error"`
}

// fsOps runs file operations in the fs-escape fixture.
func fsOps(t *testing.T, ctx context.Context, p *Plugin, ops ...fsOp) []fsResult {
	t.Helper()
	var out []fsResult
	if err := p.Call(ctx, "fs_ops", ops, &out); err != nil {
		t.Fatalf("fs_ops: %v", err)
	}
	return out
}

// TestFSOperations: every WASI file operation works beneath a writable
// directory through the root-based file system (directory reads, seeks,
// truncation, links, times…).
func TestFSOperations(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	temp := filepath.Join(home, "temp")
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(home, "", "", temp)))
	p := load(t, rt, "fs-escape", LoadOptions{ID: "ops"})
	d := "/temp/ops/a/b"
	steps := []struct {
		op          fsOp
		want, wantE string // result, and a substring of the error
		prefix      bool   // want is a prefix of the result
	}{
		{op: fsOp{Op: "mkdirall", Path: d}},
		{op: fsOp{Op: "write", Path: d + "/f", Content: "hello"}},
		{op: fsOp{Op: "append", Path: d + "/f", Content: " world"}},
		{op: fsOp{Op: "read", Path: d + "/f"}, want: "hello world"},
		{op: fsOp{Op: "read", Path: "/proto/temp/ops/a/b/f"}, want: "hello world"},
		{op: fsOp{Op: "rename", Path: d + "/f", Path2: d + "/g"}},
		{op: fsOp{Op: "read", Path: d + "/f"}, wantE: "no such file"},
		{op: fsOp{Op: "link", Path: d + "/g", Path2: d + "/h"}},
		{op: fsOp{Op: "symlink", Path: "g", Path2: d + "/s"}},
		{op: fsOp{Op: "readlink", Path: d + "/s"}, want: "g"},
		{op: fsOp{Op: "read", Path: d + "/s"}, want: "hello world"},
		{op: fsOp{Op: "lstat", Path: d + "/s"}, want: "L--------- 1 ", prefix: true},
		{op: fsOp{Op: "readdir", Path: d}, want: "g h s@"},
		{op: fsOp{Op: "truncate", Path: d + "/g", Content: "he"}},
		{op: fsOp{Op: "read", Path: d + "/h"}, want: "he"},
		{op: fsOp{Op: "seek", Path: d + "/k", Content: "abcd"}, want: "bcd"},
		{op: fsOp{Op: "writeat", Path: d + "/k", Content: "X"}},
		{op: fsOp{Op: "read", Path: d + "/k"}, want: "aXcd"},
		{op: fsOp{Op: "chtimes", Path: d + "/k"}},
		{op: fsOp{Op: "stat", Path: d + "/k"}, want: "---------- 4 1000000000"},
		{op: fsOp{Op: "remove", Path: d + "/h"}},
		{op: fsOp{Op: "remove", Path: d + "/s"}},
		{op: fsOp{Op: "readdir", Path: d}, want: "g k"},
		{op: fsOp{Op: "readdir", Path: "/temp/ops/a"}, want: "b/"},
		{op: fsOp{Op: "remove", Path: "/temp/ops/a"}, wantE: "directory not empty"},
		{op: fsOp{Op: "mkdir", Path: d}, wantE: "file exists"},
		{op: fsOp{Op: "symlink", Path: "/etc/passwd", Path2: d + "/abs"}, wantE: "operation not permitted"},
		{op: fsOp{Op: "rename", Path: "/temp/ops", Path2: "/temp/ops2"}, wantE: "permission denied"},
		{op: fsOp{Op: "remove", Path: "/temp/ops"}, wantE: "permission denied"},
	}
	ops := make([]fsOp, len(steps))
	for i, s := range steps {
		ops[i] = s.op
	}
	for i, got := range fsOps(t, context.Background(), p, ops...) {
		s := steps[i]
		switch {
		case s.wantE != "" && !strings.Contains(strings.ToLower(got.Error), s.wantE):
			t.Errorf("%d %+v: error %q, want %q", i, s.op, got.Error, s.wantE)
		case s.wantE == "" && got.Error != "":
			t.Errorf("%d %+v: %s", i, s.op, got.Error)
		case s.wantE == "" && got.Result != s.want && !(s.prefix && strings.HasPrefix(got.Result, s.want)):
			t.Errorf("%d %+v = %q, want %q", i, s.op, got.Result, s.want)
		}
	}
}

// TestWritable: a tool plugin writes only in its temporary directory and in
// the directories a call is given; everything else in its mounts is
// read-only, whatever path, link or operation it tries.
func TestWritable(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	home := filepath.Join(base, "home", ".tote")
	userHome := filepath.Join(base, "home")
	cwd := filepath.Join(base, "project")
	temp := filepath.Join(home, "temp")
	install := filepath.Join(home, "tools", "demo", "1.0.0")
	for _, d := range []string{temp, cwd, install, filepath.Join(temp, "other")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	config := filepath.Join(home, ".prototools")
	const original = "demo = \"1.0\"\n"
	if err := os.WriteFile(config, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, NewConfig().WithMounts(vpath.ToolMounts(home, userHome, cwd, temp)))
	p := load(t, rt, "fs-escape", LoadOptions{ID: "w"})
	ctx := context.Background()

	const ro = "read-only file system"
	// (WASI preview 1 has no chmod: Go's os.Chmod does nothing on wasip1.)
	denied := []fsOp{
		{Op: "write", Path: "/proto/.prototools", Content: "x"},
		{Op: "append", Path: "/proto/.prototools", Content: "permissions = [\"exec\"]\n"},
		{Op: "append", Path: "/userhome/.tote/.prototools", Content: "x"},
		{Op: "truncate", Path: "/proto/.prototools"},
		{Op: "chtimes", Path: "/proto/.prototools"},
		{Op: "remove", Path: "/proto/.prototools"},
		{Op: "rename", Path: "/proto/.prototools", Path2: "/proto/temp/w/stolen"},
		{Op: "link", Path: "/proto/.prototools", Path2: "/proto/temp/w/hard"},
		{Op: "write", Path: "/userhome/.bashrc", Content: "x"},
		{Op: "write", Path: "/cwd/.prototools", Content: "x"},
		{Op: "mkdir", Path: "/proto/bin"},
		{Op: "mkdir", Path: "/proto/extensions/evil"},
		{Op: "write", Path: "/temp/other/x", Content: "x"},
		{Op: "write", Path: "/proto/tools/demo/1.0.0/x", Content: "x"},
		{Op: "symlink", Path: "x", Path2: "/proto/shims/demo"},
	}
	for i, got := range fsOps(t, ctx, p, denied...) {
		if !strings.Contains(strings.ToLower(got.Error), ro) {
			t.Errorf("%+v: %+v, want %q", denied[i], got, ro)
		}
	}

	// A link planted in the writable directory leads nowhere writable.
	got := fsOps(t, ctx, p,
		fsOp{Op: "symlink", Path: "../../.prototools", Path2: "/temp/w/cfg"},
		fsOp{Op: "append", Path: "/temp/w/cfg", Content: "permissions = [\"exec\"]\n"},
		fsOp{Op: "write", Path: "/temp/w/cfg", Content: "x"},
		fsOp{Op: "read", Path: "/proto/temp/w/cfg"},
		fsOp{Op: "symlink", Path: "..", Path2: "/temp/w/up"},
		fsOp{Op: "write", Path: "/temp/w/up/other/x", Content: "x"},
		fsOp{Op: "write", Path: "/temp/w/ok", Content: "mine"},
		fsOp{Op: "write", Path: "/proto/temp/w/ok2", Content: "mine"},
	)
	if got[0].Error != "" || got[1].Error == "" || got[2].Error == "" || got[5].Error == "" || got[6].Error != "" || got[7].Error != "" {
		t.Errorf("links in the writable directory: %+v", got)
	}
	if got[3].Result != original {
		t.Errorf("reading through the link = %+v, want the (readable) config", got[3])
	}
	if b, _ := os.ReadFile(config); string(b) != original {
		t.Fatalf("the config changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(temp, "other", "x")); err == nil {
		t.Error("wrote into another plugin's temporary directory")
	}

	// The install directory is writable during a call given it, and only
	// during that call.
	in := fsOp{Op: "write", Path: "/proto/tools/demo/1.0.0/bin", Content: "tool"}
	if got := fsOps(t, WithWritable(ctx, install), p, in); got[0].Error != "" {
		t.Errorf("write in the install directory during its call: %+v", got)
	}
	in.Path += "2"
	if got := fsOps(t, ctx, p, in); !strings.Contains(strings.ToLower(got[0].Error), ro) {
		t.Errorf("write in the install directory after its call: %+v", got)
	}
	// An extension-like plugin with nothing writable.
	q := load(t, rt, "fs-escape", LoadOptions{ID: "nothing", Writable: []string{}})
	if got := fsOps(t, ctx, q, fsOp{Op: "write", Path: "/temp/nothing/x", Content: "x"}); !strings.Contains(strings.ToLower(got[0].Error), ro) {
		t.Errorf("Writable: []string{} still writes: %+v", got)
	}
}
