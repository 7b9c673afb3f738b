// Package ghtags lists a project's versions from the GitHub tags API, for
// built-ins whose upstream publishes releases as GitHub tags (deno, bun).
package ghtags

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// perPage is the page size every listing URL asks for ("?per_page=100").
const perPage = 100

type tag struct {
	Name string `json:"name"`
}

// Fetch reads up to maxPages pages of a GitHub tags listing (base ends in
// "?per_page=100"). It stops at a short page, an empty page, or a page that
// adds no new tag (a server that ignores the page parameter).
func Fetch(ctx context.Context, h pluginhost.Host, base string, maxPages int) ([]string, error) {
	seen := map[string]bool{}
	var names []string
	for page := 1; page <= maxPages; page++ {
		url := fmt.Sprintf("%s&page=%d", base, page)
		body, err := h.Fetch(ctx, url)
		if err != nil {
			return nil, err
		}
		var tags []tag
		if err := json.Unmarshal(body, &tags); err != nil {
			return nil, pluginhost.Errorf("list versions: %s is not a GitHub tags listing: %w", url, err)
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

// Versions keeps the tags named prefix+<semver> (dropping every other tag)
// and returns their versions, oldest first, and the newest stable one.
func Versions(names []string, prefix string) (versions []string, latest string) {
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
