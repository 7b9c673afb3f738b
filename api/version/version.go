// Package version is tote's one version library: it parses version specs
// as a user writes them (in .prototools, version files or on the command
// line), matches them against versions, and orders versions. The host,
// the shim's fast path and the guest SDK all use it, so a spec means the
// same thing everywhere. It uses the standard library only, builds for
// GOOS=wasip1, compiles no regular expression and allocates little, as the
// shim runs it on every shimmed command.
//
// The syntax and meaning follow proto's UnresolvedVersionSpec (proto's
// version-spec crate over Rust's semver crate):
//
//	1.2.3, v1.2.3, 1.2.3-rc.1, 1.2.3+build   exact version (KindExact)
//	2024-01-02, 2024-1-2, 2024-01-02-beta    exact calendar version (KindExact)
//	20, 1.22, v20, 2024-01                   partial version (KindPartial): ~20, ~1.22
//	^1.2, ~1.2.3, >=1.20 <1.23, >=1.20, <2,
//	>=1.20 && <2, 1.x, 1.2.*, *, ^18 || ^20  requirement (KindRange)
//	latest, stable, lts, lts/*, lts-iron     alias (KindAlias)
//	canary                                   canary build (KindCanary)
//
// A partial version matches the stable versions that start with it (it
// is proto's "~1.22"). In a requirement, a version without an operator is
// a caret requirement ("1.2, <1.9" is "^1.2, <1.9"), as in Rust's semver
// crate. A prerelease version matches a requirement only when one of the
// comparators of the same alternative names a prerelease of the same
// major.minor.patch: ">=1.2.3-beta" matches 1.2.3-rc.1 but not
// 1.2.4-rc.1, and "^1.2" matches no prerelease. Build metadata does not
// take part in precedence. Calendar versions are year.month.day for
// matching and ordering; a year of fewer than four digits counts from
// 2000, as in proto.
//
// Beyond proto, tote accepts hyphen ranges ("1.2 - 1.4", npm's inclusive
// range), "!=" and "==" comparators, any case of "canary", and keeps other
// version-like text ("1.21rc2", "1.2.3.4") as a literal (KindLiteral) that
// matches only the same text, where proto reports an error.
package version

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Version is a parsed version. Its zero value is 0.0.0.
type Version struct {
	// Major, Minor and Patch are the numbers (year, month and day for a
	// calendar version).
	Major, Minor, Patch uint64
	// Pre is the prerelease ("rc.1" in 1.2.3-rc.1), "" for a release.
	Pre string
	// Build is the build metadata ("build.5" in 1.2.3+build.5; the micro
	// number of a calendar version such as 2024-01-02.1).
	Build string
	// Calendar is true for a version written as a date.
	Calendar bool
}

// String formats v as semver (major.minor.patch[-pre][+build]), or as a
// date (YYYY-MM-DD[.build][-pre]) for a calendar version.
func (v Version) String() string {
	var b strings.Builder
	if v.Calendar {
		pad := func(n uint64, w int) {
			s := strconv.FormatUint(n, 10)
			for i := len(s); i < w; i++ {
				b.WriteByte('0')
			}
			b.WriteString(s)
		}
		pad(v.Major, 4)
		b.WriteByte('-')
		pad(v.Minor, 2)
		b.WriteByte('-')
		pad(v.Patch, 2)
		if v.Build != "" {
			b.WriteString("." + v.Build)
		}
		if v.Pre != "" {
			b.WriteString("-" + v.Pre)
		}
		return b.String()
	}
	b.WriteString(strconv.FormatUint(v.Major, 10))
	b.WriteByte('.')
	b.WriteString(strconv.FormatUint(v.Minor, 10))
	b.WriteByte('.')
	b.WriteString(strconv.FormatUint(v.Patch, 10))
	if v.Pre != "" {
		b.WriteString("-" + v.Pre)
	}
	if v.Build != "" {
		b.WriteString("+" + v.Build)
	}
	return b.String()
}

