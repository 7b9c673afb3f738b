package runtime

import (
	"context"
	"os"
	"path/filepath"
	goruntime "runtime"
	"testing"

	"github.com/tote-dev/tote/api"
)

// The C library is read from ldd's own file where it says (glibc's script
// names the GNU C Library; musl's ldd is the musl loader), and from
// `ldd --version` only where it does not.
func TestLibcFromText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want api.HostLibc
	}{
		{"#! /bin/bash\n# This file is part of the GNU C Library.\nTEXTDOMAIN=libc\n", api.LibcGnu},
		{"ldd (Debian GLIBC 2.36-9+deb12u14) 2.36\n", api.LibcGnu},
		{"ldd (GNU libc) 2.39\n", api.LibcGnu},
		{"musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n", api.LibcMusl},
		{"\x7fELF\x02\x01\x01 ... /lib/ld-musl-x86_64.so.1 ...", api.LibcMusl},
		{"#!/bin/sh\nexec something-else \"$@\"\n", api.LibcUnknown},
	} {
		if got := libcFromText([]byte(tc.text)); got != tc.want {
			t.Errorf("libcFromText(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
}

func TestDetectLibcReadsLdd(t *testing.T) {
	if goruntime.GOOS != "linux" {
		t.Skip("libc detection is for Linux")
	}
	for _, pattern := range []string{"/lib/ld-musl-*.so.1", "/usr/lib/ld-musl-*.so.1"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			t.Skip("a musl loader exists here: detection stops there")
		}
	}
	dir := t.TempDir()
	// A glibc ldd script that, were it run, would claim musl: the answer
	// must come from reading it.
	script := "#!/bin/sh\n# This file is part of the GNU C Library.\nprintf '\\155usl\\n' >&2\n" // prints "musl"
	if err := os.WriteFile(filepath.Join(dir, "ldd"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if got := detectLibc(context.Background()); got != api.LibcGnu {
		t.Errorf("detectLibc with glibc's ldd script = %s, want gnu (read, not run)", got)
	}
	// An ldd that says nothing in its file is asked for its version.
	script = "#!/bin/sh\necho 'musl libc (x86_64)' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "ldd"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := detectLibc(context.Background()); got != api.LibcMusl {
		t.Errorf("detectLibc with a silent ldd = %s, want musl (from ldd --version)", got)
	}
}
