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
		// The key is the version the registry serves documents and
		// tarballs under; an entry's own "version" field that disagrees
		// does not rename it.
		ver := strings.TrimPrefix(strings.TrimSpace(key), "v")
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

// ParseIndex reads only what a version list needs — the name, the
// dist-tags and the versions' keys — skipping each version's body with a
// byte scanner instead of decoding it (a full document is megabytes: npm's
// has 580 versions, each a whole package.json). Versions carry no Dist.
func ParseIndex(body []byte) (*Document, error) {
	sc := scanner{b: body}
	sc.ws()
	if !sc.eat('{') {
		return nil, fmt.Errorf("not an npm package document: not a JSON object")
	}
	doc := &Document{DistTags: map[string]string{}, Versions: map[string]Version{}}
	for first := true; ; first = false {
		sc.ws()
		if sc.eat('}') {
			break
		}
		if !first && !sc.eat(',') {
			return nil, sc.err("want , or }")
		}
		sc.ws()
		key, err := sc.str()
		if err != nil {
			return nil, err
		}
		sc.ws()
		if !sc.eat(':') {
			return nil, sc.err("want :")
		}
		sc.ws()
		start := sc.i
		if err := sc.skip(); err != nil {
			return nil, err
		}
		raw := body[start:sc.i]
		switch key {
		case "name":
			if err := json.Unmarshal(raw, &doc.Name); err != nil {
				return nil, fmt.Errorf("name: %w", err)
			}
		case "dist-tags":
			if err := json.Unmarshal(raw, &doc.DistTags); err != nil {
				return nil, fmt.Errorf("dist-tags: %w", err)
			}
		case "versions":
			keys, err := objectKeys(raw)
			if err != nil {
				return nil, fmt.Errorf("versions: %w", err)
			}
			for _, k := range keys {
				v := strings.TrimPrefix(strings.TrimSpace(k), "v")
				doc.Versions[v] = Version{Version: v}
			}
		}
	}
	if len(doc.Versions) == 0 && doc.Name == "" {
		return nil, fmt.Errorf("not an npm package document: no name and no versions")
	}
	if doc.DistTags == nil {
		doc.DistTags = map[string]string{}
	}
	return doc, nil
}

// objectKeys returns the keys of a JSON object, skipping the values.
func objectKeys(b []byte) ([]string, error) {
	sc := scanner{b: b}
	sc.ws()
	if !sc.eat('{') {
		return nil, sc.err("want an object")
	}
	var keys []string
	for first := true; ; first = false {
		sc.ws()
		if sc.eat('}') {
			return keys, nil
		}
		if !first && !sc.eat(',') {
			return nil, sc.err("want , or }")
		}
		sc.ws()
		k, err := sc.str()
		if err != nil {
			return nil, err
		}
		sc.ws()
		if !sc.eat(':') {
			return nil, sc.err("want :")
		}
		sc.ws()
		if err := sc.skip(); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
}

// scanner walks JSON bytes without decoding them.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) err(msg string) error { return fmt.Errorf("invalid JSON at byte %d: %s", s.i, msg) }

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\t' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string and decodes it (with encoding/json, for escapes).
func (s *scanner) str() (string, error) {
	start := s.i
	if err := s.skipString(); err != nil {
		return "", err
	}
	var out string
	if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
		return "", s.err(err.Error())
	}
	return out, nil
}

func (s *scanner) skipString() error {
	if !s.eat('"') {
		return s.err("want a string")
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
		case '"':
			s.i++
			return nil
		default:
			s.i++
		}
	}
	return s.err("unterminated string")
}

// skip passes over one value; strings are skipped whole, so brackets in
// them do not count.
func (s *scanner) skip() error {
	if s.i >= len(s.b) {
		return s.err("want a value")
	}
	switch s.b[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if err := s.skipString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
			}
			s.i++
		}
		return s.err("unterminated object or array")
	default:
		start := s.i
		for s.i < len(s.b) && !strings.ContainsRune(",}] \n\t\r", rune(s.b[s.i])) {
			s.i++
		}
		if s.i == start {
			return s.err("want a value")
		}
		return nil
	}
}
