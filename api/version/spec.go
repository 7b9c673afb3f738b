package version

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is the kind of a [Spec].
type Kind int

// Kinds of version specs.
const (
	// KindExact is a full version: "1.2.3", "v1.2.3", "1.2.3-rc.1",
	// "2024-01-02".
	KindExact Kind = iota + 1
	// KindPartial is a version with fewer than three parts: "20", "1.22",
	// "2024-01". It matches the stable versions that start with it.
	KindPartial
	// KindRange is a requirement: "^1.2", "~1.2.3", ">=1.20 <1.23",
	// ">=1.20, <1.23", "1.2 - 1.4", "1.x", "*", and any of these joined
	// with "||".
	KindRange
	// KindAlias is a name resolved by the plugin or the host: "latest",
	// "stable", "lts", "lts/*", or a named alias such as "hydrogen".
	KindAlias
	// KindCanary is "canary", the tool's nightly or canary build.
	KindCanary
	// KindLiteral is other version-like text ("1.21rc2", "1.2.3.4"): it
	// matches only the same text (a leading "v" aside).
	KindLiteral
)

// String returns the kind's name in lower case.
func (k Kind) String() string {
	switch k {
	case KindExact:
		return "exact"
	case KindPartial:
		return "partial"
	case KindRange:
		return "range"
	case KindAlias:
		return "alias"
	case KindCanary:
		return "canary"
	case KindLiteral:
		return "literal"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Spec is a parsed version spec. The zero Spec matches nothing.
type Spec struct {
	// Raw is the spec as written, trimmed of spaces.
	Raw string
	// Kind is what kind of spec Raw is.
	Kind Kind
	// Version is, for KindExact and KindPartial, the version as written
	// without its leading "v" and build metadata ("1.2.3", "1.22",
	// "2024-01-02"); for KindLiteral, the text without its "v".
	Version string
	// Alias is the name for KindAlias in lower case ("Hydrogen" is
	// "hydrogen"; Raw keeps the case), and "canary" for KindCanary.
	Alias string

	build string         // KindExact: build metadata that must match
	sets  [][]comparator // alternatives ("||") of comparator conjunctions
}

// String returns Raw.
func (s Spec) String() string { return s.Raw }

// ParseSpec parses a version spec; see the package documentation for the
// syntax. Errors quote the input.
func ParseSpec(s string) (Spec, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Spec{}, fmt.Errorf("invalid version spec %q: empty", s)
	}
	spec := Spec{Raw: raw}
	if strings.EqualFold(raw, "canary") {
		spec.Kind, spec.Alias = KindCanary, "canary"
		return spec, nil
	}
	t := trimV(raw)
	if isAliasName(t) {
		spec.Kind, spec.Alias = KindAlias, strings.ToLower(t)
		return spec, nil
	}
	fail := func(err error) (Spec, error) {
		return Spec{}, fmt.Errorf("invalid version spec %q: %w", raw, err)
	}
	if isPlain(t) {
		p, err := parse(t, true)
		if err != nil {
			if isLiteral(t) {
				spec.Kind, spec.Version = KindLiteral, t
				return spec, nil
			}
			return fail(err)
		}
		switch {
		case p.wild || p.n == 0:
			spec.Kind = KindRange
		case p.n == 3:
			spec.Kind, spec.Version, spec.build = KindExact, withoutBuild(t), p.Build
		default:
			spec.Kind, spec.Version = KindPartial, t
		}
		spec.sets = [][]comparator{expand("", p)}
		return spec, nil
	}
	sets, err := parseRange(raw)
	if err != nil {
		return fail(err)
	}
	spec.Kind, spec.sets = KindRange, sets
	return spec, nil
}

// MustParseSpec is ParseSpec for constants; it panics on error.
func MustParseSpec(s string) Spec {
	spec, err := ParseSpec(s)
	if err != nil {
		panic(err)
	}
	return spec
}

// withoutBuild drops "+build" from a semver text and ".micro"/"_micro"
// from nothing else (a calendar version keeps its text).
func withoutBuild(t string) string {
	if i := strings.IndexByte(t, '+'); i >= 0 {
		return t[:i]
	}
	return t
}

// isPlain reports whether t (without "v") is one version rather than a
// requirement: it starts with a digit or wildcard and holds no operator,
// separator or space.
func isPlain(t string) bool {
	if t == "*" || t == "x" || t == "X" {
		return true
	}
	if !isDigit(t[0]) {
		return false
	}
	return !strings.ContainsAny(t, " \t\n,|<>=^~!&")
}

// isLiteral reports whether t is version-like text that is not semver
// and not a mistake in one: a digit first, runs of digits and letters
// separated by single '.', '+', '_' or '-', and either more than three
// dot-separated parts ("1.2.3.4") or a letter right after a digit
// ("1.21rc2", "8u202"). Text such as "1.x.3" or "2024-13-01" is an error
// instead, reported as such.
func isLiteral(t string) bool {
	if t == "" || !isDigit(t[0]) {
		return false
	}
	sep, dots, glued := true, 0, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isDigit(c):
			sep = false
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if i > 0 && isDigit(t[i-1]) {
				glued = true
			}
			sep = false
		case strings.IndexByte(".+_-", c) >= 0 && !sep:
			if c == '.' {
				dots++
			}
			sep = true
		default:
			return false
		}
	}
	return !sep && (dots >= 3 || glued)
}

