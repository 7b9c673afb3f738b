package toolchain

import (
	"regexp"
	"strings"
	"testing"
)

var builtinIDRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// FuzzValidBuiltinID: the loop accepts exactly what the documented
// pattern does.
func FuzzValidBuiltinID(f *testing.F) {
	for _, s := range []string{"", "a", "0", "0a", "-a", "a-b_c9", "A", "a.b", "a/b", "a\n", strings.Repeat("a", 64), strings.Repeat("a", 65), "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := validBuiltinID(id), builtinIDRE.MatchString(id); got != want {
			t.Fatalf("validBuiltinID(%q) = %v, the pattern says %v", id, got, want)
		}
	})
}
