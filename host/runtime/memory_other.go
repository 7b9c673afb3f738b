//go:build !unix

package runtime

import "github.com/tetratelabs/wazero/experimental"

// newLinearMemory is the experimental.MemoryAllocator of every plugin
// instance; off Unix it is a Go slice, as wazero's own.
func newLinearMemory(capacity, max uint64) experimental.LinearMemory {
	return newSliceMemory(capacity)
}
