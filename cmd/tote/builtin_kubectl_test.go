package main

import "github.com/tote-dev/tote/plugins/kubectl/kubectltest"

func init() { builtinMirrors = append(builtinMirrors, forScript("kubectl", kubectltest.Mirror)) }
