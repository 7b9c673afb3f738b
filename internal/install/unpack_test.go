package install

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ent is one archive entry to build.
type ent struct {
	name string
	typ  byte // tar type; 0 = regular file
	body string
	mode int64
	link string
}

var testMtime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func makeTar(t testing.TB, ents []ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, ModTime: testMtime, Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeZip(t testing.TB, ents []ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: testMtime}
		mode := fs.FileMode(e.mode)
		switch e.typ {
		case tar.TypeDir:
			if mode == 0 {
				mode = 0o755
			}
			mode |= fs.ModeDir
			if !strings.HasSuffix(h.Name, "/") {
				h.Name += "/"
			}
		case tar.TypeSymlink:
			mode = fs.ModeSymlink | 0o777
			e.body = e.link
		default:
			if mode == 0 {
				mode = 0o644
			}
		}
		h.SetMode(mode) // marks the entry as made on Unix
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// compress compresses data as gz, xz, zst or bz2 (bz2 needs the bzip2
// command; ok is false without it).
func compress(t testing.TB, kind string, data []byte) (out []byte, ok bool) {
	t.Helper()
	var buf bytes.Buffer
	switch kind {
	case "gz":
		w := gzip.NewWriter(&buf)
		w.ModTime = testMtime
		w.Write(data)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "zst":
		w, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "bz2":
		if _, err := exec.LookPath("bzip2"); err != nil {
			return nil, false
		}
		cmd := exec.Command("bzip2", "-c")
		cmd.Stdin = bytes.NewReader(data)
		b, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return b, true
	default:
		t.Fatalf("unknown compression %s", kind)
	}
	return buf.Bytes(), true
}

// nodeLike is an archive laid out like node's: one prefix directory, an
// executable, a data file, a symlink into lib, a hard link.
var nodeLike = []ent{
	{name: "node-v20.1.0-linux-x64/", typ: tar.TypeDir},
	{name: "node-v20.1.0-linux-x64/bin/", typ: tar.TypeDir, mode: 0o750},
	{name: "node-v20.1.0-linux-x64/bin/node", body: "ELF node", mode: 0o755},
	{name: "node-v20.1.0-linux-x64/lib/node_modules/npm/bin/npm-cli.js", body: "npm", mode: 0o644},
	{name: "node-v20.1.0-linux-x64/bin/npm", typ: tar.TypeSymlink, link: "../lib/node_modules/npm/bin/npm-cli.js"},
	{name: "node-v20.1.0-linux-x64/README.md", body: "readme"},
}

// setup writes archive bytes to a temp dir and returns the archive path and
// a fresh dest dir inside a sandbox whose only other entry is the archive.
func setup(t testing.TB, name string, data []byte) (archive, dest, sandbox string) {
	t.Helper()
	sandbox = t.TempDir()
	archive = filepath.Join(sandbox, name)
	if err := os.WriteFile(archive, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return archive, filepath.Join(sandbox, "dest"), sandbox
}

func checkNodeLike(t *testing.T, dest string, withLinks bool) {
	t.Helper()
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dest, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if read("bin/node") != "ELF node" || read("README.md") != "readme" {
		t.Fatal("wrong content")
	}
	if runtime.GOOS == "windows" {
		return
	}
	mode := func(rel string) fs.FileMode {
		fi, err := os.Lstat(filepath.Join(dest, rel))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode()
	}
	if m := mode("bin/node"); m.Perm() != 0o755 {
		t.Errorf("bin/node mode %v, want 0755", m)
	}
	if m := mode("README.md"); m.Perm() != 0o644 {
		t.Errorf("README.md mode %v, want 0644", m)
	}
	if m := mode("bin"); m.Perm() != 0o750 || !m.IsDir() {
		t.Errorf("bin mode %v, want drwxr-x---", m)
	}
	fi, _ := os.Stat(filepath.Join(dest, "bin/node"))
	if !fi.ModTime().Equal(testMtime) {
		t.Errorf("bin/node mtime %v, want %v", fi.ModTime(), testMtime)
	}
	if withLinks {
		if m := mode("bin/npm"); m&fs.ModeSymlink == 0 {
			t.Fatalf("bin/npm is %v, not a symlink", m)
		}
		if read("bin/npm") != "npm" {
			t.Error("bin/npm does not lead to npm-cli.js")
		}
		target, _ := os.Readlink(filepath.Join(dest, "bin/npm"))
		if target != "../lib/node_modules/npm/bin/npm-cli.js" {
			t.Errorf("bin/npm -> %s", target)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "node-v20.1.0-linux-x64")); err == nil {
		t.Error("prefix directory not stripped")
	}
}

func TestUnpackFormats(t *testing.T) {
	tarData := makeTar(t, nodeLike)
	cases := []struct{ name, compression string }{
		{"node.tar", ""},
		{"node.tar.gz", "gz"}, {"node.tgz", "gz"},
		{"node.tar.xz", "xz"}, {"node.txz", "xz"},
		{"node.tar.zst", "zst"}, {"node.tzst", "zst"},
		{"node.tar.bz2", "bz2"}, {"node.tbz2", "bz2"},
	}
	for _, c := range cases {
		for _, byMagic := range []bool{false, true} {
			label := c.name
			if byMagic {
				label += " detected by magic"
			}
			t.Run(label, func(t *testing.T) {
				data := tarData
				if c.compression != "" {
					var ok bool
					data, ok = compress(t, c.compression, tarData)
					if !ok {
						t.Skip("SKIP: no bzip2 command to make a .tar.bz2; the committed testdata/pkg-1.0.tar.bz2 covers bzip2 (TestUnpackCommittedBzip2)")
					}
				}
				fileName := c.name
				opts := UnpackOptions{Prefix: "node-v20.1.0-linux-x64"}
				if byMagic {
					fileName = "download" // no extension: only the bytes tell
				}
				archive, dest, _ := setup(t, fileName, data)
				if err := Unpack(context.Background(), archive, dest, opts); err != nil {
					t.Fatal(err)
				}
				checkNodeLike(t, dest, true)
			})
		}
	}
	t.Run("name from opts.Name", func(t *testing.T) {
		data, _ := compress(t, "xz", tarData)
		archive, dest, _ := setup(t, "blob.bin", data)
		if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v20.1.0-linux-x64", Name: "node.tar.xz"}); err != nil {
			t.Fatal(err)
		}
		checkNodeLike(t, dest, true)
	})
}

func TestUnpackZip(t *testing.T) {
	data := makeZip(t, nodeLike)
	for _, name := range []string{"node.zip", "download"} {
		archive, dest, _ := setup(t, name, data)
		if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v20.1.0-linux-x64"}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkNodeLike(t, dest, true)
	}
	// Deno's zip: one binary at the root, no prefix.
	archive, dest, _ := setup(t, "deno-x86_64-unknown-linux-gnu.zip", makeZip(t, []ent{{name: "deno", body: "deno bin", mode: 0o755}}))
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dest, "deno")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("deno: %v %v", fi, err)
	}
}

