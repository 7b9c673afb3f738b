// Package rusttest writes rustup's and rust-lang/rust's upstream layout for
// tests: static.rust-lang.org/rustup/dist/<triple>/rustup-init with its
// rustup-init.sha256 ("<hex> *./rustup-init", what rustup's deploy script
// writes), and the GitHub tags listing of rust-lang/rust. The rustup-init
// served is a shell stand-in with the real one's command line and file
// layout: it installs itself as $CARGO_HOME/bin/rustup (plus the proxies),
// and `rustup toolchain install <channel>` creates
// $RUSTUP_HOME/toolchains/<channel>-<triple>/bin/{cargo,rustc,rustdoc} and
// lib/rustlib/ as rustup does. A second tree, rustup-bad/, serves
// rustup-init files whose .sha256 does not match.
package rusttest

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

//go:embed rustup.sh
var script string

// Upstreams are the URL prefixes Mirror serves.
var Upstreams = map[string]string{
	"https://static.rust-lang.org/":                "rust/",
	"https://api.github.com/repos/rust-lang/rust/": "rust/",
}

// Stable is the version the fake "stable" channel installs.
const Stable = "1.83.0"

// Triples are the hosts rustup-init is served for.
var Triples = []string{"x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-apple-darwin"}

// Tags are rust-lang/rust tag names (real ones; the listing also holds the
// old release-* and 0.* tags the plugin drops).
var Tags = []string{"1.83.0", "1.82.0", "1.81.0", "1.80.1", "1.80.0", "1.0.0-alpha", "release-0.12.0", "0.12.0"}

// Script returns the stand-in rustup-init for a host triple.
func Script(triple string) string { return strings.ReplaceAll(script, "@HOST@", triple) }

// Mirror writes the layout under root/rust.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "rust")
	for _, tree := range []string{"rustup", "rustup-bad"} {
		for _, triple := range Triples {
			dir := filepath.Join(base, tree, "dist", triple)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			body := Script(triple)
			if err := os.WriteFile(filepath.Join(dir, "rustup-init"), []byte(body), 0o755); err != nil {
				return nil, err
			}
			sum := sha256.Sum256([]byte(body))
			if tree == "rustup-bad" {
				sum = sha256.Sum256([]byte("a different rustup-init"))
			}
			line := hex.EncodeToString(sum[:]) + " *./rustup-init\n"
			if err := os.WriteFile(filepath.Join(dir, "rustup-init.sha256"), []byte(line), 0o644); err != nil {
				return nil, err
			}
		}
	}
	var tags []map[string]any
	for _, t := range Tags {
		tags = append(tags, map[string]any{"name": t, "commit": map[string]string{"sha": strings.Repeat("0", 40)}})
	}
	b, _ := json.MarshalIndent(tags, "", "  ")
	if err := os.WriteFile(filepath.Join(base, "tags"), b, 0o644); err != nil {
		return nil, err
	}
	return Upstreams, nil
}
