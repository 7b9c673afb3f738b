package install

import (
	"archive/tar"
	"context"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileSeeds are archives that try to write outside the target.
var hostileSeeds = [][]ent{
	{{name: "../../evil", body: "x"}},
	{{name: "/abs", body: "x"}},
	{{name: "l", typ: tar.TypeSymlink, link: "../.."}, {name: "l/x", body: "x"}},
	{{name: "a/", typ: tar.TypeDir}, {name: "x", typ: tar.TypeSymlink, link: "a/b/../.."}, {name: "a/b", typ: tar.TypeSymlink, link: ".."}},
	{{name: "h", typ: tar.TypeLink, link: "../../etc/passwd"}},
	{{name: "d/", typ: tar.TypeDir}, {name: "d/l", typ: tar.TypeSymlink, link: "../.."}, {name: "f", typ: tar.TypeLink, link: "d/l"}},
}

func FuzzUnpackTar(f *testing.F) {
	f.Add(makeTar(f, nodeLike))
	for _, s := range hostileSeeds {
		f.Add(makeTar(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzUnpack(t, "fuzz.tar", data)
	})
}

func FuzzUnpackZip(f *testing.F) {
	f.Add(makeZip(f, nodeLike))
	for _, s := range hostileSeeds {
		f.Add(makeZip(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzUnpack(t, "fuzz.zip", data)
	})
}

// fuzzUnpack unpacks data and checks, whatever the outcome, that nothing was
// written outside dest and that every symlink in dest, followed on disk,
// stays inside it.
func fuzzUnpack(t *testing.T, name string, data []byte) {
	archive, dest, sandbox := setup(t, name, data)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = Unpack(ctx, archive, dest, UnpackOptions{})
	if out := outsideEntries(t, sandbox, archive); len(out) > 0 {
		t.Fatalf("written outside dest: %v", out)
	}
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dest, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			t.Fatalf("walk reached %s outside %s", p, dest)
		}
		if d.Type()&fs.ModeSymlink != 0 && !staysInside(dest, rel) {
			target, _ := os.Readlink(p)
			t.Fatalf("symlink %s -> %s leads outside dest", rel, target)
		}
		if d.Type()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe) != 0 {
			t.Fatalf("special file %s created", rel)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

// staysInside follows the path rel under root on the real file system,
// reading each symlink with os.Readlink, and reports whether it never leaves
// root. Missing components are followed lexically. It is written
// independently of the extractor's own check.
func staysInside(root, rel string) bool {
	var cur []string
	todo := strings.Split(filepath.ToSlash(rel), "/")
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, c)
		p := filepath.Join(append([]string{root}, cur...)...)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, err := os.Readlink(p)
		if err != nil || filepath.IsAbs(target) || strings.HasPrefix(target, "/") {
			return false
		}
		if hops++; hops > 255 {
			return true // a loop inside root cannot leave it
		}
		cur = cur[:len(cur)-1]
		todo = append(strings.Split(filepath.ToSlash(target), "/"), todo...)
	}
	return true
}

func FuzzFindInChecksumFile(f *testing.F) {
	for _, name := range []string{"node-v22.12.0-SHASUMS256.txt", "bun-v1.3.2-SHASUMS256.txt",
		"deno-v2.1.2/deno-x86_64-pc-windows-msvc.zip.sha256sum", "deno-v2.7.7/deno-x86_64-unknown-linux-gnu.zip.sha256sum"} {
		b, err := os.ReadFile(filepath.Join("testdata", "checksums", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "node-v22.12.0-linux-x64.tar.xz")
		f.Add(b, "win-x64/node.exe")
		f.Add(b, "bun-windows-x64.zip")
	}
	f.Add([]byte("SHA256 (a b) = "+strings.Repeat("A", 64)), "a b")
	f.Add([]byte(`\`+strings.Repeat("0", 128)+`  a\\b`), `a\b`)
	f.Fuzz(func(t *testing.T, content []byte, name string) {
		got, err := FindInChecksumFile(content, name)
		if err != nil {
			if !strings.Contains(err.Error(), "checksum file") {
				t.Fatalf("error %q does not say it is about the checksum file", err)
			}
			return
		}
		want := map[string]int{AlgoSHA256: 64, AlgoSHA512: 128}[got.Algo]
		if want == 0 || len(got.Value) != want || strings.ToLower(got.Value) != got.Value {
			t.Fatalf("bad result %+v", got)
		}
		if _, err := hex.DecodeString(got.Value); err != nil {
			t.Fatalf("bad hex %q", got.Value)
		}
		if !strings.Contains(strings.ToLower(string(content)), got.Value) {
			t.Fatalf("result %s is not in the file", got.Value)
		}
		if _, err := ParseChecksum(got.String()); err != nil {
			t.Fatalf("result %s does not parse back: %v", got, err)
		}
	})
}
