//go:build unix

package runtime

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// reservedMemory is a plugin instance's linear memory in an address range
// of its own: the instance's whole limit is reserved inaccessible when it
// starts, and memory.grow makes the next part readable and writable in
// place. wazero's own memory is a Go slice that grows by append — a copy of
// everything the guest has so far, and zeroing of what it adds, at every
// grow past the slice's capacity — and a Go guest grows its memory many
// times while its runtime starts: that was ~10 % of the first `tote
// versions` with a compiled Go plugin (a perf profile; BENCHMARKS.md). Here a
// grow is one mprotect, the kernel hands out zeroed pages when the guest
// first touches them, and the memory never moves.
//
// The pages past the current length stay PROT_NONE: an access beyond the
// memory's bounds that wazero's checks missed would fault rather than read
// another instance's data.
type reservedMemory struct {
	mem       []byte // the whole reservation; nil once freed
	committed int    // bytes from the start that are readable and writable
}

// populateMax bounds the part of a grow whose pages are faulted in at
// once: a Go guest grows by a few pages at a time and touches them; a large
// grow may be reserved for later, and its pages are faulted in as the guest
// touches them.
const populateMax = 16 << 20

// newLinearMemory is the experimental.MemoryAllocator of every plugin
// instance. max is the instance's memory limit (the module's declared
// maximum or tote's limit, whichever is lower). Where the address space is
// limited (ulimit -v, as on some shared clusters) a reservation would count
// in full against a limit that the Go runtime's own heap must fit under,
// and a Go heap that cannot grow is a fatal error: there, and wherever the
// reservation fails, the memory is a Go slice as wazero's own.
func newLinearMemory(capacity, max uint64) experimental.LinearMemory {
	size := roundToPage(max)
	if size == 0 || size > 1<<33 || addressSpaceLimited() {
		return newSliceMemory(capacity)
	}
	mem, err := unix.Mmap(-1, 0, int(size), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return newSliceMemory(capacity)
	}
	return &reservedMemory{mem: mem}
}

// Reallocate makes the first size bytes accessible and returns them; nil
// (memory.grow fails in the guest) past the reservation.
func (m *reservedMemory) Reallocate(size uint64) []byte {
	if m.mem == nil || size > uint64(len(m.mem)) {
		return nil
	}
	if end := int(roundToPage(size)); end > m.committed {
		if err := unix.Mprotect(m.mem[m.committed:end], unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return nil
		}
		if end-m.committed <= populateMax {
			populate(m.mem[m.committed:end])
		}
		m.committed = end
	}
	return m.mem[:size:size]
}

// Free returns the range to the system. wazero calls it once, when the
// instance is closed.
func (m *reservedMemory) Free() {
	if m.mem != nil {
		_ = unix.Munmap(m.mem)
		m.mem, m.committed = nil, 0
	}
}

// addressSpaceLimited reports whether the process has a finite RLIMIT_AS.
func addressSpaceLimited() bool {
	var lim unix.Rlimit
	return unix.Getrlimit(unix.RLIMIT_AS, &lim) == nil && lim.Cur != unix.RLIM_INFINITY
}

// roundToPage rounds n up to a whole number of the system's pages (a
// WebAssembly page of 64 KiB is a whole number of them on every platform
// tote builds for).
func roundToPage(n uint64) uint64 {
	page := uint64(unix.Getpagesize())
	return (n + page - 1) / page * page
}
