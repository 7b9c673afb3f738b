// Package suggest finds the names a mistyped one was probably meant to be,
// for "did you mean" hints.
package suggest

import (
	"sort"
	"strings"
)

// Similar returns the candidates close to name, best first: those within a
// small edit distance (1 for names up to 4 characters, 2 beyond), and those
// that name is a prefix of or that are a prefix of name. name itself is
// never returned.
func Similar(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	var out []scored
	lower := strings.ToLower(name)
	max := 1
	if len(name) > 4 {
		max = 2
	}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if c == name || lc == "" {
			continue
		}
		d := distance(lower, lc)
		if d <= max || (len(lower) >= 2 && (strings.HasPrefix(lc, lower) || strings.HasPrefix(lower, lc) && len(lc) >= 2)) {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].s < out[j].s
	})
	names := make([]string, len(out))
	for i, o := range out {
		names[i] = o.s
	}
	return names
}

// distance is the Levenshtein distance, with a transposition of adjacent
// characters counting as one edit (Damerau's restricted form).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20 // too long to be a typo of a tool name
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
