package ocimirror

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/content/oci"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/tote-dev/tote/internal/config"
)

// specsVersioned is the schema version of the manifests tote writes.
var specsVersioned = specs.Versioned{SchemaVersion: 2}

// maxManifest bounds a manifest read from a mirror.
const maxManifest = 4 << 20

// ErrNotFound is wrapped by lookups of an artifact a mirror does not have
// (a miss, as opposed to a mirror that cannot be reached or serves
// something invalid).
var ErrNotFound = errors.New("not in the mirror")

// Client reads and writes mirrors. Its methods are safe for concurrent use.
type Client struct {
	// HTTP sends registry requests (nil: http.DefaultClient). tote passes
	// its httpx client, with connect, response and throughput limits.
	HTTP *http.Client
	// Credential answers a registry's authentication challenge for a host
	// (nil: anonymous). See [Credentials].
	Credential auth.CredentialFunc

	once     sync.Once
	cache    auth.Cache
	mu       sync.Mutex
	readers  map[string]*oci.ReadOnlyStore
	writable map[string]*oci.Store
}

// target is what a mirror repository offers for reading.
type target interface {
	content.Fetcher
	Exists(ctx context.Context, desc ocispec.Descriptor) (bool, error)
	Resolve(ctx context.Context, reference string) (ocispec.Descriptor, error)
}

// writeTarget can store content too.
type writeTarget interface {
	target
	Push(ctx context.Context, expected ocispec.Descriptor, content io.Reader) error
	Tag(ctx context.Context, desc ocispec.Descriptor, reference string) error
}

// repoRef is one repository of a mirror, opened.
type repoRef struct {
	t   target
	ref func(tag string) string
}

// open returns the repository repo of mirror m. Layouts are opened once
// per Client; a layout that does not exist is a miss (ErrNotFound), never
// created for a read.
func (c *Client) open(ctx context.Context, m config.Mirror, repo string) (repoRef, error) {
	switch m.Kind {
	case config.MirrorRegistry:
		r, err := c.remote(m, repo)
		if err != nil {
			return repoRef{}, err
		}
		return repoRef{t: r, ref: func(tag string) string { return tag }}, nil
	case config.MirrorLayout:
		t, err := c.layout(ctx, m.Path, false)
		if err != nil {
			return repoRef{}, err
		}
		return repoRef{t: t, ref: func(tag string) string { return repo + ":" + tag }}, nil
	}
	return repoRef{}, fmt.Errorf("mirror %s: unknown kind %q", m.Raw, m.Kind)
}

// openWrite returns repo of m for pushing: a registry repository or a
// layout directory (created when missing). A .tar layout is read-only.
func (c *Client) openWrite(ctx context.Context, m config.Mirror, repo string) (writeTarget, func(string) string, error) {
	switch m.Kind {
	case config.MirrorRegistry:
		r, err := c.remote(m, repo)
		if err != nil {
			return nil, nil, err
		}
		return r, func(tag string) string { return tag }, nil
	case config.MirrorLayout:
		t, err := c.layout(ctx, m.Path, true)
		if err != nil {
			return nil, nil, err
		}
		w, ok := t.(writeTarget)
		if !ok {
			return nil, nil, fmt.Errorf("%s cannot be written", m)
		}
		return w, func(tag string) string { return repo + ":" + tag }, nil
	}
	return nil, nil, fmt.Errorf("mirror %s: unknown kind %q", m.Raw, m.Kind)
}

func (c *Client) remote(m config.Mirror, repo string) (*remote.Repository, error) {
	r, err := remote.NewRepository(m.Host + "/" + joinRepo(m.Base, repo))
	if err != nil {
		return nil, fmt.Errorf("mirror %s: repository %s: %w", m, repo, err)
	}
	host := m.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	// Plain http only to a loopback registry (a test, or a local
	// pull-through cache); anything else is https.
	r.PlainHTTP = isLoopback(strings.Trim(host, "[]"))
	c.once.Do(func() { c.cache = auth.NewCache() })
	client := &auth.Client{Cache: c.cache, Credential: c.Credential, Header: http.Header{"User-Agent": {"tote"}}}
	if c.HTTP != nil {
		client.Client = c.HTTP
	}
	r.Client = client
	return r, nil
}

