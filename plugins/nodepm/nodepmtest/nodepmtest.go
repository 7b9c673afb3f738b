// Package nodepmtest builds a local mirror of the npm registry for tests:
// the package documents of npm, pnpm, yarn, @yarnpkg/cli-dist and
// @pnpm/exe.linux-x64 as the registry serves them (real documents trimmed
// to a few versions, in plugins/nodepm/testdata/registry, see SOURCES.md),
// one version document per version (<registry>/<name>/<version>), and a
// tarball per version in upstream's layout whose entry points run.
//
// The documents keep their bytes; only each version's dist.integrity and
// dist.shasum are replaced by the hashes of the mirrored tarball.
package nodepmtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// RegistryPath is the mirror's sub-path for https://registry.npmjs.org/.
const RegistryPath = "npm-registry/"

// Upstream is the registry URL prefix the mirror serves.
const Upstream = "https://registry.npmjs.org/"

// Documents maps package names to their sample under testdata/registry.
var Documents = map[string]string{
	"npm":                 "npm.json",
	"pnpm":                "pnpm.json",
	"yarn":                "yarn.json",
	"@yarnpkg/cli-dist":   "yarnpkg-cli-dist.json",
	"@pnpm/exe.linux-x64": "pnpm-exe.linux-x64.json",
}

// TestdataDir is plugins/nodepm/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Published is what the mirror publishes of one version: the hashes of
// its tarball.
type Published struct {
	Name, Version string
	// SHA512Hex is the tarball's sha512 in hex (corepack's hash format).
	SHA512Hex string
	// Tarball is the mirrored file.
	Tarball string
}

// Mirror writes the registry under root/npm-registry and returns the
// upstream prefix it serves. It also writes root/npm-registry/hashes.txt,
// "<name>@<version> <sha512 hex>" lines, for scripts that pin corepack
// hashes.
func Mirror(root string) (map[string]string, error) {
	pubs, err := Build(filepath.Join(root, filepath.FromSlash(RegistryPath)))
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, p := range pubs {
		lines = append(lines, p.Name+"@"+p.Version+" "+p.SHA512Hex)
	}
	sort.Strings(lines)
	if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(RegistryPath), "hashes.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	return map[string]string{Upstream: RegistryPath}, nil
}

