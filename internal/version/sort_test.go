package version

import (
	"math/rand"
	"reflect"
	"testing"
)

func TestSort(t *testing.T) {
	want := []string{
		"0.12.17", "1.2.0-rc.1", "1.2.0", "v1.9.0", "1.10.0", "1.21.0-rc.2", "1.21.0", "1.21.13",
		"1.22", "1.22.1", "1.22.10", "2.0.0", "2024-01-02", "2024-02-10",
		"1.23rc1", "apple", "banana",
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		got := append([]string(nil), want...)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		Sort(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Sort = %v\nwant   %v", got, want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.3", 0},
		{"1.2.3", "1.2.4", -1},
		{"1.10.0", "1.9.0", 1},
		{"1.2.3-rc.1", "1.2.3", -1},
		{"1.2.3-rc.2", "1.2.3-rc.10", -1},
		{"v1.2.3", "1.2.4", -1},
		{"1.2.3", "v1.2.3", -1}, // equal precedence: byte order keeps it total
		{"1.22", "1.22.0", -1},
		{"20.0.0", "banana", -1},
		{"banana", "20.0.0", 1},
		{"apple", "banana", -1},
		{"2024-01-02", "2023-12-31", 1},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}
