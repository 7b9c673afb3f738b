// Package nodetest builds a local mirror of nodejs.org for tests: the
// release index (index.json, one entry a line as nodejs.org writes it),
// each version's SHASUMS256.txt with the real sha256 of every file, and
// small archives in upstream's layout whose executables are shell scripts
// that answer like the real ones (node --version prints v<version>).
package nodetest

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
	"sort"
	"strings"
	"time"

	"github.com/ulikunitz/xz"
)

// Release is one mirrored Node.js version.
type Release struct {
	// Version is without "v", such as "22.12.0".
	Version string
	// Date is the release date (YYYY-MM-DD).
	Date string
	// LTS is the LTS codename, "" when not LTS.
	LTS string
	// Npm, V8, UV, Zlib, OpenSSL and Modules are the index's metadata.
	Npm, V8, UV, Zlib, OpenSSL, Modules string
	// Corepack is the bundled corepack version, "" when none ships.
	Corepack string
	// Security marks a security release.
	Security bool
	// Files are the index's platform keys (what upstream lists).
	Files []string
	// Archives are the platforms mirrored with real archives, such as
	// "linux-x64" (.tar.xz and .tar.gz) or "win-x64" (.zip).
	Archives []string
	// Musl mirrors unofficial musl builds for linux-x64 and linux-arm64.
	Musl bool
}

// modern is what nodejs.org lists for a release from 19.9.0 on.
var modern = []string{"aix-ppc64", "headers", "linux-arm64", "linux-armv7l", "linux-ppc64le", "linux-s390x", "linux-x64", "osx-arm64-tar", "osx-x64-pkg", "osx-x64-tar", "src", "win-arm64-7z", "win-arm64-zip", "win-x64-7z", "win-x64-exe", "win-x64-msi", "win-x64-zip", "win-x86-7z", "win-x86-exe", "win-x86-msi", "win-x86-zip"}

// v18 is the same without Windows arm64 (not published before 19.9.0).
var v18 = []string{"aix-ppc64", "headers", "linux-arm64", "linux-armv7l", "linux-ppc64le", "linux-s390x", "linux-x64", "osx-arm64-tar", "osx-x64-pkg", "osx-x64-tar", "src", "win-x64-7z", "win-x64-exe", "win-x64-msi", "win-x64-zip", "win-x86-7z", "win-x86-exe", "win-x86-msi", "win-x86-zip"}

var (
	allArchives = []string{"linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win-x64", "win-x86", "win-arm64"}
	noWinArm    = []string{"linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win-x64", "win-x86"}
)

// Releases are the mirrored versions, newest first as in index.json: a
// current line (23), and the Jod (22), Iron (20) and Hydrogen (18) LTS
// lines with two versions each, plus 14.1.0, whose index entry is real
// (from /work/shared/formats/node-index.json) and which predates macOS and
// Windows arm64 builds.
var Releases = []Release{
	{Version: "23.3.0", Date: "2024-11-20", Npm: "10.9.0", V8: "12.9.202.28", UV: "1.49.1", Zlib: "1.3.0.1-motley-82a5fec", OpenSSL: "3.0.15+quic", Modules: "131", Corepack: "0.30.0", Files: modern, Archives: allArchives},
	{Version: "22.12.0", Date: "2024-12-03", LTS: "Jod", Npm: "10.9.0", V8: "12.4.254.21", UV: "1.49.1", Zlib: "1.3.0.1-motley-82a5fec", OpenSSL: "3.0.15+quic", Modules: "127", Corepack: "0.30.0", Files: modern, Archives: allArchives, Musl: true},
	{Version: "22.11.0", Date: "2024-10-29", LTS: "Jod", Npm: "10.9.0", V8: "12.4.254.21", UV: "1.48.0", Zlib: "1.3.0.1-motley-71660e1", OpenSSL: "3.0.15+quic", Modules: "127", Corepack: "0.29.4", Files: modern, Archives: allArchives},
	{Version: "20.18.1", Date: "2024-11-20", LTS: "Iron", Npm: "10.8.2", V8: "11.3.244.8", UV: "1.46.0", Zlib: "1.3.0.1-motley-71660e1", OpenSSL: "3.0.15+quic", Modules: "115", Corepack: "0.29.4", Files: modern, Archives: allArchives},
	{Version: "20.9.0", Date: "2023-10-24", LTS: "Iron", Npm: "10.1.0", V8: "11.3.244.8", UV: "1.46.0", Zlib: "1.2.13.1-motley", OpenSSL: "3.0.10+quic", Modules: "115", Corepack: "0.20.0", Files: modern, Archives: allArchives},
	{Version: "18.20.5", Date: "2024-11-12", LTS: "Hydrogen", Npm: "10.8.2", V8: "10.2.154.26", UV: "1.44.2", Zlib: "1.3.0.1-motley", OpenSSL: "3.0.15+quic", Modules: "108", Corepack: "0.29.4", Files: v18, Archives: noWinArm},
	{Version: "18.17.0", Date: "2023-07-18", LTS: "Hydrogen", Npm: "9.6.7", V8: "10.2.154.26", UV: "1.44.2", Zlib: "1.2.13.1-motley", OpenSSL: "3.0.9+quic", Modules: "108", Corepack: "0.18.0", Files: v18, Archives: noWinArm},
	{Version: "14.1.0", Date: "2020-04-29", Npm: "6.14.4", V8: "8.1.307.31", UV: "1.37.0", Zlib: "1.2.11", OpenSSL: "1.1.1g", Modules: "83", Files: []string{"aix-ppc64", "headers", "linux-arm64", "linux-armv7l", "linux-ppc64le", "linux-s390x", "linux-x64", "osx-x64-pkg", "osx-x64-tar", "src", "win-x64-7z", "win-x64-exe", "win-x64-msi", "win-x64-zip", "win-x86-7z", "win-x86-exe", "win-x86-msi", "win-x86-zip"}, Archives: []string{"linux-x64", "linux-arm64", "darwin-x64", "win-x64", "win-x86"}},
}

