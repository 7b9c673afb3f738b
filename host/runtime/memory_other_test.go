//go:build !unix

package runtime

import "github.com/tetratelabs/wazero/experimental"

func reservesAddressSpace(experimental.LinearMemory) bool { return false }
