// Package registrytest runs a real OCI registry for tests: Debian's
// docker-registry (the CNCF distribution registry) on a free 127.0.0.1
// port, with its storage in a temporary directory, and pushes plugin
// artifacts to it with oras-go.
package registrytest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/crypto/bcrypt"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
)

// Binary is the registry executable installed by Debian's docker-registry
// package (.ci/run installs it).
const Binary = "docker-registry"

// Registry is a running registry.
type Registry struct {
	// Host is "127.0.0.1:<port>".
	Host string
	// Storage is the registry's storage directory (the filesystem
	// driver's root): tests tamper with blobs under
	// docker/registry/v2/blobs/sha256/<2 hex>/<hex>/data.
	Storage string
	cmd     *exec.Cmd
	log     *bytes.Buffer
}

// Options configure a registry.
type Options struct {
	// Users, when set, turns on htpasswd (basic) authentication with
	// these user names and passwords.
	Users map[string]string
}

// Available reports whether the registry binary is installed.
func Available() bool {
	_, err := exec.LookPath(Binary)
	return err == nil
}

// Start starts a registry whose storage lives in dir, waits until it
// answers, and returns it; Stop ends it.
func Start(ctx context.Context, dir string) (*Registry, error) {
	return StartWith(ctx, dir, Options{})
}

// StartWith is Start with options.
func StartWith(ctx context.Context, dir string, o Options) (*Registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	storage := filepath.Join(dir, "storage")
	if err := os.MkdirAll(storage, 0o755); err != nil {
		return nil, err
	}
	authCfg := ""
	if len(o.Users) > 0 {
		var lines []string
		for u, p := range o.Users {
			h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
			if err != nil {
				return nil, err
			}
			lines = append(lines, u+":"+string(h))
		}
		sort.Strings(lines)
		hp := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(hp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			return nil, err
		}
		authCfg = fmt.Sprintf("auth:\n  htpasswd:\n    realm: tote-test\n    path: %s\n", hp)
	}
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
  secret: tote-test-secret
`, storage, addr) + authCfg
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	r := &Registry{Host: addr, Storage: storage, log: &bytes.Buffer{}}
	r.cmd = exec.Command(Binary, "serve", cfgPath)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", Binary, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/v2/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || len(o.Users) > 0 && resp.StatusCode == http.StatusUnauthorized {
				return r, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.Stop()
			return nil, fmt.Errorf("%s did not answer on %s: %v\n%s", Binary, addr, err, r.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartT starts a registry for a test, stopping it at cleanup; the test
// is skipped, with a visible message, when the binary is missing.
func StartT(t testing.TB) *Registry {
	return StartTWith(t, Options{})
}

// StartTWith is StartT with options.
func StartTWith(t testing.TB, o Options) *Registry {
	t.Helper()
	if !Available() {
		t.Skipf("WARNING: %s is not installed (Debian package docker-registry; .ci/run installs it): the OCI registry test did not run", Binary)
	}
	r, err := StartWith(context.Background(), t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// Stop ends the registry.
func (r *Registry) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// Layer is one file of an artifact.
type Layer struct {
	// MediaType such as "application/wasm" or "application/toml".
	MediaType string
	// Title is the org.opencontainers.image.title annotation ("" for none).
	Title string
	// Data is the content.
	Data []byte
}

// Push pushes an artifact with the given layers as repo:tag (repo is
// "ns/name") and returns the manifest's digest.
func (r *Registry) Push(ctx context.Context, repo, tag, artifactType string, layers ...Layer) (string, error) {
	rp, err := remote.NewRepository(r.Host + "/" + repo)
	if err != nil {
		return "", err
	}
	rp.PlainHTTP = true
	var descs []ocispec.Descriptor
	for _, l := range layers {
		d := content.NewDescriptorFromBytes(l.MediaType, l.Data)
		if l.Title != "" {
			d.Annotations = map[string]string{ocispec.AnnotationTitle: l.Title}
		}
		if err := rp.Push(ctx, d, bytes.NewReader(l.Data)); err != nil {
			return "", fmt.Errorf("push layer %s: %w", l.Title, err)
		}
		descs = append(descs, d)
	}
	man, err := oras.PackManifest(ctx, rp, oras.PackManifestVersion1_1, artifactType, oras.PackManifestOptions{Layers: descs})
	if err != nil {
		return "", fmt.Errorf("pack manifest: %w", err)
	}
	if err := rp.Tag(ctx, man, tag); err != nil {
		return "", fmt.Errorf("tag %s: %w", tag, err)
	}
	return man.Digest.String(), nil
}

// MediaTypeFor guesses a plugin layer media type from a file name.
func MediaTypeFor(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".wasm":
		return "application/wasm"
	case ".toml":
		return "application/toml"
	case ".json":
		return "application/json"
	case ".yaml", ".yml":
		return "application/yaml"
	}
	return "application/octet-stream"
}

// BlobPath is where the registry's filesystem storage keeps the blob with
// digest "sha256:<hex>" (tests tamper with it there).
func (r *Registry) BlobPath(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	if len(hex) < 2 {
		return ""
	}
	return filepath.Join(r.Storage, "docker", "registry", "v2", "blobs", "sha256", hex[:2], hex, "data")
}
