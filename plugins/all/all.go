// Package all compiles every built-in plugin into tote: each native adapter
// registers itself in init, and importing this package (blank) picks them
// all up.
package all

import (
	// Built-in tool plugins; keep one line per plugin, sorted.
	_ "github.com/tote-dev/tote/plugins/bun/native"
	_ "github.com/tote-dev/tote/plugins/deno/native"
	_ "github.com/tote-dev/tote/plugins/go/native"
	_ "github.com/tote-dev/tote/plugins/java/native"
	_ "github.com/tote-dev/tote/plugins/kubectl/native"
	_ "github.com/tote-dev/tote/plugins/moon/native"
	_ "github.com/tote-dev/tote/plugins/node/native"
	_ "github.com/tote-dev/tote/plugins/nodepm/native"
	_ "github.com/tote-dev/tote/plugins/poetry/native"
	_ "github.com/tote-dev/tote/plugins/python/native"
	_ "github.com/tote-dev/tote/plugins/ruby/native"
	_ "github.com/tote-dev/tote/plugins/rust/native"
	_ "github.com/tote-dev/tote/plugins/terraform/native"
	_ "github.com/tote-dev/tote/plugins/tote/native"
	_ "github.com/tote-dev/tote/plugins/uv/native"
	_ "github.com/tote-dev/tote/plugins/zig/native"

	// Built-in extensions (opt-in through [extensions.<id>] enabled = true).
	_ "github.com/tote-dev/tote/plugins/stats/native"
)
