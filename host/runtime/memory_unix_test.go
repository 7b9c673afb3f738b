//go:build unix

package runtime

import (
	"testing"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

func reservesAddressSpace(m experimental.LinearMemory) bool {
	_, ok := m.(*reservedMemory)
	return ok
}

// TestLinearMemoryReserves: on Unix the memory is a reservation of its own,
// and a freed one is gone (Free twice is harmless).
func TestLinearMemoryReserves(t *testing.T) {
	if addressSpaceLimited() {
		t.Skip("RLIMIT_AS is finite here: nothing is reserved (TestLinearMemoryUnderAddressLimit)")
	}
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

// TestLinearMemoryUnderAddressLimit: with a finite RLIMIT_AS (ulimit -v)
// nothing is reserved, the memory is a Go slice.
func TestLinearMemoryUnderAddressLimit(t *testing.T) {
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &old); err != nil {
		t.Skip(err)
	}
	if old.Cur == unix.RLIM_INFINITY {
		limited := old
		limited.Cur = 1 << 50 // finite, yet constrains nothing
		if err := unix.Setrlimit(unix.RLIMIT_AS, &limited); err != nil {
			t.Skipf("cannot set RLIMIT_AS: %v", err)
		}
		defer func() {
			if err := unix.Setrlimit(unix.RLIMIT_AS, &old); err != nil {
				t.Fatalf("restore RLIMIT_AS: %v", err)
			}
		}()
	}
	m := newLinearMemory(0, 1<<20)
	defer m.Free()
	if reservesAddressSpace(m) {
		t.Fatal("a memory was reserved under a finite RLIMIT_AS")
	}
	if b := m.Reallocate(65536); len(b) != 65536 {
		t.Fatalf("slice memory grew to %d bytes", len(b))
	}
}
