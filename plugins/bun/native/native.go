// Package native compiles the Bun plugin into tote: importing it (blank)
// registers the built-in.
package native

import (
	"github.com/tote-dev/tote/internal/cli"
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/bun"
)

func init() {
	cli.RegisterBuiltin(toolchain.Builtin{ID: "bun", Version: bun.Version, Table: bun.Table})
}
