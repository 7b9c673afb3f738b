package ocimirror

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content/oci"

	"github.com/tote-dev/tote/internal/config"
	"github.com/tote-dev/tote/internal/store"
)

// Import copies every artifact of an OCI image layout (a directory or a
// .tar, such as `tote mirror export` writes) to the registry mirror dst,
// each reference name "REPO:TAG" becoming DST_BASE/REPO:TAG, and calls
// done after each. Reference names that are not a repository path and a
// tag are refused before anything is copied. Blobs the registry has are
// not uploaded again; the registry checks every digest it receives.
func (c *Client) Import(ctx context.Context, layout string, dst config.Mirror, done func(ref string)) (int, error) {
	if dst.Kind != config.MirrorRegistry {
		return 0, fmt.Errorf("import into %s: the destination must be a registry:// mirror", dst)
	}
	var src oras.ReadOnlyTarget
	var tags []string
	fi, err := os.Stat(layout)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	list := func(s interface {
		Tags(ctx context.Context, last string, fn func([]string) error) error
	}) error {
		return s.Tags(ctx, "", func(ts []string) error { tags = append(tags, ts...); return nil })
	}
	if fi.Mode().IsRegular() {
		s, err := oci.NewFromTar(ctx, layout)
		if err != nil {
			return 0, fmt.Errorf("import: OCI layout %s: %w", layout, err)
		}
		src, err = s, list(s)
		if err != nil {
			return 0, err
		}
	} else {
		s, err := oci.NewFromFS(ctx, os.DirFS(layout))
		if err != nil {
			return 0, fmt.Errorf("import: OCI layout %s: %w", layout, err)
		}
		src, err = s, list(s)
		if err != nil {
			return 0, err
		}
	}
	type item struct{ name, repo, tag string }
	var items []item
	for _, name := range tags {
		repo, tag, ok := splitRefName(name)
		if !ok {
			return 0, fmt.Errorf("import: %s holds the reference name %q, which is not REPOSITORY:TAG; nothing was copied", layout, name)
		}
		items = append(items, item{name, repo, tag})
	}
	if len(items) == 0 {
		return 0, fmt.Errorf("import: %s holds no tagged artifact", layout)
	}
	for i, it := range items {
		dt, tagRef, err := c.openWrite(ctx, dst, it.repo)
		if err != nil {
			return i, err
		}
		repoTarget, ok := dt.(oras.Target)
		if !ok {
			return i, fmt.Errorf("import: %s cannot be written", dst)
		}
		if _, err := oras.Copy(ctx, src, it.name, repoTarget, tagRef(it.tag), oras.DefaultCopyOptions); err != nil {
			return i, fmt.Errorf("import %s into %s: %w", it.name, Reference(dst, it.repo, it.tag), err)
		}
		if done != nil {
			done(Reference(dst, it.repo, it.tag))
		}
	}
	return len(items), nil
}

// splitRefName splits a layout reference name "REPO:TAG" and checks both.
func splitRefName(name string) (repo, tag string, ok bool) {
	i := strings.LastIndex(name, ":")
	if i <= 0 {
		return "", "", false
	}
	repo, tag = name[:i], name[i+1:]
	if !config.ValidRepositoryPath(repo) || tag == "" || len(tag) > maxTag || sanitizeTag(tag) != tag || tag[0] == '.' || tag[0] == '-' {
		return "", "", false
	}
	return repo, tag, true
}

// WriteTar writes the OCI image layout in dir as a tar file at dest,
// atomically (a temporary file renamed into place), with entries in a
// fixed order and fixed times, so that the same layout gives the same
// bytes.
func WriteTar(dir, dest string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	return store.WriteAtomic(dest, 0o644, func(w io.Writer) error {
		tw := tar.NewWriter(w)
		for _, p := range files {
			rel, _ := filepath.Rel(dir, p)
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: time.Unix(0, 0).UTC(), Format: tar.FormatPAX}
			switch {
			case fi.IsDir():
				h.Typeflag, h.Mode, h.Name = tar.TypeDir, 0o755, h.Name+"/"
			case fi.Mode().IsRegular():
				h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o644, fi.Size()
			default:
				continue
			}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if h.Typeflag == tar.TypeReg {
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				_, err = io.Copy(tw, f)
				f.Close()
				if err != nil {
					return err
				}
			}
		}
		return tw.Close()
	})
}
