package install

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/jedisct1/go-minisign"
)

// Checksum algorithms.
const (
	AlgoSHA256   = "sha256"
	AlgoSHA512   = "sha512"
	AlgoMinisign = "minisign"
)

// Checksum is an expected checksum: a hash in lowercase hex, or for
// AlgoMinisign a minisign public key (base64) whose signature file must
// verify the download.
type Checksum struct {
	// Algo is AlgoSHA256, AlgoSHA512 or AlgoMinisign.
	Algo string
	// Value is lowercase hex for hashes, the base64 public key for minisign.
	Value string
}

// String returns the wire form, "sha256:<hex>", "sha512:<hex>" or
// "minisign:<key>".
func (c Checksum) String() string { return c.Algo + ":" + c.Value }

// IsZero reports whether c is the zero Checksum.
func (c Checksum) IsZero() bool { return c.Algo == "" && c.Value == "" }

// ParseChecksum parses a checksum as plugins write it: "sha256:<hex>",
// "sha512:<hex>", "minisign:<public key>", or bare hex whose length tells the
// algorithm (64 digits sha256, 128 sha512). Prefix and hex are
// case-insensitive; the result's hex is lowercase.
func ParseChecksum(s string) (Checksum, error) {
	s = strings.TrimSpace(s)
	algo, val, found := strings.Cut(s, ":")
	if !found {
		val = s
		switch len(s) {
		case 64:
			algo = AlgoSHA256
		case 128:
			algo = AlgoSHA512
		default:
			return Checksum{}, fmt.Errorf("invalid checksum %q: want sha256:<hex>, sha512:<hex>, minisign:<key> or 64/128 hex digits", s)
		}
	}
	algo = strings.ToLower(strings.TrimSpace(algo))
	val = strings.TrimSpace(val)
	switch algo {
	case AlgoSHA256, AlgoSHA512:
		want := 64
		if algo == AlgoSHA512 {
			want = 128
		}
		if len(val) != want || !isHex(val) {
			return Checksum{}, fmt.Errorf("invalid checksum %q: %s needs %d hex digits", s, algo, want)
		}
		return Checksum{Algo: algo, Value: strings.ToLower(val)}, nil
	case AlgoMinisign:
		if _, err := minisign.NewPublicKey(val); err != nil {
			return Checksum{}, fmt.Errorf("invalid checksum %q: not a minisign public key", s)
		}
		return Checksum{Algo: AlgoMinisign, Value: val}, nil
	}
	return Checksum{}, fmt.Errorf("invalid checksum %q: unknown algorithm %q (want sha256, sha512 or minisign)", s, algo)
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && s != ""
}

// checksumEntry is one hash found in a checksum file.
type checksumEntry struct {
	sum  Checksum
	name string // as written, may be empty, may have a directory
}

var (
	// BSD style: "SHA256 (node.tar.gz) = <hex>".
	bsdLine = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i:(SHA256|SHA512|SHA-256|SHA-512)) ?\((.*)\) ?= ?([0-9A-Fa-f]+)$`)
	})
	// PowerShell Format-List: "Hash      : <HEX>", "Path      : C:\...\name".
	psField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(Algorithm|Hash|Path)\s*:\s*(.*)$`) })
)

