//go:build unix && !linux

package runtime

// populate leaves the pages to be faulted in on first touch.
func populate([]byte) {}
