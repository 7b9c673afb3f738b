package ocimirror

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"

	"github.com/tote-dev/tote/internal/config"
)

// PluginFile is a plugin found in a mirror.
type PluginFile struct {
	// Ref names the artifact, for messages.
	Ref string
	// Name is the plugin's file name (its extension gives its kind).
	Name string
	// Data is the plugin, verified against the layer's digest.
	Data []byte
}

// pluginMediaTypes are the layer media types of plugins, by extension.
var pluginMediaTypes = map[string]string{
	".wasm": "application/wasm", ".toml": "application/toml", ".json": "application/json",
	".jsonc": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml",
}

// FetchPlugin gets the file of a plugin locator from mirror m, reading at
// most max bytes. A miss wraps ErrNotFound.
func (c *Client) FetchPlugin(ctx context.Context, m config.Mirror, locator string, max int64) (*PluginFile, error) {
	tag := PluginTag(locator)
	ref := Reference(m, pluginsRepo, tag)
	r, err := c.open(ctx, m, pluginsRepo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	_, man, err := manifest(ctx, r, tag, ArtifactPlugin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	if got := man.Annotations[AnnotLocator]; got != locator {
		return nil, fmt.Errorf("%s: the manifest is the plugin of locator %q, not %q", ref, got, locator)
	}
	l := man.Layers[0]
	if _, d, ok := pinnedLocator(locator); ok {
		if err := checkPinned(man.Annotations, d, l); err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
	}
	name := path.Base(l.Annotations[ocispec.AnnotationTitle])
	if _, ok := pluginMediaTypes[strings.ToLower(path.Ext(name))]; !ok || name == "." || name == "/" {
		return nil, fmt.Errorf("%s: layer title %q is not a plugin file name (.wasm, .toml, .json, .jsonc, .yaml or .yml)", ref, name)
	}
	if l.Size > max {
		return nil, fmt.Errorf("%s: the plugin is %d bytes, more than %d", ref, l.Size, max)
	}
	var b bytes.Buffer
	if err := copyVerified(ctx, r.t, l, &b); err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return &PluginFile{Ref: ref, Name: name, Data: b.Bytes()}, nil
}

// PushPlugin uploads the file of a plugin locator (name is its file name)
// to mirror m and returns the reference.
func (c *Client) PushPlugin(ctx context.Context, m config.Mirror, locator, name string, data []byte) (string, error) {
	tag := PluginTag(locator)
	ref := Reference(m, pluginsRepo, tag)
	mt, ok := pluginMediaTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return ref, fmt.Errorf("push %s: %q is not a plugin file name", ref, name)
	}
	annots := map[string]string{AnnotLocator: locator}
	if pref, d, ok := pinnedLocator(locator); ok {
		// The locator pins a manifest: carry it, so that the copy can be
		// proved to be that plugin (see AnnotOriginManifest).
		raw, err := c.originManifest(ctx, pref, d)
		if err != nil {
			return ref, fmt.Errorf("push %s: the locator pins manifest %s, which must be read from %s to prove the mirror's copy: %w", ref, d, pref.Host, err)
		}
		annots[AnnotOriginManifest] = string(raw)
		if err := checkPinned(annots, d, content.NewDescriptorFromBytes(mt, data)); err != nil {
			return ref, fmt.Errorf("push %s: %w", ref, err)
		}
	}
	t, tagRef, err := c.openWrite(ctx, m, pluginsRepo)
	if err != nil {
		return ref, err
	}
	layer := content.NewDescriptorFromBytes(mt, data)
	layer.Annotations = map[string]string{ocispec.AnnotationTitle: path.Base(name)}
	if err := pushBlob(ctx, t, layer, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }); err != nil {
		return ref, fmt.Errorf("push %s: %w", ref, err)
	}
	if _, err := pushManifest(ctx, t, tagRef(tag), ArtifactPlugin, layer, annots); err != nil {
		return ref, fmt.Errorf("push %s: %w", ref, err)
	}
	return ref, nil
}
