package main

import "github.com/tote-dev/tote/plugins/ruby/rubytest"

func init() { builtinMirrors = append(builtinMirrors, forScript("ruby", rubytest.Mirror)) }
