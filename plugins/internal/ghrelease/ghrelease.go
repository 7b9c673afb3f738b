// Package ghrelease reads one GitHub release from the REST API
// (GET /repos/{owner}/{repo}/releases/tags/{tag}) for built-ins whose
// upstream publishes its binaries as release assets: the asset names, their
// download URLs and the sha256 digest GitHub computes for every uploaded
// asset ("digest": "sha256:<hex>", null when GitHub has none).
package ghrelease

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
)

// APIBase is the GitHub REST API root.
const APIBase = "https://api.github.com/"

// Release is the part of a release object the built-ins read.
type Release struct {
	// TagName is the release's tag (wire: "tag_name").
	TagName string `json:"tag_name"`
	// Draft and Prerelease are the release's flags.
	Draft      bool `json:"draft"`
	Prerelease bool `json:"prerelease"`
	// Assets are the uploaded files.
	Assets []Asset `json:"assets"`
}

// Asset is one uploaded file of a release.
type Asset struct {
	// Name is the file name (wire: "name").
	Name string `json:"name"`
	// URL is where browsers download it (wire: "browser_download_url").
	URL string `json:"browser_download_url"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
	// Digest is "sha256:<hex>" computed by GitHub, or "" (wire: "digest",
	// null for assets GitHub has no digest of).
	Digest string `json:"digest"`
}

// TagURL is the API URL of the release of a tag in owner/repo.
func TagURL(repo, tag string) string {
	return APIBase + "repos/" + repo + "/releases/tags/" + tag
}

// Fetch reads a release object from url.
func Fetch(ctx context.Context, h pluginhost.Host, url string) (Release, error) {
	body, err := h.Fetch(ctx, url)
	if err != nil {
		return Release{}, err
	}
	return Parse(url, body)
}

// Parse decodes a release object; url names the source in errors.
func Parse(url string, body []byte) (Release, error) {
	var r Release
	if err := json.Unmarshal(body, &r); err != nil {
		return Release{}, pluginhost.Errorf("%s is not a GitHub release: %v", url, err)
	}
	if r.TagName == "" {
		return Release{}, pluginhost.Errorf("%s is not a GitHub release: it has no tag_name", url)
	}
	return r, nil
}

// Asset returns the asset with the given name.
func (r Release) Asset(name string) (Asset, bool) {
	for _, a := range r.Assets {
		if a.Name == name {
			return a, true
		}
	}
	return Asset{}, false
}

// Names returns the asset names, in the release's order.
func (r Release) Names() []string {
	names := make([]string, 0, len(r.Assets))
	for _, a := range r.Assets {
		names = append(names, a.Name)
	}
	return names
}

// Checksum returns the asset's digest as a contract checksum
// ("sha256:<64 lowercase hex>"); false when GitHub gave none. A digest of
// another algorithm or a malformed one is an error: it must not pass for
// "no checksum".
func (a Asset) Checksum() (api.Checksum, bool, error) {
	if a.Digest == "" {
		return "", false, nil
	}
	algo, hex, ok := strings.Cut(a.Digest, ":")
	hex = strings.ToLower(hex)
	if !ok || algo != "sha256" || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", false, pluginhost.Errorf("release asset %s has a digest tote cannot check: %q", a.Name, a.Digest)
	}
	return api.Checksum("sha256:" + hex), true, nil
}

// String names the release for messages.
func (r Release) String() string { return fmt.Sprintf("release %s", r.TagName) }
