// Package npmreg reads the npm registry's package documents
// (https://registry.npmjs.org/<name>, "packuments"), for built-ins whose
// releases are npm packages (npm, pnpm, yarn): the versions, the
// dist-tags, and each version's dist (tarball URL, sha512 integrity and
// sha1 shasum). Both the full document and the abbreviated one
// ("application/vnd.npm.install-v1+json") have these fields.
package npmreg

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/tote-dev/tote/sdk"
)

// DefaultRegistry is the public npm registry.
const DefaultRegistry = "https://registry.npmjs.org"

// Dist is a version's "dist" object.
type Dist struct {
	// Tarball is the .tgz URL.
	Tarball string `json:"tarball"`
	// Integrity is the Subresource Integrity string, such as
	// "sha512-<base64>"; absent from packages published before 2017.
	Integrity string `json:"integrity,omitempty"`
	// Shasum is the sha1 of the tarball, in hex.
	Shasum string `json:"shasum,omitempty"`
}

// Version is one entry of a document's "versions".
type Version struct {
	// Version is the version without "v".
	Version string `json:"version"`
	// Dist locates and verifies the tarball.
	Dist Dist `json:"dist"`
	// Deprecated is the deprecation message, when the version is deprecated.
	Deprecated string `json:"-"`
}

// versionJSON decodes "deprecated", which is a string or (rarely) false.
type versionJSON struct {
	Version    string          `json:"version"`
	Dist       Dist            `json:"dist"`
	Deprecated json.RawMessage `json:"deprecated"`
}

// Document is the part of a package document a version manager needs.
type Document struct {
	// Name is the package name, such as "@yarnpkg/cli-dist".
	Name string
	// DistTags maps tags ("latest", "next-9") to versions.
	DistTags map[string]string
	// Versions maps each published version to its entry.
	Versions map[string]Version
}

type documentJSON struct {
	Name     string                 `json:"name"`
	DistTags map[string]string      `json:"dist-tags"`
	Versions map[string]versionJSON `json:"versions"`
}

// Parse reads a package document. Raw control characters inside strings
// (which some old yarn documents carry, see moonrepo/proto#257) are
// dropped and the document read again, as proto does.
func Parse(body []byte) (*Document, error) {
	var d documentJSON
	err := json.Unmarshal(body, &d)
	if err != nil {
		var se *json.SyntaxError
		if !asSyntax(err, &se) {
			return nil, err
		}
		clean := bytes.Map(func(r rune) rune {
			if r < 0x20 {
				return -1
			}
			return r
		}, body)
		d = documentJSON{}
		if err2 := json.Unmarshal(clean, &d); err2 != nil {
			return nil, err
		}
	}
	if len(d.Versions) == 0 && d.Name == "" {
		return nil, fmt.Errorf("not an npm package document: no name and no versions")
	}
	doc := &Document{Name: d.Name, DistTags: d.DistTags, Versions: make(map[string]Version, len(d.Versions))}
	if doc.DistTags == nil {
		doc.DistTags = map[string]string{}
	}
	for key, v := range d.Versions {
		ver := strings.TrimPrefix(strings.TrimSpace(v.Version), "v")
		if ver == "" {
			ver = key
		}
		out := Version{Version: ver, Dist: v.Dist}
		var msg string
		if json.Unmarshal(v.Deprecated, &msg) == nil {
			out.Deprecated = msg
		}
		doc.Versions[ver] = out
	}
	return doc, nil
}

func asSyntax(err error, target **json.SyntaxError) bool {
	se, ok := err.(*json.SyntaxError)
	if ok {
		*target = se
	}
	return ok
}

// SortedVersions returns the document's versions that are valid semantic
// versions, oldest first.
func (d *Document) SortedVersions() []string {
	out := make([]string, 0, len(d.Versions))
	for v := range d.Versions {
		if s, err := sdk.ParseSpec(v); err == nil && s.Kind == sdk.SpecExact {
			out = append(out, v)
		}
	}
	sdk.SortVersions(out)
	return out
}

// Tags returns the dist-tags that name a published version, sorted by tag.
func (d *Document) Tags() map[string]string {
	out := map[string]string{}
	for tag, v := range d.DistTags {
		if _, ok := d.Versions[v]; ok && tag != "" {
			out[tag] = v
		}
	}
	return out
}

// TagNames returns the keys of Tags, sorted.
func (d *Document) TagNames() []string {
	tags := d.Tags()
	names := make([]string, 0, len(tags))
	for n := range tags {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DocumentURL is the URL of a package's document on a registry: scoped
// names keep their "@" and have their "/" escaped as %2f, as npm does.
func DocumentURL(registry, name string) string {
	return strings.TrimRight(registry, "/") + "/" + EscapeName(name)
}

// EscapeName escapes a package name for a registry path.
func EscapeName(name string) string {
	if strings.HasPrefix(name, "@") {
		if scope, pkg, ok := strings.Cut(name, "/"); ok {
			return scope + "%2f" + url.PathEscape(pkg)
		}
	}
	return url.PathEscape(name)
}

// TarballName is the file name npm gives a version's tarball:
// "<name without scope>-<version>.tgz".
func TarballName(name, version string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name + "-" + version + ".tgz"
}

// TarballURL is where the registry serves a version's tarball by
// convention: <registry>/<name>/-/<name without scope>-<version>.tgz.
func TarballURL(registry, name, version string) string {
	return strings.TrimRight(registry, "/") + "/" + name + "/-/" + TarballName(name, version)
}

// Checksum turns an integrity string ("sha512-<base64>", possibly several
// space-separated hashes) into the host's "sha512:<hex>" form, preferring
// sha512, then sha256. It returns "" when there is no usable hash (old
// packages carry only a sha1 shasum, which tote does not verify).
func Checksum(integrity string) (string, error) {
	best := ""
	for _, h := range strings.Fields(integrity) {
		algo, b64, ok := strings.Cut(h, "-")
		if !ok {
			return "", fmt.Errorf("integrity %q is not <algorithm>-<base64>", h)
		}
		algo = strings.ToLower(algo)
		if algo != "sha512" && algo != "sha256" {
			continue
		}
		if i := strings.IndexByte(b64, '?'); i >= 0 { // SRI options
			b64 = b64[:i]
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("integrity %q: %v", h, err)
		}
		want := map[string]int{"sha512": 64, "sha256": 32}[algo]
		if len(raw) != want {
			return "", fmt.Errorf("integrity %q: a %s digest has %d bytes, not %d", h, algo, want, len(raw))
		}
		sum := algo + ":" + hex.EncodeToString(raw)
		if algo == "sha512" {
			return sum, nil
		}
		best = sum
	}
	return best, nil
}
