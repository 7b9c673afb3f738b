package runtime

import (
	"os"
	"testing"
)

func BenchmarkZZMeterRG(b *testing.B) {
	w, _ := os.ReadFile("/tmp/cs/rg.wasm")
	for b.Loop() {
		if _, err := meter(w); err != nil {
			b.Fatal(err)
		}
	}
}
