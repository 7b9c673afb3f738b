package suggest

import (
	"reflect"
	"strings"
	"testing"
)

func TestSimilar(t *testing.T) {
	tools := []string{"node", "go", "zig", "deno", "bun", "npm", "pnpm", "python", "terraform", "kubectl"}
	for name, want := range map[string][]string{
		"nod":       {"node"},
		"ndoe":      {"node"},
		"nodejs":    {"node"},
		"golang":    {"go"},
		"terrafrom": {"terraform"},
		"kubect":    {"kubectl"},
		"pyton":     {"python"},
		"rust":      nil,
		"node":      nil, // "node" itself is not suggested
		"x":         nil,
	} {
		if got := Similar(name, tools); !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
			t.Errorf("Similar(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSimilarLongInput(t *testing.T) {
	if got := Similar(strings.Repeat("n", 10000), []string{"node"}); len(got) != 0 {
		t.Errorf("got %q", got)
	}
}
