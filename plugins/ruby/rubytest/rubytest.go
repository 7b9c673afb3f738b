// Package rubytest writes jdx/ruby's GitHub release layout for tests: the
// tags listing (version tags and build-revision tags), the releases API
// object of each version tag with every asset's digest, and the tarballs
// ruby-<version>.<platform>.tar.gz holding ruby-<version>/bin/... (see
// plugins/ruby/testdata/README.md).
package rubytest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// Upstreams are the URL prefixes Mirror serves (both map to root/ruby).
var Upstreams = []string{"https://github.com/jdx/ruby/", "https://api.github.com/repos/jdx/ruby/"}

// Versions are the mirrored Ruby releases; NoDigest's assets have
// "digest": null (uploaded before GitHub recorded digests).
var (
	Versions = []string{"3.2.11", "3.4.9", "3.4.10", "4.0.0-preview3", "4.0.6"}
	NoDigest = "3.2.11"
)

var platforms = []string{"macos", "x86_64_linux", "x86_64_linux.no_yjit", "arm64_linux", "arm64_linux.no_yjit"}

// Script is a fake Ruby command.
func Script(name, version string) string {
	return fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = -v ] || [ \"$1\" = --version ]; then echo \"%s %s\"; else echo \"%s %s: $*\"; fi\n", name, version, name, version)
}

type asset struct {
	Name   string  `json:"name"`
	URL    string  `json:"browser_download_url"`
	Size   int     `json:"size"`
	Digest *string `json:"digest"`
}

// Mirror writes the layout under root/ruby.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "ruby")
	var tags []map[string]any
	for _, v := range Versions {
		tags = append(tags, map[string]any{"name": v}, map[string]any{"name": v + "-1"})
		dir := filepath.Join(base, "releases", "download", v)
		var assets []asset
		for _, p := range platforms {
			name := "ruby-" + v + "." + p + ".tar.gz"
			var entries []mirror.Entry
			for _, cmd := range []string{"ruby", "irb", "gem", "bundle", "bundler", "rake", "erb", "rdoc", "ri"} {
				entries = append(entries, mirror.Entry{Name: "ruby-" + v + "/bin/" + cmd, Body: Script(cmd, v), Mode: 0o755})
			}
			entries = append(entries, mirror.Entry{Name: "ruby-" + v + "/lib/ruby/" + v + "/set.rb", Body: "# stdlib\n"})
			path := filepath.Join(dir, name)
			if err := mirror.WriteTarGz(path, entries); err != nil {
				return nil, err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			a := asset{Name: name, URL: "https://github.com/jdx/ruby/releases/download/" + v + "/" + name, Size: len(b)}
			if v != NoDigest {
				s := sha256.Sum256(b)
				d := "sha256:" + hex.EncodeToString(s[:])
				a.Digest = &d
			}
			assets = append(assets, a)
		}
		prov := "ruby-" + v + ".intoto.jsonl"
		assets = append(assets, asset{Name: prov, URL: "https://github.com/jdx/ruby/releases/download/" + v + "/" + prov, Size: 2})
		rel, _ := json.MarshalIndent(map[string]any{"tag_name": v, "name": v, "draft": false, "prerelease": v == "4.0.0-preview3", "assets": assets}, "", "  ")
		if err := os.MkdirAll(filepath.Join(base, "releases", "tags"), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(base, "releases", "tags", v), rel, 0o644); err != nil {
			return nil, err
		}
	}
	t, _ := json.MarshalIndent(tags, "", "  ")
	if err := os.WriteFile(filepath.Join(base, "tags"), t, 0o644); err != nil {
		return nil, err
	}
	ups := map[string]string{}
	for _, u := range Upstreams {
		ups[u] = "ruby/"
	}
	return ups, nil
}
