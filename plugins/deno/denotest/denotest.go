// Package denotest writes Deno's upstream layout for tests: GitHub release
// zips with working fake deno executables and their .sha256sum files in
// the formats Deno's workflow writes (coreutils lines on Linux and macOS,
// PowerShell Format-List with CRLF on Windows, none before 2.0.1), the
// GitHub tags API listing, and dl.deno.land's canary channel.
package denotest

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Canary is the commit dl.deno.land's canary-<triple>-latest.txt names (a
// real denoland/deno main commit, 2026-08-21).
const Canary = "98f9507affc905f088124891add3a8dd63b91f77"

// CanaryVersion is what the fake canary build prints: <next>+<short hash>.
const CanaryVersion = "2.9.6+98f9507"

// Release is one mirrored Deno release.
type Release struct {
	// Version is the version without "v".
	Version string
	// Targets are the triples it has zips for.
	Targets []string
	// Checksums is how its .sha256sum files look: "" none (≤ 1.46),
	// "binary" (2.0.0: deno-<triple>.sha256sum of the unzipped binary),
	// "zip" (2.0.1 on: <zip>.sha256sum).
	Checksums string
}

// Targets by first release (see plugins/deno/testdata/README.md).
var (
	baseTargets = []string{"x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-apple-darwin", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"}
	allTargets  = append(append([]string{}, baseTargets...), "aarch64-pc-windows-msvc")
)

// Releases are the mirrored releases, oldest first. Every one is in the
// first page of the tags listing; 2.9.5 is release-latest.txt.
var Releases = []Release{
	{Version: "1.46.3", Targets: baseTargets},
	{Version: "2.0.0", Targets: baseTargets, Checksums: "binary"},
	{Version: "2.1.2", Targets: baseTargets, Checksums: "zip"},
	{Version: "2.7.7", Targets: allTargets, Checksums: "zip"},
	{Version: "2.9.5", Targets: allTargets, Checksums: "zip"},
}

// Latest is the version dl.deno.land/release-latest.txt names.
const Latest = "2.9.5"

// Script is the fake deno executable: `deno --version` prints what the
// real one does (first line "deno <version> (<channel>, release, <triple>)");
// other arguments are echoed.
func Script(version, channel, target string) string {
	return fmt.Sprintf(`#!/bin/sh
case "$1" in
--version|-V)
  echo "deno %[1]s (%[2]s, release, %[3]s)"
  echo "v8 13.0.245.12-rusty"
  echo "typescript 5.6.2"
  ;;
*)
  echo "deno %[1]s args: $*"
  ;;
esac
`, version, channel, target)
}

// Mirror writes the layout under root/deno and returns the upstream URL
// prefixes it serves, mapped to their sub-path of root. The three
// upstreams share root/deno, where their paths do not collide:
// releases/download/... (github.com), tags (api.github.com), and
// canary-*-latest.txt, canary/<hash>/..., release-latest.txt
// (dl.deno.land); conformance tests serve root/deno itself.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "deno")
	gh := filepath.Join(base, "releases", "download")
	for _, r := range Releases {
		for _, t := range r.Targets {
			dir := filepath.Join(gh, "v"+r.Version)
			if err := writeRelease(dir, r, t); err != nil {
				return nil, err
			}
		}
	}
	dl := base
	for _, t := range allTargets {
		name := "deno-" + t + ".zip"
		body := Script(CanaryVersion, "canary", t)
		if err := writeZip(filepath.Join(dl, "canary", Canary, name), exeName(t), body); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dl, "canary-"+t+"-latest.txt"), []byte(Canary+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dl, "release-latest.txt"), []byte("v"+Latest+"\n"), 0o644); err != nil {
		return nil, err
	}
	// The mirror ignores query strings: every page request gets page 1,
	// which the plugin detects (no new tags) and stops.
	page, err := os.ReadFile(filepath.Join(TestdataDir(), "github-tags-page1.json"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(base, "tags"), page, 0o644); err != nil {
		return nil, err
	}
	ups := map[string]string{}
	for _, u := range Upstreams {
		ups[u] = "deno/"
	}
	return ups, nil
}

// Upstreams are the URL prefixes Mirror serves.
var Upstreams = []string{"https://github.com/denoland/deno/", "https://api.github.com/repos/denoland/deno/", "https://dl.deno.land/"}

// TestdataDir is plugins/deno/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

func exeName(target string) string {
	if strings.Contains(target, "windows") {
		return "deno.exe"
	}
	return "deno"
}

// writeRelease writes one zip and its checksum file.
func writeRelease(dir string, r Release, target string) error {
	name := "deno-" + target + ".zip"
	body := Script(r.Version, "stable", target)
	path := filepath.Join(dir, name)
	if err := writeZip(path, exeName(target), body); err != nil {
		return err
	}
	switch r.Checksums {
	case "binary":
		sum := sha256.Sum256([]byte(body))
		line := hex.EncodeToString(sum[:]) + "  " + exeName(target) + "\n"
		return os.WriteFile(filepath.Join(dir, "deno-"+target+".sha256sum"), []byte(line), 0o644)
	case "zip":
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		return os.WriteFile(path+".sha256sum", []byte(ChecksumFile(name, hex.EncodeToString(sum[:]))), 0o644)
	}
	return nil
}

// ChecksumFile is a <zip>.sha256sum as Deno's workflow writes it: on Linux
// and macOS `shasum -a 256 <zip>` ("<hex>  <name>" and LF); on Windows
// pwsh's `Get-FileHash | Format-List`: CRLF, a blank line first, an
// uppercase hash, the build machine's path, two blank lines last.
func ChecksumFile(name, hexSum string) string {
	if strings.Contains(name, "windows") {
		return "\r\nAlgorithm : SHA256\r\nHash      : " + strings.ToUpper(hexSum) +
			"\r\nPath      : C:\\a\\deno\\deno\\target\\release\\" + name + "\r\n\r\n\r\n"
	}
	return hexSum + "  " + name + "\n"
}

// writeZip writes a zip holding one executable file at its root, as
// `zip -r deno-<triple>.zip deno` does.
func writeZip(path, entry, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: entry, Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = w.Write([]byte(body))
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