// Sub-paths of the mirror root, one per upstream host.
const (
	// DistPath holds nodejs.org/download/release (also served as /dist).
	DistPath = "node/nodejs.org/download/release/"
	// DistAliasPath is nodejs.org/dist, a link to DistPath.
	DistAliasPath = "node/nodejs.org/dist"
	// UnofficialPath holds unofficial-builds.nodejs.org/download/release.
	UnofficialPath = "node/unofficial-builds.nodejs.org/download/release/"
)

// Mirror writes the mirror under root/node and returns the upstream URL
// prefixes it serves, each mapped to its sub-path of root.
func Mirror(root string) (map[string]string, error) {
	dist := filepath.Join(root, filepath.FromSlash(DistPath))
	unofficial := filepath.Join(root, filepath.FromSlash(UnofficialPath))
	for _, r := range Releases {
		if err := writeRelease(dist, r, r.Archives, ""); err != nil {
			return nil, err
		}
		if r.Musl {
			if err := writeRelease(unofficial, r, []string{"linux-x64", "linux-arm64"}, "-musl"); err != nil {
				return nil, err
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dist, "index.json"), Index(Releases), 0o644); err != nil {
		return nil, err
	}
	// nodejs.org/dist is the same tree as nodejs.org/download/release.
	if err := os.Symlink(filepath.Join("download", "release"), filepath.Join(root, filepath.FromSlash(DistAliasPath))); err != nil && !os.IsExist(err) {
		return nil, err
	}
	return map[string]string{
		"https://nodejs.org/download/release/":                   DistPath,
		"https://nodejs.org/dist/":                               DistPath,
		"https://unofficial-builds.nodejs.org/download/release/": UnofficialPath,
	}, nil
}

// Index writes releases as nodejs.org's index.json: "[", one JSON object
// a line joined by ",\n", "]", with upstream's key order.
func Index(releases []Release) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, r := range releases {
		if i > 0 {
			b.WriteString(",\n")
		}
		writeEntry(&b, r)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

func writeEntry(b *bytes.Buffer, r Release) {
	str := func(s string) string { q, _ := json.Marshal(s); return string(q) }
	files, _ := json.Marshal(r.Files)
	lts := "false"
	if r.LTS != "" {
		lts = str(r.LTS)
	}
	fmt.Fprintf(b, `{"version":%s,"date":%s,"files":%s,"npm":%s,"v8":%s,"uv":%s,"zlib":%s,"openssl":%s,"modules":%s,"lts":%s,"security":%t}`,
		str("v"+r.Version), str(r.Date), files, str(r.Npm), str(r.V8), str(r.UV), str(r.Zlib), str(r.OpenSSL), str(r.Modules), lts, r.Security)
}

// LargeIndex synthesizes an index.json of n entries in upstream's format
// and key order, newest first, with LTS codenames on even major lines from
// 4 on, as nodejs.org has them.
func LargeIndex(n int) []byte {
	codenames := []string{"Argon", "Boron", "Carbon", "Dubnium", "Erbium", "Fermium", "Gallium", "Hydrogen", "Iron", "Jod", "Krypton"}
	var rel []Release
	top := max(25, n/63+1) // 63 entries a major line
	for major := top; len(rel) < n; major-- {
		for minor := 20; minor >= 0 && len(rel) < n; minor-- {
			for patch := 2; patch >= 0 && len(rel) < n; patch-- {
				r := Release{Version: fmt.Sprintf("%d.%d.%d", major, minor, patch), Date: "2024-01-01", Npm: "10.0.0", V8: "11.3.244.8", UV: "1.46.0", Zlib: "1.3", OpenSSL: "3.0.0", Modules: "115", Files: modern}
				if major >= 4 && major%2 == 0 && minor >= 5 && (major-4)/2 < len(codenames) {
					r.LTS = codenames[(major-4)/2]
				}
				rel = append(rel, r)
			}
		}
	}
	return Index(rel)
}

// WriteTrojan writes what an attacker's mirror serves for version: under
// dir/v<version>, a .tar.gz and a .tar.xz for every Linux and macOS
// platform laid out like the real ones but whose bin/node is script, and a SHASUMS256.txt that matches
// them. Security tests check that nothing makes tote install it.
func WriteTrojan(dir, version, script string) error {
	r := Release{Version: version, Npm: "10.9.0", Corepack: "0.30.0"}
	files := unixFiles(r)
	for i := range files {
		if files[i].name == "bin/node" {
			files[i].body = script
		}
	}
	return writeReleaseFiles(dir, r, []string{"linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"}, "", files)
}

// writeRelease writes one version's archives and SHASUMS256.txt.
func writeRelease(dir string, r Release, platforms []string, suffix string) error {
	return writeReleaseFiles(dir, r, platforms, suffix, unixFiles(r))
}

// writeReleaseFiles writes one version's archives, with files in the Unix
// ones, and SHASUMS256.txt.
func writeReleaseFiles(dir string, r Release, platforms []string, suffix string, files []file) error {
	vdir := filepath.Join(dir, "v"+r.Version)
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	sums := map[string]string{}
	put := func(name string, body []byte) error {
		sum := sha256.Sum256(body)
		sums[name] = hex.EncodeToString(sum[:])
		return os.WriteFile(filepath.Join(vdir, name), body, 0o644)
	}
	for _, p := range platforms {
		stem := "node-v" + r.Version + "-" + p + suffix
		if strings.HasPrefix(p, "win-") {
			body, err := zipOf(stem, windowsFiles(r))
			if err != nil {
				return err
			}
			if err := put(stem+".zip", body); err != nil {
				return err
			}
			continue
		}
		tb, err := tarOf(stem, files)
		if err != nil {
			return err
		}
		gz, err := gzipOf(tb)
		if err != nil {
			return err
		}
		x, err := xzOf(tb)
		if err != nil {
			return err
		}
		if err := put(stem+".tar.gz", gz); err != nil {
			return err
		}
		if err := put(stem+".tar.xz", x); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return os.WriteFile(filepath.Join(vdir, "SHASUMS256.txt"), []byte(b.String()), 0o644)
}

// file is one archive member.
type file struct {
	name, body, link string
	mode             int64
}

// NodeScript is the fake node: --version and -v print v<version>;
// --print-env prints its environment (sorted); a
// JavaScript file (*.js, *.cjs, *.mjs) that exists is run with sh, with
// FAKE_NODE_VERSION=v<version> (the entry points of nodepmtest are
// JavaScript that also runs as sh); anything else prints the arguments.
func NodeScript(version string) string {
	return "#!/bin/sh\ncase \"$1\" in\n--version|-v) echo v" + version + " ;;\n--print-env) env | sort ;;\n" +
		"*.js|*.cjs|*.mjs) if [ -f \"$1\" ]; then FAKE_NODE_VERSION=v" + version + "; export FAKE_NODE_VERSION; exec sh \"$@\"; fi; echo \"node v" + version + " $*\" ;;\n" +
		"*) echo \"node v" + version + " $*\" ;;\nesac\n"
}

// CLIScript is a fake JavaScript entry point (npm-cli.js and friends): a
// shell script that prints its version for --version and -v, and else its
// name, the node version and the arguments.
func CLIScript(name, version, nodeVersion string) string {
	return "#!/bin/sh\ncase \"$1\" in\n--version|-v) echo " + version + " ;;\n*) echo \"" + name + " " + version + " (node v" + nodeVersion + ") $*\" ;;\nesac\n"
}

func unixFiles(r Release) []file {
	fs := []file{
		{name: "bin/node", body: NodeScript(r.Version), mode: 0o755},
		{name: "bin/npm", link: "../lib/node_modules/npm/bin/npm-cli.js"},
		{name: "bin/npx", link: "../lib/node_modules/npm/bin/npx-cli.js"},
		{name: "lib/node_modules/npm/bin/npm-cli.js", body: CLIScript("npm", r.Npm, r.Version), mode: 0o755},
		{name: "lib/node_modules/npm/bin/npx-cli.js", body: CLIScript("npx", r.Npm, r.Version), mode: 0o755},
		{name: "lib/node_modules/npm/package.json", body: `{"name":"npm","version":"` + r.Npm + `"}` + "\n", mode: 0o644},
		{name: "include/node/node_version.h", body: "#define NODE_VERSION \"v" + r.Version + "\"\n", mode: 0o644},
		{name: "LICENSE", body: "Node.js is licensed for use as follows: (fake archive for tests)\n", mode: 0o644},
	}
	if r.Corepack != "" {
		fs = append(fs,
			file{name: "bin/corepack", link: "../lib/node_modules/corepack/dist/corepack.js"},
			file{name: "lib/node_modules/corepack/dist/corepack.js", body: CLIScript("corepack", r.Corepack, r.Version), mode: 0o755},
		)
	}
	return fs
}

func windowsFiles(r Release) []file {
	cmd := func(js string) string {
		return "@ECHO off\r\n\"%~dp0\\node.exe\" \"%~dp0\\" + js + "\" %*\r\n"
	}
	fs := []file{
		{name: "node.exe", body: NodeScript(r.Version), mode: 0o755},
		{name: "npm", body: CLIScript("npm", r.Npm, r.Version), mode: 0o755},
		{name: "npm.cmd", body: cmd(`node_modules\npm\bin\npm-cli.js`), mode: 0o644},
		{name: "npx", body: CLIScript("npx", r.Npm, r.Version), mode: 0o755},
		{name: "npx.cmd", body: cmd(`node_modules\npm\bin\npx-cli.js`), mode: 0o644},
		{name: "node_modules/npm/bin/npm-cli.js", body: CLIScript("npm", r.Npm, r.Version), mode: 0o644},
		{name: "node_modules/npm/bin/npx-cli.js", body: CLIScript("npx", r.Npm, r.Version), mode: 0o644},
		{name: "LICENSE", body: "Node.js is licensed for use as follows: (fake archive for tests)\r\n", mode: 0o644},
	}
	if r.Corepack != "" {
		fs = append(fs,
			file{name: "corepack.cmd", body: cmd(`node_modules\corepack\dist\corepack.js`), mode: 0o644},
			file{name: "node_modules/corepack/dist/corepack.js", body: CLIScript("corepack", r.Corepack, r.Version), mode: 0o644},
		)
	}
	return fs
}

var mtime = time.Date(2024, 12, 3, 0, 0, 0, 0, time.UTC)

// tarOf writes an uncompressed tar with every member under prefix/, with
// directory entries first, as upstream's archives have them.
func tarOf(prefix string, files []file) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	dirs := map[string]bool{}
	var order []string
	for _, f := range files {
		for d := filepath.Dir(f.name); d != "."; d = filepath.Dir(d) {
			if !dirs[d] {
				dirs[d] = true
				order = append(order, d)
			}
		}
	}
	sort.Strings(order)
	order = append([]string{""}, order...)
	for _, d := range order {
		name := prefix + "/"
		if d != "" {
			name = prefix + "/" + d + "/"
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime}); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		h := &tar.Header{Name: prefix + "/" + f.name, Mode: f.mode, ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(f.body))}
		if f.link != "" {
			h.Typeflag, h.Linkname, h.Size, h.Mode = tar.TypeSymlink, f.link, 0, 0o777
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if f.link == "" {
			if _, err := tw.Write([]byte(f.body)); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func gzipOf(b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func xzOf(b []byte) ([]byte, error) {
	var out bytes.Buffer
	xw, err := xz.NewWriter(&out)
	if err != nil {
		return nil, err
	}
	if _, err := xw.Write(b); err != nil {
		return nil, err
	}
	if err := xw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// zipOf writes a zip with every member under prefix/.
func zipOf(prefix string, files []file) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		h := &zip.FileHeader{Name: prefix + "/" + f.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(f.mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
