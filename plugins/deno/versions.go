package deno

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// maxTagPages bounds the tags listing: Deno has about 450 tags (5 pages).
const maxTagPages = 30

// tag is one entry of the GitHub tags API; only the name is used.
type tag struct {
	Name string `json:"name"`
}

// fetchTags reads every page of a GitHub tags listing (base ends in
// "?per_page=100"). It stops at a short page, an empty page, or a page that
// adds no new tag (a server that ignores the page parameter).
func fetchTags(h pluginhost.Host, base string) ([]string, error) {
	const perPage = 100
	seen := map[string]bool{}
	var names []string
	for page := 1; page <= maxTagPages; page++ {
		url := fmt.Sprintf("%s&page=%d", base, page)
		body, err := h.Fetch(url)
		if err != nil {
			return nil, err
		}
		var tags []tag
		if err := json.Unmarshal(body, &tags); err != nil {
			return nil, pluginhost.Errorf("list versions: %s is not a GitHub tags listing: %v", url, err)
		}
		added := 0
		for _, t := range tags {
			if !seen[t.Name] {
				seen[t.Name] = true
				names = append(names, t.Name)
				added++
			}
		}
		if len(tags) < perPage || added == 0 {
			break
		}
	}
	return names, nil
}

// versionsFromTags keeps the tags named prefix+<semver> (dropping others
// such as Deno's old "std/0.50.0" tags) and returns their versions, oldest
// first, and the newest stable one.
func versionsFromTags(names []string, prefix string) (versions []string, latest string) {
	for _, n := range names {
		v, ok := strings.CutPrefix(n, prefix)
		if !ok {
			continue
		}
		s, err := sdk.ParseSpec(v)
		if err != nil || s.Kind != sdk.SpecExact {
			continue
		}
		versions = append(versions, v)
	}
	sdk.SortVersions(versions)
	for i := len(versions) - 1; i >= 0; i-- {
		if !strings.Contains(versions[i], "-") {
			latest = versions[i]
			break
		}
	}
	return versions, latest
}

// LoadVersions lists Deno's releases from the tags of denoland/deno
// ("v<semver>"), with latest = the newest stable release and a canary
// channel (built from main and served by dl.deno.land).
func LoadVersions(h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	names, err := fetchTags(h, TagsURL)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	versions, latest := versionsFromTags(names, "v")
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no v<version> tags", TagsURL)
	}
	out := api.LoadVersionsOutput{Versions: versions, Latest: latest, Canary: "canary"}
	if latest != "" {
		out.Aliases = map[string]string{"latest": latest, "stable": latest}
	}
	return out, nil
}
