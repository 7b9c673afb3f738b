package sdk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// SpecKind is the kind of a version [Spec].
type SpecKind int

// Kinds of version specs.
const (
	// SpecExact is a full version: "1.2.3", "v1.2.3", "1.2.3-rc.1".
	SpecExact SpecKind = iota + 1
	// SpecPartial is a version with fewer than three parts: "20", "1.22".
	// It matches the stable versions that start with it.
	SpecPartial
	// SpecRequirement is a range: "^1.2", "~1.2.3", ">=1.20 <1.23",
	// ">=1.20, <1.23", "1.2 - 1.4", "1.x", "*", and any of these joined
	// with "||".
	SpecRequirement
	// SpecAlias is a name resolved by the plugin or the host: "latest",
	// "stable", "lts", "lts/*", or a named alias such as "hydrogen".
	SpecAlias
	// SpecCanary is "canary", the tool's nightly or canary build.
	SpecCanary
)

// String returns the kind's name in lower case.
func (k SpecKind) String() string {
	switch k {
	case SpecExact:
		return "exact"
	case SpecPartial:
		return "partial"
	case SpecRequirement:
		return "requirement"
	case SpecAlias:
		return "alias"
	case SpecCanary:
		return "canary"
	}
	return "SpecKind(" + strconv.Itoa(int(k)) + ")"
}

// Spec is a parsed version spec, as a user writes it in .prototools or a
// version file. The zero Spec matches nothing.
//
// Versions follow semantic versioning 2.0.0 with an optional leading "v":
// prerelease versions sort before their release ("1.0.0-rc.1" <
// "1.0.0"), numeric prerelease identifiers compare as numbers, and build
// metadata ("+build") is ignored. As in npm, a range matches a prerelease
// only when one of its comparators names a prerelease of the same
// major.minor.patch: ">=1.2.3-beta" matches "1.2.3-rc.1" but not
// "1.2.4-rc.1"; "^1.2" matches no prerelease.
type Spec struct {
	// Raw is the spec as written, trimmed of spaces.
	Raw string
	// Kind is what kind of spec Raw is.
	Kind SpecKind
	// Version is the version without its "v", for SpecExact ("1.2.3") and
	// SpecPartial ("1.22").
	Version string
	// Alias is the lower-case name for SpecAlias and SpecCanary.
	Alias string

	sets [][]comparator // alternatives ("||") of comparator conjunctions
}

// String returns Raw.
func (s Spec) String() string { return s.Raw }

// ParseSpec parses a version spec. Accepted forms: full versions ("1.2.3",
// "v1.2.3"), partial versions ("20", "1.22"), requirements (see
// [SpecRequirement]), aliases ("latest", "stable", "lts", "lts/*", named)
// and "canary". Anything else is an error that quotes the offending text.
func ParseSpec(s string) (Spec, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Spec{}, fmt.Errorf("invalid version spec: empty")
	}
	spec := Spec{Raw: raw}
	lower := strings.ToLower(raw)
	switch {
	case lower == "canary":
		spec.Kind, spec.Alias = SpecCanary, lower
		return spec, nil
	case isPlainVersion(raw):
		v, err := parseVersion(raw, true)
		if err != nil {
			return Spec{}, fmt.Errorf("invalid version spec %q: %w", raw, err)
		}
		switch {
		case v.wild:
			spec.Kind = SpecRequirement
		case v.n == 3:
			spec.Kind, spec.Version = SpecExact, v.String()
		default:
			spec.Kind, spec.Version = SpecPartial, v.String()
		}
		spec.sets = [][]comparator{expand("", v)}
		return spec, nil
	case isAliasName(raw):
		spec.Kind, spec.Alias = SpecAlias, lower
		return spec, nil
	}
	sets, err := parseRange(raw)
	if err != nil {
		return Spec{}, fmt.Errorf("invalid version spec %q: %w", raw, err)
	}
	spec.Kind, spec.sets = SpecRequirement, sets
	return spec, nil
}

// Matches reports whether version satisfies the spec. Exact, partial and
// requirement specs can match; aliases and canary never do (the plugin or
// host resolves them to a version first). An unparsable version matches
// nothing.
func (s Spec) Matches(version string) bool {
	v, err := parseVersion(strings.TrimSpace(version), false)
	if err != nil {
		return false
	}
	for _, set := range s.sets {
		if setMatches(set, v) {
			return true
		}
	}
	return false
}