// layout opens an OCI image layout: a directory (read-write), or a .tar
// file (read-only).
func (c *Client) layout(ctx context.Context, path string, write bool) (target, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.writable[path]; ok {
		return s, nil
	}
	if s, ok := c.readers[path]; ok && !write {
		return s, nil
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Mode().IsRegular():
		if write {
			return nil, fmt.Errorf("%s is a .tar layout, which tote reads but does not write; push to a directory layout or a registry", path)
		}
		s, err := oci.NewFromTar(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("OCI layout %s: %w", path, err)
		}
		if c.readers == nil {
			c.readers = map[string]*oci.ReadOnlyStore{}
		}
		c.readers[path] = s
		return s, nil
	case err == nil && fi.IsDir(), errors.Is(err, os.ErrNotExist) && write:
		if !write {
			if _, err := os.Stat(filepath.Join(path, ocispec.ImageLayoutFile)); err != nil {
				return nil, fmt.Errorf("%s is not an OCI image layout (no %s): %w", path, ocispec.ImageLayoutFile, ErrNotFound)
			}
		}
		s, err := oci.NewWithContext(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("OCI layout %s: %w", path, err)
		}
		s.AutoSaveIndex = true
		if c.writable == nil {
			c.writable = map[string]*oci.Store{}
		}
		c.writable[path] = s
		return s, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("OCI layout %s does not exist: %w", path, ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("OCI layout %s: %w", path, err)
	}
	return nil, fmt.Errorf("OCI layout %s is neither a directory nor a .tar file", path)
}

// manifest resolves tag in r and reads its manifest (verified against its
// digest), bounded.
func manifest(ctx context.Context, r repoRef, tag, want string) (ocispec.Descriptor, ocispec.Manifest, error) {
	var man ocispec.Manifest
	desc, err := r.t.Resolve(ctx, r.ref(tag))
	if err != nil {
		if errors.Is(err, errdef.ErrNotFound) {
			return desc, man, fmt.Errorf("%w (%v)", ErrNotFound, err)
		}
		return desc, man, err
	}
	if desc.MediaType != ocispec.MediaTypeImageManifest {
		return desc, man, fmt.Errorf("the reference is a %s, not an OCI image manifest", desc.MediaType)
	}
	if desc.Size > maxManifest {
		return desc, man, fmt.Errorf("the manifest is %d bytes, more than %d", desc.Size, maxManifest)
	}
	raw, err := content.FetchAll(ctx, r.t, desc)
	if err != nil {
		return desc, man, fmt.Errorf("fetch manifest %s: %w", desc.Digest, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&man); err != nil {
		return desc, man, fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	if man.ArtifactType != want {
		return desc, man, fmt.Errorf("manifest %s has artifactType %q, want %q", desc.Digest, man.ArtifactType, want)
	}
	if len(man.Layers) != 1 {
		return desc, man, fmt.Errorf("manifest %s has %d layers, want exactly one (the file)", desc.Digest, len(man.Layers))
	}
	if err := man.Layers[0].Digest.Validate(); err != nil || man.Layers[0].Digest.Algorithm() != "sha256" {
		return desc, man, fmt.Errorf("manifest %s: layer digest %q is not a sha256 digest", desc.Digest, man.Layers[0].Digest)
	}
	if man.Layers[0].Size < 0 {
		return desc, man, fmt.Errorf("manifest %s: negative layer size", desc.Digest)
	}
	return desc, man, nil
}

// copyVerified streams a blob into w, checking its size and digest as it
// comes: a blob whose bytes do not have the manifest's digest is an error
// (tampered, or damaged in the mirror) and w holds bytes to throw away.
func copyVerified(ctx context.Context, t content.Fetcher, desc ocispec.Descriptor, w io.Writer) error {
	rc, err := t.Fetch(ctx, desc)
	if err != nil {
		return fmt.Errorf("fetch blob %s: %w", desc.Digest, err)
	}
	defer rc.Close()
	vr := content.NewVerifyReader(rc, desc)
	if _, err := io.Copy(w, vr); err != nil {
		if errors.Is(err, content.ErrTrailingData) || errors.Is(err, io.ErrUnexpectedEOF) {
			return &TamperedError{Digest: desc.Digest.String(), Err: err}
		}
		return fmt.Errorf("read blob %s: %w", desc.Digest, err)
	}
	if err := vr.Verify(); err != nil {
		return &TamperedError{Digest: desc.Digest.String(), Err: err}
	}
	return nil
}

// TamperedError is a blob whose bytes do not match the digest the manifest
// gives: the mirror's copy is tampered with or damaged, and is refused.
type TamperedError struct {
	// Digest is the digest the bytes should have.
	Digest string
	// Err is the mismatch.
	Err error
}

// Error returns the message.
func (e *TamperedError) Error() string {
	return fmt.Sprintf("blob %s does not match its digest (tampered with or damaged in the mirror; refused): %v", e.Digest, e.Err)
}

// Unwrap returns the mismatch.
func (e *TamperedError) Unwrap() error { return e.Err }

// pushBlob uploads a blob unless the repository has it already.
func pushBlob(ctx context.Context, t writeTarget, desc ocispec.Descriptor, open func() (io.ReadCloser, error)) error {
	if ok, err := t.Exists(ctx, desc); err == nil && ok {
		return nil
	}
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := t.Push(ctx, desc, r); err != nil && !errors.Is(err, errdef.ErrAlreadyExists) {
		return fmt.Errorf("push blob %s: %w", desc.Digest, err)
	}
	return nil
}

// pushManifest uploads a manifest and tags it.
func pushManifest(ctx context.Context, t writeTarget, ref string, artifactType string, layer ocispec.Descriptor, annotations map[string]string) (ocispec.Descriptor, error) {
	empty := ocispec.DescriptorEmptyJSON
	if err := pushBlob(ctx, t, empty, func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(ocispec.DescriptorEmptyJSON.Data)), nil
	}); err != nil {
		return ocispec.Descriptor{}, err
	}
	empty.Data = nil // not embedded: older registries refuse unknown fields less often
	man := ocispec.Manifest{
		Versioned:    specsVersioned,
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: artifactType,
		Config:       empty,
		Layers:       []ocispec.Descriptor{layer},
		Annotations:  annotations,
	}
	raw, err := json.Marshal(man)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	desc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, raw)
	desc.ArtifactType = artifactType
	if rp, ok := t.(interface {
		PushReference(ctx context.Context, expected ocispec.Descriptor, r io.Reader, reference string) error
	}); ok {
		if err := rp.PushReference(ctx, desc, bytes.NewReader(raw), ref); err != nil {
			return desc, fmt.Errorf("push manifest %s: %w", ref, err)
		}
		return desc, nil
	}
	if err := t.Push(ctx, desc, bytes.NewReader(raw)); err != nil && !errors.Is(err, errdef.ErrAlreadyExists) {
		return desc, fmt.Errorf("push manifest: %w", err)
	}
	if err := t.Tag(ctx, desc, ref); err != nil {
		return desc, fmt.Errorf("tag %s: %w", ref, err)
	}
	return desc, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