// Parse parses a version as a tool lists it: semver with an optional
// leading "v" or "V", where missing minor and patch numbers are zero
// ("1.22" is 1.22.0), or a calendar date (2024-01-02, 2024-01). Anything
// else is an error.
func Parse(s string) (Version, error) {
	p, err := parse(strings.TrimSpace(s), false)
	if err != nil {
		return Version{}, err
	}
	return p.Version, nil
}

// Compare orders two version strings: by precedence (see Parse; build
// metadata ignored), versions before strings that are not versions, and
// otherwise — both invalid, or equal precedence such as "1.2.3" and
// "v1.2.3" — by byte order, so the order is total. It returns -1, 0 or +1.
func Compare(a, b string) int {
	va, errA := Parse(a)
	vb, errB := Parse(b)
	switch {
	case errA == nil && errB == nil:
		if c := va.Compare(vb); c != 0 {
			return c
		}
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Compare orders v and w by precedence: numbers, then a prerelease before
// its release, prerelease identifiers compared numerically when both are
// numbers and lexically otherwise. Build metadata is ignored. It returns
// -1, 0 or +1.
func (v Version) Compare(w Version) int {
	for _, d := range [3][2]uint64{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	return comparePre(v.Pre, w.Pre)
}

func comparePre(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	for a != "" || b != "" {
		if a == "" {
			return -1
		}
		if b == "" {
			return 1
		}
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if c := compareIdent(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func compareIdent(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		if na < nb {
			return -1
		} else if na > nb {
			return 1
		}
		return 0
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Sort sorts versions in place in ascending Compare order: versions by
// precedence, then the strings that are not versions in byte order.
func Sort(versions []string) {
	type key struct {
		s  string
		v  Version
		ok bool
	}
	keys := make([]key, len(versions))
	for i, s := range versions {
		v, err := Parse(s)
		keys[i] = key{s, v, err == nil}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		switch {
		case a.ok && b.ok:
			if c := a.v.Compare(b.v); c != 0 {
				return c < 0
			}
		case a.ok != b.ok:
			return a.ok
		}
		return a.s < b.s
	})
	for i := range keys {
		versions[i] = keys[i].s
	}
}

// parsed is a version as written in a spec: how many numbers were written
// (a partial has fewer than three) and whether a wildcard followed them.
type parsed struct {
	Version
	n    int
	wild bool
}

// errors of parse, wrapped with the offending text by callers.
var (
	errEmpty = errors.New("empty version")
)

// trimV removes one leading "v" or "V" that is followed by a digit.
func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9' {
		return s[1:]
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isCalendar reports whether s (without "v") is written as a date: its
// leading number is followed by '-' and another number, as in 2024-01.
func isCalendar(s string) bool {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i > 0 && i <= 4 && i+1 < len(s) && s[i] == '-' && (isDigit(s[i+1]) || s[i+1] == '*')
}

// parse parses a version. With spec set, it is a version inside a spec:
// parts may be missing (a partial) or wildcards ("x", "X", "*"); without
// it, missing parts are zero and wildcards are errors.
func parse(s string, spec bool) (parsed, error) {
	t := trimV(s)
	if t == "" {
		return parsed{}, errEmpty
	}
	if isCalendar(t) {
		return parseCalendar(t, spec)
	}
	var p parsed
	if i := strings.IndexByte(t, '+'); i >= 0 {
		p.Build = t[i+1:]
		if !validIdents(p.Build) {
			return p, errors.New("bad build metadata " + strconv.Quote(t[i:]))
		}
		t = t[:i]
	}
	if i := strings.IndexByte(t, '-'); i >= 0 {
		p.Pre = t[i+1:]
		if !validIdents(p.Pre) {
			return p, errors.New("bad prerelease " + strconv.Quote(t[i:]))
		}
		t = t[:i]
	}
	for i := 0; ; i++ {
		part, rest, more := strings.Cut(t, ".")
		if i == 3 {
			return p, errors.New("too many parts in " + strconv.Quote(s) + " (want at most major.minor.patch)")
		}
		switch {
		case part == "x" || part == "X" || part == "*":
			if !spec {
				return p, errors.New("wildcard " + strconv.Quote(part) + " in a version")
			}
			p.wild = true
		case p.wild:
			return p, errors.New("number " + strconv.Quote(part) + " after a wildcard")
		default:
			n, err := number(part)
			if err != nil {
				return p, err
			}
			p.setPart(i, n)
			p.n = i + 1
		}
		if !more {
			break
		}
		t = rest
	}
	if p.Pre != "" && (p.n != 3 || p.wild) {
		return p, errors.New("a prerelease needs a full major.minor.patch version")
	}
	if !spec {
		p.n = 3
	}
	return p, nil
}

func (p *parsed) setPart(i int, n uint64) {
	switch i {
	case 0:
		p.Major = n
	case 1:
		p.Minor = n
	case 2:
		p.Patch = n
	}
}

// number parses a version number: digits only (leading zeros allowed, as
// proto strips them), at most 19 of them.
func number(s string) (uint64, error) {
	if s == "" || len(s) > 19 {
		return 0, errors.New("bad number " + strconv.Quote(s))
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, errors.New("bad number " + strconv.Quote(s))
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New("bad number " + strconv.Quote(s))
	}
	return n, nil
}

// parseCalendar parses YEAR-MONTH[-DAY][(.|_)MICRO][-PRE] (proto's calver
// syntax): a year of 1 to 4 digits (fewer than 4 count from 2000), a month
// 1-12, a day 1-31, a micro number kept as build metadata, and a
// prerelease starting with a letter. In a spec, trailing "-*" parts are
// wildcards ("2024-*").
func parseCalendar(t string, spec bool) (parsed, error) {
	p := parsed{Version: Version{Calendar: true}}
	bad := func() (parsed, error) { return parsed{}, errors.New("bad calendar version " + strconv.Quote(t)) }
	rest := t
	if spec {
		for strings.HasSuffix(rest, "-*") {
			rest, p.wild = rest[:len(rest)-2], true
		}
	}
	for i := 0; i < 3; i++ {
		j := 0
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == 0 {
			return bad()
		}
		n, err := number(rest[:j])
		if err != nil {
			return bad()
		}
		switch {
		case i == 0 && j > 4, i > 0 && j > 2,
			i == 1 && (n < 1 || n > 12), i == 2 && (n < 1 || n > 31):
			return bad()
		case i == 0 && j < 4:
			n += 2000
		}
		p.setPart(i, n)
		p.n = i + 1
		rest = rest[j:]
		// A '-' followed by a digit continues the date.
		if i == 2 || len(rest) < 2 || rest[0] != '-' || !isDigit(rest[1]) {
			break
		}
		rest = rest[1:]
	}
	if p.n < 2 && !p.wild {
		return bad()
	}
	if rest != "" && (rest[0] == '.' || rest[0] == '_') {
		j := 1
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == 1 {
			return bad()
		}
		p.Build, rest = rest[1:j], rest[j:]
	}
	if rest != "" {
		if len(rest) < 2 || rest[0] != '-' || !(rest[1] >= 'a' && rest[1] <= 'z' || rest[1] >= 'A' && rest[1] <= 'Z') || !validIdents(rest[1:]) {
			return bad()
		}
		p.Pre = rest[1:]
	}
	if p.Pre != "" && (p.n != 3 || p.wild) {
		return parsed{}, errors.New("a prerelease needs a full year-month-day version")
	}
	if !spec {
		p.n = 3
	}
	return p, nil
}

func validIdents(s string) bool {
	if s == "" {
		return false
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return false
			}
		}
	}
	return true
}
