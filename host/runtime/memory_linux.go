package runtime

import "golang.org/x/sys/unix"

// populate has the kernel fault in b's pages now, in one call: far cheaper
// than one page fault each time the guest first touches a page (a Go
// guest writes most of its initial memory while its runtime starts).
// Kernels before 5.14 do not know MADV_POPULATE_WRITE; the pages are then
// faulted in on first touch.
func populate(b []byte) {
	_ = unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}
