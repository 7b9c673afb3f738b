package toolchain

import (
	"path"
	"sort"
	"strings"
)

// LsRef is one reference of a remote repository as the host's ls-remote
// client lists it.
type LsRef struct {
	// Name is the full name, such as "refs/tags/v1.2.3" or "HEAD".
	Name string
	// Hash is the object it points at.
	Hash string
	// Peeled is the commit an annotated tag points at ("" otherwise).
	Peeled string
	// Target is the reference a symbolic ref (HEAD) points at, if known.
	Target string
}

// formatLsRemote prints refs exactly as `git ls-remote` does for req: the
// listing the remote gave (annotated tags followed by their "^{}" line),
// kept to refs/tags/ and refs/heads/ for --tags and --heads, without peeled
// and pseudo refs for --refs, tail-matched against the patterns, sorted by
// --sort (refname, or version:refname with git's version order, either
// reversed by a leading '-'), with "ref: <target>\t<name>" before a symbolic
// ref for --symref. The exit code is 2 for an empty listing under
// --exit-code, else 0.
func formatLsRemote(refs []LsRef, req LsRemoteRequest) (string, int) {
	type line struct{ name, hash, target string }
	var lines []line
	for _, r := range refs {
		lines = append(lines, line{r.Name, r.Hash, r.Target})
		if r.Peeled != "" {
			lines = append(lines, line{r.Name + "^{}", r.Peeled, ""})
		}
	}
	keep := lines[:0]
	for _, l := range lines {
		if !lsRefType(l.name, req) || !lsTailMatch(req.Patterns, l.name) {
			continue
		}
		keep = append(keep, l)
	}
	lines = keep
	if key := strings.TrimPrefix(req.Sort, "-"); key != "" {
		less := func(a, b string) bool { return a < b }
		if key == "version:refname" || key == "v:refname" {
			less = func(a, b string) bool { return versionCompare(a, b) < 0 }
		}
		reverse := strings.HasPrefix(req.Sort, "-")
		sort.SliceStable(lines, func(i, j int) bool {
			if reverse {
				return less(lines[j].name, lines[i].name)
			}
			return less(lines[i].name, lines[j].name)
		})
	}
	var b strings.Builder
	for _, l := range lines {
		if req.Symref && l.target != "" {
			b.WriteString("ref: " + l.target + "\t" + l.name + "\n")
		}
		b.WriteString(l.hash + "\t" + l.name + "\n")
	}
	if req.ExitCode && len(lines) == 0 {
		return "", 2
	}
	return b.String(), 0
}

// lsRefType is git's check_ref_type: --tags and --heads keep refs/tags/ and
// refs/heads/ (peeled tags included unless --refs); --refs alone drops
// pseudo refs (HEAD) and peeled tags.
func lsRefType(name string, req LsRemoteRequest) bool {
	if req.Refs && (strings.HasSuffix(name, "^{}") || !strings.HasPrefix(name, "refs/")) {
		return false
	}
	if !req.Tags && !req.Heads {
		return true
	}
	return (req.Tags && strings.HasPrefix(name, "refs/tags/")) || (req.Heads && strings.HasPrefix(name, "refs/heads/"))
}

// lsTailMatch is git's tail_match: with no patterns everything matches;
// otherwise "*/<pattern>" must match "/<name>", '*' crossing '/'.
func lsTailMatch(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := globAll("*/"+p, "/"+name); ok {
			return true
		}
	}
	return false
}

// globAll matches pattern against name where '*' also crosses '/', as
// git's wildmatch does without WM_PATHNAME.
func globAll(pattern, name string) (bool, error) {
	if pattern == "" {
		return name == "", nil
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(name); i++ {
			if ok, _ := globAll(pattern[1:], name[i:]); ok {
				return true, nil
			}
		}
		return false, nil
	case '?':
		if name == "" {
			return false, nil
		}
		return globAll(pattern[1:], name[1:])
	case '[', '\\':
		// Character classes and escapes: one component at a time.
		i := strings.IndexAny(pattern[1:], "*?")
		seg := pattern
		if i >= 0 {
			seg = pattern[:i+1]
		}
		for n := 0; n <= len(name); n++ {
			if ok, err := path.Match(seg, name[:n]); err == nil && ok {
				if ok2, _ := globAll(pattern[len(seg):], name[n:]); ok2 {
					return true, nil
				}
			}
		}
		return false, nil
	}
	if name == "" || name[0] != pattern[0] {
		return false, nil
	}
	return globAll(pattern[1:], name[1:])
}

// versionCompare orders strings as git's "version:refname" sort does (the
// strverscmp algorithm): runs of digits compare as numbers, and runs with
// leading zeros as fractional parts.
func versionCompare(s1, s2 string) int {
	const (
		sN = 0 // normal
		sI = 3 // comparing integral part
		sF = 6 // comparing fractional part
		sZ = 9 // idem but with leading zeroes only
	)
	const cmp, length = 2, 3
	next := [...]int{
		sN, sI, sZ,
		sN, sI, sI,
		sN, sF, sF,
		sN, sF, sZ,
	}
	result := [...]int{
		cmp, cmp, cmp, cmp, length, cmp, cmp, cmp, cmp,
		cmp, -1, -1, +1, length, length, +1, length, length,
		cmp, cmp, cmp, cmp, cmp, cmp, cmp, cmp, cmp,
		cmp, +1, +1, -1, cmp, cmp, -1, cmp, cmp,
	}
	at := func(s string, i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	class := func(c byte) int {
		n := 0
		if c == '0' {
			n++
		}
		if isDigit(c) {
			n++
		}
		return n
	}
	if s1 == s2 {
		return 0
	}
	i := 0
	c1, c2 := at(s1, 0), at(s2, 0)
	state := sN + class(c1)
	for c1 == c2 {
		if c1 == 0 {
			return 0
		}
		state = next[state]
		i++
		c1, c2 = at(s1, i), at(s2, i)
		state += class(c1)
	}
	diff := int(c1) - int(c2)
	switch r := result[state*3+class(c2)]; r {
	case cmp:
		return diff
	case length:
		k := i + 1
		for ; isDigit(at(s1, k)); k++ {
			if !isDigit(at(s2, k)) {
				return 1
			}
		}
		if isDigit(at(s2, k)) {
			return -1
		}
		return diff
	default:
		return r
	}
}
