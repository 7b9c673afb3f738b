// Package zigtest builds a local mirror of ziglang.org's download layout for
// tests: download/index.json, releases under download/<version>/ and the
// master build under builds/, with small archives whose fake zig executable
// reports its version.
//
// The index is the real sample in plugins/zig/testdata (see its README),
// byte for byte, except that every "shasum" and "size" is that of the
// mirror's file at the entry's "tarball" URL.
package zigtest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/ulikunitz/xz"

	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/zig"
)

// Upstream is the URL prefix a mirror of [Build]'s directory serves when
// that directory is the mirror's root.
const Upstream = "https://ziglang.org/"

// Sample is the real index in plugins/zig/testdata.
const Sample = "zig-index.json"

// TestdataDir is plugins/zig/testdata.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// ZigScript is the fake zig executable: `zig version` prints version.
func ZigScript(version string) string {
	return fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = version ]; then echo %s; else echo \"zig %s $*\"; fi\n", version, version)
}

var (
	tarballRE = regexp.MustCompile(`^(\s*)"tarball": "([^"]+)",?$`)
	shasumRE  = regexp.MustCompile(`^(\s*)"shasum": "[0-9a-f]*"(,?)$`)
	sizeRE    = regexp.MustCompile(`^(\s*)"size": "[0-9]*"(,?)$`)
)

// Build writes the mirror under dir (the file of URL https://ziglang.org/P
// at dir/P) and returns the index as written.
func Build(dir string) ([]byte, error) {
	sample, err := os.ReadFile(filepath.Join(TestdataDir(), Sample))
	if err != nil {
		return nil, err
	}
	idx, err := zig.ParseIndex(zig.IndexURL, sample)
	if err != nil {
		return nil, err
	}
	// Which release and target each tarball URL belongs to.
	type owner struct{ version, target string }
	owners := map[string]owner{}
	for _, r := range idx.Releases {
		for t, a := range r.Artifacts {
			owners[a.Tarball] = owner{r.Version, t}
		}
	}
	var out bytes.Buffer
	var sum string
	var size int64
	pending := 0 // shasum and size lines still to rewrite for the last tarball
	sc := bufio.NewScanner(bytes.NewReader(sample))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case tarballRE.MatchString(line):
			url := tarballRE.FindStringSubmatch(line)[2]
			rel, ok := strings.CutPrefix(url, Upstream)
			if !ok {
				return nil, fmt.Errorf("%s: tarball %s is not under %s", Sample, url, Upstream)
			}
			p := filepath.Join(dir, filepath.FromSlash(rel))
			o := owners[url]
			if err := writeArchive(p, o.version, o.target); err != nil {
				return nil, fmt.Errorf("write %s: %w", p, err)
			}
			if sum, err = mirror.SHA256File(p); err != nil {
				return nil, err
			}
			fi, err := os.Stat(p)
			if err != nil {
				return nil, err
			}
			size, pending = fi.Size(), 2
		case shasumRE.MatchString(line) || sizeRE.MatchString(line):
			if pending == 0 {
				return nil, fmt.Errorf("%s: %q does not follow a tarball", Sample, strings.TrimSpace(line))
			}
			pending--
			if m := shasumRE.FindStringSubmatch(line); m != nil {
				line = fmt.Sprintf(`%s"shasum": "%s"%s`, m[1], sum, m[2])
			} else {
				m := sizeRE.FindStringSubmatch(line)
				line = fmt.Sprintf(`%s"size": "%d"%s`, m[1], size, m[2])
			}
		}
		out.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "download"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "download", "index.json"), out.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeArchive writes a release archive named like the upstream file, its
// top directory the file's stem: zig (zig.exe in .zip files), lib/std and
// LICENSE. Source and bootstrap tarballs (no target) hold a README.
func writeArchive(p, version, target string) error {
	name := filepath.Base(p)
	stem := strings.TrimSuffix(strings.TrimSuffix(name, ".tar.xz"), ".zip")
	entries := []mirror.Entry{{Name: stem + "/README.md", Body: "zig " + version + " sources\n"}}
	if target != "" {
		exe := "zig"
		if strings.HasSuffix(name, ".zip") {
			exe = "zig.exe"
		}
		entries = []mirror.Entry{
			{Name: stem + "/", Dir: true},
			{Name: stem + "/" + exe, Body: ZigScript(version), Mode: 0o755},
			{Name: stem + "/lib/std/std.zig", Body: "// zig " + version + " standard library\n"},
			{Name: stem + "/LICENSE", Body: "MIT\n"},
		}
	}
	if strings.HasSuffix(name, ".zip") {
		var files []mirror.Entry
		for _, e := range entries {
			if !e.Dir {
				files = append(files, e)
			}
		}
		return mirror.WriteZip(p, files)
	}
	return writeTarXz(p, entries)
}

// writeTarXz writes a .tar.xz with the given entries (files and dirs).
func writeTarXz(p string, entries []mirror.Entry) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	mtime := time.Date(2025, 5, 21, 0, 0, 0, 0, time.UTC)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Mode: e.Mode, ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(e.Body))}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if e.Dir {
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !e.Dir {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	var xb bytes.Buffer
	w, err := xz.WriterConfig{DictCap: 1 << 16}.NewWriter(&xb)
	if err != nil {
		return err
	}
	if _, err := w.Write(tb.Bytes()); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, xb.Bytes(), 0o644)
}

// Mirror writes the layout under root/zig and returns the URL prefix it
// serves, mapped to its sub-path of root (for url-rewrites).
func Mirror(root string) (map[string]string, error) {
	if _, err := Build(filepath.Join(root, "zig")); err != nil {
		return nil, err
	}
	return map[string]string{Upstream: "zig/"}, nil
}
