package ocimirror

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/tote-dev/tote/internal/plugincache"
)

// AnnotOriginManifest carries, on the mirror's copy of a plugin whose
// registry:// locator pins a manifest digest (registry://host/repo@sha256:…),
// that manifest byte for byte. The mirror's own manifest is another one;
// with this copy tote proves that the plugin it serves is a layer of the
// pinned manifest: the copy must have the pinned digest, and the plugin's
// digest must be one of its layers'.
const AnnotOriginManifest = "dev.tote.plugin.origin-manifest"

// pinnedLocator returns the registry reference and the manifest digest a
// registry:// locator pins, and false for any other locator (a tag, or
// not registry://).
func pinnedLocator(locator string) (plugincache.RegistryRef, digest.Digest, bool) {
	v, ok := strings.CutPrefix(locator, "registry://")
	if !ok {
		return plugincache.RegistryRef{}, "", false
	}
	ref, err := plugincache.ParseRegistry(v)
	if err != nil || !strings.HasPrefix(ref.Reference, "sha256:") {
		return ref, "", false
	}
	d := digest.Digest(ref.Reference)
	if d.Validate() != nil {
		return ref, "", false
	}
	return ref, d, true
}

// originManifest fetches the manifest a pinned locator names from its own
// registry, verified against the pinned digest.
func (c *Client) originManifest(ctx context.Context, ref plugincache.RegistryRef, d digest.Digest) ([]byte, error) {
	repo, err := remote.NewRepository(ref.Host + "/" + ref.Repository)
	if err != nil {
		return nil, err
	}
	host := ref.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	repo.PlainHTTP = isLoopback(strings.Trim(host, "[]"))
	client := &auth.Client{Cache: auth.NewCache(), Credential: c.Credential, Header: http.Header{"User-Agent": {"tote"}}}
	if c.HTTP != nil {
		client.Client = c.HTTP
	}
	repo.Client = client
	desc, rc, err := repo.FetchReference(ctx, d.String())
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if desc.Digest != d || desc.Size > maxManifest {
		return nil, fmt.Errorf("the registry answered manifest %s (%d bytes) for %s", desc.Digest, desc.Size, d)
	}
	return content.ReadAll(rc, desc) // checks the size and the digest
}

// checkPinned proves that layer (the mirror's plugin) is a layer of the
// manifest the locator pins, from the copy the mirror's manifest carries.
func checkPinned(annotations map[string]string, d digest.Digest, layer ocispec.Descriptor) error {
	raw, ok := annotations[AnnotOriginManifest]
	if !ok {
		return fmt.Errorf("the locator pins manifest %s, and the mirror's copy carries no %s to prove it is that plugin; refused", d, AnnotOriginManifest)
	}
	if got := digest.FromString(raw); got != d {
		return fmt.Errorf("the copy of the pinned manifest is %s, not %s; refused", got, d)
	}
	var man ocispec.Manifest
	if err := json.Unmarshal([]byte(raw), &man); err != nil {
		return fmt.Errorf("the pinned manifest %s: %w", d, err)
	}
	for _, l := range man.Layers {
		if l.Digest == layer.Digest && l.Size == layer.Size {
			return nil
		}
	}
	return fmt.Errorf("the plugin (%s) is not a layer of the pinned manifest %s; refused", layer.Digest, d)
}