// Build writes every document, version document and tarball under dir
// (the registry's root) and returns what it published.
func Build(dir string) ([]Published, error) {
	var out []Published
	names := make([]string, 0, len(Documents))
	for n := range Documents {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(TestdataDir(), "registry", Documents[name]))
		if err != nil {
			return nil, err
		}
		var doc struct {
			Versions map[string]json.RawMessage `json:"versions"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", Documents[name], err)
		}
		pkgDir := filepath.Join(dir, filepath.FromSlash(name))
		for ver, raw := range doc.Versions {
			var meta struct {
				Bin  map[string]string `json:"bin"`
				Dist struct {
					Integrity string `json:"integrity"`
					Shasum    string `json:"shasum"`
					Tarball   string `json:"tarball"`
				} `json:"dist"`
			}
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, err
			}
			tgz, err := Tarball(name, ver, meta.Bin)
			if err != nil {
				return nil, err
			}
			s512 := sha512.Sum512(tgz)
			s1 := sha1.Sum(tgz)
			integrity := "sha512-" + base64.StdEncoding.EncodeToString(s512[:])
			shasum := hex.EncodeToString(s1[:])
			file := filepath.Join(pkgDir, "-", tarballName(name, ver))
			if err := write(file, tgz); err != nil {
				return nil, err
			}
			fixed := bytes.Replace(raw, []byte(meta.Dist.Integrity), []byte(integrity), 1)
			fixed = bytes.Replace(fixed, []byte(meta.Dist.Shasum), []byte(shasum), 1)
			body = bytes.Replace(body, raw, fixed, 1)
			if err := write(filepath.Join(pkgDir, ver, "index.json"), fixed); err != nil {
				return nil, err
			}
			out = append(out, Published{Name: name, Version: ver, SHA512Hex: hex.EncodeToString(s512[:]), Tarball: file})
		}
		if err := write(filepath.Join(pkgDir, "index.json"), body); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Version < out[j].Name+out[j].Version })
	return out, nil
}

func write(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func tarballName(name, ver string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name + "-" + ver + ".tgz"
}

// Entry is a JavaScript entry point that also runs as a shell script: the
// fake node of nodetest runs *.js files with sh (and sets
// FAKE_NODE_VERSION), a real node runs its JavaScript. It prints the
// version for --version and -v; for global installs (install -g, add -g,
// global add, with --prefix or --global-bin-dir) it writes an executable
// for the package into the globals bin directory, and removes it for
// uninstall/remove; anything else prints "<name> <version> (node <v>)
// <args>".
func Entry(name, version string) string {
	return fmt.Sprintf(`#!/usr/bin/env node
//bin/true; N=%[1]s; V=%[2]s
//bin/true; case "$1" in --version|-v) echo "$V"; exit 0;; esac
//bin/true; cmd=""; g=""; prefix=""; bindir=""; dep=""; prev=""
//bin/true; for a in "$@"; do case "$prev" in --prefix) prefix="$a";; --global-bin-dir) bindir="$a";; esac; case "$a" in install|i|add|uninstall|remove|rm) [ -z "$cmd" ] && cmd="$a";; --global|-g|global) g=1;; -*) ;; *) case "$prev" in --prefix|--global-bin-dir|--global-dir|--global-folder) ;; *) dep="$a";; esac;; esac; prev="$a"; done
//bin/true; [ -z "$bindir" ] && [ -n "$prefix" ] && bindir="$prefix/bin"; [ -z "$bindir" ] && [ -n "$npm_config_prefix" ] && bindir="$npm_config_prefix/bin"; [ -z "$bindir" ] && [ -n "$pnpm_config_global_bin_dir" ] && bindir="$pnpm_config_global_bin_dir"; [ -z "$bindir" ] && [ -n "$PREFIX" ] && bindir="$PREFIX/bin"; case "$bindir" in /proto/*|/cwd/*|/userhome/*|/temp/*) echo "$N: virtual path $bindir" >&2; exit 1;; esac
//bin/true; if [ -n "$g" ] && [ -n "$dep" ] && [ -n "$bindir" ]; then d="${dep%%@*}"; case "$cmd" in install|i|add) mkdir -p "$bindir" && printf '#!/bin/sh\necho "%%s (global %%s from %%s %%s) $*"\n' "$d" "$dep" "$N" "$V" > "$bindir/$d" && chmod +x "$bindir/$d" && echo "added $dep to $bindir" && exit 0;; uninstall|remove|rm) rm -f "$bindir/$d" && echo "removed $d from $bindir" && exit 0;; esac; fi
//bin/true; echo "$N $V (node ${FAKE_NODE_VERSION:-unknown}) $*"; exit 0
const args = process.argv.slice(2);
if (args[0] === "--version" || args[0] === "-v") { console.log(%[2]q); } else { console.log(%[1]q + " " + %[2]q + " (node " + process.version + ") " + args.join(" ")); }
`, name, version)
}

// Native is the fake native pnpm (12 and later): a shell script that
// answers like the binary.
func Native(version string) string {
	return fmt.Sprintf("#!/bin/sh\ncase \"$1\" in\n--version|-v) echo %[1]s ;;\ndlx) shift; echo \"pnpm %[1]s (native) dlx $*\" ;;\n*) echo \"pnpm %[1]s (native) $*\" ;;\nesac\n", version)
}

type member struct {
	name, body string
	mode       int64
}

// Tarball makes the tarball of one version in upstream's layout: every
// file under package/ (yarn 1 before 1.22.20: under yarn-v<version>/),
// package.json first, the entry points named by bin.
func Tarball(name, version string, bin map[string]string) ([]byte, error) {
	prefix := "package"
	files := []member{{name: "package.json", body: fmt.Sprintf("{\n  \"name\": %q,\n  \"version\": %q\n}\n", name, version), mode: 0o644}}
	switch {
	case strings.HasPrefix(name, "@pnpm/exe."):
		exe := "pnpm"
		if strings.Contains(name, "win32") {
			exe = "pnpm.exe"
		}
		files = append(files, member{name: exe, body: Native(version), mode: 0o755}, member{name: "LICENSE", body: "MIT (fake package for tests)\n", mode: 0o644})
	default:
		if name == "yarn" && cmpVersions(version, "1.22.20") < 0 {
			prefix = "yarn-v" + version
		}
		short := name
		if i := strings.LastIndex(short, "/"); i >= 0 {
			short = "yarn"
		}
		seen := map[string]bool{}
		keys := make([]string, 0, len(bin))
		for k := range bin {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := strings.TrimPrefix(bin[k], "./")
			if seen[p] || !strings.Contains(p, ".") {
				continue // pnpm 12's extensionless launchers are not fetched
			}
			seen[p] = true
			n := short
			if strings.Contains(p, "npx") || strings.Contains(p, "pnpx") {
				n = strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
				n = strings.TrimSuffix(n, "-cli")
			}
			files = append(files, member{name: p, body: Entry(n, version), mode: 0o755})
		}
	}
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	mtime := time.Date(1985, 10, 26, 8, 15, 0, 0, time.UTC) // npm's fixed mtime
	for _, f := range files {
		h := &tar.Header{Name: prefix + "/" + f.name, Mode: f.mode, Size: int64(len(f.body)), ModTime: mtime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
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

// cmpVersions compares plain x.y.z versions numerically.
func cmpVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < 3; i++ {
		var x, y int
		if i < len(pa) {
			fmt.Sscan(pa[i], &x)
		}
		if i < len(pb) {
			fmt.Sscan(pb[i], &y)
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
