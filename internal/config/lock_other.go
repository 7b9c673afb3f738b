//go:build !unix

package config

// lockDir is a no-op where directory locks are not available; edits stay
// atomic but concurrent editors may lose a pin.
func lockDir(dir string) func() { return func() {} }
