// Package pythontest writes python-build-standalone's upstream layout for
// tests: the GitHub tags listing (real tag names and commits, see
// plugins/python/testdata/README.md) and, for each release since
// 20220227, a SHA256SUMS in upstream's format ("<hex>  <file>", sorted by
// name) listing every flavor python-build-standalone publishes
// (install_only, install_only_stripped, debug-full, pgo+lto-full,
// freethreaded, x86_64_v3), of which the install_only archives of the
// mirrored triples are served: a python/ directory with bin/python3,
// bin/python3.X and bin/pip3, lib/python3.X.
//
// When the machine has a Python 3, bin/python3 hands everything but
// --version to it, so venv and pip really work (poetry's install and
// `pip install --user` need them); otherwise it is a shell stand-in.
package pythontest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Upstreams maps upstream prefixes to the mirror's sub-path.
var Upstreams = map[string]string{
	"https://github.com/astral-sh/python-build-standalone/":           "pbs/",
	"https://api.github.com/repos/astral-sh/python-build-standalone/": "pbs/",
}

// Releases maps each mirrored release to its CPython versions (real:
// uv's download metadata, see testdata/README.md).
var Releases = map[string][]string{
	"20260814": {"3.10.21", "3.11.16", "3.12.14", "3.13.15", "3.14.7", "3.15.0rc1"},
	"20241016": {"3.9.20", "3.10.15", "3.11.10", "3.12.7", "3.13.0"},
	"20240726": {"3.12.4"},
}

// Served are the triples whose install_only archives are served.
var Served = []string{"x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu", "aarch64-apple-darwin"}

// listed are further triples SHA256SUMS names but the mirror does not serve.
var listed = []string{"x86_64-apple-darwin", "x86_64_v3-unknown-linux-gnu", "x86_64-pc-windows-msvc", "aarch64-unknown-linux-musl"}

// TestdataDir is plugins/python/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

var realPython = sync.OnceValue(func() string {
	cmd := exec.Command("python3", "-c", "import sys, venv, ensurepip; print(sys.executable)")
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "PYENV_VERSION=")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

// RealPython is the machine's Python 3 interpreter that bin/python3 runs,
// or "" when there is none (with venv and ensurepip).
func RealPython() string { return realPython() }

// Python3 is bin/python3 of a mirrored version.
func Python3(version string) string {
	if p := RealPython(); p != "" {
		return fmt.Sprintf("#!/bin/sh\ncase \"$1\" in\n--version|-V) echo \"Python %s\"; exit 0 ;;\nesac\nexec %q \"$@\"\n", version, p)
	}
	return fmt.Sprintf("#!/bin/sh\ncase \"$1\" in\n--version|-V) echo \"Python %[1]s\" ;;\n-m) echo \"python %[1]s -m $2: $*\" ;;\n*) echo \"python %[1]s $*\" ;;\nesac\n", version)
}

// Mirror writes the layout under root/pbs and returns the upstreams.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "pbs")
	tags, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	if err := write(filepath.Join(base, "tags"), tags, 0o644); err != nil {
		return nil, err
	}
	for release, versions := range Releases {
		dir := filepath.Join(base, "releases", "download", release)
		var lines []string
		for _, v := range versions {
			for _, triple := range append(append([]string{}, Served...), listed...) {
				served := false
				for _, s := range Served {
					served = served || s == triple
				}
				for _, flavor := range []string{"install_only", "install_only_stripped", "debug-full", "pgo+lto-full", "freethreaded-install_only"} {
					ext := ".tar.gz"
					if strings.HasSuffix(flavor, "-full") {
						ext = ".tar.zst"
					}
					name := "cpython-" + v + "+" + release + "-" + triple + "-" + flavor + ext
					var sum string
					if served && (flavor == "install_only" || flavor == "install_only_stripped") {
						body, err := Archive(v)
						if err != nil {
							return nil, err
						}
						if err := write(filepath.Join(dir, name), body, 0o644); err != nil {
							return nil, err
						}
						s := sha256.Sum256(body)
						sum = hex.EncodeToString(s[:])
					} else {
						s := sha256.Sum256([]byte(name)) // listed, never fetched
						sum = hex.EncodeToString(s[:])
					}
					lines = append(lines, sum+"  "+name+"\n")
				}
			}
		}
		sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
		if err := write(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "")), 0o644); err != nil {
			return nil, err
		}
	}
	name, wheel, err := Wheel("tote-hello", "1.0")
	if err != nil {
		return nil, err
	}
	if err := write(filepath.Join(base, "wheels", name), wheel, 0o644); err != nil {
		return nil, err
	}
	return Upstreams, nil
}

func write(p string, b []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, mode)
}

// Archive is the install_only archive of one version.
func Archive(version string) ([]byte, error) {
	parts := strings.SplitN(version, ".", 3)
	minor := parts[0] + "." + parts[1]
	py := Python3(version)
	files := []struct {
		name, body string
		mode       int64
	}{
		{"python/bin/python3", py, 0o755},
		{"python/bin/python" + minor, py, 0o755},
		{"python/bin/pip3", "#!/bin/sh\nexec \"$(dirname \"$0\")/python3\" -m pip \"$@\"\n", 0o755},
		{"python/lib/python" + minor + "/os.py", "# fake standard library for tests\n", 0o644},
		{"python/include/python" + minor + "/Python.h", "/* fake header for tests */\n", 0o644},
	}
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	mtime := time.Date(2024, 10, 16, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
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

// Wheel builds a real, installable pure-Python wheel: the package
// <module> with main() printing "<dist> <version> <args>", and a console
// script named dist. pip installs it offline.
func Wheel(dist, version string) (name string, body []byte, err error) {
	module := strings.ReplaceAll(dist, "-", "_")
	return WheelOf(dist, version, [][2]string{
		{module + "/__init__.py", fmt.Sprintf("import sys\n\n\ndef main():\n    print(%q, %q, *sys.argv[1:])\n", dist, version)},
	})
}

// WheelOf builds a wheel of dist with the given module files (path,
// content) and a console script dist = <module>:main.
func WheelOf(dist, version string, modules [][2]string) (name string, body []byte, err error) {
	module := strings.ReplaceAll(dist, "-", "_")
	info := module + "-" + version + ".dist-info"
	files := append(append([][2]string{}, modules...), [][2]string{
		{info + "/METADATA", "Metadata-Version: 2.1\nName: " + dist + "\nVersion: " + version + "\nSummary: a wheel built by tote's tests\n"},
		{info + "/WHEEL", "Wheel-Version: 1.0\nGenerator: tote-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{info + "/entry_points.txt", "[console_scripts]\n" + dist + " = " + module + ":main\n"},
	}...)
	var record strings.Builder
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(n, content string) error {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(content))
		return err
	}
	for _, f := range files {
		if err := add(f[0], f[1]); err != nil {
			return "", nil, err
		}
		s := sha256.Sum256([]byte(f[1]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f[0], base64.RawURLEncoding.EncodeToString(s[:]), len(f[1]))
	}
	record.WriteString(info + "/RECORD,,\n")
	if err := add(info+"/RECORD", record.String()); err != nil {
		return "", nil, err
	}
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	return module + "-" + version + "-py3-none-any.whl", b.Bytes(), nil
}
