// Package native compiles the npm, pnpm and yarn plugins into tote:
// importing it registers the built-ins "npm", "pnpm" and "yarn".
package native

import (
	"github.com/tote-dev/tote/internal/toolchain"
	"github.com/tote-dev/tote/plugins/nodepm"
)

func init() {
	for _, k := range []nodepm.Kind{nodepm.Npm, nodepm.Pnpm, nodepm.Yarn} {
		toolchain.RegisterBuiltin(toolchain.Builtin{ID: k.String(), Table: nodepm.Table(k), Exec: true})
	}
}
