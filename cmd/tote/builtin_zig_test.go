package main

import "github.com/tote-dev/tote/plugins/zig/zigtest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(zigtest.Mirror)) }