// Resolve returns the highest of versions that the spec matches.
func (s Spec) Resolve(versions []string) (string, bool) {
	best, found := "", false
	for _, v := range versions {
		if s.Matches(v) && (!found || CompareVersions(v, best) > 0) {
			best, found = v, true
		}
	}
	return best, found
}

// SortVersions sorts versions in ascending semantic-version order.
// Strings that are not versions sort first, in lexical order.
func SortVersions(versions []string) {
	sort.SliceStable(versions, func(i, j int) bool {
		return CompareVersions(versions[i], versions[j]) < 0
	})
}

// CompareVersions compares two versions by semantic-version precedence and
// returns -1, 0 or +1. Strings that are not versions are lower than all
// versions and compare lexically among themselves; versions that differ
// only in build metadata or the "v" prefix also compare lexically, so the
// order is total.
func CompareVersions(a, b string) int {
	va, errA := parseVersion(strings.TrimSpace(a), false)
	vb, errB := parseVersion(strings.TrimSpace(b), false)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	if c := compareVersions(va, vb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// version is a parsed semantic version, possibly partial.
type version struct {
	num   [3]uint64
	n     int  // numeric parts written, 0-3
	wild  bool // a wildcard part ("x", "X", "*") followed the numeric ones
	pre   []string
	build string
}

// String formats the written parts, without "v" or build metadata.
func (v version) String() string {
	var b strings.Builder
	for i := 0; i < v.n; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(v.num[i], 10))
	}
	if len(v.pre) > 0 {
		b.WriteByte('-')
		b.WriteString(strings.Join(v.pre, "."))
	}
	return b.String()
}

func isPlainVersion(s string) bool {
	t := trimV(s)
	if t == "" || !(t[0] >= '0' && t[0] <= '9') {
		return false
	}
	return !strings.ContainsAny(s, " \t,|<>=^~")
}

func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9' {
		return s[1:]
	}
	return s
}