// FindInChecksumFile finds the checksum of fileName in a checksum file.
// It reads:
//   - coreutils/shasum lines, "<hex>  <name>" or "<hex> *<name>" (binary
//     marker), and "<hex>" alone; names may carry a directory
//     ("./name", "win-x64/node.exe"), and backslash-escaped lines
//     ("\<hex>  a\\b") are unescaped;
//   - BSD lines, "SHA256 (<name>) = <hex>";
//   - PowerShell Get-FileHash | Format-List output ("Hash : <HEX>" with a
//     "Path : C:\...\<name>" line), as Deno's Windows assets use;
//
// with LF or CRLF endings, blank lines, any hex case, and lines it cannot read
// (PGP armor, comments) ignored. An entry whose name equals fileName wins;
// otherwise one whose base name equals fileName's base name; a file with a
// single unnamed hash gives that hash. No match, or several different
// hashes for one base name, is an error naming fileName.
func FindInChecksumFile(content []byte, fileName string) (Checksum, error) {
	entries := parseChecksumFile(content)
	if len(entries) == 0 {
		return Checksum{}, fmt.Errorf("checksum file has no checksums (looking for %s)", fileName)
	}
	want := normName(fileName)
	if len(entries) == 1 && entries[0].name == "" {
		return entries[0].sum, nil
	}
	if want == "" {
		return Checksum{}, fmt.Errorf("checksum file has %d entries and no file name was given", len(entries))
	}
	for _, e := range entries {
		if normName(e.name) == want {
			return e.sum, nil
		}
	}
	base := path.Base(want)
	var found []checksumEntry
	for _, e := range entries {
		if e.name != "" && path.Base(normName(e.name)) == base {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		return Checksum{}, fmt.Errorf("checksum file has no entry for %s", fileName)
	case len(found) > 1:
		names := make([]string, 0, len(found))
		same := true
		for _, e := range found {
			names = append(names, e.name)
			same = same && e.sum == found[0].sum
		}
		if !same {
			return Checksum{}, fmt.Errorf("checksum file has %d different entries named %s (%s): give the full name", len(found), base, strings.Join(names, ", "))
		}
	}
	return found[0].sum, nil
}

// normName makes a name from a checksum file comparable: forward slashes,
// no leading "./" or "*".
func normName(n string) string {
	n = strings.ReplaceAll(strings.TrimSpace(n), `\`, "/")
	for strings.HasPrefix(n, "./") {
		n = n[2:]
	}
	return n
}

func parseChecksumFile(content []byte) []checksumEntry {
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	var out []checksumEntry
	var ps struct {
		algo, hash, path string
	}
	flushPS := func() {
		if ps.hash != "" {
			if sum, ok := hashOf(ps.hash, ps.algo); ok {
				out = append(out, checksumEntry{sum: sum, name: ps.path})
			}
		}
		ps.algo, ps.hash, ps.path = "", "", ""
	}
	for _, raw := range strings.Split(string(content), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			flushPS() // a blank line ends a Format-List record
			continue
		}
		if m := psField().FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "Algorithm":
				flushPS()
				ps.algo = m[2]
			case "Hash":
				if ps.hash != "" {
					flushPS()
				}
				ps.hash = m[2]
			case "Path":
				// Windows paths: keep only the base name.
				p := strings.ReplaceAll(m[2], `\`, "/")
				ps.path = path.Base(p)
			}
			continue
		}
		if m := bsdLine().FindStringSubmatch(line); m != nil {
			algo := strings.ReplaceAll(strings.ToLower(m[1]), "-", "")
			if sum, ok := hashOf(m[3], algo); ok {
				out = append(out, checksumEntry{sum: sum, name: m[2]})
			}
			continue
		}
		if e, ok := parseCoreutilsLine(line); ok {
			out = append(out, e)
		}
	}
	flushPS()
	return out
}

// parseCoreutilsLine reads "<hex>", "<hex>  name", "<hex> *name" and the
// escaped form "\<hex>  name-with-\\-or-\n".
func parseCoreutilsLine(line string) (checksumEntry, bool) {
	escaped := strings.HasPrefix(line, `\`)
	if escaped {
		line = line[1:]
	}
	h, rest, _ := strings.Cut(line, " ")
	if i := strings.IndexByte(h, '\t'); i >= 0 {
		h, rest = h[:i], h[i+1:]+" "+rest
	}
	sum, ok := hashOf(h, "")
	if !ok {
		return checksumEntry{}, false
	}
	name := strings.TrimLeft(rest, " \t")
	name = strings.TrimPrefix(name, "*")
	if escaped {
		name = strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\r`, "\r").Replace(name)
	}
	return checksumEntry{sum: sum, name: name}, true
}

// hashOf turns hex into a Checksum; algo ("sha256", "SHA512", "") must agree
// with the length when given.
func hashOf(h, algo string) (Checksum, bool) {
	h = strings.TrimSpace(h)
	if !isHex(h) {
		return Checksum{}, false
	}
	var a string
	switch len(h) {
	case 64:
		a = AlgoSHA256
	case 128:
		a = AlgoSHA512
	default:
		return Checksum{}, false
	}
	if algo != "" && strings.ReplaceAll(strings.ToLower(algo), "-", "") != a {
		return Checksum{}, false
	}
	return Checksum{Algo: a, Value: strings.ToLower(h)}, true
}