func TestUnpackCommittedBzip2(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "dest")
	if err := Unpack(context.Background(), filepath.Join("testdata", "pkg-1.0.tar.bz2"), dest, UnpackOptions{Prefix: "pkg-1.0"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dest, "bin", "tool"))
	if err != nil || string(b) != "#!/bin/sh\necho tool 1.0\n" {
		t.Fatalf("bin/tool = %q, %v", b, err)
	}
	fi, _ := os.Stat(filepath.Join(dest, "bin", "tool"))
	if fi.Mode().Perm() != 0o755 || !fi.ModTime().Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("bin/tool mode %v mtime %v", fi.Mode(), fi.ModTime())
	}
	if target, err := os.Readlink(filepath.Join(dest, "tool-link")); err != nil || target != "bin/tool" {
		t.Fatalf("tool-link -> %q, %v", target, err)
	}
	if runtime.GOOS != "windows" {
		if out, err := exec.Command(filepath.Join(dest, "tool-link")).Output(); err != nil || string(out) != "tool 1.0\n" {
			t.Fatalf("running the unpacked tool: %q, %v", out, err)
		}
	}
}

func TestUnpackSingleFiles(t *testing.T) {
	bin := "#!/bin/sh\necho jq\n"
	// A bare binary keeps its (download) name and becomes executable.
	archive, dest, _ := setup(t, "jq-linux-amd64", []byte(bin))
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{Name: "jq"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dest, "jq")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("jq: %v, %v", fi, err)
	}
	// A gzip-compressed single file.
	gz, _ := compress(t, "gz", []byte(bin))
	archive, dest, _ = setup(t, "tool-linux.gz", gz)
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dest, "tool-linux"))
	if err != nil || string(b) != bin {
		t.Fatalf("tool-linux = %q, %v", b, err)
	}
	fi, _ := os.Stat(filepath.Join(dest, "tool-linux"))
	if fi.Mode().Perm() != 0o755 || !fi.ModTime().Equal(testMtime) {
		t.Fatalf("tool-linux mode %v mtime %v (want the gzip header's time)", fi.Mode(), fi.ModTime())
	}
	// A .gz that holds a tar is unpacked as a tar.
	tgz, _ := compress(t, "gz", makeTar(t, nodeLike))
	archive, dest, _ = setup(t, "node.gz", tgz)
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v20.1.0-linux-x64"}); err != nil {
		t.Fatal(err)
	}
	checkNodeLike(t, dest, true)
}

