// Package totetest writes tote's own release layout (docs/releases.md) for
// tests: the GitHub tags listing, and per release
// tote-<version>-<os>-<arch>.tar.gz (holding tote-<version>-<os>-<arch>/tote
// and tote-shim) with tote-<version>-checksums.txt (sha256sum lines).
package totetest

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/tote"
)

// Upstreams are the URL prefixes Mirror serves (both map to root/tote).
var Upstreams = []string{"https://github.com/tote-dev/tote/", "https://api.github.com/repos/tote-dev/tote/"}

// Build is one release's files: the tote and tote-shim executables.
type Build struct {
	Version string
	// Tote and Shim are the executables' contents.
	Tote, Shim []byte
}

// Mirror writes the releases under root/tote for linux/amd64 and
// linux/arm64 (the same executables in both: tests run on one of them),
// and a tags listing naming every release.
func Mirror(root string, builds []Build) (map[string]string, error) {
	base := filepath.Join(root, "tote")
	var tags []map[string]any
	for _, b := range builds {
		dir := filepath.Join(base, "releases", "download", "v"+b.Version)
		var lines []string
		for _, arch := range []string{"amd64", "arm64"} {
			stem := "tote-" + b.Version + "-linux-" + arch
			path := filepath.Join(dir, stem+".tar.gz")
			// Fastest compression: the executables are ~30 MB, and the
			// default level costs seconds.
			err := mirror.WriteTarGzLevel(path, []mirror.Entry{
				{Name: stem + "/", Dir: true},
				{Name: stem + "/tote", Body: string(b.Tote), Mode: 0o755},
				{Name: stem + "/tote-shim", Body: string(b.Shim), Mode: 0o755},
				{Name: stem + "/LICENSE", Body: "tote license\n"},
			}, gzip.BestSpeed)
			if err != nil {
				return nil, err
			}
			body, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(body)
			lines = append(lines, hex.EncodeToString(sum[:])+"  "+stem+".tar.gz")
		}
		sort.Strings(lines)
		if err := os.WriteFile(filepath.Join(dir, tote.ChecksumsFile(b.Version)), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			return nil, err
		}
		tags = append(tags, map[string]any{"name": "v" + b.Version, "commit": map[string]string{"sha": strings.Repeat("0", 40)}})
	}
	t, _ := json.MarshalIndent(tags, "", "  ")
	if err := os.WriteFile(filepath.Join(base, "tags"), t, 0o644); err != nil {
		return nil, err
	}
	ups := map[string]string{}
	for _, u := range Upstreams {
		ups[u] = "tote/"
	}
	return ups, nil
}
