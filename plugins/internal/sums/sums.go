// Package sums reads checksum files in the format of GNU sha256sum and
// shasum ("<hex>  <name>", "<hex> *<name>" for binary mode, optionally
// "./" before the name), including a file holding a bare digest, as
// published beside release downloads (HashiCorp's SHA256SUMS, rustup's
// rustup-init.sha256, dl.k8s.io's .sha256). It is for cores that check a
// checksum file themselves (after verifying its signature, or before
// running what they downloaded); the host has its own reader for checksum
// files a plugin hands it.
package sums

import (
	"fmt"
	"strings"
)

// maxSize bounds a checksum file: real ones are a few KiB.
const maxSize = 1 << 20

// Entry is one line of a checksum file.
type Entry struct {
	// Hex is the lowercase digest.
	Hex string
	// Name is the file name without "*" or "./" ("" for a bare digest).
	Name string
}

// Parse reads every "<hex> <name>" line (LF or CRLF, a byte order mark
// ignored, blank lines and "#" comments skipped). size is the digest length
// in hex characters (64 for sha256). A line that is neither blank, a
// comment nor an entry is an error naming its number.
func Parse(content []byte, size int) ([]Entry, error) {
	if len(content) > maxSize {
		return nil, fmt.Errorf("checksum file is %d bytes, over the %d-byte bound", len(content), maxSize)
	}
	text := strings.TrimPrefix(string(content), "\ufeff")
	var out []Entry
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hex, name, _ := strings.Cut(line, " ")
		hex = strings.ToLower(hex)
		if len(hex) != size || strings.Trim(hex, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("line %d is not a checksum entry", i+1)
		}
		name = strings.TrimSpace(name)
		name = strings.TrimPrefix(name, "*")
		name = strings.TrimPrefix(name, "./")
		out = append(out, Entry{Hex: hex, Name: name})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("checksum file has no entries")
	}
	return out, nil
}

// Find returns the sha256 digest of name in a checksum file. A file with a
// single bare digest answers for any name; otherwise exactly one entry must
// carry the name (two different digests for one name are an error).
func Find(content []byte, name string) (string, error) {
	entries, err := Parse(content, 64)
	if err != nil {
		return "", err
	}
	if len(entries) == 1 && entries[0].Name == "" {
		return entries[0].Hex, nil
	}
	found := ""
	for _, e := range entries {
		if e.Name != name {
			continue
		}
		if found != "" && found != e.Hex {
			return "", fmt.Errorf("checksum file has two different entries for %s", name)
		}
		found = e.Hex
	}
	if found == "" {
		return "", fmt.Errorf("checksum file has no entry for %s", name)
	}
	return found, nil
}