func TestUnpackPrefix(t *testing.T) {
	data := makeTar(t, append([]ent{{name: "pax-extra/ignored", body: "x"}}, nodeLike...))
	// A glob prefix.
	archive, dest, _ := setup(t, "node.tar", data)
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v*"}); err != nil {
		t.Fatal(err)
	}
	checkNodeLike(t, dest, true)
	if _, err := os.Stat(filepath.Join(dest, "ignored")); err == nil {
		t.Fatal("entry outside the prefix was extracted")
	}
	// A prefix that matches nothing is an error naming it and the first entry.
	archive, dest, _ = setup(t, "node.tar", data)
	err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v20.1.0-linux-arm64"})
	want := `archive node.tar: no entry under the prefix "node-v20.1.0-linux-arm64" (the first entry is "pax-extra/ignored")`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
	// "./"-rooted archives (tar -C dir .) and a two-level prefix.
	archive, dest, _ = setup(t, "x.tar", makeTar(t, []ent{{name: "./", typ: tar.TypeDir}, {name: "./a/b/c/file", body: "f"}}))
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "a/b"}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "c", "file")); err != nil || string(b) != "f" {
		t.Fatalf("c/file = %q, %v", b, err)
	}
}

// outsideEntries lists what is in sandbox besides dest and the archive:
// anything there was written outside the target directory.
func outsideEntries(t testing.TB, sandbox, archive string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(sandbox)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "dest" && e.Name() != filepath.Base(archive) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestUnpackHostile(t *testing.T) {
	cases := []struct {
		name string
		ents []ent
		want string // the whole error, with ARCHIVE for the archive's name
	}{
		{"dot-dot", []ent{{name: "../../evil", body: "x"}},
			`archive ARCHIVE: entry "../../evil" escapes the target directory`},
		{"dot-dot inside", []ent{{name: "a/../../evil", body: "x"}},
			`archive ARCHIVE: entry "a/../../evil" escapes the target directory`},
		{"absolute", []ent{{name: "/tmp/evil", body: "x"}},
			`archive ARCHIVE: entry "/tmp/evil" has an absolute path`},
		{"windows absolute", []ent{{name: `C:\evil`, body: "x"}},
			`archive ARCHIVE: entry "C:\\evil" has an absolute path`},
		{"backslash dot-dot", []ent{{name: `a\..\..\evil`, body: "x"}},
			`archive ARCHIVE: entry "a\\..\\..\\evil" escapes the target directory`},
		{"symlink escape", []ent{{name: "link", typ: tar.TypeSymlink, link: "../../outside"}},
			`archive ARCHIVE: entry "link" is a symlink to "../../outside", which resolves outside the target directory`},
		{"symlink absolute", []ent{{name: "link", typ: tar.TypeSymlink, link: "/etc"}},
			`archive ARCHIVE: entry "link" is a symlink to the absolute path "/etc"`},
		{"symlink then file through it", []ent{
			{name: "sub/", typ: tar.TypeDir},
			{name: "lnk", typ: tar.TypeSymlink, link: "sub"},
			{name: "lnk/file", body: "x"}},
			`archive ARCHIVE: entry "lnk/file" passes through the symlink "lnk"`},
		{"symlink to dir then escape", []ent{
			{name: "up", typ: tar.TypeSymlink, link: ".."},
			{name: "up/evil", body: "x"}},
			`archive ARCHIVE: entry "up/evil" passes through the symlink "up"`},
		{"symlink chain escape", []ent{
			{name: "a/", typ: tar.TypeDir},
			{name: "x", typ: tar.TypeSymlink, link: "a/b/../.."},
			{name: "a/b", typ: tar.TypeSymlink, link: ".."}},
			`archive ARCHIVE: entry "x" is a symlink to "a/b/../..", which resolves outside the target directory`},
		{"symlink loop", []ent{
			{name: "p", typ: tar.TypeSymlink, link: "q"},
			{name: "q", typ: tar.TypeSymlink, link: "p"}},
			`archive ARCHIVE: entry "p" is a symlink to "q", which resolves outside the target directory`},
		{"hardlink outside", []ent{{name: "h", typ: tar.TypeLink, link: "../../etc/passwd"}},
			`archive ARCHIVE: entry "h" is a hard link to "../../etc/passwd" outside the target directory`},
		{"hardlink absolute", []ent{{name: "h", typ: tar.TypeLink, link: "/etc/passwd"}},
			`archive ARCHIVE: entry "h" is a hard link to "/etc/passwd" outside the target directory`},
		{"device", []ent{{name: "dev", typ: tar.TypeChar}},
			`archive ARCHIVE: entry "dev" is a device file`},
		{"fifo", []ent{{name: "fifo", typ: tar.TypeFifo}},
			`archive ARCHIVE: entry "fifo" is a FIFO`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			archive, dest, sandbox := setup(t, "evil.tar", makeTar(t, c.ents))
			err := Unpack(context.Background(), archive, dest, UnpackOptions{})
			want := strings.ReplaceAll(c.want, "ARCHIVE", "evil.tar")
			if err == nil || err.Error() != want {
				t.Fatalf("error = %v\nwant    %s", err, want)
			}
			if !errors.Is(err, ErrUnsafeEntry) {
				t.Fatalf("error %v does not match ErrUnsafeEntry", err)
			}
			if out := outsideEntries(t, sandbox, archive); len(out) > 0 {
				t.Fatalf("written outside dest: %v", out)
			}
		})
	}
	// The same attacks in zip form.
	zipCases := []struct {
		name string
		ents []ent
		want string
	}{
		{"zip dot-dot", []ent{{name: "../evil", body: "x"}}, `archive evil.zip: entry "../evil" escapes the target directory`},
		{"zip absolute", []ent{{name: "/evil", body: "x"}}, `archive evil.zip: entry "/evil" has an absolute path`},
		{"zip symlink escape", []ent{{name: "l", typ: tar.TypeSymlink, link: "../x"}}, `archive evil.zip: entry "l" is a symlink to "../x", which resolves outside the target directory`},
		{"zip through symlink", []ent{{name: "l", typ: tar.TypeSymlink, link: "."}, {name: "l/f", body: "x"}}, `archive evil.zip: entry "l/f" passes through the symlink "l"`},
	}
	for _, c := range zipCases {
		t.Run(c.name, func(t *testing.T) {
			archive, dest, sandbox := setup(t, "evil.zip", makeZip(t, c.ents))
			err := Unpack(context.Background(), archive, dest, UnpackOptions{})
			if err == nil || err.Error() != c.want || !errors.Is(err, ErrUnsafeEntry) {
				t.Fatalf("error = %v\nwant    %s", err, c.want)
			}
			if out := outsideEntries(t, sandbox, archive); len(out) > 0 {
				t.Fatalf("written outside dest: %v", out)
			}
		})
	}
}

