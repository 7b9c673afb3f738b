// Command registry sets up the registry-pull benchmark (bench/registry.sh):
// an "upstream" HTTP mirror of go.dev's layout on 127.0.0.1 whose
// go1.22.1 archive for this machine is a real, full-size one (the running
// Go toolchain's bin/ and pkg/tool/ under go/, gzip-compressed as go.dev
// publishes them, with the release index's sha256 and size updated), and a
// docker-registry on 127.0.0.1 for tote to push to and pull from. It
// writes the url-rewrites into a .prototools, prints shell assignments
// (UPSTREAM, REGISTRY, ARCHIVE_URL, ARCHIVE_SHA256, ARCHIVE_SIZE) and runs
// until interrupted.
//
// Usage:
//
//	go run ./bench/registry -dir bench/out/registry -prototools bench/out/registry/rewrites.toml
package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"github.com/tote-dev/tote/internal/plugincache/registrytest"
	"github.com/tote-dev/tote/internal/testutil/mirror"
	"github.com/tote-dev/tote/plugins/go/gotest"
)

// version is the Go release whose archive is replaced by a full-size one.
const version = "go1.22.1"

func main() {
	dir := flag.String("dir", "bench/out/registry", "directory for the mirror and the registry's storage")
	protofile := flag.String("prototools", "", "write the url-rewrites for the mirror into this .prototools")
	flag.Parse()
	if err := run(*dir, *protofile); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func run(dir, protofile string) error {
	root := filepath.Join(dir, "upstream")
	ups, err := gotest.Mirror(root)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s.%s-%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	archive := filepath.Join(root, "golang", "go", name)
	if err := writeArchive(archive, runtime.GOROOT()); err != nil {
		return err
	}
	sum, err := mirror.SHA256File(archive)
	if err != nil {
		return err
	}
	fi, err := os.Stat(archive)
	if err != nil {
		return err
	}
	if err := patchIndex(filepath.Join(root, "golang", "dl", "index.json"), name, sum, fi.Size()); err != nil {
		return err
	}

	srv, err := mirror.Start(root)
	if err != nil {
		return err
	}
	defer srv.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reg, err := registrytest.Start(ctx, filepath.Join(dir, "registry"))
	if err != nil {
		return err
	}
	defer reg.Stop()

	if protofile != "" {
		keys := make([]string, 0, len(ups))
		for k := range ups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var sb strings.Builder
		sb.WriteString("[settings.url-rewrites]\n")
		for _, k := range keys {
			fmt.Fprintf(&sb, "%q = %q\n", "^"+regexp.QuoteMeta(k), srv.URL+"/"+strings.TrimPrefix(ups[k], "/"))
		}
		if err := os.WriteFile(protofile, []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("UPSTREAM=%s\nREGISTRY=%s\nARCHIVE_URL=%s/golang/go/%s\nARCHIVE_SHA256=%s\nARCHIVE_SIZE=%d\n",
		srv.URL, reg.Host, srv.URL, name, sum, fi.Size())
	<-ctx.Done()
	return nil
}

// writeArchive writes goroot's bin/ and pkg/tool/ under go/, with a VERSION
// file naming the release: real executables, the bulk of a Go release's
// bytes, compressed as go.dev's archives are.
func writeArchive(p, goroot string) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	body := version + "\n"
	if err := tw.WriteHeader(&tar.Header{Name: "go/VERSION", Mode: 0o644, Size: int64(len(body))}); err != nil {
		return err
	}
	if _, err := io.WriteString(tw, body); err != nil {
		return err
	}
	for _, sub := range []string{"bin", filepath.Join("pkg", "tool")} {
		err := filepath.WalkDir(filepath.Join(goroot, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(goroot, path)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			hdr := &tar.Header{Name: "go/" + filepath.ToSlash(rel), Mode: int64(info.Mode().Perm()), Size: info.Size(), ModTime: info.ModTime()}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			src, err := os.Open(path)
			if err != nil {
				return err
			}
			defer src.Close()
			_, err = io.Copy(tw, src)
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// patchIndex records the new archive's sha256 and size in go.dev's
// release index, so the plugin verifies the full-size archive.
func patchIndex(p, name, sum string, size int64) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var rels []map[string]any
	if err := json.Unmarshal(b, &rels); err != nil {
		return err
	}
	found := false
	for _, r := range rels {
		files, _ := r["files"].([]any)
		for _, f := range files {
			m, _ := f.(map[string]any)
			if m["filename"] == name {
				m["sha256"], m["size"] = sum, size
				found = true
			}
		}
	}
	if !found {
		return fmt.Errorf("%s: no file %s", p, name)
	}
	out, err := json.MarshalIndent(rels, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(p, out, 0o644)
}
