package runtime

import (
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
)

// TestLinearMemory: a plugin's memory grows to its limit and no further,
// keeps what the guest wrote, and starts zeroed — the reserved one (Unix)
// without moving, the slice one (the fallback) as wazero's own.
func TestLinearMemory(t *testing.T) {
	const limit = 40 * 65536
	t.Run("platform", func(t *testing.T) { checkLinearMemory(t, newLinearMemory(2*65536, limit), limit) })
	t.Run("slice", func(t *testing.T) { checkLinearMemory(t, newSliceMemory(2*65536), limit) })
}

func checkLinearMemory(t *testing.T, m experimental.LinearMemory, limit int) {
	const page = 65536
	defer m.Free()
	b := m.Reallocate(2 * page)
	if len(b) != 2*page {
		t.Fatalf("initial memory is %d bytes, want %d", len(b), 2*page)
	}
	for i, v := range b {
		if v != 0 {
			t.Fatalf("byte %d of a new memory is %d", i, v)
		}
	}
	b[0], b[len(b)-1] = 1, 2
	base := unsafe.SliceData(b)
	for pages := 3; pages <= 40; pages += 7 {
		g := m.Reallocate(uint64(pages * page))
		if len(g) != pages*page {
			t.Fatalf("grown to %d pages: %d bytes", pages, len(g))
		}
		if reservesAddressSpace(m) && unsafe.SliceData(g) != base {
			t.Fatalf("memory moved when it grew to %d pages", pages)
		}
		if g[0] != 1 || g[2*page-1] != 2 {
			t.Fatalf("memory lost what the guest wrote when it grew to %d pages", pages)
		}
		g[len(g)-1] = 3
	}
	if !reservesAddressSpace(m) {
		return // wazero refuses a grow past the limit before it asks
	}
	if g := m.Reallocate(uint64(limit + page)); g != nil {
		t.Fatalf("memory grew past its limit to %d bytes", len(g))
	}
	if g := m.Reallocate(uint64(limit)); len(g) != limit {
		t.Fatalf("after a refused grow the memory is %d bytes, want %d", len(g), limit)
	}
}