func TestUnpackLinksInside(t *testing.T) {
	ents := []ent{
		{name: "pkg/lib/real.so.1", body: "so", mode: 0o755},
		{name: "pkg/lib/real.so", typ: tar.TypeSymlink, link: "real.so.1"},
		{name: "pkg/lib/hard.so", typ: tar.TypeLink, link: "pkg/lib/real.so.1"},
		{name: "pkg/bin/up", typ: tar.TypeSymlink, link: "../lib/./real.so"},
		{name: "pkg/dangling", typ: tar.TypeSymlink, link: "not/there"},
		{name: "pkg/self", typ: tar.TypeSymlink, link: "."},
	}
	archive, dest, _ := setup(t, "pkg.tar.gz", mustCompress(t, "gz", makeTar(t, ents)))
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "pkg"}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"lib/real.so", "lib/hard.so", "bin/up"} {
		if b, err := os.ReadFile(filepath.Join(dest, rel)); err != nil || string(b) != "so" {
			t.Errorf("%s = %q, %v", rel, b, err)
		}
	}
	a, _ := os.Stat(filepath.Join(dest, "lib/real.so.1"))
	b, _ := os.Stat(filepath.Join(dest, "lib/hard.so"))
	if !os.SameFile(a, b) {
		t.Error("hard link is not the same file")
	}
	// A hard link to a file outside the prefix is refused.
	archive, dest, _ = setup(t, "pkg.tar", makeTar(t, []ent{{name: "other/secret", body: "s"}, {name: "pkg/h", typ: tar.TypeLink, link: "other/secret"}}))
	err := Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "pkg"})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Fatalf("hard link outside the prefix: %v", err)
	}
}