func isAliasName(s string) bool {
	if !unicode.IsLetter(rune(s[0])) || s == "x" || s == "X" {
		return false
	}
	for _, r := range s {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._/*-", r))) {
			return false
		}
	}
	return true
}

// parseVersion parses "[v]MAJOR[.MINOR[.PATCH]][-PRE][+BUILD]". With wild,
// parts may be "x", "X" or "*" after the numeric ones ("1.x", "*").
// Without it, missing parts are zero.
func parseVersion(s string, wild bool) (version, error) {
	var v version
	t := trimV(s)
	if t == "" {
		return v, fmt.Errorf("empty version")
	}
	if i := strings.IndexByte(t, '+'); i >= 0 {
		v.build = t[i+1:]
		if v.build == "" || !validIdents(v.build) {
			return v, fmt.Errorf("bad build metadata %q", t[i:])
		}
		t = t[:i]
	}
	if i := strings.IndexByte(t, '-'); i >= 0 {
		pre := t[i+1:]
		if pre == "" || !validIdents(pre) {
			return v, fmt.Errorf("bad prerelease %q", t[i:])
		}
		v.pre = strings.Split(pre, ".")
		t = t[:i]
	}
	parts := strings.Split(t, ".")
	if len(parts) > 3 {
		return v, fmt.Errorf("too many parts in %q (want at most major.minor.patch)", t)
	}
	for i, p := range parts {
		if p == "x" || p == "X" || p == "*" {
			if !wild {
				return v, fmt.Errorf("wildcard %q in a version", p)
			}
			v.wild = true
			continue
		}
		if v.wild {
			return v, fmt.Errorf("number %q after a wildcard", p)
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || p == "" {
			return v, fmt.Errorf("bad number %q", p)
		}
		v.num[i] = n
		v.n = i + 1
	}
	if len(v.pre) > 0 && v.n != 3 {
		return v, fmt.Errorf("a prerelease needs a full major.minor.patch version")
	}
	if !wild {
		v.n = 3
	}
	return v, nil
}

func validIdents(s string) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for _, r := range id {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
				return false
			}
		}
	}
	return true
}

// compareVersions orders by precedence (build metadata ignored).
func compareVersions(a, b version) int {
	for i := range a.num {
		if a.num[i] != b.num[i] {
			if a.num[i] < b.num[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) == 0:
		return 0
	case len(a.pre) == 0:
		return 1
	case len(b.pre) == 0:
		return -1
	}
	for i := 0; i < len(a.pre) && i < len(b.pre); i++ {
		if c := compareIdent(a.pre[i], b.pre[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a.pre) < len(b.pre):
		return -1
	case len(a.pre) > len(b.pre):
		return 1
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

type op int

const (
	opEQ op = iota
	opNE
	opGT
	opGE
	opLT
	opLE
)

// comparator is "<op> <version>" with a full version.
type comparator struct {
	op op
	v  version
}

func (c comparator) matches(v version) bool {
	r := compareVersions(v, c.v)
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

func setMatches(set []comparator, v version) bool {
	for _, c := range set {
		if !c.matches(v) {
			return false
		}
	}
	if len(v.pre) == 0 {
		return true
	}
	for _, c := range set {
		if len(c.v.pre) > 0 && c.v.num == v.num {
			return true
		}
	}
	return false
}

// lowest is v with unwritten parts zero; next is the first version past
// every version v's written parts cover.
func lowest(v version) version {
	return version{num: v.num, n: 3, pre: v.pre}
}

func next(v version) version {
	out := version{n: 3}
	switch v.n {
	case 1:
		out.num = [3]uint64{v.num[0] + 1, 0, 0}
	case 2:
		out.num = [3]uint64{v.num[0], v.num[1] + 1, 0}
	}
	return out
}

// expand turns "<opText><v>" into comparators; v may be partial, and
// v.n == 0 means "*".
func expand(opText string, v version) []comparator {
	if v.n == 0 {
		return []comparator{{opGE, version{n: 3}}}
	}
	lo := lowest(v)
	full := v.n == 3
	switch opText {
	case "", "=", "==":
		if full {
			return []comparator{{opEQ, lo}}
		}
		return []comparator{{opGE, lo}, {opLT, next(v)}}
	case "!=":
		return []comparator{{opNE, lo}}
	case ">":
		if full {
			return []comparator{{opGT, lo}}
		}
		return []comparator{{opGE, next(v)}}
	case ">=":
		return []comparator{{opGE, lo}}
	case "<":
		return []comparator{{opLT, lo}}
	case "<=":
		if full {
			return []comparator{{opLE, lo}}
		}
		return []comparator{{opLT, next(v)}}
	case "~":
		if v.n == 1 {
			return []comparator{{opGE, lo}, {opLT, next(v)}}
		}
		return []comparator{{opGE, lo}, {opLT, version{num: [3]uint64{v.num[0], v.num[1] + 1, 0}, n: 3}}}
	case "^":
		var hi [3]uint64
		switch {
		case v.num[0] > 0 || v.n == 1:
			hi = [3]uint64{v.num[0] + 1, 0, 0}
		case v.num[1] > 0 || v.n == 2:
			hi = [3]uint64{0, v.num[1] + 1, 0}
		default:
			hi = [3]uint64{0, 0, v.num[2] + 1}
		}
		return []comparator{{opGE, lo}, {opLT, version{num: hi, n: 3}}}
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
// comparators separated by spaces or commas, or a hyphen range "a - b".
func parseRange(s string) ([][]comparator, error) {
	var sets [][]comparator
	for _, group := range strings.Split(s, "||") {
		fields := strings.FieldsFunc(group, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
		if len(fields) == 0 {
			return nil, fmt.Errorf("empty alternative around \"||\"")
		}
		var set []comparator
		if len(fields) == 3 && fields[1] == "-" {
			lo, err := parseVersion(fields[0], true)
			if err != nil {
				return nil, fmt.Errorf("bad range start %q: %w", fields[0], err)
			}
			hi, err := parseVersion(fields[2], true)
			if err != nil {
				return nil, fmt.Errorf("bad range end %q: %w", fields[2], err)
			}
			set = append(expand(">=", lo), expand("<=", hi)...)
			sets = append(sets, set)
			continue
		}
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
			v, err := parseVersion(rest, true)
			if err != nil {
				return nil, fmt.Errorf("bad comparator %q: %w", tok, err)
			}
			if v.n == 0 && opText != "" && opText != "=" && opText != ">=" {
				return nil, fmt.Errorf("bad comparator %q: a wildcard cannot follow %q", tok, opText)
			}
			if opText == "!=" && v.n != 3 {
				return nil, fmt.Errorf("bad comparator %q: \"!=\" needs a full version", tok)
			}
			set = append(set, expand(opText, v)...)
		}
		sets = append(sets, set)
	}
	return sets, nil
}
