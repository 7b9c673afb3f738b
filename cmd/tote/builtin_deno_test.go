package main

import "github.com/tote-dev/tote/plugins/deno/denotest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(denotest.Mirror)) }
