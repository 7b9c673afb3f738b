// Package ghrelease writes GitHub "list releases" responses in the shape
// api.github.com returns, for benchmarks of plugins that read one
// (bench/ghreleases, host/runtime's BenchmarkMeter).
package ghrelease

import (
	"encoding/json"
	"fmt"
	"strings"
)

// targets are the platforms of a ripgrep release; each has an archive and
// its .sha256.
var targets = []string{
	"x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu", "i686-unknown-linux-gnu",
	"armv7-unknown-linux-gnueabihf", "armv7-unknown-linux-musleabihf", "armv7-unknown-linux-musleabi",
	"powerpc64-unknown-linux-gnu", "s390x-unknown-linux-gnu", "x86_64-apple-darwin",
	"aarch64-apple-darwin", "x86_64-pc-windows-msvc", "i686-pc-windows-msvc", "x86_64-pc-windows-gnu",
}

type obj = map[string]any

func user() obj {
	api := "https://api.github.com/users/BurntSushi"
	return obj{
		"login": "BurntSushi", "id": 456674, "node_id": "MDQ6VXNlcjQ1NjY3NA==",
		"avatar_url": "https://avatars.githubusercontent.com/u/456674?v=4", "gravatar_id": "",
		"url": api, "html_url": "https://github.com/BurntSushi",
		"followers_url": api + "/followers", "following_url": api + "/following{/other_user}",
		"gists_url": api + "/gists{/gist_id}", "starred_url": api + "/starred{/owner}{/repo}",
		"subscriptions_url": api + "/subscriptions", "organizations_url": api + "/orgs",
		"repos_url": api + "/repos", "events_url": api + "/events{/privacy}",
		"received_events_url": api + "/received_events", "type": "User", "user_view_type": "public",
		"site_admin": false,
	}
}

// List returns n releases of ripgrep, newest first, as GitHub's
// list-releases API returns them (compact JSON): every field of a release,
// its author and its assets (an archive and its .sha256 per platform), each
// with its uploader — about 45 kB a release.
func List(n int) []byte {
	b, err := json.Marshal(releases(n))
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}

func releases(n int) []obj {
	const repo = "https://api.github.com/repos/BurntSushi/ripgrep"
	var out []obj
	for i := range n {
		v := fmt.Sprintf("%d.%d.%d", 14-i/4, 3-i%4, i%3)
		id := 130000000 + i
		var assets []obj
		for k, t := range targets {
			for j, ext := range []string{".tar.gz", ".tar.gz.sha256"} {
				name := "ripgrep-" + v + "-" + t + ext
				aid := 100000000 + i*100 + 2*k + j
				assets = append(assets, obj{
					"url": fmt.Sprintf("%s/releases/assets/%d", repo, aid), "id": aid,
					"node_id": fmt.Sprintf("RA_kwDOAm4xbs4%d", aid), "name": name, "label": "",
					"uploader": user(), "content_type": "application/octet-stream", "state": "uploaded",
					"size": 1000 + aid%2000000, "digest": fmt.Sprintf("sha256:%064x", aid),
					"download_count": aid % 900000, "created_at": "2024-01-06T18:07:13Z",
					"updated_at":           "2024-01-06T18:07:14Z",
					"browser_download_url": "https://github.com/BurntSushi/ripgrep/releases/download/" + v + "/" + name,
				})
			}
		}
		out = append(out, obj{
			"url": fmt.Sprintf("%s/releases/%d", repo, id), "assets_url": fmt.Sprintf("%s/releases/%d/assets", repo, id),
			"upload_url": fmt.Sprintf("https://uploads.github.com/repos/BurntSushi/ripgrep/releases/%d/assets{?name,label}", id),
			"html_url":   "https://github.com/BurntSushi/ripgrep/releases/tag/" + v, "id": id, "author": user(),
			"node_id": fmt.Sprintf("RE_kwDOAm4xbs4%d", id), "tag_name": v, "target_commitish": "master",
			"name": v, "draft": false, "immutable": false, "prerelease": false,
			"created_at": "2024-01-06T18:01:00Z", "updated_at": "2024-01-06T18:10:00Z",
			"published_at": "2024-01-06T18:08:00Z", "assets": assets,
			"tarball_url": repo + "/tarball/" + v, "zipball_url": repo + "/zipball/" + v,
			"body": strings.Repeat("This release fixes a few bugs and adds a flag. ", 50),
		})
	}
	return out
}
