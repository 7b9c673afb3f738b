// Package uvtest writes uv's upstream layout for tests: the GitHub tags
// listing of astral-sh/uv (real tag names and commits, see
// plugins/uv/testdata/README.md), and for each tag the cargo-dist release
// archives — uv-<triple>.tar.gz with the directory uv-<triple>/ holding uv
// and uvx, uv-<triple>.zip on Windows with uv.exe and uvx.exe at its root
// — each with its <archive>.sha256 ("<hex> *<archive>", sha256sum's binary
// mode). The executables are shell scripts that answer like uv.
package uvtest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Upstream URL prefixes and their sub-paths in the mirror.
var Upstreams = map[string]string{
	"https://github.com/astral-sh/uv/releases/download/": "uv/releases/download/",
	"https://api.github.com/repos/astral-sh/uv/":         "uv/",
}

// Triples are the targets mirrored for every release.
var Triples = []string{
	"x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl",
	"x86_64-apple-darwin", "aarch64-apple-darwin", "x86_64-pc-windows-msvc",
}

// TestdataDir is plugins/uv/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// UV is the fake uv: --version prints "uv <version>"; `tool install X`
// and `tool uninstall X` write and remove $UV_TOOL_BIN_DIR/X (and
// $UV_TOOL_DIR/X/); `tool dir` prints UV_TOOL_DIR; anything else echoes.
func UV(version string) string {
	return fmt.Sprintf(`#!/bin/sh
V=%[1]s
case "$1 $2" in
"--version "*|"-V "*) echo "uv $V"; exit 0 ;;
"tool dir") echo "$UV_TOOL_DIR"; exit 0 ;;
"tool install")
  [ -n "$UV_TOOL_BIN_DIR" ] || { echo "error: UV_TOOL_BIN_DIR is not set" >&2; exit 2; }
  d="${3%%%%[=<>~]*}"; mkdir -p "$UV_TOOL_BIN_DIR" "$UV_TOOL_DIR/$d"
  printf '#!/bin/sh\necho "%%s (uv tool, uv %%s) $*"\n' "$d" "$V" > "$UV_TOOL_BIN_DIR/$d"; chmod +x "$UV_TOOL_BIN_DIR/$d"
  echo "Installed 1 executable: $d"; exit 0 ;;
"tool uninstall")
  [ -e "$UV_TOOL_BIN_DIR/$3" ] || { echo "error: $3 is not installed" >&2; exit 2; }
  rm -rf "$UV_TOOL_BIN_DIR/$3" "$UV_TOOL_DIR/$3"; echo "Uninstalled 1 executable: $3"; exit 0 ;;
esac
echo "uv $V $*"
`, version)
}

// UVX is the fake uvx.
func UVX(version string) string {
	return fmt.Sprintf("#!/bin/sh\ncase \"$1\" in\n--version|-V) echo \"uvx %[1]s\" ;;\n*) echo \"uvx %[1]s: $*\" ;;\nesac\n", version)
}

// Versions are the tag names of the mirrored tags listing.
func Versions() ([]string, error) {
	b, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	var tags []struct{ Name string }
	if err := json.Unmarshal(b, &tags); err != nil {
		return nil, err
	}
	var out []string
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out, nil
}

// Mirror writes the layout under root/uv and returns the upstream prefixes.
func Mirror(root string) (map[string]string, error) {
	tags, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	if err := write(filepath.Join(root, "uv", "tags"), tags); err != nil {
		return nil, err
	}
	versions, err := Versions()
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		for _, triple := range Triples {
			stem := "uv-" + triple
			var body []byte
			var name string
			if strings.Contains(triple, "windows") {
				name = stem + ".zip"
				body, err = zipOf(map[string]string{"uv.exe": UV(v), "uvx.exe": UVX(v)})
			} else {
				name = stem + ".tar.gz"
				body, err = tarGzOf(stem, map[string]string{"uv": UV(v), "uvx": UVX(v)})
			}
			if err != nil {
				return nil, err
			}
			dir := filepath.Join(root, "uv", "releases", "download", v)
			if err := write(filepath.Join(dir, name), body); err != nil {
				return nil, err
			}
			sum := sha256.Sum256(body)
			if err := write(filepath.Join(dir, name+".sha256"), []byte(hex.EncodeToString(sum[:])+" *"+name+"\n")); err != nil {
				return nil, err
			}
		}
	}
	return Upstreams, nil
}

func write(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

var mtime = time.Date(2025, 4, 9, 0, 0, 0, 0, time.UTC)

func tarGzOf(prefix string, files map[string]string) ([]byte, error) {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: prefix + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime}); err != nil {
		return nil, err
	}
	for _, n := range []string{"uv", "uvx"} {
		if err := tw.WriteHeader(&tar.Header{Name: prefix + "/" + n, Mode: 0o755, Size: int64(len(files[n])), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func zipOf(files map[string]string) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range []string{"uv.exe", "uvx.exe"} {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: mtime}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
