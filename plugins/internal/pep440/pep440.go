// Package pep440 turns Python version specifiers (PEP 440: ">=0.4, <0.6",
// "~=1.8", "==0.5.*", "===0.5.1", "!=0.5.2") into tote version specs, for
// the built-ins that read pyproject.toml and uv.toml (uv, poetry).
package pep440

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tote-dev/tote/sdk"
)

// ToSpec converts a specifier set into a spec tote resolves (an exact
// version, or a range of comparators joined by spaces). "~=X.Y" is
// ">=X.Y, <X+1" and "~=X.Y.Z" is ">=X.Y.Z, <X.Y+1" (the compatible
// release), "==X.Y.*" is the X.Y line; "!=" clauses are dropped (a range
// cannot say them, and the newest match rarely needs them); a bare
// version is that version.
func ToSpec(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty version specifier")
	}
	var parts []string
	for _, clause := range strings.Split(s, ",") {
		c := strings.TrimSpace(clause)
		if c == "" {
			continue
		}
		op, v := splitOp(c)
		v = strings.TrimSpace(v)
		if v == "" {
			return "", fmt.Errorf("%q: no version after %q", c, op)
		}
		switch op {
		case "!=":
			continue
		case "===", "":
			if err := plain(v, false); err != nil {
				return "", fmt.Errorf("%q: %v", c, err)
			}
			parts = append(parts, v)
		case "==":
			if base, ok := strings.CutSuffix(v, ".*"); ok {
				if err := plain(base, false); err != nil {
					return "", fmt.Errorf("%q: %v", c, err)
				}
				parts = append(parts, base+".x")
				continue
			}
			if err := plain(v, false); err != nil {
				return "", fmt.Errorf("%q: %v", c, err)
			}
			parts = append(parts, "="+v)
		case "~=":
			if err := plain(v, false); err != nil {
				return "", fmt.Errorf("%q: %v", c, err)
			}
			n := strings.Split(v, ".")
			if len(n) < 2 {
				return "", fmt.Errorf("%q: ~= needs at least two components", c)
			}
			prefix := n[:len(n)-1]
			last, _ := strconv.Atoi(prefix[len(prefix)-1])
			upper := append(append([]string{}, prefix[:len(prefix)-1]...), strconv.Itoa(last+1))
			parts = append(parts, ">="+v, "<"+strings.Join(upper, "."))
		default:
			if err := plain(v, false); err != nil {
				return "", fmt.Errorf("%q: %v", c, err)
			}
			parts = append(parts, op+v)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("%q names no version", s)
	}
	out := strings.Join(parts, " ")
	if _, err := sdk.ParseSpec(out); err != nil {
		return "", fmt.Errorf("%q: %v", s, err)
	}
	return out, nil
}

func splitOp(c string) (string, string) {
	for _, op := range []string{"===", "~=", "==", "!=", ">=", "<=", ">", "<"} {
		if v, ok := strings.CutPrefix(c, op); ok {
			return op, v
		}
	}
	return "", c
}

// plain accepts release segments of digits ("0.4", "1.8.3").
func plain(v string, _ bool) error {
	for _, seg := range strings.Split(v, ".") {
		if seg == "" {
			return fmt.Errorf("%q is not a version", v)
		}
		for _, r := range seg {
			if r < '0' || r > '9' {
				return fmt.Errorf("%q is not a plain release version (pre-releases and local versions are not supported)", v)
			}
		}
	}
	return nil
}
