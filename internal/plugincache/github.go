package plugincache

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// GitHubRef is a parsed github:// locator value: owner/repo[/project][@tag].
type GitHubRef struct {
	Owner, Repo, Project, Tag string
}

// ParseGitHub parses owner/repo[/project][@tag].
func ParseGitHub(v string) (GitHubRef, error) {
	var r GitHubRef
	v, r.Tag, _ = strings.Cut(v, "@")
	parts := strings.Split(v, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" || (len(parts) == 3 && parts[2] == "") {
		return r, fmt.Errorf("github locator %q: want owner/repo[/project][@tag]", v)
	}
	r.Owner, r.Repo = parts[0], parts[1]
	if len(parts) == 3 {
		r.Project = parts[2]
	}
	if r.Tag == "latest" {
		r.Tag = ""
	}
	return r, nil
}

type ghRelease struct {
	TagName    string    `json:"tag_name"`
	Draft      bool      `json:"draft"`
	Prerelease bool      `json:"prerelease"`
	Assets     []ghAsset `json:"assets"`
}

type ghAsset struct {
	Name string `json:"name"`
	URL  string `json:"browser_download_url"`
}

func (c *Cache) ghJSON(ctx context.Context, apiPath string, v any) error {
	base := c.GitHubAPI
	if base == "" {
		base = "https://api.github.com"
	}
	h := map[string]string{"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
	if c.GitHubToken != "" {
		h["Authorization"] = "Bearer " + c.GitHubToken
	}
	data, src, err := c.get(ctx, strings.TrimSuffix(base, "/")+apiPath, h)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("GitHub API %s: %w", src, err)
	}
	return nil
}

// fetchGitHub downloads a release asset: the release tagged Tag, or the
// latest release (for a project in a monorepo, the newest non-draft,
// non-prerelease release whose tag starts with the project's name). The
// asset is a plugin file (.wasm, .toml, .json, .yaml); with a project, one
// whose name starts with the project's name (dashes and underscores alike).
func (c *Cache) fetchGitHub(ctx context.Context, v string) (*Entry, []byte, error) {
	ref, err := ParseGitHub(v)
	if err != nil {
		return nil, nil, err
	}
	repoPath := "/repos/" + url.PathEscape(ref.Owner) + "/" + url.PathEscape(ref.Repo)
	var rel ghRelease
	switch {
	case ref.Tag != "":
		err = c.ghJSON(ctx, repoPath+"/releases/tags/"+url.PathEscape(ref.Tag), &rel)
	case ref.Project == "":
		err = c.ghJSON(ctx, repoPath+"/releases/latest", &rel)
	default:
		var list []ghRelease
		if err = c.ghJSON(ctx, repoPath+"/releases?per_page=100", &list); err == nil {
			found := false
			for _, r := range list {
				if !r.Draft && !r.Prerelease && hasProjectPrefix(r.TagName, ref.Project) {
					rel, found = r, true
					break
				}
			}
			if !found {
				err = fmt.Errorf("no release of %s/%s has a tag for project %s", ref.Owner, ref.Repo, ref.Project)
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	var asset *ghAsset
	for i, a := range rel.Assets {
		if pluginExt(a.Name) == "" {
			continue
		}
		if ref.Project != "" && !hasProjectPrefix(a.Name, ref.Project) {
			continue
		}
		// Prefer a .wasm asset when a release carries several formats.
		if asset == nil || (pluginExt(a.Name) == ".wasm" && pluginExt(asset.Name) != ".wasm") {
			asset = &rel.Assets[i]
		}
	}
	if asset == nil {
		return nil, nil, fmt.Errorf("release %s of %s/%s has no plugin asset (.wasm, .toml, .json or .yaml)", rel.TagName, ref.Owner, ref.Repo)
	}
	data, src, err := c.get(ctx, asset.URL, nil)
	if err != nil {
		return nil, nil, err
	}
	return &Entry{Source: src, Name: asset.Name}, data, nil
}

func hasProjectPrefix(s, project string) bool {
	norm := func(x string) string { return strings.ReplaceAll(strings.ToLower(x), "_", "-") }
	return strings.HasPrefix(norm(s), norm(project))
}