func mustCompress(t testing.TB, kind string, data []byte) []byte {
	b, ok := compress(t, kind, data)
	if !ok {
		t.Skipf("SKIP: cannot make %s here", kind)
	}
	return b
}

func TestUnpackErrorsNameTheArchive(t *testing.T) {
	// A tar.gz that is really an HTML error page.
	archive, dest, _ := setup(t, "node.tar.gz", []byte("<!DOCTYPE html><html>404</html>"))
	err := Unpack(context.Background(), archive, dest, UnpackOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "archive node.tar.gz: not a gzip stream") {
		t.Fatalf("error = %v", err)
	}
	// A truncated archive.
	data := mustCompress(t, "xz", makeTar(t, nodeLike))
	archive, dest, _ = setup(t, "node.tar.xz", data[:len(data)/2])
	err = Unpack(context.Background(), archive, dest, UnpackOptions{Prefix: "node-v20.1.0-linux-x64"})
	if err == nil || !strings.HasPrefix(err.Error(), "archive node.tar.xz: ") {
		t.Fatalf("error = %v", err)
	}
	// A missing archive.
	if err := Unpack(context.Background(), filepath.Join(t.TempDir(), "none.zip"), dest, UnpackOptions{}); err == nil || !strings.Contains(err.Error(), "archive none.zip") {
		t.Fatalf("error = %v", err)
	}
	// A cancelled context stops it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	archive, dest, _ = setup(t, "node.tar", makeTar(t, nodeLike))
	if err := Unpack(ctx, archive, dest, UnpackOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

// TestUnpackNoSetuid checks that setuid, setgid and sticky bits are dropped.
func TestUnpackNoSetuid(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	archive, dest, _ := setup(t, "x.tar", makeTar(t, []ent{{name: "su", body: "x", mode: 0o4755}, {name: "d/", typ: tar.TypeDir, mode: 0o1777}}))
	if err := Unpack(context.Background(), archive, dest, UnpackOptions{}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dest, "su"))
	if fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 || fi.Mode().Perm() != 0o755 {
		t.Fatalf("su mode %v", fi.Mode())
	}
	fi, _ = os.Stat(filepath.Join(dest, "d"))
	if fi.Mode()&fs.ModeSticky != 0 {
		t.Fatalf("d mode %v", fi.Mode())
	}
}
