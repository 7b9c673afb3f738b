// Package kubectltest writes dl.k8s.io's release layout for tests: the
// release labels (stable.txt, latest.txt, stable-1.<minor>.txt: one version,
// no final newline) and, per version, bin/<os>/<arch>/kubectl[.exe] with
// its .sha256 (the bare hex digest, no file name, no newline), as
// plugins/kubectl/testdata/README.md describes. The binaries are scripts
// that answer `kubectl version --client` like the real one.
package kubectltest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Upstream is the URL prefix the mirror serves.
const Upstream = "https://dl.k8s.io/"

// Stable, Latest and Versions are the mirrored release tree: stable.txt
// names Stable, latest.txt names Latest (a pre-release), and each of
// Versions is published for linux/amd64, linux/arm64, darwin/arm64 and
// windows/amd64. Labels: stable-1.31 → 1.31.2, stable-1.30 → 1.30.6,
// stable-1.29 → 1.29.10; stable-1.28.txt does not exist (LoadVersions stops
// there).
var (
	Stable   = "1.31.2"
	Latest   = "1.32.0-beta.0"
	Versions = []string{"1.29.10", "1.30.5", "1.30.6", "1.31.2", "1.32.0-beta.0"}
	Labels   = map[string]string{"stable-1.31": "1.31.2", "stable-1.30": "1.30.6", "stable-1.29": "1.29.10"}
)

// Script is the fake kubectl.
func Script(version string) string {
	return fmt.Sprintf(`#!/bin/sh
case "$1" in
version) echo "Client Version: v%[1]s"; echo "Kustomize Version: v5.4.2" ;;
*) echo "kubectl v%[1]s: $*" ;;
esac
`, version)
}

// Mirror writes the layout under root/kubectl and maps Upstream to it.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "kubectl", "release")
	write := func(rel, body string) error {
		p := filepath.Join(base, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(body), 0o755)
	}
	labels := map[string]string{"stable": Stable, "latest": Latest}
	for k, v := range Labels {
		labels[k] = v
	}
	for label, v := range labels {
		if err := write(label+".txt", "v"+v); err != nil {
			return nil, err
		}
	}
	for _, v := range Versions {
		for _, p := range []string{"linux/amd64/kubectl", "linux/arm64/kubectl", "darwin/arm64/kubectl", "windows/amd64/kubectl.exe"} {
			body := Script(v)
			sum := sha256.Sum256([]byte(body))
			rel := "v" + v + "/bin/" + p
			if err := write(rel, body); err != nil {
				return nil, err
			}
			if err := write(rel+".sha256", hex.EncodeToString(sum[:])); err != nil {
				return nil, err
			}
		}
	}
	return map[string]string{Upstream: "kubectl/"}, nil
}
