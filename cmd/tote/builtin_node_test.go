package main

import "github.com/tote-dev/tote/plugins/node/nodetest"

// nodeMirror writes nodetest's layout (shared: built once per run).
var nodeMirror = sharedMirror(nodetest.Mirror)

func init() { builtinMirrors = append(builtinMirrors, nodeMirror) }
