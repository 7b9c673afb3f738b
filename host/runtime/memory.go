package runtime

import (
	"context"

	"github.com/tetratelabs/wazero/experimental"
)

// withLinearMemory makes every memory instantiated with ctx one of
// newLinearMemory's.
func withLinearMemory(ctx context.Context) context.Context {
	return experimental.WithMemoryAllocator(ctx, experimental.MemoryAllocatorFunc(newLinearMemory))
}

// sliceMemory is a linear memory in a Go slice that grows as wazero's own
// does (by append): the fallback where address space cannot be reserved.
type sliceMemory struct{ buf []byte }

func newSliceMemory(capacity uint64) *sliceMemory {
	return &sliceMemory{buf: make([]byte, 0, capacity)}
}

// Reallocate grows the slice to size bytes.
func (m *sliceMemory) Reallocate(size uint64) []byte {
	if n := uint64(len(m.buf)); size > n {
		m.buf = append(m.buf, make([]byte, size-n)...)
	}
	return m.buf[:size]
}

// Free drops the slice for the garbage collector.
func (m *sliceMemory) Free() { m.buf = nil }
