package config

import (
	"fmt"
	"strings"
	"testing"
	"time"

	toml "github.com/pelletier/go-toml/v2"
)

func TestZZBig(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "tool%d = \"1.%d\"\n", i, i)
	}
	good := b.String()
	b.WriteString("tool5 = \"dup\"\n")
	start := time.Now()
	var m map[string]any
	toml.Unmarshal([]byte(good), &m)
	t.Log("unmarshal", time.Since(start))
	start = time.Now()
	scan([]byte(good))
	t.Log("scan", time.Since(start))
	start = time.Now()
	_, err := Parse("/x", []byte(good))
	t.Log("parse good", time.Since(start), err)
}