// isAliasName is proto's is_alias_name: an ASCII letter, then ASCII
// letters, digits, '-', '_', '/', '.' and '*'.
func isAliasName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("-_/.*", c) >= 0) {
			return false
		}
	}
	return true
}

// Matches reports whether version satisfies the spec. Exact, partial,
// range and literal specs can match; aliases and canary never do (resolve
// them first). A string that is not a version matches only a literal.
func (s Spec) Matches(version string) bool {
	version = strings.TrimSpace(version)
	switch s.Kind {
	case KindLiteral:
		return trimV(version) == s.Version
	case KindExact, KindPartial, KindRange:
	default:
		return false
	}
	p, err := parse(version, false)
	if err != nil {
		return false
	}
	if s.Kind == KindExact && s.build != "" && p.Build != s.build {
		return false
	}
	for _, set := range s.sets {
		if setMatches(set, p.Version) {
			return true
		}
	}
	return false
}

// Highest returns the highest of versions that the spec matches (by
// Compare order), and false when none does.
func (s Spec) Highest(versions []string) (string, bool) {
	best, found := "", false
	for _, v := range versions {
		if s.Matches(v) && (!found || Compare(v, best) > 0) {
			best, found = v, true
		}
	}
	return best, found
}

// Resolve is Highest (the name the guest SDK has always used).
func (s Spec) Resolve(versions []string) (string, bool) { return s.Highest(versions) }

type op int

const (
	opEQ op = iota
	opNE
	opGT
	opGE
	opLT
	opLE
)

// comparator is "<op> <full version>".
type comparator struct {
	op op
	v  Version
}

func (c comparator) matches(v Version) bool {
	r := v.Compare(c.v)
	switch c.op {
	case opEQ:
		return r == 0
	case opNE:
		return r != 0
	case opGT:
		return r > 0
	case opGE:
		return r >= 0
	case opLT:
		return r < 0
	case opLE:
		return r <= 0
	}
	return false
}

// setMatches applies every comparator of a conjunction, then the
// prerelease rule: a prerelease matches only when a comparator names a
// prerelease of the same major.minor.patch.
func setMatches(set []comparator, v Version) bool {
	for _, c := range set {
		if !c.matches(v) {
			return false
		}
	}
	if v.Pre == "" {
		return true
	}
	for _, c := range set {
		if c.v.Pre != "" && c.v.Major == v.Major && c.v.Minor == v.Minor && c.v.Patch == v.Patch {
			return true
		}
	}
	return false
}

// lowest is p with unwritten parts zero; next is the first version past
// every version p's written parts cover.
func lowest(p parsed) Version {
	return Version{Major: p.Major, Minor: p.Minor, Patch: p.Patch, Pre: p.Pre}
}

func next(p parsed) Version {
	switch p.n {
	case 1:
		return Version{Major: p.Major + 1}
	case 2:
		return Version{Major: p.Major, Minor: p.Minor + 1}
	}
	return Version{Major: p.Major, Minor: p.Minor, Patch: p.Patch + 1}
}

