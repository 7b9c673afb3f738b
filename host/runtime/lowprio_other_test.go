//go:build !linux

package runtime

// lowPriority does nothing here: only Linux sets a priority per thread.
func lowPriority() {}
