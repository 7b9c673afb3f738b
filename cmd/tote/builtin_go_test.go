package main

import "github.com/tote-dev/tote/plugins/go/gotest"

// goMirror writes gotest's layout (shared: built once per run).
var goMirror = sharedMirror(gotest.Mirror)

func init() { builtinMirrors = append(builtinMirrors, goMirror) }
