package main

import "github.com/tote-dev/tote/plugins/bun/buntest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(buntest.Mirror)) }
