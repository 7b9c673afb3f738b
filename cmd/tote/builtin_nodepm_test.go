package main

import "github.com/tote-dev/tote/plugins/nodepm/nodepmtest"

func init() { builtinMirrors = append(builtinMirrors, sharedMirror(nodepmtest.Mirror)) }
