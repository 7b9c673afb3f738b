// Package sdk is the guest kit for writing tote plugins in Go.
package sdk
