package plaintext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"two\nlines\tand a tab", "two\nlines\tand a tab"},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\x07`},
		{"over\rwrite", `over\x0dwrite`},
		{"del\x7f c1\u009b", `del\x7f c1\u009b`},
		{"bidi \u202eevil\u202c", `bidi \u202eevil\u202c`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"unicode é ✓ 日本", "unicode é ✓ 日本"},
		{`already \x1b escaped`, `already \x1b escaped`},
	} {
		if got := Text(c.in, 0); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Line("a\nb\tc", 0); got != `a\x0ab\x09c` {
		t.Errorf("Line = %q", got)
	}
}

func TestCap(t *testing.T) {
	huge := strings.Repeat("\x1b[31mé", 1<<20)
	got := Text(huge, 0)
	if len(got) > 6*MaxMessage || !strings.HasSuffix(got, " more bytes]") || strings.Contains(got, "\x1b") || !utf8.ValidString(got) {
		t.Fatalf("Text of %d bytes: %d bytes, ends %q", len(huge), len(got), got[len(got)-40:])
	}
	if got := Line(strings.Repeat("n", 1000), 10); got != "nnnnnnnnnn… [990 more bytes]" {
		t.Errorf("Line cap = %q", got)
	}
	// A cut inside a multi-byte character moves back to its start.
	if got := Text("ééé", 3); got != "é… [4 more bytes]" {
		t.Errorf("cut = %q", got)
	}
}

func TestIdempotent(t *testing.T) {
	for _, s := range []string{"\x1b[0m\u202e\xff\r", "fine"} {
		once := Text(s, 0)
		if twice := Text(once, 0); twice != once {
			t.Errorf("Text(Text(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b[2J", "é\xff\n", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, got := range []string{Text(s, 64), Line(s, 64)} {
			if !utf8.ValidString(got) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, got)
			}
			for _, r := range got {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || isHidden(r) {
					t.Fatalf("control %U left in %q (from %q)", r, got, s)
				}
			}
			if len(got) > 64*6+40 {
				t.Fatalf("%d bytes out of a cap of 64", len(got))
			}
		}
	})
}
