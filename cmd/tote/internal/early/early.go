// Package early starts `tote run TOOL` from package initialisation, before
// the packages of tote's command tree, WebAssembly runtime and HTTP stack
// are initialised (about 1.5 ms of regular-expression compiles, tables and
// allocations that a run never uses; see BENCHMARKS.md).
//
// Go initialises packages in a defined order (the language specification,
// "Package initialization": repeatedly the first package, sorted by import
// path, whose imports are all initialised), so this package's init runs as
// soon as its own small dependency set — the one tote-shim links — is
// ready. When fastrun cannot answer, init returns and tote starts as
// usual. The script cmd/tote/testdata/script/fastrun.txtar checks, with
// GODEBUG=inittrace=1, that a fast run initialises none of them.
package early

import (
	"os"

	"github.com/tote-dev/tote/internal/launch/fastrun"
)

func init() {
	fastrun.Try(os.Args[1:])
}
