package ocimirror

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/tote-dev/tote/internal/config"
)

// ToolFile describes one tool archive: what a tool artifact's annotations
// say, and what a push writes into them.
type ToolFile struct {
	// Tool, Version and Platform say whose file it is.
	Tool     string `json:"tool"`
	Version  string `json:"version"`
	Platform string `json:"platform"`
	// Source is the upstream URL (the plugin's download_url).
	Source string `json:"source,omitempty"`
	// Name is the download name: its extension tells how to unpack it.
	Name string `json:"name"`
	// SHA256 is the lowercase hex sha256 of the file.
	SHA256 string `json:"sha256"`
	// Size is its size in bytes.
	Size int64 `json:"size"`
	// ArchivePrefix is the plugin's archive_prefix.
	ArchivePrefix string `json:"archive_prefix,omitempty"`
	// Checksum is the plugin's checksum when it is not a sha256 ("" else).
	Checksum string `json:"checksum,omitempty"`
	// PostScript is the plugin's post_script ("" for none).
	PostScript string `json:"post_script,omitempty"`
}

func (f ToolFile) annotations() map[string]string {
	a := map[string]string{
		AnnotTool: f.Tool, AnnotVersion: f.Version, AnnotPlatform: f.Platform,
		AnnotFile: f.Name, AnnotSHA256: f.SHA256,
	}
	for k, v := range map[string]string{AnnotSource: f.Source, AnnotArchivePrefix: f.ArchivePrefix, AnnotChecksum: f.Checksum, AnnotPostScript: f.PostScript} {
		if v != "" {
			a[k] = v
		}
	}
	return a
}

// ToolHit is a tool archive found in a mirror.
type ToolHit struct {
	// Mirror is where it was found.
	Mirror config.Mirror
	// Ref names the artifact, for messages (see [Reference]).
	Ref string
	// Manifest is the manifest's digest.
	Manifest string
	// File is what the annotations say, checked against the layer.
	File ToolFile

	layer ocispec.Descriptor
	repo  repoRef
}

// LookupTool finds the archive of tool at version for platform in mirror
// m, reading its manifest only. A mirror that does not have it answers an
// error wrapping ErrNotFound; a manifest that does not describe that file
// (wrong annotations, several layers, a sha256 annotation that is not the
// layer's digest) is an error too, never a hit.
func (c *Client) LookupTool(ctx context.Context, m config.Mirror, tool, version, platform string) (*ToolHit, error) {
	repo, tag := ToolRepository(tool), ToolTag(version, platform)
	ref := Reference(m, repo, tag)
	r, err := c.open(ctx, m, repo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	desc, man, err := manifest(ctx, r, tag, ArtifactTool)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	l := man.Layers[0]
	a := man.Annotations
	f := ToolFile{
		Tool: a[AnnotTool], Version: a[AnnotVersion], Platform: a[AnnotPlatform],
		Source: a[AnnotSource], Name: a[AnnotFile], SHA256: l.Digest.Encoded(), Size: l.Size,
		ArchivePrefix: a[AnnotArchivePrefix], Checksum: a[AnnotChecksum], PostScript: a[AnnotPostScript],
	}
	if f.Name == "" {
		f.Name = l.Annotations[ocispec.AnnotationTitle]
	}
	switch {
	case f.Tool != tool || f.Version != version || f.Platform != platform:
		return nil, fmt.Errorf("%s: the manifest describes %s %s for %s, not %s %s for %s", ref, f.Tool, f.Version, f.Platform, tool, version, platform)
	case a[AnnotSHA256] != "" && !strings.EqualFold(a[AnnotSHA256], f.SHA256):
		return nil, fmt.Errorf("%s: annotation %s=%s is not the layer's digest %s", ref, AnnotSHA256, a[AnnotSHA256], l.Digest)
	case f.Name == "":
		return nil, fmt.Errorf("%s: the manifest names no file (annotation %s or the layer's %s)", ref, AnnotFile, ocispec.AnnotationTitle)
	}
	return &ToolHit{Mirror: m, Ref: ref, Manifest: desc.Digest.String(), File: f, layer: l, repo: r}, nil
}

// Fetch streams the archive into w, verified against the layer's digest
// (a *TamperedError when the bytes differ).
func (c *Client) Fetch(ctx context.Context, h *ToolHit, w io.Writer) error {
	if err := copyVerified(ctx, h.repo.t, h.layer, w); err != nil {
		return fmt.Errorf("%s: %w", h.Ref, err)
	}
	return nil
}

// PushTool uploads the archive at path, described by f (whose SHA256 and
// Size must be the file's), to mirror m, and returns the reference.
func (c *Client) PushTool(ctx context.Context, m config.Mirror, f ToolFile, path string) (string, error) {
	repo, tag := ToolRepository(f.Tool), ToolTag(f.Version, f.Platform)
	ref := Reference(m, repo, tag)
	t, tagRef, err := c.openWrite(ctx, m, repo)
	if err != nil {
		return ref, err
	}
	layer := ocispec.Descriptor{
		MediaType: MediaTypeArchive, Digest: digest.NewDigestFromEncoded(digest.SHA256, f.SHA256), Size: f.Size,
		Annotations: map[string]string{ocispec.AnnotationTitle: baseName(f.Name)},
	}
	if err := layer.Digest.Validate(); err != nil {
		return ref, fmt.Errorf("push %s: %w", ref, err)
	}
	if err := pushBlob(ctx, t, layer, func() (io.ReadCloser, error) { return os.Open(path) }); err != nil {
		return ref, fmt.Errorf("push %s: %w", ref, err)
	}
	if _, err := pushManifest(ctx, t, tagRef(tag), ArtifactTool, layer, f.annotations()); err != nil {
		return ref, fmt.Errorf("push %s: %w", ref, err)
	}
	return ref, nil
}

func baseName(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		return name[i+1:]
	}
	return name
}
