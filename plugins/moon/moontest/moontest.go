// Package moontest writes moon's GitHub release layout for tests (see
// plugins/moon/testdata/README.md): the tags listing, moon 2 archives with
// <archive>.sha256, moon 1 and canary bare binaries, and the releases API
// object of each tag with the assets' digests.
package moontest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// Upstreams are the URL prefixes Mirror serves (both map to root/moon).
var Upstreams = []string{"https://github.com/moonrepo/moon/", "https://api.github.com/repos/moonrepo/moon/"}

// CanaryVersion is what the fake canary build prints.
const CanaryVersion = "2.0.1-canary.3"

var triples = []string{
	"x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl",
	"x86_64-apple-darwin", "aarch64-apple-darwin", "x86_64-pc-windows-msvc",
}

// Script is a fake moon (or moonx) binary.
func Script(name, version string) string {
	return fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = --version ]; then echo \"%s %s\"; else echo \"%s %s: $*\"; fi\n", name, version, name, version)
}

type asset struct {
	Name   string  `json:"name"`
	URL    string  `json:"browser_download_url"`
	Size   int     `json:"size"`
	Digest *string `json:"digest"`
}

// Mirror writes the layout under root/moon.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "moon")
	tags, err := os.ReadFile(filepath.Join(testdataDir(), "github-tags.json"))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(base, "tags"), tags, 0o644); err != nil {
		return nil, err
	}
	for _, tag := range []string{"v1.30.0", "v1.41.0", "v2.0.0", "canary"} {
		dir := filepath.Join(base, "releases", "download", tag)
		version := strings.TrimPrefix(tag, "v")
		if tag == "canary" {
			version = CanaryVersion
		}
		var assets []asset
		add := func(name string, body []byte, digest bool) error {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name), body, 0o755); err != nil {
				return err
			}
			a := asset{Name: name, URL: "https://github.com/moonrepo/moon/releases/download/" + tag + "/" + name, Size: len(body)}
			if digest {
				sum := sha256.Sum256(body)
				d := "sha256:" + hex.EncodeToString(sum[:])
				a.Digest = &d
			}
			assets = append(assets, a)
			return nil
		}
		for i, triple := range triples {
			if tag == "v2.0.0" {
				stem := "moon_cli-" + triple
				exe := ""
				file := stem + ".tar.xz"
				if strings.Contains(triple, "windows") {
					exe, file = ".exe", stem+".zip"
				}
				entries := []mirror.Entry{
					{Name: stem + "/", Dir: true},
					{Name: stem + "/moon" + exe, Body: Script("moon", version), Mode: 0o755},
					{Name: stem + "/moonx" + exe, Body: Script("moonx", version), Mode: 0o755},
				}
				path := filepath.Join(dir, file)
				var err error
				if strings.HasSuffix(file, ".zip") {
					err = mirror.WriteZip(path, entries)
				} else {
					err = mirror.WriteTarXz(path, entries)
				}
				if err != nil {
					return nil, err
				}
				body, err := os.ReadFile(path)
				if err != nil {
					return nil, err
				}
				sum := sha256.Sum256(body)
				if err := add(file, body, true); err != nil {
					return nil, err
				}
				if err := add(file+".sha256", []byte(hex.EncodeToString(sum[:])+" *"+file+"\n"), true); err != nil {
					return nil, err
				}
				continue
			}
			name := "moon-" + triple
			if strings.Contains(triple, "windows") {
				name += ".exe"
			}
			// GitHub has no digest of one canary asset (the musl arm64 one).
			if err := add(name, []byte(Script("moon", version)), !(tag == "canary" && i == 3)); err != nil {
				return nil, err
			}
		}
		rel, err := json.MarshalIndent(map[string]any{
			"url": "https://api.github.com/repos/moonrepo/moon/releases/1", "tag_name": tag, "name": tag,
			"draft": false, "prerelease": tag == "canary", "assets": assets,
		}, "", "  ")
		if err != nil {
			return nil, err
		}
		relDir := filepath.Join(base, "releases", "tags")
		if err := os.MkdirAll(relDir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(relDir, tag), rel, 0o644); err != nil {
			return nil, err
		}
	}
	ups := map[string]string{}
	for _, u := range Upstreams {
		ups[u] = "moon/"
	}
	return ups, nil
}

func testdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}
