// Package native compiles the Rust plugin into tote: importing it (blank)
// registers the built-in. Its native_install runs rustup-init and rustup,
// so the built-in runs commands without a grant (Exec).
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/rust"
)

func init() {
	toolchain.RegisterBuiltin(toolchain.Builtin{ID: "rust", Table: rust.Table, Exec: true})
}