// expand turns "<opText><p>" into comparators; p may be partial, and
// p.n == 0 means "*". A bare version is exact when full and a partial
// ("~") otherwise; inside a list, callers pass "^" for a bare version.
func expand(opText string, p parsed) []comparator {
	if p.n == 0 {
		return []comparator{{opGE, Version{}}}
	}
	lo := lowest(p)
	full := p.n == 3
	switch opText {
	case "", "=", "==":
		if full {
			return []comparator{{opEQ, lo}}
		}
		return []comparator{{opGE, lo}, {opLT, next(p)}}
	case "!=":
		return []comparator{{opNE, lo}}
	case ">":
		if full {
			return []comparator{{opGT, lo}}
		}
		return []comparator{{opGE, next(p)}}
	case ">=":
		return []comparator{{opGE, lo}}
	case "<":
		return []comparator{{opLT, lo}}
	case "<=":
		if full {
			return []comparator{{opLE, lo}}
		}
		return []comparator{{opLT, next(p)}}
	case "~":
		if p.n == 1 {
			return []comparator{{opGE, lo}, {opLT, next(p)}}
		}
		return []comparator{{opGE, lo}, {opLT, Version{Major: p.Major, Minor: p.Minor + 1}}}
	case "^":
		var hi Version
		switch {
		case p.Major > 0 || p.n == 1:
			hi = Version{Major: p.Major + 1}
		case p.Minor > 0 || p.n == 2:
			hi = Version{Minor: p.Minor + 1}
		default:
			hi = Version{Patch: p.Patch + 1}
		}
		return []comparator{{opGE, lo}, {opLT, hi}}
	}
	return nil
}

var operators = []string{">=", "<=", "!=", "==", ">", "<", "=", "^", "~"}

func splitOp(tok string) (string, string) {
	for _, o := range operators {
		if rest, ok := strings.CutPrefix(tok, o); ok {
			return o, rest
		}
	}
	return "", tok
}

// parseRange parses alternatives joined by "||", each a list of
// comparators separated by spaces, commas or "&&", or a hyphen range
// "a - b".
func parseRange(s string) ([][]comparator, error) {
	var sets [][]comparator
	for group := range strings.SplitSeq(s, "||") {
		fields := strings.FieldsFunc(strings.ReplaceAll(group, "&&", ","), func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ','
		})
		if len(fields) == 0 {
			return nil, errors.New(`empty alternative around "||"`)
		}
		var set []comparator
		if len(fields) == 3 && fields[1] == "-" {
			lo, err := parse(fields[0], true)
			if err != nil {
				return nil, fmt.Errorf("bad range start %q: %w", fields[0], err)
			}
			hi, err := parse(fields[2], true)
			if err != nil {
				return nil, fmt.Errorf("bad range end %q: %w", fields[2], err)
			}
			set = append(expand(">=", lo), expand("<=", hi)...)
			sets = append(sets, set)
			continue
		}
		list := len(fields) > 1
		for i := 0; i < len(fields); i++ {
			tok := fields[i]
			opText, rest := splitOp(tok)
			if rest == "" && opText != "" && i+1 < len(fields) {
				i++
				rest = fields[i]
				tok += " " + rest
			}
			if rest == "" {
				return nil, fmt.Errorf("comparator %q has no version", tok)
			}
			p, err := parse(rest, true)
			if err != nil {
				return nil, fmt.Errorf("bad comparator %q: %w", tok, err)
			}
			if p.n == 0 && opText != "" && opText != "=" && opText != ">=" {
				return nil, fmt.Errorf("bad comparator %q: a wildcard cannot follow %q", tok, opText)
			}
			if opText == "!=" && p.n != 3 {
				return nil, fmt.Errorf("bad comparator %q: \"!=\" needs a full version", tok)
			}
			if opText == "" && !p.wild && p.n > 0 {
				// A bare version: "~" alone (proto's partial), "^" in a
				// list (Rust semver's default operator).
				opText = "~"
				if p.n == 3 {
					opText = "="
				}
				if list {
					opText = "^"
				}
			}
			set = append(set, expand(opText, p)...)
		}
		sets = append(sets, set)
	}
	return sets, nil
}
