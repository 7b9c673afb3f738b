// Package sdke2e holds the end-to-end test of the guest SDK: it builds the
// testdata/fixtures/sdk-all plugin, written with package sdk, for wasip1,
// loads it with host/runtime and checks every SDK helper against the
// real host functions. It has no non-test code.
package sdke2e
