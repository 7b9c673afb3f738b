package plugincache

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// DefaultRegistry is the host of registry:// references that name none.
const DefaultRegistry = "ghcr.io"

// Layer media types of plugins pushed to OCI registries, by extension.
var layerTypes = map[string]string{
	"application/wasm":                                  ".wasm",
	"application/vnd.wasm.content.layer.v1+wasm":        ".wasm",
	"application/vnd.module.wasm.content.layer.v1+wasm": ".wasm",
	"application/toml":                                  ".toml",
	"text/x-toml":                                       ".toml",
	"application/json":                                  ".json",
	"application/yaml":                                  ".yaml",
	"application/x-yaml":                                ".yaml",
	"text/yaml":                                         ".yaml",
}

// RegistryRef is a parsed registry:// locator value.
type RegistryRef struct {
	// Host is the registry (DefaultRegistry when the locator names none).
	Host string
	// Repository is [ns/]image.
	Repository string
	// Reference is the tag (default "latest") or a sha256 digest.
	Reference string
}

// String is host/repository:tag (or @digest).
func (r RegistryRef) String() string {
	if strings.HasPrefix(r.Reference, "sha256:") {
		return r.Host + "/" + r.Repository + "@" + r.Reference
	}
	return r.Host + "/" + r.Repository + ":" + r.Reference
}

// ParseRegistry parses [host/][ns/]image[:tag|@digest]. The first part is a
// host when it contains a dot or a colon or is "localhost".
func ParseRegistry(v string) (RegistryRef, error) {
	r := RegistryRef{Reference: "latest"}
	if name, dg, ok := strings.Cut(v, "@"); ok {
		v, r.Reference = name, dg
	} else if i := strings.LastIndex(v, ":"); i > strings.LastIndex(v, "/") {
		v, r.Reference = v[:i], v[i+1:]
	}
	first, rest, ok := strings.Cut(v, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		r.Host, r.Repository = first, rest
	} else {
		r.Host, r.Repository = DefaultRegistry, v
	}
	if r.Repository == "" || r.Reference == "" || strings.HasSuffix(r.Repository, "/") {
		return r, fmt.Errorf("registry locator %q: want [host/][namespace/]image[:tag]", v)
	}
	return r, nil
}

// fetchRegistry pulls a plugin artifact: the manifest's first layer whose
// media type (or title annotation) is a plugin format.
func (c *Cache) fetchRegistry(ctx context.Context, v string) (*Entry, []byte, error) {
	ref, err := ParseRegistry(v)
	if err != nil {
		return nil, nil, err
	}
	repo, err := remote.NewRepository(ref.Host + "/" + ref.Repository)
	if err != nil {
		return nil, nil, fmt.Errorf("registry reference %s: %w", ref, err)
	}
	host := ref.Host
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	repo.PlainHTTP = IsLoopback(host)
	client := &auth.Client{Cache: auth.NewCache()}
	if c.HTTP != nil {
		client.Client = c.HTTP
	}
	repo.Client = client
	desc, rc, err := repo.FetchReference(ctx, ref.Reference)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch manifest of %s: %w", ref, err)
	}
	raw, err := content.ReadAll(rc, desc)
	rc.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest of %s: %w", ref, err)
	}
	var man ocispec.Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		return nil, nil, fmt.Errorf("manifest of %s: %w", ref, err)
	}
	for _, l := range man.Layers {
		name := l.Annotations[ocispec.AnnotationTitle]
		ext := pluginExt(name)
		if ext == "" {
			ext = layerTypes[l.MediaType]
			if ext == "" {
				continue
			}
			name = path.Base(ref.Repository) + ext
		}
		if l.Size > MaxSize {
			return nil, nil, fmt.Errorf("layer %s of %s is larger than %d bytes", l.Digest, ref, MaxSize)
		}
		data, err := content.FetchAll(ctx, repo, l)
		if err != nil {
			return nil, nil, fmt.Errorf("fetch layer %s of %s: %w", l.Digest, ref, err)
		}
		return &Entry{Source: "registry://" + ref.String() + "@" + desc.Digest.String(), Name: name}, data, nil
	}
	return nil, nil, fmt.Errorf("%s has no plugin layer (media type application/wasm, application/toml, application/json or application/yaml)", ref)
}
