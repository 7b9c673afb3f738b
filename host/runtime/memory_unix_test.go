//go:build unix

package runtime

import (
	"testing"

	"github.com/tetratelabs/wazero/experimental"
)

func reservesAddressSpace(m experimental.LinearMemory) bool {
	_, ok := m.(*reservedMemory)
	return ok
}

// TestLinearMemoryReserves: on Unix the memory is a reservation of its own,
// and a freed one is gone (Free twice is harmless).
func TestLinearMemoryReserves(t *testing.T) {
	m := newLinearMemory(0, 1<<20)
	r, ok := m.(*reservedMemory)
	if !ok {
		t.Fatalf("newLinearMemory = %T, want a reservation", m)
	}
	if len(r.mem) != 1<<20 || r.committed != 0 {
		t.Fatalf("reservation of %d bytes, %d committed", len(r.mem), r.committed)
	}
	m.Reallocate(65536)
	if r.committed != 65536 {
		t.Fatalf("%d bytes committed after the first page", r.committed)
	}
	m.Free()
	m.Free()
	if r.mem != nil || m.Reallocate(65536) != nil {
		t.Fatal("a freed memory can still grow")
	}
}
