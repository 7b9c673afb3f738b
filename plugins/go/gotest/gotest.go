// Package gotest builds a local mirror of Go's upstream download layout for
// tests: go.dev's JSON release index and dl.google.com's archives, with
// small archives whose fake go and gofmt executables report the release.
//
// The index holds the real entries of plugins/go/testdata (go.dev data, see
// its README) plus generated entries in the same shape for releases the
// samples lack (see [Generated]). Every listed file exists in the mirror,
// and every "sha256" and "size" in the index is that of the mirror's file.
package gotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	golang "github.com/tote-dev/tote/plugins/go"
	"github.com/tote-dev/tote/sdk"
)

// Upstreams are the URL prefixes a mirror of [Build]'s directory serves
// when that directory is the mirror's root: the index
// (https://go.dev/dl/?mode=json&include=all → dl/index.json, served for the
// directory URL) and the archives (https://dl.google.com/go/<file> →
// go/<file>).
var Upstreams = []string{"https://go.dev/", "https://dl.google.com/"}

// Samples are the real go.dev index samples in plugins/go/testdata.
var Samples = []string{"go-dl.json", "go-dl-setup-go.json", "go-dl-quirk-go1-bootstrap.json"}

// GeneratedRelease is a release the samples lack, published by the mirror
// in go.dev's shape.
type GeneratedRelease struct {
	// Version is Go's name, such as "go1.22.1".
	Version string
	// Stable is go.dev's flag: false for rc and beta releases.
	Stable bool
}

// Generated are the releases added to the samples: a 1.22 line with a
// prerelease, Go 1.21's new naming (go1.21rc2 then go1.21.0) and the old
// naming of a first release (go1.20 for 1.20.0).
var Generated = []GeneratedRelease{
	{"go1.22.1", true},
	{"go1.22.0", true},
	{"go1.22rc2", false},
	{"go1.21.8", true},
	{"go1.21.0", true},
	{"go1.21rc2", false},
	{"go1.20.1", true},
	{"go1.20", true},
}

// generatedPlatforms are the archives of a generated release, as go.dev
// publishes them for Go 1.20 to 1.22 (a subset).
var generatedPlatforms = []struct{ os, arch string }{
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"freebsd", "amd64"},
	{"linux", "386"}, {"linux", "amd64"}, {"linux", "arm64"}, {"linux", "armv6l"},
	{"windows", "386"}, {"windows", "amd64"}, {"windows", "arm64"},
}

// TestdataDir is plugins/go/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Releases returns the mirror's index content before hashing: the samples'
// entries and the generated ones, newest first as go.dev sorts them.
func Releases() ([]golang.Release, error) {
	var all []golang.Release
	for _, name := range Samples {
		b, err := os.ReadFile(filepath.Join(TestdataDir(), name))
		if err != nil {
			return nil, err
		}
		rels, err := golang.ParseIndex(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, rels...)
	}
	for _, g := range Generated {
		all = append(all, generate(g))
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, _ := golang.SemverFromGo(all[i].Version)
		b, _ := golang.SemverFromGo(all[j].Version)
		return sdk.CompareVersions(a, b) > 0
	})
	return all, nil
}

func generate(g GeneratedRelease) golang.Release {
	r := golang.Release{Version: g.Version, Stable: g.Stable}
	r.Files = append(r.Files, golang.File{Filename: g.Version + ".src.tar.gz", Version: g.Version, Kind: "source"})
	for _, p := range generatedPlatforms {
		ext := ".tar.gz"
		if p.os == "windows" {
			ext = ".zip"
		}
		r.Files = append(r.Files, golang.File{Filename: g.Version + "." + p.os + "-" + p.arch + ext, OS: p.os, Arch: p.arch, Version: g.Version, Kind: "archive"})
		switch p.os + "-" + p.arch {
		case "darwin-arm64":
			r.Files = append(r.Files, golang.File{Filename: g.Version + ".darwin-arm64.pkg", OS: p.os, Arch: p.arch, Version: g.Version, Kind: "installer"})
		case "windows-amd64":
			r.Files = append(r.Files, golang.File{Filename: g.Version + ".windows-amd64.msi", OS: p.os, Arch: p.arch, Version: g.Version, Kind: "installer"})
		}
	}
	return r
}

// GoScript is the fake go executable of a release for goos/goarch:
// `go version` prints what the real one does.
func GoScript(version, goos, goarch string) string {
	return fmt.Sprintf(`#!/bin/sh
case "$1" in
version) echo "go version %s %s/%s" ;;
env) echo "GOVERSION='%s'" ;;
*) echo "%s $*" ;;
esac
`, version, goos, goarch, version, version)
}

// Build writes the index at dir/dl/index.json and every file it lists at
// dir/go/<filename>, and returns the index as written.
func Build(dir string) ([]golang.Release, error) {
	rels, err := Releases()
	if err != nil {
		return nil, err
	}
	files := filepath.Join(dir, "go")
	for i := range rels {
		for j := range rels[i].Files {
			f := &rels[i].Files[j]
			p := filepath.Join(files, f.Filename)
			if err := writeFile(p, rels[i].Version, *f); err != nil {
				return nil, fmt.Errorf("write %s: %w", p, err)
			}
			sum, err := mirror.SHA256File(p)
			if err != nil {
				return nil, err
			}
			fi, err := os.Stat(p)
			if err != nil {
				return nil, err
			}
			f.SHA256, f.Size = sum, fi.Size()
		}
	}
	// go.dev writes the index with a one-space indent and a final newline.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(rels); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "dl"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "dl", "index.json"), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return rels, nil
}

// writeFile writes a file of the index: archives hold go/bin/go,
// go/bin/gofmt and go/VERSION like the real ones; the source tarball holds
// go/VERSION; installers and bootstrap tarballs are placeholders.
func writeFile(p, version string, f golang.File) error {
	versionFile := mirror.Entry{Name: "go/VERSION", Body: version + "\n"}
	switch {
	case f.Kind == "archive" && f.Arch != "bootstrap":
		exe := ""
		if f.OS == "windows" {
			exe = ".exe"
		}
		entries := []mirror.Entry{
			{Name: "go/", Dir: true},
			{Name: "go/bin/", Dir: true},
			{Name: "go/bin/go" + exe, Body: GoScript(version, f.OS, f.Arch), Mode: 0o755},
			{Name: "go/bin/gofmt" + exe, Body: "#!/bin/sh\necho \"gofmt " + version + " $*\"\n", Mode: 0o755},
			versionFile,
		}
		if strings.HasSuffix(f.Filename, ".zip") {
			var files []mirror.Entry
			for _, e := range entries {
				if !e.Dir {
					files = append(files, e)
				}
			}
			return mirror.WriteZip(p, files)
		}
		return mirror.WriteTarGz(p, entries)
	case strings.HasSuffix(f.Filename, ".tar.gz"):
		return mirror.WriteTarGz(p, []mirror.Entry{versionFile})
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte("placeholder for "+f.Filename+"\n"), 0o644)
}

// Mirror writes the layout under root/golang and returns the URL prefixes
// it serves, mapped to their sub-paths of root (for url-rewrites).
func Mirror(root string) (map[string]string, error) {
	if _, err := Build(filepath.Join(root, "golang")); err != nil {
		return nil, err
	}
	return map[string]string{
		"https://go.dev/dl/":        "golang/dl/",
		"https://dl.google.com/go/": "golang/go/",
	}, nil
}
