// Package buntest writes Bun's upstream layout for tests: GitHub release
// zips (bun-<os>-<arch>[-musl][-baseline][-profile].zip, each holding a
// directory of its own name with a working fake bun inside), the release's
// SHASUMS256.txt with the real hashes of those zips, and the GitHub tags
// API listing.
package buntest

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// CanaryVersion is what the fake canary build prints for --version.
const CanaryVersion = "1.3.15-canary.1+0d9b296af"

// Release is one mirrored Bun release.
type Release struct {
	// Version is the version without "bun-v", or "canary".
	Version string
	// Assets are its zip names.
	Assets []string
	// CRLF writes SHASUMS256.txt with CRLF endings (as the only real copy,
	// v1.3.2's, has them); otherwise LF as the generator writes. Either way
	// there is no final newline.
	CRLF bool
}

// Tag is the release's tag: bun-v<version>, or canary.
func (r Release) Tag() string {
	if r.Version == "canary" {
		return "canary"
	}
	return "bun-v" + r.Version
}

// Releases are the mirrored releases. 1.3.2 has exactly the assets of its
// real SHASUMS256.txt (plugins/bun/testdata/SHASUMS256-v1.3.2.txt; no
// windows-aarch64); 1.3.5-1.3.7 reuse that set; 1.3.14 and canary use the
// list of the canary upload script (oven-sh/bun 03d7a37), which adds
// windows-aarch64, android and freebsd zips and drops darwin-x64-baseline.
var Releases = func() []Release {
	old, err := namesOf(filepath.Join(TestdataDir(), "SHASUMS256-v1.3.2.txt"))
	if err != nil {
		panic(err)
	}
	var recent []string
	for _, n := range []string{"darwin-aarch64", "darwin-x64", "linux-aarch64", "linux-x64", "linux-x64-baseline",
		"linux-aarch64-musl", "linux-x64-musl", "linux-x64-musl-baseline", "linux-aarch64-android", "linux-x64-android",
		"freebsd-aarch64", "freebsd-x64", "windows-x64", "windows-x64-baseline", "windows-aarch64"} {
		recent = append(recent, "bun-"+n+".zip", "bun-"+n+"-profile.zip")
	}
	return []Release{
		{Version: "1.3.2", Assets: old, CRLF: true},
		{Version: "1.3.5", Assets: old},
		{Version: "1.3.6", Assets: old},
		{Version: "1.3.7", Assets: old},
		{Version: "1.3.14", Assets: recent},
		{Version: "canary", Assets: recent},
	}
}()

// Script is the fake bun: --version prints the version as the real one
// does; "x" (or running as bunx) stands for bunx; other arguments are
// echoed. The second line names the asset it came from.
func Script(version, asset string) string {
	return fmt.Sprintf(`#!/bin/sh
# %[2]s
case "$(basename "$0")" in bunx|bunx.exe) set -- x "$@" ;; esac
case "$1" in
--version|-v) echo "%[1]s" ;;
x) shift; echo "bunx %[1]s: $*" ;;
*) echo "bun %[1]s args: $*" ;;
esac
`, version, asset)
}

// Mirror writes the layout under root/bun and returns the upstream URL
// prefixes it serves, mapped to their sub-path of root. Both upstreams
// share root/bun: releases/download/... (github.com) and tags
// (api.github.com); conformance tests serve root/bun itself.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "bun")
	for _, r := range Releases {
		dir := filepath.Join(base, "releases", "download", r.Tag())
		version := r.Version
		if version == "canary" {
			version = CanaryVersion
		}
		var lines []string
		for _, name := range r.Assets {
			stem := strings.TrimSuffix(name, ".zip")
			exe := "bun"
			if strings.Contains(stem, "windows") {
				exe = "bun.exe"
			}
			path := filepath.Join(dir, name)
			if err := writeZip(path, stem, exe, Script(version, stem)); err != nil {
				return nil, err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(b)
			lines = append(lines, hex.EncodeToString(sum[:])+"  "+name)
		}
		// Sorted by name as upload-assets.ts does ("-profile.zip" sorts
		// before ".zip", as in the real file).
		sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
		sep := "\n"
		if r.CRLF {
			sep = "\r\n"
		}
		if err := os.WriteFile(filepath.Join(dir, "SHASUMS256.txt"), []byte(strings.Join(lines, sep)), 0o644); err != nil {
			return nil, err
		}
	}
	tags, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(base, "tags"), tags, 0o644); err != nil {
		return nil, err
	}
	ups := map[string]string{}
	for _, u := range Upstreams {
		ups[u] = "bun/"
	}
	return ups, nil
}

// Upstreams are the URL prefixes Mirror serves.
var Upstreams = []string{"https://github.com/oven-sh/bun/", "https://api.github.com/repos/oven-sh/bun/"}

// TestdataDir is plugins/bun/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// namesOf reads the file names of a SHASUMS256.txt, in order.
func namesOf(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			names = append(names, f[1])
		}
	}
	return names, nil
}

// writeZip writes <stem>/ and <stem>/<exe> (mode 0755), as Bun's zips hold.
func writeZip(path, stem, exe, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	dir := &zip.FileHeader{Name: stem + "/"}
	dir.SetMode(os.ModeDir | 0o755)
	_, err = zw.CreateHeader(dir)
	if err == nil {
		h := &zip.FileHeader{Name: stem + "/" + exe, Method: zip.Deflate}
		h.SetMode(0o755)
		var w interface{ Write([]byte) (int, error) }
		if w, err = zw.CreateHeader(h); err == nil {
			_, err = w.Write([]byte(body))
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
